/**
 * The pure parts of the editor's hardware features: the hardware the status bar describes
 * when settings declare it (src/vscode/hardware/declared.ts), the rows of "Select Target
 * GPUs" (src/vscode/hardware/targetChoices.ts), and exact mode's table
 * (src/vscode/exactTable.ts).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_ENTRIES } from '../../src/core/hardware/catalog';
import { devicesFor, summarizeHardware } from '../../src/core/hardware/devices';
import { parseNvidiaSmiCsv } from '../../src/core/hardware/nvidiaSmi';
import type { GpuInfo, HardwareProfile } from '../../src/core/hardware/types';
import type { ModelReport } from '../../src/core/report';
import { parseExactOutput } from '../../src/node/exactMode';
import { compareCounts, exactMarkdown, exactSummary } from '../../src/vscode/exactTable';
import { effectiveProfile } from '../../src/vscode/hardware/declared';
import { targetChoices, targetSetting } from '../../src/vscode/hardware/targetChoices';

const GIB = 2 ** 30;
const capture = (path: string): string => readFileSync(join(__dirname, '../fixtures/hardware', path), 'utf8');

function machine(gpus: GpuInfo[], ramBytes = 25_276_063_744): HardwareProfile {
  return {
    platform: 'linux',
    arch: 'x64',
    cpu: { model: 'AMD EPYC', cores: 2 },
    ram: { totalBytes: ramBytes, availableBytes: 20e9 },
    gpus,
    sources: gpus.length ? ['nvidia-smi'] : [],
    notes: [],
    detectedAt: 0,
  };
}

describe('declared hardware', () => {
  const detected = machine(parseNvidiaSmiCsv(capture('nvidia-smi/two-rtx4090-query.csv')));

  it('is the detected hardware when settings declare nothing', () => {
    const settings = { targetDevices: [], unifiedMemoryShare: 0.75, override: null };
    assert.equal(effectiveProfile(detected, settings), detected);
    // Two RTX 4090 of 24,564 MiB each (the capture), and this machine's RAM.
    assert.equal(summarizeHardware(detected), '2× RTX 4090 24 GB · 24 GB RAM');
  });

  it('shows the declared GPUs and RAM, with the memory devicesFor checks', () => {
    const settings = { targetDevices: [], unifiedMemoryShare: 0.75, override: { gpus: [{ name: 'RTX 3090', memoryGB: 24 }], ramGB: 64 } };
    const shown = effectiveProfile(detected, settings);
    assert.equal(summarizeHardware(shown), 'RTX 3090 24 GB · 64 GB RAM');
    assert.deepEqual(shown.sources, ['settings']);
    assert.equal(shown.gpus[0]!.note, 'declared in settings');
    assert.ok(shown.notes.some((n) => n.endsWith('detection found: 2× RTX 4090 24 GB')), shown.notes.join('\n'));
    // What the status bar says is what the fit verdict uses.
    const checked = devicesFor(detected, settings);
    assert.equal(checked[0]!.memoryBytes, shown.gpus[0]!.memoryTotalBytes);
    assert.equal(checked[0]!.memoryBytes, 24 * GIB);
    assert.equal(checked[1]!.memoryBytes, shown.ram.totalBytes);
    assert.equal(shown.ram.totalBytes, 64 * GIB);
    // Available RAM is never more than the detected.
    assert.equal(shown.ram.availableBytes, 20e9);
  });

  it('declares "no GPU" with an empty list, and skips names that are neither in the catalog nor sized', () => {
    const none = effectiveProfile(detected, { targetDevices: [], unifiedMemoryShare: 0.75, override: { gpus: [] } });
    assert.equal(summarizeHardware(none), 'No GPU · 24 GB RAM');
    const odd = effectiveProfile(detected, { targetDevices: [], unifiedMemoryShare: 0.75, override: { gpus: [{ name: 'Mystery Card' }, { name: 'Lab GPU', memoryGB: 40 }] } });
    assert.deepEqual(odd.gpus.map((g) => g.model), ['Lab GPU']);
    assert.equal(odd.gpus[0]!.memoryTotalBytes, 40 * GIB);
  });

  it('gives a declared Apple chip the unified-memory share', () => {
    const shown = effectiveProfile(machine([]), { targetDevices: [], unifiedMemoryShare: 0.75, override: { gpus: [{ name: 'M2 Max', memoryGB: 64 }] } });
    assert.equal(shown.gpus[0]!.unifiedMemory, true);
    assert.equal(shown.gpus[0]!.memoryTotalBytes, 48 * GIB);
  });
});

describe('target GPU choices', () => {
  it('offers every accelerator of the catalog, not its CPU row', () => {
    const choices = targetChoices([]);
    assert.equal(choices.length, CATALOG_ENTRIES.filter((e) => e.kind !== 'cpu').length);
    assert.ok(!choices.some((c) => c.id === 'cpu'));
    assert.ok(choices.every((c) => !c.picked));
  });

  it('states memory and bandwidth in each row', () => {
    const h100 = targetChoices([]).find((c) => c.id === 'h100-sxm')!;
    // H100 SXM: 80 GB HBM3 at 3.35 TB/s (NVIDIA H100 datasheet).
    assert.equal(h100.label, 'H100 SXM');
    assert.equal(h100.description, 'NVIDIA');
    assert.match(h100.detail, /^80\.0 GiB \(85\.9 GB\) · 3,350 GB\/s · bf16 [\d.]+ TFLOP\/s dense$/);
    const m2 = targetChoices([]).find((c) => c.id === 'm2-max')!;
    assert.match(m2.detail, /unified memory, a share usable by the GPU · 400 GB\/s/);
  });

  it('marks the current targets picked, keeps their spelling and never drops a name the catalog does not know', () => {
    const current = ['rtx4090', 'A100 80GB', 'Our cluster GPU'];
    const choices = targetChoices(current);
    const picked = choices.filter((c) => c.picked);
    assert.deepEqual(picked.map((c) => c.id).sort(), ['a100-80gb-sxm', 'rtx-4090']);
    assert.equal(picked.find((c) => c.id === 'rtx-4090')!.setting, 'rtx4090');
    const h100 = choices.find((c) => c.id === 'h100-sxm')!;
    const kept = picked.filter((c) => c.id === 'rtx-4090');
    assert.deepEqual(targetSetting(current, [...kept, h100]), ['rtx4090', 'H100 SXM', 'Our cluster GPU']);
    assert.deepEqual(targetSetting(current, []), ['Our cluster GPU']);
  });
});

describe('exact mode table', () => {
  const staticModel = (name: string, total: number) => ({ name, params: { total } }) as unknown as ModelReport;
  // exact_count.py's result line for test/integration/workspace/mlp.py, as Debian's torch printed it
  // (MLP: Linear(784, 256) + Linear(256, 10) = 784·256 + 256 + 256·10 + 10 = 203,530).
  const printed =
    '@@MODEL_PROFILER_EXACT@@ {"device": "cpu", "torch": "1.13.0a0", "models": [{"params": 203530, "trainable": 203530, "buffers": 0, "name": "MLP", "kind": "class"}], "skipped": []}';

  it('puts both counts side by side', () => {
    const result = parseExactOutput(printed)!;
    const rows = compareCounts(result, [staticModel('MLP', 203_530), staticModel('Tiny', 12)]);
    assert.deepEqual(rows, [
      { name: 'MLP', exact: 203_530, exactTrainable: 203_530, estimated: 203_530, match: 'same' },
      { name: 'Tiny', estimated: 12, match: 'static-only' },
    ]);
    assert.equal(exactSummary(result, rows), 'Exact counts (torch 1.13.0a0 on cpu): MLP 203,530 (static: same); Tiny: not built by exact mode (static: 12)');
    const md = exactMarkdown('/work/mlp.py', result, rows);
    assert.ok(md.startsWith('# Exact parameter counts: mlp.py\n'));
    assert.ok(md.includes('| MLP | 203,530 | 203,530 | 203,530 | same |'));
  });

  it('says when the counts differ and when only exact mode found a model', () => {
    const result = parseExactOutput(printed)!;
    const rows = compareCounts(result, [staticModel('MLP', 200_000)]);
    assert.equal(rows[0]!.match, 'differs');
    assert.equal(exactSummary(result, rows), 'Exact counts (torch 1.13.0a0 on cpu): MLP 203,530 (static: 200,000)');
    const only = compareCounts(result, []);
    assert.equal(exactSummary(result, only), 'Exact counts (torch 1.13.0a0 on cpu): MLP 203,530 (not found statically)');
  });

  it('reports the runner’s error instead of counts', () => {
    const result = { models: [], error: 'Python interpreter not found: /no/python' };
    assert.equal(exactSummary(result, compareCounts(result, [])), 'Exact mode could not count: Python interpreter not found: /no/python');
    assert.ok(exactMarkdown('/w/m.py', result, []).includes('Exact mode could not count: Python interpreter not found: /no/python'));
  });
});
