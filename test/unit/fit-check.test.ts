/**
 * The editor's fit check (src/core/fitCheck.ts) on reports the whole engine produced from
 * Python source, against devices built from real nvidia-smi captures:
 * which devices count, the status and its message, the dominant layer, the quick fixes and
 * the multi-GPU plan document.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { fitSummaryLine } from '../../src/core/estimate';
import { checkFit, comparedFits, dominantLayer, multiGpuPlanMarkdown, quickFixes, topRecommendation } from '../../src/core/fitCheck';
import { formatBytes, formatPercent } from '../../src/core/format';
import { devicesFor, type DeviceSettings } from '../../src/core/hardware/devices';
import { parseNvidiaSmiCsv } from '../../src/core/hardware/nvidiaSmi';
import type { DeviceSpec, GpuInfo, HardwareProfile } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import type { ModelReport } from '../../src/core/report';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const capture = (path: string): string => readFileSync(join(__dirname, '../fixtures/hardware', path), 'utf8');

/** A machine: its GPUs and RAM (this development machine has no GPU and 25,276,063,744 bytes of RAM). */
function machine(gpus: GpuInfo[], ramBytes = 25_276_063_744): HardwareProfile {
  return {
    platform: 'linux',
    arch: 'x64',
    cpu: { model: 'AMD EPYC', cores: 2 },
    ram: { totalBytes: ramBytes, availableBytes: ramBytes / 2 },
    gpus,
    sources: gpus.length ? ['nvidia-smi'] : [],
    notes: [],
    detectedAt: 0,
  };
}

const twoRtx4090 = (): GpuInfo[] => parseNvidiaSmiCsv(capture('nvidia-smi/two-rtx4090-query.csv'));
const settings = (extra: Partial<DeviceSettings> = {}): DeviceSettings => ({ targetDevices: [], unifiedMemoryShare: 0.75, ...extra });

/** A wide MLP whose size is one number: params = w·w + w + 10·w + 10 (nn.Linear: in·out weights + out biases). */
function wideSource(width: number): string {
  return [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Wide(nn.Module):',
    `    def __init__(self, width: int = ${width}):`,
    '        super().__init__()',
    '        self.body = nn.Sequential(',
    '            nn.Linear(width, width),',
    '            nn.ReLU(),',
    '            nn.Linear(width, 10),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.body(x)',
    '',
  ].join('\n');
}

const CNN = [
  'from torch import nn',
  '',
  '',
  '# profile: input=(3,224,224)',
  'class Convs(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.stem = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU())',
  '        self.block1 = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU())',
  '        self.block2 = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU())',
  '        self.block3 = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU())',
  '        self.head = nn.Linear(64, 10)',
  '',
  '    def forward(self, x):',
  '        x = self.block3(self.block2(self.block1(self.stem(x))))',
  '        return self.head(x.mean((2, 3)))',
  ''
].join('\n');

function report(text: string, devices: DeviceSpec[], options: Partial<EstimateOptions> = {}): ModelReport {
  const r = analyzeDocument({ file: '/work/model.py', text, host: NO_FILES, options: { ...DEFAULT_OPTIONS, ...options }, devices });
  assert.equal(r.models.length, 1, JSON.stringify(r.findings));
  return r.models[0]!;
}

describe('fit check', () => {
  before(async () => {
    await initParserFromDisk();
  });

  it('checks a machine without a GPU against its RAM and says so', () => {
    const m = report(wideSource(256), devicesFor(machine([]), settings()));
    // 256·256 + 256 + 256·10 + 10 parameters (nn.Linear holds in·out weights and out biases).
    assert.equal(m.params.total, 68_362);
    const check = checkFit(m);
    assert.equal(check.cpuOnly, true);
    assert.deepEqual(check.compared.map((f) => f.deviceId), ['local-cpu']);
    assert.equal(check.status, 'fits');
    assert.equal(check.note, 'No GPU here: checked against the system RAM (training on the CPU)');
    assert.equal(check.message, fitSummaryLine(m));
    assert.match(check.message, /^Wide needs ~[\d.]+ MB to train \(batch 8, fp32, AdamW\); fits the CPU \(system RAM\) \(25\.3 GB\)$/);
    assert.deepEqual(check.fixes, []);
  });

  it('compares with the GPUs only when there are some: system RAM does not rescue a model too big for the card', () => {
    // 40000·40000 + 40000 + 40000·10 + 10: 16 bytes per parameter for fp32 AdamW alone exceed a 24,564 MiB card.
    const m = report(wideSource(40_000), devicesFor(machine(twoRtx4090(), 256 * GIB), settings()));
    assert.equal(m.params.total, 1_600_440_010);
    const { compared, cpuOnly } = comparedFits(m);
    assert.equal(cpuOnly, false);
    assert.deepEqual(compared.map((f) => f.deviceId), ['local-gpu-0', 'local-gpu-1']);
    assert.equal(m.fit.find((f) => f.deviceId === 'local-cpu')?.verdict, 'fits');

    const check = checkFit(m);
    assert.equal(check.status, 'exceeds');
    assert.equal(check.note, undefined);
    assert.equal(check.target?.deviceId, 'local-gpu-0');
    assert.equal(check.target?.availableBytes, 24564 * MIB);
    const need = formatBytes(m.memory.train.totalBytes);
    assert.ok(
      check.message.startsWith(`Wide needs ~${need} to train (batch 8, fp32, AdamW); the largest GPU here has 25.8 GB (RTX 4090)`),
      check.message,
    );
  });

  it('offers the optimizer and multi-GPU fixes with the memory each saves; no batch fix when batch 1 does not fit', () => {
    const m = report(wideSource(40_000), devicesFor(machine(twoRtx4090()), settings()));
    const target = checkFit(m).target!;
    assert.equal(target.maxBatch, 0);
    const fixes = quickFixes(target);
    const kinds = fixes.map((f) => f.kind);
    assert.ok(kinds.includes('optimizer') && kinds.includes('plan'), kinds.join());
    assert.ok(!kinds.includes('batch'));
    for (const fix of fixes) {
      const rec = target.recommendations.find((r) => r.id === fix.recommendationId)!;
      assert.equal(fix.savesBytes, rec.savesBytes);
      assert.ok(fix.title.includes(`saves ${formatBytes(rec.savesBytes)}`), fix.title);
      if (fix.kind !== 'plan') assert.deepEqual(fix.apply, rec.apply);
    }
    const optimizer = fixes.find((f) => f.kind === 'optimizer')!;
    assert.deepEqual(optimizer.apply, { optimizer: 'adam-8bit' });
    // 8-bit Adam keeps 2 bytes of state per parameter instead of 8 (bitsandbytes; HF "model memory anatomy").
    assert.ok(Math.abs(optimizer.savesBytes * (1 - m.options.headroom) - 6 * 1_600_440_010) < 1e3);
    const plan = fixes.find((f) => f.kind === 'plan')!;
    assert.deepEqual(plan.apply, {});
    assert.match(plan.title, new RegExp(`^Show the ${target.plan!.gpus > 1 ? 'multi-GPU' : 'offload'} plan: `));
    // "Apply Suggestion" takes the first change that alone makes it fit.
    assert.equal(topRecommendation(target), target.recommendations.find((r) => r.fitsAlone));
  });

  it('offers mixed precision and the largest batch that fits for activations too large for the card', () => {
    const m = report(CNN, devicesFor(machine(twoRtx4090()), settings()), { batch: 4096 });
    const check = checkFit(m);
    assert.equal(check.status, 'exceeds');
    const kinds = check.fixes.map((f) => f.kind);
    assert.ok(kinds.includes('precision') && kinds.includes('batch'), kinds.join());
    // The RTX 4090 has bf16 tensor cores, so the change is bf16 rather than fp16 with loss scaling.
    assert.deepEqual(check.fixes.find((f) => f.kind === 'precision')!.apply, { precision: 'bf16-mixed' });
    const batch = check.fixes.find((f) => f.kind === 'batch')!;
    assert.ok(check.target!.maxBatch >= 1 && check.target!.maxBatch < 4096);
    assert.deepEqual(batch.apply, { batch: check.target!.maxBatch });
    assert.ok(batch.title.startsWith(`Set the batch size to ${check.target!.maxBatch}, the largest that fits the RTX 4090 (saves `), batch.title);
  });

  it('offers gradient checkpointing for a transformer whose activations exceed the card', () => {
    // The example's `# profile: batch=16 seq=256`, with a batch 128 times larger.
    const text = readFileSync(join(__dirname, '../../examples/gpt_mini.py'), 'utf8').replace('# profile: batch=16 ', '# profile: batch=2048 ');
    const devices = devicesFor(machine(twoRtx4090()), settings());
    const r = analyzeDocument({ file: '/work/gpt_mini.py', text, host: NO_FILES, options: DEFAULT_OPTIONS, devices, models: ['GPTMini'] });
    assert.equal(r.models[0]!.options.batch, 2048);
    const check = checkFit(r.models[0]!);
    assert.equal(check.status, 'exceeds');
    const fix = check.fixes.find((f) => f.kind === 'checkpointing')!;
    assert.deepEqual(fix.apply, { gradientCheckpointing: true });
    assert.ok(fix.title.startsWith('Enable gradient checkpointing (saves '), fix.title);
  });

  it('warns when the model fits only by eating into the headroom', () => {
    const first = report(wideSource(20_000), devicesFor(machine([]), settings()));
    const required = first.memory.train.totalBytes;
    // A declared card between the need without the 10% margin and the need with it.
    const memoryGB = (required * 0.95) / GIB;
    const devices = devicesFor(machine([]), settings({ override: { gpus: [{ name: 'Lab GPU', memoryGB }] } }));
    const m = report(wideSource(20_000), devices);
    const check = checkFit(m);
    assert.equal(check.status, 'tight');
    assert.equal(check.target?.device, 'Lab GPU');
    assert.match(check.message, /; it fits the Lab GPU only without the 10% headroom, leaving [\d.]+ [kMG]?B free$/);
  });

  it('counts target devices: a model too big for this machine fits an A100 80GB', () => {
    const m = report(wideSource(40_000), devicesFor(machine([]), settings({ targetDevices: ['A100 80GB'] })));
    const check = checkFit(m);
    assert.equal(check.cpuOnly, false);
    assert.deepEqual(check.compared.map((f) => f.device), ['A100 80GB']);
    assert.equal(check.status, 'fits');
    assert.match(check.message, /; fits the A100 80GB \(85\.9 GB\)$/);
  });

  it('has nothing to say without devices', () => {
    const check = checkFit(report(wideSource(256), []));
    assert.equal(check.status, 'no-device');
    assert.equal(check.target, undefined);
    assert.match(check.message, /; no device to compare with$/);
  });

  it('points at the layer holding the parameters when model states dominate', () => {
    const m = report(wideSource(40_000), devicesFor(machine(twoRtx4090()), settings()));
    const d = dominantLayer(m)!;
    assert.equal(d.path, 'body.0');
    assert.equal(d.type, 'Linear');
    // `nn.Linear(width, width),` is line 9 of the source.
    assert.equal(d.line, 9);
    assert.equal(d.reason, `body.0 (Linear) holds 1.6B parameters (${formatPercent(1_600_040_000 / 1_600_440_010)} of them): weights, gradients and optimizer state scale with it`);
  });

  it('points at the layer keeping the most activations when activations dominate', () => {
    const m = report(CNN, devicesFor(machine([]), settings()), { batch: 64 });
    const mem = m.memory.train;
    assert.ok(mem.activationsBytes > mem.weightsBytes + mem.gradientsBytes + mem.optimizerBytes);
    const d = dominantLayer(m)!;
    assert.equal(d.path, m.memory.dominantLayer);
    assert.equal(d.line, m.layers.find((l) => l.path === d.path)!.line);
    assert.match(d.reason, new RegExp(`^${d.path.replace('.', '\\.')} \\(\\w+\\) keeps for backward [\\d.]+ [MG]B of activations \\([\\d.]+% of them\\)$`));
  });

  it('writes the multi-GPU plan with a DeepSpeed config and an FSDP snippet', () => {
    const m = report(wideSource(40_000), devicesFor(machine(twoRtx4090()), settings()));
    const target = checkFit(m).target!;
    assert.ok(target.plan, 'the verdict found a multi-GPU plan');
    const doc = multiGpuPlanMarkdown(m, target)!;
    assert.ok(doc.startsWith('# Multi-GPU plan for Wide\n'));
    const json = /```json\n([\s\S]*?)\n```/.exec(doc)![1]!;
    const config = JSON.parse(json) as { train_micro_batch_size_per_gpu: number; zero_optimization: { stage: number } };
    assert.equal(config.train_micro_batch_size_per_gpu, 8);
    assert.ok([2, 3].includes(config.zero_optimization.stage));
    const fsdp = target.minGpus['fsdp'];
    assert.ok(fsdp !== undefined && fsdp >= 2);
    assert.ok(doc.includes('sharding_strategy=ShardingStrategy.FULL_SHARD'));
    assert.ok(doc.includes(`torchrun --nproc_per_node=${fsdp} train.py`));
    assert.ok(doc.includes(`| ZeRO-3 | ${target.minGpus['zero3']} |`));
  });

  it('has no plan document for a model that fits', () => {
    const m = report(wideSource(256), devicesFor(machine(twoRtx4090()), settings()));
    assert.equal(multiGpuPlanMarkdown(m, checkFit(m).target!), undefined);
  });
});
