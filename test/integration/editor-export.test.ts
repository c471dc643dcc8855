/**
 * Export Report, invoked programmatically with a model id, a format and a target file
 * (the palette asks for each with a quick pick and a save dialog instead).
 * Parameter counts: torch 1.13 on test/integration/workspace/editor/mnist_cnn.py.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, restoreBudget, useGenerousBudget } from './lib/editor';
import { activateWith, openInEditor, workspaceFile } from './lib/extension';

async function exportTo(model: Record<string, unknown>, format: string, name: string): Promise<string> {
  const target = workspaceFile(`exports/${name}`);
  const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('modelProfiler.exportReport', { ...model, format, target });
  assert.ok(written, 'the command returns the file it wrote');
  assert.equal(written.toString(), target.toString());
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
}

describe('editor: Export Report', function () {
  this.timeout(120_000);
  let ref: { uri: string; model: string };

  before(async () => {
    await useGenerousBudget();
    await activateWith();
    const editor = await openInEditor('editor/mnist_cnn.py');
    // What the CodeLens and the hover pass to commands.
    ref = { uri: editor.document.uri.toString(), model: 'MnistCNN' };
  });

  after(async () => {
    await restoreBudget();
  });

  it('writes Markdown a person can paste into a pull request', async () => {
    const text = await exportTo(ref, 'markdown', 'mnist.md');
    assert.match(text, /^# MnistCNN\n/);
    assert.match(text, /421,642/); // torch 1.13
    assert.match(text, /\| --- \|/);
  });

  it('writes the report as JSON', async () => {
    const report = JSON.parse(await exportTo(ref, 'json', 'mnist.json'));
    assert.equal(report.name, 'MnistCNN');
    assert.equal(report.params.total, 421642); // torch 1.13
    assert.equal(report.options.batch, 64); // # profile: batch=64
  });

  it('writes the layer table as CSV', async () => {
    const rows = (await exportTo(ref, 'csv', 'mnist.csv')).trim().split('\r\n');
    const header = rows[0]!.split(',');
    const fc1 = rows.map((r) => r.split(',')).find((r) => r[0] === 'fc1');
    assert.ok(fc1, rows.join('\n'));
    // torch 1.13: fc1 = Linear(3136, 128) has 401,536 parameters and outputs [64, 128].
    assert.equal(fc1[header.indexOf('params')], '401536');
    assert.equal(fc1[header.indexOf('type')], 'Linear');
  });

  it('exports a model named in the active editor', async () => {
    await openInEditor('editor/mnist_cnn.py');
    const report = JSON.parse(await exportTo({ model: 'wide' }, 'json', 'wide.json'));
    assert.equal(report.params.total, 433252); // torch 1.13: MnistCNN(num_classes=100)
  });

  it("takes the panel's model id", async () => {
    const report = JSON.parse(await exportTo({ model: `${ref.uri}#build_classifier` }, 'json', 'builder.json'));
    assert.equal(report.params.total, 90192640); // torch 1.13: Linear(4096, 11008) + GELU + Linear(11008, 4096)
  });

  it('asks which model when the file has several, the one under the cursor first', async () => {
    const editor = await openInEditor('editor/mnist_cnn.py');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('nn.Linear(4096, 11008)'));
    editor.selection = new vscode.Selection(line, 8, line, 8);
    const target = workspaceFile('exports/picked.json');
    const done = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('modelProfiler.exportReport', { format: 'json', target }));
    // Accept the quick pick's first row once it shows (accepting with none open does nothing).
    const written = await eventually(async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return Promise.race([done, new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))]);
    }, 'the model quick pick');
    assert.equal(written.toString(), target.toString());
    const report = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
    assert.equal(report.name, 'build_classifier');
    assert.equal(report.params.total, 90192640); // torch 1.13
  });

  it('writes nothing for a model that does not exist', async () => {
    const target = workspaceFile('exports/none.json');
    const written = await vscode.commands.executeCommand('modelProfiler.exportReport', { model: 'NoSuchModel', format: 'json', target });
    assert.equal(written, undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(target)));
  });
});
