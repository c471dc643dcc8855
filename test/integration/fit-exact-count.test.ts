/**
 * Exact mode in a trusted workspace (this pass runs with trust granted): the command runs
 * the active file with the configured interpreter and torch, and puts torch's count next
 * to the static one. Needs an interpreter with torch: /usr/bin/python3 with Debian's
 * python3-torch on the development machines; skipped, saying why, where there is none.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { ExactModeOutcome } from '../../src/vscode/exactMode';
import { openInEditor } from './lib/extension';
import { activateAndDetect, resetSettings, setSetting } from './lib/fit';

const PYTHON = '/usr/bin/python3';

/** Asked without blocking the extension host (importing torch takes seconds). */
function hasTorch(python: string): Promise<boolean> {
  return new Promise((resolve) => execFile(python, ['-c', 'import torch'], { timeout: 60_000 }, (error) => resolve(!error)));
}

describe('exact mode (trusted workspace)', () => {
  before(async () => {
    await activateAndDetect('mlp.py');
  });

  afterEach(async () => {
    await resetSettings('pythonPath');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('counts with torch and shows the count next to the static one', async function () {
    if (!(await hasTorch(PYTHON))) this.skip();
    assert.equal(vscode.workspace.isTrusted, true);
    await setSetting('pythonPath', PYTHON);
    await openInEditor('mlp.py');
    const outcome = (await vscode.commands.executeCommand<ExactModeOutcome>('modelProfiler.exactCount'))!;
    assert.equal(outcome.ran, true);
    assert.equal(outcome.result!.error, undefined);
    // torch's sum(p.numel() for p in MLP().parameters()): Linear(784, 256) + Linear(256, 10).
    assert.deepEqual(outcome.rows, [{ name: 'MLP', exact: 203_530, exactTrainable: 203_530, estimated: 203_530, match: 'same' }]);
    assert.match(outcome.message, /^Exact counts \(torch [\w.]+ on (cpu|meta)\): MLP 203,530 \(static: same\)$/);
  });

  it('says so when the interpreter does not exist', async () => {
    await setSetting('pythonPath', '/nonexistent/python3');
    await openInEditor('mlp.py');
    const outcome = (await vscode.commands.executeCommand<ExactModeOutcome>('modelProfiler.exactCount'))!;
    assert.equal(outcome.ran, true);
    assert.equal(outcome.message, 'Exact mode could not count: Python interpreter not found: /nonexistent/python3');
  });
});
