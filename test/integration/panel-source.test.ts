/**
 * The panel's data source in the real extension host: it lists the models of the
 * visible editors, its reports carry the engine's numbers for the same document, and
 * it tells the panel when typing or settings change them.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyzeDocument } from '../../src/core/analyze';
import { optionsWithControls } from '../../src/shared/controls';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import type { PanelChangeKind } from '../../src/vscode/panel/dataSource';
import { createPanelDataSource, panelModelId, type ProfilerDataSource } from '../../src/vscode/panelSource';
import type { ModelProfilerApi } from '../../src/extension';
import { activateWith, openInEditor, waitFor, workspaceFile } from './lib/extension';

describe('panel data source', () => {
  let source: ProfilerDataSource;
  let api: ModelProfilerApi;
  const changes: PanelChangeKind[] = [];

  before(async () => {
    // Editors earlier suites left open would add their models to the picker.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api = await activateWith('mlp.py');
    // A data source of its own on the extension's analysis and hardware services, as activate() makes one.
    source = createPanelDataSource(api.analysis, api.fit.hardware);
    source.onDidChange((e) => changes.push(e.kind));
  });

  after(async () => {
    source.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists the models of the active editor with ids made of the document URI and the name', async () => {
    const editor = await openInEditor('mlp.py');
    const models = await source.listModels();
    const id = panelModelId(editor.document.uri, 'MLP');
    assert.deepEqual(models, [{ id, name: 'MLP', kind: 'class', framework: 'pytorch', line: 6, file: 'mlp.py', detail: '203.5K params' }]);
    assert.equal(source.preferredModelId(), id);
    assert.equal(source.documentUri(id), editor.document.uri.toString());
  });

  it("returns reports whose numbers equal the engine's for the same document", async () => {
    const editor = await openInEditor('mlp.py');
    const id = panelModelId(editor.document.uri, 'MLP');
    await source.listModels();
    const controls = source.defaultControls(id);
    const report = await source.report(id, controls);
    assert.ok(report, 'no report for MLP');
    // torch 1.13: sum(p.numel() for p in MLP().parameters()) = 784·256 + 256 + 256·10 + 10.
    assert.equal(report.params.total, 203_530);

    const devices = await source.devices(controls);
    assert.ok(devices.some((d) => d.id === 'local-cpu'), 'this machine\'s RAM is one of the devices');
    // The engine run here, on this thread, on the same text, options and devices.
    await initParserFromDisk();
    const engine = analyzeDocument({
      file: editor.document.uri.fsPath,
      text: editor.document.getText(),
      host: NO_FILES,
      options: optionsWithControls(api.analysis.config().options, controls),
      devices,
      budgets: { timeMs: 10_000 },
    }).models[0]!;
    assert.deepEqual(report.params, engine.params);
    assert.deepEqual(report.memory, engine.memory);
    assert.deepEqual(report.macs, engine.macs);
    assert.deepEqual(report.storage.checkpointBytes, engine.storage.checkpointBytes);
    assert.deepEqual(report.fit.map((f) => [f.deviceId, f.verdict, f.requiredBytes, f.maxBatch]), engine.fit.map((f) => [f.deviceId, f.verdict, f.requiredBytes, f.maxBatch]));
    assert.deepEqual(report.layers.map((r) => [r.path, r.line, r.params, r.macs]), engine.layers.map((r) => [r.path, r.line, r.params, r.macs]));

    const curve = await source.curve(id, controls, 'batch');
    const atBatch = curve.find((p) => p.x === controls.batch);
    assert.deepEqual(atBatch && [atBatch.trainBytes, atBatch.inferBytes], [report.memory.train.totalBytes, report.memory.inference.totalBytes]);
  });

  it('estimates what-if reports and curves in the analysis worker, not on the extension host thread', async () => {
    const editor = await openInEditor('mlp.py');
    const id = panelModelId(editor.document.uri, 'MLP');
    await source.listModels();
    // A batch no other test asks for, so the service's what-if memo cannot answer it.
    const controls = { ...source.defaultControls(id), batch: 37 };
    const before = api.analysis.stats().jobs;
    const report = await source.report(id, controls);
    assert.equal(api.analysis.stats().mode, 'worker', 'the engine runs in the worker thread');
    assert.equal(api.analysis.stats().jobs - before, 1, 'one worker job for the panel\'s report');
    // torch 1.13: MLP()'s last Linear(256, 10) outputs [37, 10] for a batch of 37.
    assert.deepEqual(report?.layers.find((r) => r.path === 'net.3')?.outputShape, [[37, 10]]);
    // The batch curve is read off that report: no further job.
    await source.curve(id, controls, 'batch');
    assert.equal(api.analysis.stats().jobs - before, 1, 'the batch curve reuses the report');
  });

  it('lists the models of every visible editor, the active one first', async () => {
    const mlp = await openInEditor('mlp.py');
    const cnnDoc = await vscode.workspace.openTextDocument(workspaceFile('panel_mnist_cnn.py'));
    const cnn = await vscode.window.showTextDocument(cnnDoc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    try {
      assert.equal(vscode.window.activeTextEditor?.document, cnn.document);
      const models = await source.listModels();
      assert.deepEqual(
        models.map((m) => [m.id, m.file]),
        [
          [panelModelId(cnn.document.uri, 'MnistCNN'), 'panel_mnist_cnn.py'],
          [panelModelId(cnn.document.uri, 'model'), 'panel_mnist_cnn.py'],
          [panelModelId(mlp.document.uri, 'MLP'), 'mlp.py'],
        ],
      );
      // torch 1.13: MnistCNN() has 421,834 parameters, MLP() 203,530.
      assert.deepEqual(
        models.map((m) => m.detail),
        ['421.8K params', '421.8K params', '203.5K params'],
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('lists the models of a notebook under the notebook\'s own path', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('editor/notebook.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    try {
      const cell = notebook.cellAt(4).document;
      await waitFor(() => vscode.window.visibleTextEditors.some((e) => e.document === cell), 'the model cell to show');
      const models = await source.listModels();
      const mlp = models.find((m) => m.name === 'NotebookMLP');
      // torch 1.13: Linear(784, 512) + Linear(512, 10) = 407,050 parameters.
      assert.deepEqual(mlp && [mlp.id, mlp.file, mlp.detail], [panelModelId(cell.uri, 'NotebookMLP'), 'editor/notebook.ipynb', '407.1K params']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it("follows the # profile: comment for a model's starting controls (batch=64, input=1,28,28)", async () => {
    const editor = await openInEditor('panel_mnist_cnn.py');
    const id = panelModelId(editor.document.uri, 'MnistCNN');
    await source.listModels();
    const controls = source.defaultControls(id);
    assert.equal(controls.batch, 64);
    assert.deepEqual(controls.input, [1, 28, 28]);
    const report = await source.report(id, { ...controls, batch: 32 });
    // torch 1.13: MnistCNN() has 421,834 parameters; the panel's batch outranks the comment's.
    assert.equal(report?.params.total, 421_834);
    assert.deepEqual(report?.input?.shapes, [[32, 1, 28, 28]]);
  });

  it('prefers the model under the cursor, else the one the panel shows when it is in this document, else the first', async () => {
    const editor = await openInEditor('panel_mnist_cnn.py');
    const uri = editor.document.uri;
    await source.listModels();
    // Line 1 is the module docstring: no model there.
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    assert.equal(source.preferredModelId(), panelModelId(uri, 'MnistCNN'));
    assert.equal(source.preferredModelId(panelModelId(uri, 'model')), panelModelId(uri, 'model'));
    assert.equal(source.preferredModelId(panelModelId(workspaceFile('mlp.py'), 'MLP')), panelModelId(uri, 'MnistCNN'));
    // Line 18 is inside `class MnistCNN` (self.bn1 = ...).
    editor.selection = new vscode.Selection(17, 8, 17, 8);
    assert.equal(source.preferredModelId(panelModelId(uri, 'model')), panelModelId(uri, 'MnistCNN'));
  });

  it('says the data changed when the document is edited, and reports the edit', async () => {
    const editor = await openInEditor('mlp.py');
    const id = panelModelId(editor.document.uri, 'MLP');
    changes.length = 0;
    const line = editor.document.lineAt(6);
    assert.match(line.text, /hidden: int = 256/);
    const at = line.text.indexOf('256');
    const original = editor.document.getText();
    await editor.edit((b) => b.replace(new vscode.Range(6, at, 6, at + 3), '512'));
    try {
      await waitFor(() => changes.includes('document'), 'a document change');
      // torch 1.13: MLP(hidden=512) has 784·512 + 512 + 512·10 + 10 = 407,050 parameters.
      const report = await source.report(id, source.defaultControls(id));
      assert.equal(report?.params.total, 407_050);
    } finally {
      // Back to the fixture as written, saved, for the suites that follow.
      await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), original));
      await editor.document.save();
    }
    assert.equal(editor.document.getText(), original);
  });

  it('says the data changed when a modelProfiler setting changes, and uses the new value', async () => {
    const editor = await openInEditor('mlp.py');
    const id = panelModelId(editor.document.uri, 'MLP');
    await source.listModels();
    changes.length = 0;
    const config = vscode.workspace.getConfiguration('modelProfiler');
    await config.update('batchSize', 24, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(() => changes.includes('settings'), 'a settings change');
      await source.listModels();
      assert.equal(source.defaultControls(id).batch, 24);
    } finally {
      await config.update('batchSize', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(() => api.analysis.config().options.batch === 8, 'the setting to be removed');
    await source.listModels();
    assert.equal(source.defaultControls(id).batch, 8);
  });

  it('gives no report for a model of a document that is not open', async () => {
    const missing = panelModelId(workspaceFile('not-open.py'), 'Net');
    assert.equal(await source.report(missing, source.defaultControls('')), undefined);
  });
});
