/**
 * Fit diagnostics, quick fixes and Check Fits in the extension host, against two stand-in
 * RTX 4090 of 24,564 MiB (25.8 GB) each (test/fixtures/bin/two-cards). The fixture model
 * grows and shrinks with one number: Grower(width) has width·width + width + 10·width + 10
 * parameters (nn.Linear: in·out weights + out biases), and fp32 training with AdamW keeps
 * 16 bytes per parameter (weights, gradients, two Adam states: HF "model memory anatomy").
 *   width 256:    68,362 params, about 1 MB of states: fits;
 *   width 39000:  1,521,429,010 params, 24.3 GB of states: fits only without the 10% headroom;
 *   width 45000:  2,025,495,010 params, 32.4 GB of states: exceeds both cards and the RAM.
 * With 8-bit Adam (2 bytes of state per parameter, bitsandbytes) width 45000 needs
 * 10 bytes per parameter, 20.3 GB: it fits.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import type { CheckFitsResult } from '../../src/vscode/fitCheck';
import { waitFor } from './lib/extension';
import { activateAndDetect, fitDiagnostics, lineOf, openToEdit, replaceInDocument, resetSettings, restoreAndClose, setSetting, waitForDiagnostics } from './lib/fit';

const WIDTH = /width: int = \d+/;
const width = (n: number) => `width: int = ${n}`;

/** The range of the first whole-word `name` in the document. */
function rangeOfName(document: vscode.TextDocument, name: string): vscode.Range {
  const line = lineOf(document, `class ${name}`);
  const start = document.lineAt(line).text.indexOf(name);
  return new vscode.Range(line, start, line, start + name.length);
}

async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  // Quick fixes on the model's name: ours alone (no other extension runs in the test host).
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
}

describe('fit diagnostics', () => {
  let api: ModelProfilerApi;

  before(async () => {
    api = await activateAndDetect('fit_grow.py');
  });

  afterEach(async () => {
    await resetSettings('optimizer', 'diagnostics.severity', 'diagnostics.enabled', 'headroomPercent', 'hardware.override');
    await restoreAndClose();
  });

  it('appear as the model grows past the cards and disappear as it shrinks', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await api.analysis.getReports(document);
    assert.deepEqual(fitDiagnostics(document.uri), [], 'width 256 fits');

    await replaceInDocument(document, WIDTH, width(45000));
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'an error on Grower');
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d!.code, 'fit-exceeds');
    assert.ok(d!.range.isEqual(rangeOfName(document, 'Grower')), 'on the class name');
    assert.match(d!.message, /^Grower needs ~3\d\.\d GB to train \(batch 8, fp32, AdamW\); the largest GPU here has 25\.8 GB \(RTX 4090\); fits with: /);
    // The layer that dominates memory: the width×width Linear holds nearly all parameters.
    const related = d!.relatedInformation!;
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri.toString(), document.uri.toString());
    assert.equal(related[0]!.location.range.start.line, lineOf(document, 'nn.Linear(width, width)'));
    assert.match(related[0]!.message, /^body\.0 \(Linear\) holds 2\.03B parameters \(100\.0% of them\)/);

    await replaceInDocument(document, WIDTH, width(256));
    await waitForDiagnostics(document.uri, (ds) => ds.length === 0, 'the error to go');
  });

  it('warn when the model fits only without the headroom', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(39000));
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'a warning on Grower');
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d!.code, 'fit-tight');
    assert.match(d!.message, /; it fits the RTX 4090 only without the 10% headroom, leaving [\d.]+ (MB|GB) free$/);

    // With a 2% headroom the same model fits: no diagnostic.
    await setSetting('headroomPercent', 2);
    await waitForDiagnostics(document.uri, (ds) => ds.length === 0, 'the warning to go with 2% headroom');
  });

  it('honour the severity and enabled settings', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(45000));
    await waitForDiagnostics(document.uri, (ds) => ds.length === 1 && ds[0]!.severity === vscode.DiagnosticSeverity.Error, 'an error');
    await setSetting('diagnostics.severity', 'hint');
    await waitForDiagnostics(document.uri, (ds) => ds.length === 1 && ds[0]!.severity === vscode.DiagnosticSeverity.Hint, 'a hint');
    await setSetting('diagnostics.enabled', false);
    await waitForDiagnostics(document.uri, (ds) => ds.length === 0, 'no diagnostic');
    await setSetting('diagnostics.enabled', true);
    await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'the diagnostic back');
  });

  it('compare with the RAM on a machine without a GPU, and say so', async () => {
    await setSetting('hardware.override', { gpus: [], ramGB: 16 });
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(45000));
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1 && ds[0]!.message.includes('No GPU'), 'an error against the RAM');
    assert.match(d!.message, /; the largest device here has 17\.2 GB \(CPU \(system RAM\)\)/);
    assert.ok(d!.message.endsWith('. No GPU here: checked against the system RAM (training on the CPU)'), d!.message);
  });
});

describe('fit quick fixes', () => {
  before(async () => {
    await activateAndDetect('fit_grow.py');
  });

  afterEach(async () => {
    await resetSettings('optimizer');
    await restoreAndClose();
  });

  it('state the memory each saves; 8-bit Adam changes the setting and the error goes', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(45000));
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'an error on Grower');
    const actions = await codeActions(document.uri, d!.range);
    const titles = actions.map((a) => a.title);
    for (const title of titles) assert.match(title, /saves [\d.]+ (MB|GB)/, title);
    const adam = actions.find((a) => a.title.startsWith('Use 8-bit Adam (bitsandbytes) (saves '))!;
    assert.ok(adam, titles.join('\n'));
    assert.match(adam.title, /, then fits the RTX 4090\)$/);
    assert.ok(titles.some((t) => /^Show the (multi-GPU|offload) plan: /.test(t)), titles.join('\n'));

    await vscode.commands.executeCommand(adam.command!.command, ...(adam.command!.arguments ?? []));
    assert.equal(vscode.workspace.getConfiguration('modelProfiler').get('optimizer'), 'adam-8bit');
    await waitForDiagnostics(document.uri, (ds) => ds.length === 0, 'the error to go with 8-bit Adam');
  });

  it('edit the model’s # profile: comment when it has one', async () => {
    const { document } = await openToEdit('fit_commented.py');
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'an error on Commented');
    const adam = (await codeActions(document.uri, d!.range)).find((a) => a.title.startsWith('Use 8-bit Adam'))!;
    await vscode.commands.executeCommand(adam.command!.command, ...(adam.command!.arguments ?? []));
    await waitFor(() => document.lineAt(lineOf(document, '# profile: batch')).text === '# profile: batch=8 optimizer=adam-8bit', 'the comment to name the optimizer');
    assert.equal(vscode.workspace.getConfiguration('modelProfiler').inspect('optimizer')!.workspaceValue, undefined, 'the setting is left alone');
    await waitForDiagnostics(document.uri, (ds) => ds.length === 0, 'the error to go');
  });

  it('show the multi-GPU plan as a document with a DeepSpeed config and an FSDP snippet', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(45000));
    const [d] = await waitForDiagnostics(document.uri, (ds) => ds.length === 1, 'an error on Grower');
    const plan = (await codeActions(document.uri, d!.range)).find((a) => /^Show the (multi-GPU|offload) plan: /.test(a.title))!;
    const shown = await vscode.commands.executeCommand<vscode.TextDocument>(plan.command!.command, ...(plan.command!.arguments ?? []));
    assert.equal(shown.languageId, 'markdown');
    const text = shown.getText();
    assert.ok(text.startsWith('# Multi-GPU plan for Grower\n'), text.slice(0, 200));
    const config = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(text)![1]!) as { zero_optimization: { stage: number } };
    assert.ok([2, 3].includes(config.zero_optimization.stage));
    assert.ok(text.includes('ShardingStrategy.FULL_SHARD'));
  });
});

describe('Check Fits on This Machine', () => {
  let api: ModelProfilerApi;

  before(async () => {
    api = await activateAndDetect('fit_grow.py');
  });

  afterEach(restoreAndClose);

  it('answers for the active file and places the diagnostic', async () => {
    const { document } = await openToEdit('fit_grow.py');
    await replaceInDocument(document, WIDTH, width(45000));
    const result = (await vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits'))!;
    assert.equal(result.status, 'exceeds');
    assert.equal(result.model, 'Grower');
    assert.match(result.message, /^Grower needs ~3\d\.\d GB to train \(batch 8, fp32, AdamW\); the largest GPU here has 25\.8 GB \(RTX 4090\); fits with: .+\.$/);
    assert.deepEqual(result.actions, ['Open Panel', 'Apply Suggestion', 'Change Settings']);
    assert.equal(fitDiagnostics(document.uri).length, 1);
  });

  it('says a model fits, without "Apply Suggestion"', async () => {
    await openToEdit('fit_grow.py');
    const result = (await vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits'))!;
    assert.equal(result.status, 'fits');
    assert.match(result.message, /^Grower needs ~[\d.]+ (MB|GB) to train \(batch 8, fp32, AdamW\); fits the RTX 4090 \(25\.8 GB\)\.$/);
    assert.deepEqual(result.actions, ['Open Panel', 'Change Settings']);
  });

  it('asks which model when the file has several, offering the one under the cursor', async () => {
    const editor = await openToEdit('fit_two_models.py');
    const line = lineOf(editor.document, 'self.fc = nn.Linear(1024, 1024)');
    editor.selection = new vscode.Selection(line, 0, line, 0);
    let answered = false;
    const answer = Promise.resolve(vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits')).finally(() => (answered = true));
    // The picker opens once the file is analysed: accept the item it offers first, as Enter does.
    for (let tries = 0; !answered && tries < 300; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const result = (await answer)!;
    assert.equal(result.model, 'Large');
    assert.equal(result.status, 'fits');
  });

  it('takes the model from its argument ({ uri, model })', async () => {
    const { document } = await openToEdit('fit_two_models.py');
    const result = (await vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits', { uri: document.uri.toString(), model: 'Small' }))!;
    assert.equal(result.model, 'Small');
    // nn.Linear(16, 4): 16·4 + 4 = 68 parameters.
    assert.equal(api.analysis.peek(document)!.models.find((m) => m.name === 'Small')!.params.total, 68);
  });
});
