/**
 * CodeLens in the real extension host, on test/integration/workspace/editor/mnist_cnn.py.
 * Parameter counts: torch 1.13 on the fixture (see editor-hover.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWith, openInEditor } from './lib/extension';
import { codeLenses, eventually, restoreBudget, setSetting, useGenerousBudget } from './lib/editor';

/** "421.6K params · train 354.9 MB (b=64, fp32) · ✓ fits CPU (system RAM)" */
const TITLE = /^([\d.]+[KMB]?) params · (train|infer) [\d.]+ [kMGT]?B \(([^)]*)\)( · [✓⚠✗] .+)?$/;

describe('editor: CodeLens', function () {
  this.timeout(120_000);
  let document: vscode.TextDocument;

  before(async () => {
    await useGenerousBudget();
    await activateWith();
    document = (await openInEditor('editor/mnist_cnn.py')).document;
  });

  after(async () => {
    await restoreBudget();
  });

  afterEach(async () => {
    for (const key of ['precision', 'batchSize', 'codeLens.enabled', 'mode']) await setSetting(key, undefined);
  });

  it('puts one lens above each model, on the line of its name', async () => {
    const lenses = await codeLenses(document.uri);
    const lines = lenses.map((l) => document.lineAt(l.line).text.trim());
    assert.deepEqual(lines, [
      'class MnistCNN(nn.Module):',
      'def build_classifier(hidden: int = 4096) -> nn.Module:',
      'wide = MnistCNN(num_classes=100)',
    ]);
  });

  it('titles each lens with params, memory for the workload and the verdict', async () => {
    const [cnn, builder, wide] = await codeLenses(document.uri);
    // torch 1.13: 421,642 / 90,192,640 / 433,252 parameters.
    assert.match(cnn!.title, /^421\.6K params · train [\d.]+ MB \(b=64, fp32\) · [✓⚠✗] /);
    assert.match(builder!.title, /^90\.19M params · train [\d.]+ GB \(b=8, fp32\) · [✓⚠✗] /);
    assert.match(wide!.title, /^433\.3K params · train [\d.]+ MB \(b=64, fp32\) · [✓⚠✗] /);
    for (const l of [cnn!, builder!, wide!]) assert.match(l.title, TITLE);
  });

  it('opens the panel on the model when clicked', async () => {
    const [cnn] = await codeLenses(document.uri);
    assert.equal(cnn!.command, 'modelProfiler.openPanel');
    assert.deepEqual(cnn!.args, [{ uri: document.uri.toString(), model: 'MnistCNN' }]);
    // The exact count one level deeper, in the tooltip (torch 1.13: 421,642).
    assert.match(cnn!.tooltip, /^421,642 parameters\. MnistCNN needs ~[\d.]+ MB to train \(batch 64, fp32, AdamW\); .+\. Click to open the profiler panel\.$/);
  });

  it('follows a settings change without a reload', async () => {
    await setSetting('precision', 'bf16-mixed');
    await eventually(async () => ((await codeLenses(document.uri))[0]?.title.includes('(b=64, bf16-mixed)') ? true : undefined), 'the bf16-mixed lens');
    await setSetting('batchSize', 16);
    const builder = await eventually(async () => {
      const l = (await codeLenses(document.uri))[1];
      return l?.title.includes('(b=16, bf16-mixed)') ? l : undefined;
    }, 'the batch 16 lens');
    assert.match(builder.title, /^90\.19M params · train /);
    // The `# profile: batch=64` comment keeps overriding the setting for MnistCNN.
    assert.match((await codeLenses(document.uri))[0]!.title, /\(b=64, bf16-mixed\)/);
    await setSetting('mode', 'infer');
    await eventually(async () => ((await codeLenses(document.uri))[0]?.title.startsWith('421.6K params · infer ') ? true : undefined), 'the inference lens');
  });

  it('follows an edit of the document', async () => {
    const editor = await openInEditor('editor/mnist_cnn.py');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('nn.Linear(128, num_classes)'));
    assert.ok(line > 0);
    const range = editor.document.lineAt(line).range;
    const original = editor.document.lineAt(line).text;
    const ok = await editor.edit((b) => b.replace(range, original.replace('nn.Linear(128, num_classes)', 'nn.Linear(128, num_classes * 10)')));
    assert.ok(ok);
    try {
      // fc2 = Linear(128, 100): 12,900 parameters instead of 1,290, so MnistCNN() has 433,252 (torch 1.13, as `wide`).
      await eventually(async () => ((await codeLenses(document.uri))[0]?.title.startsWith('433.3K params') ? true : undefined), 'the lens after the edit');
    } finally {
      await editor.edit((b) => b.replace(editor.document.lineAt(line).range, original));
      await editor.document.save();
    }
    await eventually(async () => ((await codeLenses(document.uri))[0]?.title.startsWith('421.6K params') ? true : undefined), 'the lens after undoing the edit');
  });

  it("takes an example call's batch unless the batch size setting is written", async () => {
    const example = (await openInEditor('editor/example_call.py')).document;
    try {
      // Linear(784, 10): 784·10 + 10 = 7,850 parameters (torch 1.13); `net(torch.randn(32, 784))` gives batch 32.
      const [cls, net] = await codeLenses(example.uri);
      assert.match(cls!.title, /^7\.85K params · train [\d.]+ [kMG]B \(b=32, fp32\)/);
      assert.match(net!.title, /^7\.85K params · train [\d.]+ [kMG]B \(b=32, fp32\)/);
      // Writing the default value still counts as the person's choice.
      await setSetting('batchSize', 8);
      await eventually(async () => ((await codeLenses(example.uri))[0]?.title.includes('(b=8, fp32)') ? true : undefined), 'the written batch 8');
    } finally {
      await setSetting('batchSize', undefined);
      await openInEditor('editor/mnist_cnn.py');
    }
  });

  it('can be turned off', async () => {
    await setSetting('codeLens.enabled', false);
    await eventually(async () => ((await codeLenses(document.uri)).length === 0 ? true : undefined), 'no lenses');
    await setSetting('codeLens.enabled', undefined);
    await eventually(async () => ((await codeLenses(document.uri)).length === 3 ? true : undefined), 'the lenses back');
  });
});
