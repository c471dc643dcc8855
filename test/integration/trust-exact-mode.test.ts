/**
 * Workspace trust. This suite runs in its own VS Code launch with workspace trust on
 * (scripts/lib/suitePasses.mjs), where the fixture folder, never trusted, opens in
 * restricted mode: static analysis works, exact mode (which runs the person's Python) does
 * not. A stand-in interpreter that would leave a marker file shows nothing was run.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import type { ExactModeOutcome } from '../../src/vscode/exactMode';
import type { CheckFitsResult } from '../../src/vscode/fitCheck';
import { activateWith, manifest, workspaceFile } from './lib/extension';

describe('workspace trust', () => {
  let api: ModelProfilerApi;
  let dir: string;
  let marker: string;

  before(async () => {
    api = await activateWith('mlp.py');
    dir = mkdtempSync(path.join(os.tmpdir(), 'model-profiler-trust-'));
    marker = path.join(dir, 'ran');
    const python = path.join(dir, 'python');
    writeFileSync(python, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(python, 0o755);
    // The user settings (restricted settings from the workspace are ignored when it is untrusted).
    await vscode.workspace.getConfiguration('modelProfiler').update('pythonPath', python, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('modelProfiler').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the fixture folder untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('declares limited support for untrusted workspaces, with the interpreter setting restricted', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(untrusted.restrictedConfigurations, ['modelProfiler.pythonPath']);
    const exact = manifest.contributes.commands.find((c) => c.command === 'modelProfiler.exactCount') as { enablement?: string };
    assert.equal(exact.enablement, 'isWorkspaceTrusted');
  });

  it('analyses statically all the same', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('mlp.py'));
    const report = await api.analysis.getReports(document);
    // MLP: Linear(784, 256) + Linear(256, 10) = 784·256 + 256 + 256·10 + 10 (nn.Linear: in·out + out).
    assert.equal(report.models[0]!.name, 'MLP');
    assert.equal(report.models[0]!.params.total, 203_530);
    const check = (await vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits', document.uri))!;
    assert.equal(check.model, 'MLP');
    assert.ok(['fits', 'tight', 'exceeds'].includes(check.status), check.status);
  });

  it('refuses exact mode and runs nothing', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('mlp.py')));
    const outcome = (await vscode.commands.executeCommand<ExactModeOutcome>('modelProfiler.exactCount'))!;
    assert.equal(outcome.ran, false);
    assert.equal(outcome.reason, 'untrusted');
    assert.equal(outcome.message, 'Exact mode runs your Python code, so it is available only in a trusted workspace. The static estimates work without it.');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(existsSync(marker), false, 'the interpreter was not started');
  });
});
