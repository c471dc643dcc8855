/**
 * The panel's commands in the real extension host: Open Profiler Panel opens the
 * webview panel, Reveal Layer selects a layer's line, Apply Recommendation writes the
 * model's `# profile:` comment or the workspace settings.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../../src/shared/protocol';
import type { AppliedRecommendation } from '../../src/vscode/applyRecommendation';
import { panelModelId } from '../../src/vscode/panelSource';
import { activateWith, openInEditor, waitFor } from './lib/extension';

/** Tabs showing a profiler panel (VS Code prefixes the view type of extension webviews). */
function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_VIEW_TYPE));
}

/** Documents a test edits, with their text before, so later suites see the fixtures as written. */
const originals = new Map<vscode.TextDocument, string>();

async function openToEdit(relative: string): Promise<vscode.TextEditor> {
  const editor = await openInEditor(relative);
  originals.set(editor.document, editor.document.getText());
  return editor;
}

async function restoreDocuments(): Promise<void> {
  for (const [doc, text] of originals) {
    if (doc.getText() === text) continue;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
  }
  originals.clear();
}

async function closeEverything(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(() => panelTabs().length === 0 && vscode.window.visibleTextEditors.length === 0, 'every editor to close');
}

describe('panel commands', () => {
  before(async () => {
    await activateWith('mlp.py');
  });

  after(closeEverything);

  describe('modelProfiler.openPanel', () => {
    afterEach(closeEverything);

    it('opens one webview panel of type modelProfiler.panel beside the editor', async () => {
      const editor = await openInEditor('mlp.py');
      await vscode.commands.executeCommand('modelProfiler.openPanel');
      await waitFor(() => panelTabs().length === 1, 'the profiler panel tab');
      const [tab] = panelTabs();
      assert.equal(tab!.label, 'Model Profiler');
      assert.notEqual(tab!.group.viewColumn, editor.viewColumn, 'the panel opens beside the editor');
      // Running it again reveals the same panel rather than opening another.
      await vscode.commands.executeCommand('modelProfiler.openPanel');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(panelTabs().length, 1);
    });

    it('takes a model id, or the document URI and model name, as the CodeLens passes them', async () => {
      const editor = await openInEditor('panel_mnist_cnn.py');
      const uri = editor.document.uri.toString();
      await vscode.commands.executeCommand('modelProfiler.openPanel', panelModelId(uri, 'MnistCNN'));
      await waitFor(() => panelTabs().length === 1, 'the profiler panel tab');
      await vscode.commands.executeCommand('modelProfiler.openPanel', { uri, model: 'model' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(panelTabs().length, 1);
    });
  });

  describe('modelProfiler.revealLayer', () => {
    afterEach(closeEverything);

    it("opens the model's file and selects the layer's line", async () => {
      const editor = await openInEditor('mlp.py');
      const uri = editor.document.uri;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      // Line 11 holds `nn.Linear(28 * 28, hidden),` indented by 12 spaces.
      await vscode.commands.executeCommand('modelProfiler.revealLayer', { uri: uri.toString(), line: 11 });
      const active = vscode.window.activeTextEditor;
      assert.equal(active?.document.uri.toString(), uri.toString());
      const selection = active!.selection;
      assert.deepEqual([selection.start.line, selection.start.character, selection.end.line], [10, 12, 10]);
      assert.equal(active!.document.getText(selection), 'nn.Linear(28 * 28, hidden),');
    });

    it('accepts (uri, line) and clamps a line past the end of the file', async () => {
      const editor = await openInEditor('mlp.py');
      await vscode.commands.executeCommand('modelProfiler.revealLayer', editor.document.uri, 10_000);
      const last = editor.document.lineCount - 1;
      assert.equal(vscode.window.activeTextEditor?.selection.start.line, last);
    });
  });

  describe('modelProfiler.applyRecommendation', () => {
    afterEach(async () => {
      await restoreDocuments();
      const config = vscode.workspace.getConfiguration('modelProfiler');
      for (const key of ['batchSize', 'gradientCheckpointing', 'precision']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
      await closeEverything();
    });

    it("writes values a # profile: comment holds into the model's comment, the rest into the settings", async () => {
      const editor = await openToEdit('panel_mnist_cnn.py');
      const applied = (await vscode.commands.executeCommand('modelProfiler.applyRecommendation', {
        uri: editor.document.uri.toString(),
        model: 'MnistCNN',
        apply: { batch: 16, gradientCheckpointing: true },
        title: 'Batch 64 → 16',
      })) as AppliedRecommendation;
      assert.deepEqual(applied, { comment: ['batch'], settings: ['gradientCheckpointing'] });
      // The comment sits on line 13, above `class MnistCNN`.
      assert.equal(editor.document.lineAt(12).text, '# profile: batch=16 input=(1,28,28)');
      const config = vscode.workspace.getConfiguration('modelProfiler');
      assert.equal(config.inspect('gradientCheckpointing')?.workspaceValue, true);
      assert.equal(config.inspect('batchSize')?.workspaceValue, undefined);
    });

    it('writes everything into the settings for a model without a comment', async () => {
      const editor = await openToEdit('mlp.py');
      const before = editor.document.getText();
      const applied = (await vscode.commands.executeCommand('modelProfiler.applyRecommendation', {
        uri: editor.document.uri.toString(),
        model: 'MLP',
        apply: { precision: 'bf16-mixed', batch: 4 },
      })) as AppliedRecommendation;
      assert.deepEqual(applied, { comment: [], settings: ['batch', 'precision'] });
      const config = vscode.workspace.getConfiguration('modelProfiler');
      assert.equal(config.inspect('precision')?.workspaceValue, 'bf16-mixed');
      assert.equal(config.inspect('batchSize')?.workspaceValue, 4);
      assert.equal(editor.document.getText(), before);
    });

    it('refuses a change that names no known option, and writes nothing', async () => {
      const editor = await openInEditor('mlp.py');
      const applied = await vscode.commands.executeCommand('modelProfiler.applyRecommendation', {
        uri: editor.document.uri.toString(),
        model: 'MLP',
        apply: { warpDrive: true, batch: 'lots' },
      });
      assert.equal(applied, undefined);
      assert.equal(vscode.workspace.getConfiguration('modelProfiler').inspect('batchSize')?.workspaceValue, undefined);
    });
  });
});
