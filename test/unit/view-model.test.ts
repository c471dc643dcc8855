import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSpec } from '../../src/core/hardware/types';
import type { LayerRow, ModelReport } from '../../src/core/report';
import type { CurvePoint } from '../../src/shared/protocol';
import { capacityLines, scaleForLines } from '../../src/shared/viewModel/capacity';
import { fitCards } from '../../src/shared/viewModel/fitView';
import { formatChartModel } from '../../src/shared/viewModel/formats';
import {
  buildLayerTree,
  defaultCollapsed,
  expandablePaths,
  findingsWithoutRow,
  visibleLayerRows,
} from '../../src/shared/viewModel/layerTable';
import { memoryChartModel } from '../../src/shared/viewModel/memoryChart';
import { MEMORY_TERMS } from '../../src/shared/viewModel/memoryTerms';
import { summaryCards } from '../../src/shared/viewModel/summary';
import { cleanPoints, interpolate, largestFitting, whatIfFitText, whatIfModel } from '../../src/shared/viewModel/whatIf';

const FIXTURES = join(__dirname, '..', 'fixtures', 'reports');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

// GPT-2 small, 124,439,808 parameters with tied embeddings (published count; see the fixtures' README).
const GPT2_PARAMS = 124_439_808;
// The MLP of the fixtures' README, counted with torch 1.13: 235,402 parameters, 257 buffer elements.
const MLP_PARAMS = 235_402;
const MLP_BUFFERS = 257;

const gpt = () => load<ModelReport>('gpt2-small.json');
const mlp = () => load<ModelReport>('mlp-mnist.json');
const devices = () => load<DeviceSpec[]>('devices.json');
const batchCurve = () => load<CurvePoint[]>('gpt2-small.batch-curve.json');

function childrenOf(rows: LayerRow[], i: number): LayerRow[] {
  const out: LayerRow[] = [];
  for (let j = i + 1; j < rows.length && rows[j].depth > rows[i].depth; j++) {
    if (rows[j].depth === rows[i].depth + 1) out.push(rows[j]);
  }
  return out;
}

describe('report fixtures are consistent', () => {
  for (const [name, report] of [['gpt2-small', gpt()], ['mlp-mnist', mlp()]] as const) {
    it(`${name}: memory totals are the sum of their terms`, () => {
      for (const b of [report.memory.train, report.memory.inference]) {
        assert.equal(b.totalBytes, MEMORY_TERMS.reduce((a, t) => a + b[t.key], 0));
      }
    });

    it(`${name}: every module's params, MACs and activations are the sums of its children`, () => {
      report.layers.forEach((row, i) => {
        const kids = childrenOf(report.layers, i);
        assert.equal(row.hasChildren, kids.length > 0, row.path);
        if (kids.length === 0) return;
        assert.equal(row.params, row.ownParams + kids.reduce((a, k) => a + k.params, 0), row.path);
        assert.equal(row.macs, kids.reduce((a, k) => a + k.macs, 0), row.path);
        assert.equal(row.activationBytes, kids.reduce((a, k) => a + k.activationBytes, 0), row.path);
      });
      assert.equal(report.layers[0].params, report.params.total);
      assert.equal(report.layers[0].macs, report.macs.forward);
      assert.equal(report.layers[0].activationBytes, report.memory.train.activationsBytes);
    });
  }

  it('gpt2-small has the published GPT-2 small parameter count, and MLP the torch count', () => {
    assert.equal(gpt().params.total, GPT2_PARAMS);
    assert.equal(mlp().params.total, MLP_PARAMS);
    assert.equal(mlp().params.buffers, MLP_BUFFERS);
  });
});

describe('summary cards', () => {
  it('shows GPT-2 small figures, FLOPs and MACs named apart', () => {
    const report = gpt();
    const cards = Object.fromEntries(summaryCards(report).map((c) => [c.id, c]));
    assert.deepEqual(Object.keys(cards), ['params', 'weights', 'train-memory', 'infer-memory', 'forward-flops', 'forward-macs', 'checkpoint', 'time']);
    assert.equal(cards.params.value, '124.4M');
    assert.equal(cards.params.exact, GPT2_PARAMS);
    assert.equal(cards.params.detail, '124.4M trainable · 0 non-trainable');
    // bf16 weights: 2 bytes per parameter.
    assert.equal(cards.weights.exact, 2 * GPT2_PARAMS);
    assert.equal(cards.weights.value, '248.9 MB');
    assert.equal(cards['train-memory'].exact, report.memory.train.totalBytes);
    assert.equal(cards['infer-memory'].exact, report.memory.inference.totalBytes);
    // The GTX 1650 cannot hold the step, but the 32 GiB of RAM can: the best local verdict is "fits".
    assert.equal(cards['train-memory'].tone, 'ok');
    assert.equal(cards['train-memory'].detail, 'batch 8 × 1,024 tokens · fits RAM');
    assert.equal(cards['forward-flops'].exact, 2 * report.macs.forward);
    assert.match(cards['forward-flops'].value, / TFLOPs$/);
    assert.match(cards['forward-macs'].value, / TMACs$/);
    assert.equal(cards['forward-macs'].value, '1.17 TMACs');
    // bf16-mixed keeps fp32 weights: the checkpoint is the fp32 one, 4 bytes per parameter.
    assert.equal(cards.checkpoint.exact, 4 * GPT2_PARAMS);
    assert.equal(cards.checkpoint.detail, 'FP32 weights · 1.5 GB with optimizer');
  });

  it('times the step on the chosen device, else the first local one', () => {
    const report = gpt();
    const local = summaryCards(report).find((c) => c.id === 'time')!;
    assert.equal(local.label, 'Step time');
    assert.equal(local.exact, report.time[0].trainStepSeconds);
    assert.match(local.detail, /^NVIDIA GeForce GTX 1650 · 40\.0% utilisation, compute-bound$/);
    const a100 = summaryCards(report, { deviceId: 'a100-80gb' }).find((c) => c.id === 'time')!;
    assert.equal(a100.exact, report.time[1].trainStepSeconds);
    assert.equal(a100.value, '56.1 ms');
  });

  it('shows tokens per second in inference mode for a decoder', () => {
    const report = gpt();
    report.options.mode = 'infer';
    const time = summaryCards(report).find((c) => c.id === 'time')!;
    assert.equal(time.label, 'Tokens/s');
    assert.equal(time.exact, report.time[0].tokensPerSecond);
  });

  it('lists buffers when the model has them', () => {
    const params = summaryCards(mlp()).find((c) => c.id === 'params')!;
    assert.equal(params.detail, '235.4K trainable · 0 non-trainable · 257 buffers');
    assert.equal(params.title, '235,402 parameters (235,402 trainable, 0 non-trainable, 257 buffer elements)');
  });

  it('times on a device with throughput figures when the local ones have none (a machine without a GPU)', () => {
    const report = gpt();
    const [gpu, ...rest] = report.time;
    report.time = [{ ...gpu, trainStepSeconds: undefined, inferenceSeconds: undefined, tokensPerSecond: undefined }, ...rest];
    const time = summaryCards(report).find((c) => c.id === 'time')!;
    assert.equal(time.exact, report.time[1].trainStepSeconds);
    assert.equal(time.value, '56.1 ms');
    // Chosen explicitly, the device without figures says so instead of showing a utilisation.
    const chosen = summaryCards(report, { deviceId: gpu.deviceId }).find((c) => c.id === 'time')!;
    assert.deepEqual([chosen.label, chosen.value, chosen.detail], ['Step time', '—', 'NVIDIA GeForce GTX 1650 · no throughput figures']);
  });

  it('never shows NaN when the engine sent a non-finite time', () => {
    const report = mlp();
    report.time = [{ ...report.time[0], trainStepSeconds: NaN, inferenceSeconds: undefined, tokensPerSecond: undefined }];
    const time = summaryCards(report).find((c) => c.id === 'time')!;
    assert.equal(time.value, '—');
    assert.equal(time.exact, undefined);
  });
});

describe('capacity lines', () => {
  it('draws a line per device at the memory the verdict compared against', () => {
    const lines = capacityLines(devices(), gpt().fit);
    assert.deepEqual(
      lines.map((l) => [l.deviceId, l.role, l.bytes]),
      [
        // 4 GiB less 10% headroom, 32 GiB less 10%, 80 GiB less 10% (floor).
        ['local-gpu-0', 'local-gpu', Math.floor(4 * 2 ** 30 * 0.9)],
        ['local-cpu', 'ram', Math.floor(32 * 2 ** 30 * 0.9)],
        ['a100-80gb', 'target', Math.floor(80 * 2 ** 30 * 0.9)],
      ],
    );
    assert.equal(lines[1].name, 'RAM');
    assert.equal(lines[0].verdict, 'does-not-fit');
    assert.equal(lines[2].totalBytes, 85_899_345_920);
  });

  it('falls back to the full memory of a device without a fit result', () => {
    const lines = capacityLines(devices(), []);
    assert.deepEqual(lines.map((l) => l.bytes), [4 * 2 ** 30, 32 * 2 ** 30, 80 * 2 ** 30]);
    assert.equal(lines[0].verdict, undefined);
  });

  it('scales to the next capacity above the data while it is within 3× the data', () => {
    const lines = capacityLines(devices(), []);
    const near = scaleForLines(2e9, lines);
    assert.deepEqual(near.visible.map((l) => l.deviceId), ['local-gpu-0']);
    assert.deepEqual(near.offScale.map((l) => l.deviceId), ['local-cpu', 'a100-80gb']);
    assert.equal(near.max, 4 * 2 ** 30 * 1.08);
    // 32 GiB is more than 3 × 6 GB away: the bars keep the height, RAM goes off scale.
    const far = scaleForLines(6e9, lines);
    assert.deepEqual(far.visible.map((l) => l.deviceId), ['local-gpu-0']);
    assert.deepEqual(far.offScale.map((l) => l.deviceId), ['local-cpu', 'a100-80gb']);
    assert.equal(far.max, 6e9 * 1.08);
  });
});

describe('memory chart', () => {
  it('stacks each non-zero term for training and inference', () => {
    const report = gpt();
    const m = memoryChartModel({ memory: report.memory, fit: report.fit, mode: report.options.mode }, devices());
    assert.deepEqual(
      m.datasets.map((d) => d.key),
      ['weightsBytes', 'gradientsBytes', 'optimizerBytes', 'masterWeightsBytes', 'activationsBytes', 'kvCacheBytes', 'overheadBytes', 'fragmentationBytes'],
    );
    const opt = m.datasets.find((d) => d.key === 'optimizerBytes')!;
    // AdamW keeps two fp32 states per parameter; inference keeps none.
    assert.deepEqual(opt.values, [8 * GPT2_PARAMS, 0]);
    const kv = m.datasets.find((d) => d.key === 'kvCacheBytes')!;
    // KV cache: 2 × 12 layers × 12 heads × 64 × 1024 tokens × batch 8 × 2 bytes.
    assert.deepEqual(kv.values, [0, 2 * 12 * 12 * 64 * 1024 * 8 * 2]);
    assert.equal(m.categories[0].total, report.memory.train.totalBytes);
    assert.equal(m.categories[1].total, report.memory.inference.totalBytes);
    assert.equal(m.categories[0].selected, true);
    assert.equal(opt.explain[0], 'AdamW: 2 fp32 states × 124.4M params');
  });

  it('leaves out terms that are zero in both modes', () => {
    const report = mlp();
    const m = memoryChartModel({ memory: report.memory, fit: report.fit, mode: 'train' }, devices());
    assert.equal(m.datasets.some((d) => d.key === 'masterWeightsBytes'), false);
    assert.equal(m.datasets.some((d) => d.key === 'kvCacheBytes'), false);
  });

  it('keeps the local GPU in view and says in words what does not fit', () => {
    const report = gpt();
    const m = memoryChartModel({ memory: report.memory, fit: report.fit, mode: 'train' }, devices());
    assert.deepEqual(m.lines.map((l) => l.deviceId), ['local-gpu-0']);
    assert.deepEqual(m.offScaleLines.map((l) => l.deviceId), ['local-cpu', 'a100-80gb']);
    assert.equal(m.yMax, report.memory.train.totalBytes * 1.08);
    assert.equal(
      m.ariaLabel,
      'Memory chart. Training needs 6.2 GB; Inference needs 1.8 GB; training exceeds NVIDIA GeForce GTX 1650; fits RAM, A100 80GB.',
    );
    assert.deepEqual(m.table.columns, ['Term', 'Training', 'Inference']);
    assert.deepEqual(m.table.rows.find((r) => r[0] === 'Total'), ['Total', '6.2 GB (5.8 GiB)', '1.8 GB (1.7 GiB)']);
    assert.deepEqual(m.table.rows.find((r) => r[0].startsWith('Capacity: NVIDIA')), ['Capacity: NVIDIA GeForce GTX 1650 · 3.9 GB', 'does not fit', 'fits']);
  });

  it('reads a NaN term as 0 instead of poisoning the totals', () => {
    const report = mlp();
    report.memory.train.activationsBytes = NaN;
    const m = memoryChartModel({ memory: report.memory, fit: [], mode: 'train' }, []);
    assert.equal(Number.isFinite(m.categories[0].total), true);
    assert.equal(m.categories[0].total, report.memory.train.totalBytes - mlp().memory.train.activationsBytes);
  });
});

describe('what-if chart', () => {
  it('interpolates and finds the largest value under a capacity', () => {
    const pts = [{ x: 1, y: 10 }, { x: 2, y: 20 }, { x: 4, y: 40 }];
    assert.equal(interpolate(pts, 3), 30);
    assert.equal(interpolate(pts, 0.5), 10);
    assert.equal(interpolate(pts, 9), 40);
    assert.deepEqual(largestFitting(pts, 35), { x: 3, beyondRange: false });
    assert.deepEqual(largestFitting(pts, 5), { x: 0, beyondRange: false });
    assert.deepEqual(largestFitting(pts, 40), { x: 4, beyondRange: true });
  });

  it('drops non-finite, negative and duplicate points', () => {
    const pts = cleanPoints([
      { x: 4, trainBytes: 3, inferBytes: 1 },
      { x: 1, trainBytes: 1, inferBytes: 1 },
      { x: 2, trainBytes: NaN, inferBytes: 1 },
      { x: 4, trainBytes: 9, inferBytes: 9 },
      { x: -1, trainBytes: 1, inferBytes: 1 },
      { x: 8, trainBytes: Infinity, inferBytes: 1 },
    ]);
    assert.deepEqual(pts.map((p) => p.x), [1, 4]);
  });

  it('marks the engine\'s largest batch per device on the training curve', () => {
    const report = gpt();
    const m = whatIfModel({ axis: 'batch', points: batchCurve() }, { mode: 'train', fit: report.fit, batch: 8, seq: 1024 }, devices())!;
    assert.equal(m.xLabel, 'Batch size');
    assert.equal(m.logX, true); // batch 1..64
    assert.equal(m.series[0].selected, true);
    assert.deepEqual(m.series[0].points.map((p) => p.x), [1, 2, 4, 8, 16, 32, 64]);
    const byId = Object.fromEntries(m.markers.map((k) => [k.deviceId, k]));
    assert.deepEqual([byId['local-gpu-0'].x, byId['local-gpu-0'].source], [2, 'fit']);
    assert.equal(byId['local-gpu-0'].y, batchCurve()[1].trainBytes);
    // The A100's 159 lies beyond the curve's last point (64).
    assert.deepEqual([byId['a100-80gb'].x, byId['a100-80gb'].beyondRange], [159, true]);
    assert.deepEqual(m.current, { x: 8, y: batchCurve()[3].trainBytes });
    assert.match(m.ariaLabel, /NVIDIA GeForce GTX 1650: largest batch that fits: 2/);
    assert.match(whatIfFitText(m), /^largest batch that fits: NVIDIA GeForce GTX 1650 2 · .*A100 80GB ≥ 159/);
  });

  it('says so in the subtitle when no device fits even the first point', () => {
    const marker = { deviceId: 'local-gpu-0', name: 'GTX 1650', x: 0, beyondRange: false, source: 'fit' as const };
    assert.equal(whatIfFitText({ axis: 'seq', markers: [marker] }), 'no device fits at any sequence length');
    assert.equal(whatIfFitText({ axis: 'batch', markers: [] }), '');
  });

  it('agrees with the engine: the curve crosses the GTX 1650 line between batch 2 and 4', () => {
    const report = gpt();
    const m = whatIfModel({ axis: 'batch', points: batchCurve() }, { mode: 'train', fit: [], batch: 8 }, devices())!;
    const gtx = m.markers.find((k) => k.deviceId === 'local-gpu-0')!;
    // Without fit results the line is the full 4 GiB; the curve is linear in batch, so reading
    // it between the points gives the batch the formula gives.
    const perSample = (batchCurve()[1].trainBytes - batchCurve()[0].trainBytes);
    const atOne = batchCurve()[0].trainBytes;
    assert.equal(gtx.source, 'curve');
    assert.equal(gtx.x, Math.floor(1 + (4 * 2 ** 30 - atOne) / perSample));
    assert.ok(gtx.x >= report.fit[0].maxBatch);
  });

  it('returns nothing without curve points', () => {
    assert.equal(whatIfModel(undefined, { mode: 'train', fit: [], batch: 1 }, []), undefined);
    assert.equal(whatIfModel({ axis: 'seq', points: [] }, { mode: 'train', fit: [], batch: 1 }, []), undefined);
  });
});

describe('precision/format chart', () => {
  it('orders formats from widest to narrowest and marks the current one', () => {
    const m = formatChartModel(gpt())!;
    assert.deepEqual(
      m.bars.map((b) => b.label),
      ['FP32', 'FP16', 'BF16', 'FP8', 'INT8', 'GGUF Q8_0', 'GGUF Q6_K', 'GGUF Q5_K', 'GGUF Q4_K', 'GGUF Q4_0', 'NF4', 'INT4', 'GGUF Q3_K', 'GGUF Q2_K'],
    );
    assert.deepEqual(m.bars.filter((b) => b.current).map((b) => b.key), ['fp32']);
    // Bits per weight: NF4 with double quantization 4.127 (QLoRA §3), GGUF Q4_K 4.5 (llama.cpp).
    assert.equal(m.bars.find((b) => b.key === 'nf4')!.bitsPerParam!.toFixed(3), '4.127');
    assert.equal(m.bars.find((b) => b.key === 'gguf-q4_k')!.bitsPerParam!.toFixed(2), '4.50');
    assert.equal(m.bars[0].bytes, 4 * GPT2_PARAMS);
    assert.equal(m.trainingCheckpointBytes, 4 * GPT2_PARAMS + 8 * GPT2_PARAMS);
    assert.deepEqual(m.table.rows[0], ['FP32 (current)', '497.8 MB (474.7 MiB)', '32.00']);
  });

  it('puts unknown formats after the known ones and skips invalid sizes', () => {
    const report = mlp();
    report.storage.checkpointBytes = { 'gguf-iq2_xs': 70_000, int8: 236_430, onnx: -1, fp32: 942_636 };
    const m = formatChartModel(report)!;
    assert.deepEqual(m.bars.map((b) => b.label), ['FP32', 'INT8', 'GGUF IQ2_XS']);
  });

  it('returns nothing when the report has no sizes', () => {
    const report = mlp();
    report.storage.checkpointBytes = {};
    assert.equal(formatChartModel(report), undefined);
  });
});

describe('per-layer table', () => {
  it('rebuilds the module tree and starts with the blocks of a transformer collapsed', () => {
    const report = gpt();
    const tree = buildLayerTree(report)!;
    assert.equal(tree.children.map((c) => c.row.path).join(','), 'transformer,lm_head');
    const collapsed = defaultCollapsed(tree);
    const rows = visibleLayerRows(tree, collapsed, null);
    // Root, transformer, wte, wpe, drop, h, 12 collapsed blocks, ln_f, lm_head.
    assert.equal(rows.length, 20);
    assert.equal(rows[6].path, 'transformer.h.0');
    assert.equal(rows[6].expanded, false);
    assert.equal(rows[6].hasChildren, true);
    assert.deepEqual([rows[6].posInSet, rows[6].setSize], [1, 12]);
  });

  it('keeps the root open for a long flat model', () => {
    const root = mlp().layers[0];
    const kids = Array.from({ length: 100 }, (_, i) => ({ ...mlp().layers[4], path: String(i), name: String(i), depth: 1 }));
    const tree = buildLayerTree({ layers: [{ ...root, hasChildren: true }, ...kids], findings: [] })!;
    assert.equal(defaultCollapsed(tree).size, 0);
    assert.equal(visibleLayerRows(tree, defaultCollapsed(tree), null).length, 101);
  });

  it('expands and collapses by module', () => {
    const tree = buildLayerTree(gpt())!;
    const all = visibleLayerRows(tree, new Set(), null);
    assert.equal(all.length, gpt().layers.length);
    const collapsed = new Set(['transformer']);
    assert.deepEqual(visibleLayerRows(tree, collapsed, null).map((r) => r.path), ['', 'transformer', 'lm_head']);
    assert.equal(expandablePaths(tree).length, 1 + 1 + 1 + 12 * 3);
  });

  it('sorts siblings by a column and keeps children under their parent', () => {
    const tree = buildLayerTree(mlp())!;
    const rows = visibleLayerRows(tree, new Set(), { column: 'params', direction: 'desc' });
    assert.deepEqual(
      rows.map((r) => r.path),
      // encoder 233,856 > head 1,290 > bn 256 > flatten 0; inside encoder 200,960 > 32,896 > the rest in model order.
      ['', 'encoder', 'encoder.0', 'encoder.3', 'encoder.1', 'encoder.2', 'encoder.4', 'head', 'bn', 'flatten'],
    );
    const asc = visibleLayerRows(tree, new Set(), { column: 'activationBytes', direction: 'asc' }).map((r) => r.path);
    // flatten 0 B < bn 1,024 B < head 4,096 B < encoder 47,616 B.
    assert.deepEqual(asc.filter((p) => !p.includes('.')), ['', 'flatten', 'bn', 'head', 'encoder']);
    const byType = visibleLayerRows(tree, new Set(), { column: 'type', direction: 'asc' }).map((r) => r.path);
    assert.deepEqual(byType.filter((p) => p !== '' && !p.includes('.')), ['bn', 'flatten', 'head', 'encoder']);
  });

  it('sorts names naturally, so block 10 follows block 9', () => {
    const tree = buildLayerTree(gpt())!;
    const rows = visibleLayerRows(tree, new Set(['transformer.h.0', 'transformer.h.1', 'transformer.h.2', 'transformer.h.3', 'transformer.h.4', 'transformer.h.5', 'transformer.h.6', 'transformer.h.7', 'transformer.h.8', 'transformer.h.9', 'transformer.h.10', 'transformer.h.11']), { column: 'name', direction: 'desc' });
    const blocks = rows.filter((r) => /^transformer\.h\.\d+$/.test(r.path)).map((r) => r.path.split('.').pop());
    assert.deepEqual(blocks, ['11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
  });

  it('formats cells and keeps exact numbers in titles', () => {
    const tree = buildLayerTree(gpt())!;
    const row = visibleLayerRows(tree, new Set(), null).find((r) => r.path === 'transformer.h.0.attn.c_attn')!;
    // c_attn: Linear(768, 2304) = 768·2304 + 2304 = 1,771,776 params (torch).
    assert.equal(row.cells.params, '1.77M');
    assert.equal(row.titles.params, '1,771,776 parameters (1,771,776 own)');
    assert.equal(row.cells.outputShape, '[8, 1024, 2304]');
    assert.equal(row.cells.type, 'Linear');
    assert.equal(row.line, 33);
    // 768·2304 MACs per token × 8·1024 tokens.
    assert.equal(row.titles.macs, `${(768 * 2304 * 8192).toLocaleString('en-US')} MACs`);
  });

  it('flags findings and notes inline on the rows they concern', () => {
    const tree = buildLayerTree(gpt())!;
    const rows = visibleLayerRows(tree, new Set(), null);
    const lmHead = rows.find((r) => r.path === 'lm_head')!;
    assert.deepEqual(lmHead.flags.map((f) => f.severity), ['info', 'info']);
    assert.equal(lmHead.flags[0].code, 'tied-weights');
    const dropout = rows.find((r) => r.path === 'transformer.h.3.attn.attn_dropout')!;
    assert.equal(dropout.severity, 'info');
    const sdpa = rows.find((r) => r.path === 'transformer.h.0.attn.F.scaled_dot_product_attention')!;
    assert.equal(sdpa.functional, true);
    // The unevaluated `self.apply(...)` on line 96 has no layer: it stays in the findings list.
    assert.deepEqual(findingsWithoutRow(gpt()).map((f) => f.code), ['unknown-call']);
  });

  it('caps the rows for very large models', () => {
    const tree = buildLayerTree(gpt())!;
    assert.equal(visibleLayerRows(tree, new Set(), null, 50).length, 50);
  });

  it('copes with an empty layer list and with depth jumps', () => {
    assert.equal(buildLayerTree({ layers: [], findings: [] }), undefined);
    const base = mlp().layers;
    const jumpy = [base[0], { ...base[1], depth: 3 }];
    const tree = buildLayerTree({ layers: jumpy, findings: [] })!;
    assert.equal(tree.children.length, 1);
  });
});

describe('fit verdicts', () => {
  it('orders local GPUs, RAM, then targets, with the engine\'s ranked recommendations', () => {
    const cards = fitCards(gpt().fit, devices());
    assert.deepEqual(cards.map((c) => [c.deviceId, c.verdict]), [
      ['local-gpu-0', 'does-not-fit'],
      ['local-cpu', 'fits'],
      ['a100-80gb', 'fits'],
    ]);
    const gtx = cards[0];
    assert.equal(gtx.style.label, 'Does not fit');
    assert.equal(gtx.style.icon, 'error');
    assert.deepEqual(gtx.recommendations.map((r) => [r.rank, r.id, r.fitsAlone]), [
      [1, 'batch', true],
      [2, 'gradient-checkpointing', true],
      [3, 'adam-8bit', false],
    ]);
    assert.equal(gtx.recommendations[1].cost, '≈33% more compute');
    assert.equal(gtx.maxBatchText, 'largest batch that fits: 2');
    assert.equal(gtx.minGpusText, 'needs 2 of these GPUs with ZeRO-3 or FSDP');
    assert.ok(gtx.usage > 1);
    assert.equal(cards[2].minGpusText, undefined);
    assert.equal(cards[2].recommendations.length, 0);
  });

  it('says when not even batch 1 fits', () => {
    const fit = gpt().fit.map((f) => ({ ...f, maxBatch: 0 }));
    assert.equal(fitCards(fit, devices())[0].maxBatchText, 'does not fit at batch 1');
  });
});
