/**
 * The hover and CodeLens texts (src/core/hoverText.ts), built from reports of the
 * engine on real fixtures. Parameter counts and shapes were measured with torch 1.13
 * on the same files (`sum(p.numel() for p in m.parameters())`, forward hooks); MACs
 * follow the reference formulas (Linear in·out per row, Conv C_in·K·K·C_out·H·W per sample).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import type { FitResult, Verdict } from '../../src/core/estimate/types';
import { buildModelReport } from '../../src/core/estimate/index';
import { formatBytes } from '../../src/core/format';
import { devicesFor } from '../../src/core/hardware/devices';
import type { HardwareProfile } from '../../src/core/hardware/types';
import {
  bestFit,
  codeLensTitle,
  commandUri,
  escapeHoverMarkdown,
  layerHoverMarkdown,
  layersOnLine,
  modelHoverMarkdown,
  topLayersByMemory,
  verdictText,
} from '../../src/core/hoverText';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import type { FileReport, ModelReport } from '../../src/core/report';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import { a100_80, llama2_7b, options } from './estimate-graphs';

const ROOT = join(__dirname, '..', '..');
const GiB = 2 ** 30;

/** A machine with no GPU and 24 GiB of RAM, checking an RTX 4090 as a target. */
const MACHINE: HardwareProfile = {
  platform: 'linux',
  arch: 'x64',
  cpu: { model: 'test CPU', cores: 2 },
  ram: { totalBytes: 24 * GiB, availableBytes: 20 * GiB },
  gpus: [],
  sources: [],
  notes: [],
  detectedAt: 0,
};
const DEVICES = devicesFor(MACHINE, { targetDevices: ['RTX 4090'], override: null, unifiedMemoryShare: 0.75 });

function analyse(relative: string, opts: Partial<EstimateOptions> = {}): FileReport {
  return analyzeDocument({
    file: `/fixtures/${relative}`,
    text: readFileSync(join(ROOT, relative), 'utf8'),
    host: NO_FILES,
    options: { ...DEFAULT_OPTIONS, ...opts },
    devices: DEVICES,
  });
}

function model(report: FileReport, name: string): ModelReport {
  const m = report.models.find((x) => x.name === name);
  assert.ok(m, `${name} in ${report.models.map((x) => x.name).join(', ')}`);
  return m;
}

function lineOf(relative: string, text: string): number {
  const index = readFileSync(join(ROOT, relative), 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, text);
  return index + 1;
}

const MNIST = 'test/integration/workspace/editor/mnist_cnn.py';
const GPT = 'examples/gpt_mini.py';

describe('hover text', () => {
  let mnist: FileReport;

  before(async () => {
    await initParserFromDisk();
    mnist = analyse(MNIST);
  });

  describe('model card', () => {
    it('gives params, weights, memory, compute, the verdict and links', () => {
      const cnn = model(mnist, 'MnistCNN');
      const text = modelHoverMarkdown(cnn, { openPanelArgs: ['file:///m.py::MnistCNN'], checkFitsArgs: ['file:///m.py::MnistCNN'] });
      const lines = text.split('\n');
      assert.equal(lines[0], '**MnistCNN** · PyTorch class\\');
      assert.ok(lines.includes('| Parameters | **421.6K** (421,642), all trainable |'), text); // torch 1.13
      // 421,642 × 4 bytes (fp32) = 1,686,568 bytes.
      assert.ok(lines.includes('| Weights | 1.7 MB (fp32) |'), text);
      const train = formatBytes(cnn.memory.train.totalBytes);
      const infer = formatBytes(cnn.memory.inference.totalBytes);
      assert.ok(lines.includes(`| Memory | train **${train}** · inference ${infer} (batch 64, fp32, AdamW) |`), text);
      // 64 × (225,792 + 3,612,672 + 401,408 + 1,280) = 271,433,728 MACs.
      assert.ok(lines.includes('| Forward | 542.87 MFLOPs = 271.43 MMACs (1 MAC = 2 FLOPs) |'), text);
      // A model of 1.7 MB of weights fits a 24 GiB card (25.8 GB).
      const fit = cnn.fit.find((f) => f.device === 'RTX 4090')!;
      assert.ok(lines.includes(`| Fit | ✓ fits RTX 4090: needs ${formatBytes(fit.requiredBytes)} of 25.8 GB |`), text);
      const link = encodeURIComponent(JSON.stringify(['file:///m.py::MnistCNN']));
      assert.equal(lines[lines.length - 1], `[Open Profiler Panel](command:modelProfiler.openPanel?${link}) · [Check Fits](command:modelProfiler.checkFits?${link})`);
    });

    it('says where the input came from, under the title', () => {
      const text = modelHoverMarkdown(model(mnist, 'MnistCNN'));
      assert.match(text, /^\*\*MnistCNN\*\* · PyTorch class\\\nInput \[64, 1, 28, 28\] — input 1×28×28 from # profile: \(line 8\), batch from # profile:$/m);
    });

    it('names the three leaf layers holding the most memory', () => {
      const cnn = model(mnist, 'MnistCNN');
      const top = topLayersByMemory(cnn);
      assert.equal(top.length, 3);
      for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.totalBytes >= top[i]!.totalBytes);
      for (const t of top) assert.equal(t.row.hasChildren, false);
      // Every leaf's weights at fp32: fc1 holds 401,536 params × 4 bytes.
      const all = topLayersByMemory(cnn, 100);
      assert.equal(all.find((t) => t.row.path === 'fc1')!.weightsBytes, 401_536 * 4);
      const text = modelHoverMarkdown(cnn);
      const expected = top.map((t) => `\`${t.row.path}\`${t.row.type === t.row.name ? '' : ` ${t.row.type}`} ${formatBytes(t.totalBytes)}`).join(' · ');
      assert.ok(text.split('\n').includes(`Largest layers (training): ${expected}`), text);
    });

    it('counts weights at the precision of the report', () => {
      const bf16 = model(analyse(MNIST, { precision: 'bf16', mode: 'infer' }), 'MnistCNN');
      // bf16: 2 bytes per parameter; fc1 401,536 × 2.
      assert.equal(topLayersByMemory(bf16, 100).find((t) => t.row.path === 'fc1')!.weightsBytes, 401_536 * 2);
      const text = modelHoverMarkdown(bf16);
      assert.ok(text.includes('| Weights | 843.3 kB (bf16) |'), text); // 421,642 × 2 = 843,284 bytes
      assert.ok(text.includes('Largest layers (inference): '), text);
      assert.match(text, /\| Memory \| train [\d.]+ [kMG]B · inference \*\*[\d.]+ [kMG]B\*\* \(batch 64, bf16, AdamW\) \|/);
    });

    it('says what would make it fit when nothing fits as it is', () => {
      // Published: Llama-2-7B has 6,738,415,616 parameters; full bf16-mixed training needs over 80 GiB.
      const r = buildModelReport(llama2_7b(1, 2048), options({ precision: 'bf16-mixed', batch: 1, seq: 2048 }), [a100_80()]);
      const fit = r.fit[0]!;
      const change = fit.recommendations.find((x) => x.fitsAlone)!;
      const text = modelHoverMarkdown(r);
      assert.ok(
        text.includes(`| Fit | ⚠ fits A100 80GB with changes: needs ${formatBytes(fit.requiredBytes)}, has 85.9 GB; fits with ${escapeHoverMarkdown(change.title)} (→ ${formatBytes(change.requiredBytes)}) |`),
        text,
      );
      assert.ok(text.includes('| Parameters | **6.74B** (6,738,415,616), all trainable |'), text);
    });

    it('names a builder function and shows the instance arguments', () => {
      assert.match(modelHoverMarkdown(model(mnist, 'build_classifier')), /^\*\*build\\_classifier\*\* · PyTorch builder function\\$/m);
      // torch 1.13: MnistCNN(num_classes=100) has 433,252 parameters.
      assert.match(modelHoverMarkdown(model(mnist, 'wide')), /\| Parameters \| \*\*433\.3K\*\* \(433,252\), all trainable \|/);
    });

    it('shows trainable apart from total when some parameters are frozen', () => {
      const r = analyse('test/fixtures/pytorch/frozen_backbone.py');
      const frozen = r.models.find((m) => m.params.trainable < m.params.total);
      assert.ok(frozen, 'the fixture freezes part of a model');
      assert.match(modelHoverMarkdown(frozen), /\| Parameters \| \*\*[\d.]+[KMB]?\*\* \([\d,]+\) · trainable [\d.]+[KMB]? \([\d,]+\) \|/);
    });

    it('leaves links out when none are asked for', () => {
      assert.doesNotMatch(modelHoverMarkdown(model(mnist, 'MnistCNN')), /command:/);
    });
  });

  describe('layer line', () => {
    it('gives a Linear layer its params, output shape and MACs', () => {
      const cnn = model(mnist, 'MnistCNN');
      const rows = layersOnLine(cnn, lineOf(MNIST, 'nn.Linear(64 * 7 * 7, 128)'));
      assert.deepEqual(rows.map((r) => r.path), ['fc1']);
      assert.equal(
        layerHoverMarkdown(cnn, rows),
        [
          '**Linear** `fc1` in MnistCNN',
          '',
          '| | |',
          '|:--|:--|',
          '| Parameters | **401.5K** (401,536) |', // torch 1.13: 3136·128 + 128
          '| Output | [64, 128] |', // torch 1.13 forward hook at batch 64
          '| Forward | 25.69 MMACs = 51.38 MFLOPs at batch 64 |', // 64 × 3136 × 128 = 25,690,112
          `| Activations | ${formatBytes(rows[0]!.activationBytes)} kept for backward |`,
        ].join('\n'),
      );
    });

    it('sums the layers a loop builds on one line', () => {
      const gpt = analyse(GPT);
      const mini = model(gpt, 'GPTMini');
      assert.equal(mini.params.total, 5_322_240); // torch 1.13
      const rows = layersOnLine(mini, lineOf(GPT, 'self.qkv = nn.Linear'));
      assert.deepEqual(rows.map((r) => r.path), ['blocks.0.attn.qkv', 'blocks.1.attn.qkv', 'blocks.2.attn.qkv', 'blocks.3.attn.qkv']);
      const text = layerHoverMarkdown(mini, rows);
      // torch 1.13: each qkv = Linear(256, 768) has 197,376 params; four blocks 789,504.
      assert.match(text, /\| Parameters \| \*\*197\.4K\*\* \(197,376\) \|/);
      // # profile: batch=16 seq=256: output [16, 256, 768]; 16·256 rows × 256 × 768 = 805,306,368 MACs per block.
      assert.match(text, /\| Output \| \[16, 256, 768\] \|/);
      assert.match(text, /\| Forward \| 805\.31 MMACs = 1\.61 GFLOPs at batch 16 \|/);
      assert.match(text, /This line builds 4 layers \(`blocks\.0\.attn\.qkv` … `blocks\.3\.attn\.qkv`\): 789\.5K params \(789,504\) and 3\.22 GMACs together\./);
    });

    it('gives a Keras Dense layer its params, output shape (batch as None) and MACs', () => {
      const KERAS = 'test/integration/workspace/editor/keras_mlp.py';
      const seq = model(analyse(KERAS), 'model');
      // Keras Dense: a kernel of inputs × units plus `units` biases: 784·64 + 64 and 64·10 + 10.
      assert.equal(seq.params.total, 50_240 + 650);
      assert.match(modelHoverMarkdown(seq), /^\*\*model\*\* · Keras Sequential\\$/m);
      const rows = layersOnLine(seq, lineOf(KERAS, 'layers.Dense(64'));
      assert.deepEqual(rows.map((r) => r.path), ['dense']);
      const text = layerHoverMarkdown(seq, rows);
      assert.ok(text.startsWith('**Dense** `dense` in model\n'), text);
      assert.match(text, /\| Parameters \| \*\*50\.24K\*\* \(50,240\) \|/);
      assert.match(text, /\| Output \| \[None, 64\] \|/);
      // 8 rows (the default batch) × 784 × 64 = 401,408 MACs.
      assert.match(text, /\| Forward \| 401\.41 KMACs = 802\.82 KFLOPs at batch 8 \|/);
    });

    it('finds no layer on a line that builds none', () => {
      assert.deepEqual(layersOnLine(model(mnist, 'MnistCNN'), lineOf(MNIST, 'def forward')), []);
      assert.equal(layerHoverMarkdown(model(mnist, 'MnistCNN'), []), '');
    });
  });

  describe('CodeLens title', () => {
    it('reads params · memory (workload) · verdict', () => {
      const cnn = model(mnist, 'MnistCNN');
      assert.equal(codeLensTitle(cnn), `421.6K params · train ${formatBytes(cnn.memory.train.totalBytes)} (b=64, fp32) · ✓ fits RTX 4090`);
    });

    it('shows the inference total in inference mode', () => {
      const cnn = model(analyse(MNIST, { mode: 'infer', precision: 'bf16' }), 'MnistCNN');
      assert.equal(codeLensTitle(cnn), `421.6K params · infer ${formatBytes(cnn.memory.inference.totalBytes)} (b=64, bf16) · ✓ fits RTX 4090`);
    });

    it('names the nearest device that would fit with changes (Llama-2-7B on an A100 80GB)', () => {
      // Published: Llama-2-7B has 6,738,415,616 parameters; 18 B/param of training state exceed 80 GiB.
      const r = buildModelReport(llama2_7b(1, 2048), options({ precision: 'bf16-mixed', batch: 1, seq: 2048 }), [a100_80()]);
      assert.equal(codeLensTitle(r), `6.74B params · train ${formatBytes(r.memory.train.totalBytes)} (b=1, seq=2048, bf16-mixed) · ⚠ fits A100 80GB with changes`);
    });

    it('leaves the verdict out without devices and marks partial results', () => {
      const r = buildModelReport(llama2_7b(1, 2048), options({ batch: 1, seq: 2048, mode: 'infer', precision: 'bf16' }), []);
      assert.equal(codeLensTitle(r), `6.74B params · infer ${formatBytes(r.memory.inference.totalBytes)} (b=1, seq=2048, bf16)`);
      assert.equal(codeLensTitle({ ...r, partial: true }), `${codeLensTitle(r)} · partial`);
    });
  });

  describe('best device', () => {
    function fit(device: string, verdict: Verdict, availableGB: number, local: boolean, deviceId = device.toLowerCase()): FitResult {
      return {
        device,
        deviceId,
        local,
        verdict,
        requiredBytes: 10e9,
        availableBytes: availableGB * 1e9,
        minGpus: {},
        maxBatch: 1,
        recommendations: [],
        reason: '',
      };
    }
    const cpu = (verdict: Verdict) => fit('CPU (system RAM)', verdict, 64, true, 'local-cpu');

    it('prefers a fitting GPU here over a fitting target and over the CPU', () => {
      const list = [cpu('fits'), fit('A100 80GB', 'fits', 85, false), fit('RTX 4090', 'fits', 25, true, 'local-gpu-0')];
      assert.equal(bestFit(list)?.device, 'RTX 4090');
      assert.equal(verdictText(list), '✓ fits RTX 4090');
      assert.equal(bestFit([cpu('fits'), fit('A100 80GB', 'fits', 85, false)])?.device, 'A100 80GB');
    });

    it('takes the CPU when only the CPU fits', () => {
      assert.equal(verdictText([fit('RTX 4090', 'does-not-fit', 25, true, 'local-gpu-0'), cpu('fits')]), '✓ fits CPU (system RAM)');
    });

    it('prefers a change that fits over a miss', () => {
      assert.equal(verdictText([fit('RTX 4090', 'fits-with-changes', 25, true, 'local-gpu-0'), cpu('does-not-fit')]), '⚠ fits RTX 4090 with changes');
    });

    it('names the device with the most memory when nothing fits', () => {
      const list = [fit('RTX 4090', 'does-not-fit', 25, true, 'local-gpu-0'), cpu('does-not-fit'), fit('A100 80GB', 'does-not-fit', 85, false)];
      assert.equal(verdictText(list), '✗ exceeds A100 80GB');
    });

    it('has nothing to say without devices', () => {
      assert.equal(bestFit([]), undefined);
      assert.equal(verdictText([]), undefined);
    });
  });

  describe('markdown safety', () => {
    it('escapes what could start emphasis, code, links, HTML or a table cell', () => {
      assert.equal(escapeHoverMarkdown('a_b *c* `d` [e](f) <img> |g| ~h~ &amp;'), 'a\\_b \\*c\\* \\`d\\` \\[e\\](f) \\<img\\> \\|g\\| \\~h\\~ \\&amp;');
      assert.equal(escapeHoverMarkdown('line one\nline two'), 'line one line two');
    });

    it('keeps finding messages inside their list item', () => {
      const cnn = model(mnist, 'MnistCNN');
      const hostile: ModelReport = { ...cnn, findings: [{ severity: 'warning', code: 'x', message: '| cell | [link](command:evil)\n# heading' }] };
      const text = modelHoverMarkdown(hostile);
      assert.ok(text.includes('- \\| cell \\| \\[link\\](command:evil) # heading'), text);
      assert.doesNotMatch(text, /\n# heading/);
    });

    it('encodes command arguments as JSON in the URI', () => {
      assert.equal(commandUri('modelProfiler.openPanel', ['file:///a b.py::Net']), 'command:modelProfiler.openPanel?%5B%22file%3A%2F%2F%2Fa%20b.py%3A%3ANet%22%5D');
    });
  });
});
