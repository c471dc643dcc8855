/**
 * Notebooks: test/integration/workspace/editor/notebook.ipynb has a configuration in
 * cell 2 (HIDDEN = 512), a constant in cell 4 and the model class in cell 5; cells are
 * analysed together, in order, and hovers, CodeLens and diagnostics appear in the cells.
 * Expected counts: torch 1.13 running the notebook's code cells in order (407,050).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWith, workspaceFile } from './lib/extension';
import { codeLenses, eventually, hoverText, positionOf, restoreBudget, useGenerousBudget } from './lib/editor';

describe('editor: notebooks', function () {
  this.timeout(120_000);
  let notebook: vscode.NotebookDocument;
  let notebookEditor: vscode.NotebookEditor;
  let modelCell: vscode.TextDocument;
  let instanceCell: vscode.TextDocument;

  before(async () => {
    await useGenerousBudget();
    await activateWith();
    notebook = await vscode.workspace.openNotebookDocument(workspaceFile('editor/notebook.ipynb'));
    notebookEditor = await vscode.window.showNotebookDocument(notebook);
    modelCell = notebook.cellAt(4).document;
    instanceCell = notebook.cellAt(5).document;
    assert.equal(modelCell.uri.scheme, 'vscode-notebook-cell');
  });

  after(async () => {
    await restoreBudget();
  });

  /**
   * CodeLens of a cell. The workbench creates a cell's text model when the notebook
   * editor renders the cell, and the CodeLens command needs that model: scroll the
   * cell into view and retry until it is there.
   */
  async function cellLenses(index: number): Promise<Awaited<ReturnType<typeof codeLenses>>> {
    notebookEditor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    return eventually(() => codeLenses(notebook.cellAt(index).document.uri), `the CodeLens of cell ${index + 1}`);
  }

  it('hovers a class in cell 5 built from the configuration of cell 2', async () => {
    const text = await hoverText(modelCell.uri, positionOf(modelCell, 'class NotebookMLP', 8));
    assert.match(text, /\*\*NotebookMLP\*\* · PyTorch class/);
    // torch 1.13: Linear(784, 512) + Linear(512, 10) = 401,920 + 5,130 = 407,050 parameters.
    assert.match(text, /\(407,050\), all trainable/);
    // `# profile: batch=32` in the cell, over 784 features (cell 4: IN_FEATURES = 28 * 28).
    assert.match(text, /Input \[32, 784\]/);
  });

  it('hovers a layer line of a cell', async () => {
    const text = await hoverText(modelCell.uri, positionOf(modelCell, 'nn.Linear(IN_FEATURES, HIDDEN)', 3));
    assert.match(text, /\*\*Linear\*\* `fc1` in NotebookMLP/);
    // torch 1.13: 784·512 + 512 = 401,920 parameters, output [32, 512]; 32 × 784 × 512 = 12,845,056 MACs.
    assert.match(text, /\(401,920\)/);
    assert.match(text, /\| Output \| \[32, 512\] \|/);
    assert.match(text, /12\.85 MMACs/);
  });

  it('puts CodeLens in the cells that define models', async () => {
    const lenses = await cellLenses(4);
    assert.equal(lenses.length, 1);
    assert.equal(modelCell.lineAt(lenses[0]!.line).text, 'class NotebookMLP(nn.Module):');
    assert.match(lenses[0]!.title, /^407\.1K params · train [\d.]+ MB \(b=32, fp32\)/);
    assert.deepEqual(lenses[0]!.args, [{ uri: modelCell.uri.toString(), model: 'NotebookMLP' }]);
    const instance = await cellLenses(5);
    assert.equal(instance.length, 1);
    assert.equal(instanceCell.lineAt(instance[0]!.line).text, 'model = NotebookMLP()');
    // The cells of the configuration and of the constant define no model.
    assert.deepEqual(await cellLenses(1), []);
    assert.deepEqual(await cellLenses(3), []);
  });

  it('puts a # profile: error on the comment in its cell', async () => {
    const diagnostics = await eventually(async () => {
      const d = vscode.languages.getDiagnostics(instanceCell.uri).filter((x) => x.source === 'Model Profiler');
      return d.length > 0 ? d : undefined;
    }, 'the diagnostic in cell 6');
    assert.equal(diagnostics.length, 1);
    const d = diagnostics[0]!;
    assert.equal(d.code, 'profile-comment');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, 0);
    assert.equal(instanceCell.getText(d.range), 'lots');
    // Nothing leaks into the other cells.
    assert.deepEqual(vscode.languages.getDiagnostics(modelCell.uri).filter((x) => x.source === 'Model Profiler'), []);
  });

  it('re-analyses when the configuration cell changes', async () => {
    const config = notebook.cellAt(1).document;
    const line = config.getText().split('\n').findIndex((l) => l.startsWith('HIDDEN = '));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(config.uri, config.lineAt(line).range, 'HIDDEN = 256');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      // Linear(784, 256) + Linear(256, 10) = 200,960 + 2,570 = 203,530 parameters (torch 1.13).
      await eventually(async () => ((await cellLenses(4))[0]?.title.startsWith('203.5K params') ? true : undefined), 'the lens after HIDDEN = 256');
    } finally {
      const undo = new vscode.WorkspaceEdit();
      undo.replace(config.uri, config.lineAt(line).range, 'HIDDEN = 512');
      await vscode.workspace.applyEdit(undo);
    }
  });
});
