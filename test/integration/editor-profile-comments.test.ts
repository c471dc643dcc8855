/**
 * `# profile:` comments (test/integration/workspace/editor/profile_comments.py): a valid
 * comment is honoured by the hover and the CodeLens; every error of an invalid one is a
 * diagnostic on exactly the offending text, and the valid keys beside them still apply.
 * Parameter counts: torch 1.13 on the fixture (CifarNet 164,298; Tagger 64,325).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWith, openInEditor } from './lib/extension';
import { codeLenses, eventually, hoverText, positionOf, restoreBudget, useGenerousBudget } from './lib/editor';

function profileDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Model Profiler' && d.code === 'profile-comment')
    .sort((a, b) => a.range.start.character - b.range.start.character);
}

describe('editor: # profile: comments', function () {
  this.timeout(120_000);
  let editor: vscode.TextEditor;
  let document: vscode.TextDocument;

  before(async () => {
    await useGenerousBudget();
    await activateWith();
    editor = await openInEditor('editor/profile_comments.py');
    document = editor.document;
  });

  after(async () => {
    await restoreBudget();
  });

  it('honours a valid comment in the hover', async () => {
    const text = await hoverText(document.uri, positionOf(document, 'class CifarNet', 8));
    // torch 1.13: Conv2d(3, 16, 3) 448 + Linear(16384, 10) 163,850 = 164,298; output [64, 10].
    assert.match(text, /\(164,298\), all trainable/);
    assert.match(text, /Input \[64, 3, 32, 32\]/);
    assert.match(text, /\| Memory \| train \*\*[\d.]+ [kMG]B\*\* · inference [\d.]+ [kMG]B \(batch 64, bf16-mixed, AdamW\) \|/);
  });

  it('honours a valid comment in the CodeLens, and the valid keys of an invalid one', async () => {
    const [cifar, tagger] = await codeLenses(document.uri);
    assert.match(cifar!.title, /^164\.3K params · train [\d.]+ MB \(b=64, bf16-mixed\)/);
    // `mode=infer` is valid on the broken comment and applies; batch and precision fall back to the settings.
    assert.match(tagger!.title, /^64\.33K params · infer [\d.]+ [kMG]B \(b=8, seq=512, fp32\)/);
  });

  it('puts each error on exactly the offending text of the comment', async () => {
    const diagnostics = await eventually(async () => {
      const d = profileDiagnostics(document.uri);
      return d.length === 3 ? d : undefined;
    }, 'three # profile: diagnostics');
    const line = positionOf(document, '# profile: batch=0').line;
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, document.getText(d.range), d.severity]),
      [
        [line, '0', vscode.DiagnosticSeverity.Error],
        [line, 'colour', vscode.DiagnosticSeverity.Error],
        [line, 'fp64', vscode.DiagnosticSeverity.Error],
      ],
    );
    assert.match(diagnostics[0]!.message, /Bad value for batch: '0'/);
    assert.match(diagnostics[1]!.message, /Unknown key 'colour'/);
    assert.match(diagnostics[2]!.message, /Bad value for precision: 'fp64'/);
  });

  it('clears a diagnostic once the comment is fixed, and applies the fixed value', async () => {
    const line = positionOf(document, '# profile: batch=0').line;
    const original = document.lineAt(line).text;
    assert.ok(await editor.edit((b) => b.replace(document.lineAt(line).range, '# profile: batch=4 mode=infer')));
    try {
      await eventually(async () => (profileDiagnostics(document.uri).length === 0 ? true : undefined), 'no # profile: diagnostics');
      await eventually(async () => ((await codeLenses(document.uri))[1]?.title.includes('(b=4, seq=512, fp32)') ? true : undefined), 'the batch 4 lens');
    } finally {
      await editor.edit((b) => b.replace(document.lineAt(line).range, original));
      await document.save();
    }
    await eventually(async () => (profileDiagnostics(document.uri).length === 3 ? true : undefined), 'the diagnostics back');
  });
});
