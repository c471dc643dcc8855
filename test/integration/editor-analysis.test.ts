/**
 * The analysis service in the real extension host: the engine runs in a worker
 * thread, re-analysis waits for the typing to pause, and large files are analysed
 * only on request. Counts: torch 1.13 on test/integration/workspace/editor/mnist_cnn.py.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import { activateWith, workspaceFile } from './lib/extension';
import { codeLenses, eventually, hoverText, positionOf, restoreBudget, setSetting, useGenerousBudget } from './lib/editor';

async function writeWorkspaceFile(relative: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(relative);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

describe('editor: analysis service', function () {
  this.timeout(120_000);
  let api: ModelProfilerApi;
  let mnist: string;

  before(async () => {
    await useGenerousBudget();
    api = await activateWith();
    mnist = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('editor/mnist_cnn.py')));
  });

  after(async () => {
    await restoreBudget();
  });

  afterEach(async () => {
    for (const key of ['analysis.debounceMs', 'analysis.maxFileSizeKB']) await setSetting(key, undefined);
  });

  it('runs the engine in a worker thread', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('editor/mnist_cnn.py'));
    const report = await api.analysis.getReports(document);
    assert.equal(report.models.find((m) => m.name === 'MnistCNN')?.params.total, 421_642); // torch 1.13
    const stats = api.analysis.stats();
    assert.equal(stats.mode, 'worker');
    assert.ok(stats.workerInitMs !== undefined, 'the worker reported its start');
  });

  it('answers peek from the cache for the current version only', async () => {
    const uri = await writeWorkspaceFile('editor/scratch_peek.py', mnist);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const report = await api.analysis.getReports(editor.document);
    assert.equal(api.analysis.peek(editor.document), report);
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited\n')));
    assert.equal(api.analysis.peek(editor.document), undefined);
    assert.equal(api.analysis.peek(editor.document, { allowStale: true }), report);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('re-analyses once when the typing pauses, not on every keystroke', async () => {
    await setSetting('analysis.debounceMs', 600);
    const uri = await writeWorkspaceFile('editor/scratch_typing.py', mnist);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await eventually(async () => ((await codeLenses(uri)).length === 3 ? true : undefined), 'the first analysis');
    const before = api.analysis.stats().jobs;
    const updates: string[] = [];
    const listener = api.analysis.onDidUpdate((u) => updates.push(u.toString()));
    try {
      // Ten keystrokes 50 ms apart, each well inside the 600 ms pause.
      const line = positionOf(editor.document, '    def __init__(self, num_classes: int = 10):').line - 1;
      for (const ch of '# a commen') {
        assert.ok(await editor.edit((b) => b.insert(new vscode.Position(line, editor.document.lineAt(line).text.length), ch)));
        await new Promise((r) => setTimeout(r, 50));
      }
      await eventually(async () => (api.analysis.peek(editor.document) ? true : undefined), 'the analysis after the pause');
      assert.equal(api.analysis.stats().jobs - before, 1, 'one analysis for ten keystrokes');
      assert.deepEqual(updates.filter((u) => u === uri.toString()).length, 1);
      assert.equal(api.analysis.peek(editor.document)!.models.find((m) => m.name === 'MnistCNN')?.params.total, 421_642);
    } finally {
      listener.dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('analyses a file above the size limit only on request', async () => {
    // 16 KB is the smallest limit the setting allows; the file is the fixture plus 20 KB of comments.
    await setSetting('analysis.maxFileSizeKB', 16);
    const padding = Array.from({ length: 400 }, (_, i) => `# padding line ${i} ${'.'.repeat(30)}`).join('\n');
    const uri = await writeWorkspaceFile('editor/scratch_large.py', `${mnist}\n${padding}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.deepEqual(await codeLenses(uri), []);
    assert.equal(await hoverText(uri, positionOf(document, 'class MnistCNN', 8)), '');
    const skipped = await api.analysis.getReports(document);
    assert.deepEqual(skipped.models, []);
    assert.equal(skipped.findings[0]?.code, 'file-too-large');

    const requested = await api.analysis.getReports(document, { onRequest: true });
    const why = JSON.stringify(requested.findings);
    assert.equal(requested.models.find((m) => m.name === 'MnistCNN')?.params.total, 421_642, why);

    await setSetting('analysis.maxFileSizeKB', undefined);
    await eventually(async () => ((await codeLenses(uri)).length === 3 ? true : undefined), 'the lenses under the default limit');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('follows the device list of a provider the hardware service plugs in', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('editor/mnist_cnn.py'));
    await vscode.window.showTextDocument(document);
    const emitter = new vscode.EventEmitter<void>();
    // An A100 80GB: 80 GiB, as the catalog lists it.
    const device = { id: 'a100-80gb-sxm', name: 'A100 80GB', kind: 'gpu' as const, vendor: 'nvidia' as const, memoryBytes: 80 * 2 ** 30, peakTflops: { bf16: 312 }, local: true };
    const registration = api.analysis.setDeviceProvider({ devices: () => [device], onDidChange: emitter.event });
    try {
      const lens = await eventually(async () => {
        const l = (await codeLenses(document.uri))[0];
        return l?.title.endsWith('✓ fits A100 80GB') ? l : undefined;
      }, 'the lens naming the provided device');
      assert.match(lens.title, /^421\.6K params · /);
      assert.deepEqual(api.analysis.devices(), [device]);
    } finally {
      registration.dispose();
      emitter.dispose();
    }
    await eventually(async () => ((await codeLenses(document.uri))[0]?.title.endsWith('A100 80GB') ? undefined : true), 'the default devices back');
  });
});
