import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuInfo, HardwareProfile } from '../../src/core/hardware/types';
import { devicesFor, describeHardware, summarizeHardware, unmatchedTargets } from '../../src/core/hardware/devices';
import { formatHardwareText } from '../../src/core/hardware/hardwareText';
import { expandMigSlices, parseNvidiaSmiCsv, parseNvidiaSmiList } from '../../src/core/hardware/nvidiaSmi';
import { finishGpus } from '../../src/core/hardware/localGpus';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const capture = (path: string): string => readFileSync(join(__dirname, '../fixtures/hardware', path), 'utf8');

// This machine as the probe saw it: no GPU, 25,276,063,744 bytes of RAM (issue 6 expects
// its status bar to read "No GPU · 24 GB RAM").
function profileWith(gpus: GpuInfo[], ramBytes = 25_276_063_744, extra: Partial<HardwareProfile> = {}): HardwareProfile {
  return {
    platform: 'linux',
    arch: 'x64',
    cpu: { model: 'AMD EPYC', cores: 2, physicalCores: 2 },
    ram: { totalBytes: ramBytes, availableBytes: Math.round(ramBytes * 0.9) },
    gpus,
    sources: gpus.length > 0 ? ['nvidia-smi'] : [],
    notes: [],
    detectedAt: 0,
    ...extra,
  };
}

const twoRtx4090 = (): GpuInfo[] => parseNvidiaSmiCsv(capture('nvidia-smi/two-rtx4090-query.csv'));
const settings = { targetDevices: [] as string[], unifiedMemoryShare: 0.75 };

describe('devicesFor', () => {
  it('lists local GPUs with detected memory and catalog throughput, then the CPU with RAM', () => {
    const devices = devicesFor(profileWith(twoRtx4090(), 64 * GIB), settings);
    assert.deepEqual(devices.map((d) => d.id), ['local-gpu-0', 'local-gpu-1', 'local-cpu']);
    const [gpu] = devices;
    assert.equal(gpu.name, 'RTX 4090');
    assert.equal(gpu.local, true);
    assert.equal(gpu.memoryBytes, 24564 * MIB);
    assert.equal(gpu.freeBytes, (24564 - 507) * MIB);
    assert.equal(gpu.bandwidthBytesPerSec, 1008e9);
    assert.equal(gpu.peakTflops.fp16, 165.2);
    assert.equal(devices[2].memoryBytes, 64 * GIB);
    assert.equal(devices[2].kind, 'cpu');
  });

  it('falls back on the catalog memory when the tool reported none', () => {
    const [gpu] = devicesFor(profileWith([{ index: 0, vendor: 'nvidia', model: 'NVIDIA A100-SXM4-80GB', memoryTotalBytes: 0 }]), settings);
    assert.equal(gpu.memoryBytes, 80 * GIB);
  });

  it('gives a MIG slice its memory and its share of compute and bandwidth', () => {
    const slices = expandMigSlices(
      parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv')),
      parseNvidiaSmiList(capture('nvidia-smi/list-a100-mig-7x1g10gb.txt')),
    );
    const devices = devicesFor(profileWith(slices), settings);
    assert.equal(devices.length, 8);
    assert.equal(devices[0].name, 'A100 80GB MIG 1g.10gb');
    assert.equal(devices[0].memoryBytes, 10 * GIB);
    // 1 of 7 compute slices of 312 TFLOPS fp16; 1/8 of 2,039 GB/s.
    assert.equal(devices[0].peakTflops.fp16, 44.6);
    assert.equal(devices[0].bandwidthBytesPerSec, Math.round(2039e9 / 8));
  });

  it('uses the share of unified memory for Apple silicon', () => {
    const { gpus } = finishGpus([{ index: 0, vendor: 'apple', model: 'Apple M2 Max', memoryTotalBytes: 0, unifiedMemory: true }], { totalBytes: 96 * GIB }, 0.75);
    const [gpu] = devicesFor(profileWith(gpus, 96 * GIB), settings);
    assert.equal(gpu.kind, 'unified');
    assert.equal(gpu.unifiedMemory, true);
    assert.equal(gpu.memoryBytes, 72 * GIB);
    assert.equal(gpu.bandwidthBytesPerSec, 400e9);
  });

  it('adds catalog targets once each, skipping names it does not know', () => {
    const devices = devicesFor(profileWith([], 32 * GIB), {
      targetDevices: ['A100 80GB', 'a100-80gb-sxm', 'NVIDIA A100-SXM4-80GB', 'Warp Drive 9000', 'M2 Max 64GB', 'CPU'],
      unifiedMemoryShare: 0.75,
    });
    assert.deepEqual(devices.map((d) => d.id), ['local-cpu', 'a100-80gb-sxm', 'm2-max-64gb', 'cpu']);
    assert.equal(devices[1].local, false);
    assert.equal(devices[2].name, 'Apple M2 Max 64GB');
    assert.equal(devices[2].memoryBytes, 48 * GIB);
    assert.equal(devices[3].memoryBytes, 32 * GIB);
    assert.deepEqual(unmatchedTargets(['Warp Drive 9000', 'A100']), ['Warp Drive 9000']);
  });

  it('replaces detection with declared hardware', () => {
    const devices = devicesFor(profileWith(twoRtx4090(), 16 * GIB), {
      targetDevices: [],
      unifiedMemoryShare: 0.75,
      override: { gpus: [{ name: 'RTX 3090', memoryGB: 24 }, { name: 'My Lab Card', memoryGB: 40 }], ramGB: 64 },
    });
    assert.deepEqual(devices.map((d) => [d.name, d.memoryBytes / GIB]), [
      ['RTX 3090', 24],
      ['My Lab Card', 40],
      ['CPU (system RAM)', 64],
    ]);
    assert.equal(devices[0].peakTflops.fp16, 71);
    assert.deepEqual(devices[1].peakTflops, {});
    assert.match(devices[1].source ?? '', /declared in settings/);
  });

  it('ignores malformed overrides instead of failing', () => {
    const bad = devicesFor(profileWith(twoRtx4090()), {
      targetDevices: [42 as unknown as string],
      unifiedMemoryShare: Number.NaN,
      override: { gpus: [null, { name: 5 }, { name: 'RTX 4090', memoryGB: -3 }, { name: '' }] as unknown as { name: string }[], ramGB: Number.POSITIVE_INFINITY },
    });
    assert.deepEqual(bad.map((d) => [d.name, d.memoryBytes]), [
      ['RTX 4090', 24 * GIB],
      ['CPU (system RAM)', 25_276_063_744],
    ]);
    const notArray = devicesFor(profileWith(twoRtx4090()), { ...settings, override: { gpus: 'x' as unknown as [] } });
    assert.equal(notArray.length, 3);
  });
});

describe('summarizeHardware', () => {
  it('reads like the status bar in the issue', () => {
    assert.equal(summarizeHardware(profileWith([])), 'No GPU · 24 GB RAM');
    assert.equal(summarizeHardware(profileWith(twoRtx4090(), 64 * GIB)), '2× RTX 4090 24 GB · 64 GB RAM');
    const twoA100 = parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv')).map((g, i) => ({ ...g, index: i, migEnabled: undefined }));
    assert.equal(summarizeHardware(profileWith([...twoA100, { ...twoA100[0], index: 1 }], 1024 * GIB)), '2× A100 80GB · 1.0 TB RAM');
  });

  it('names cards not in the catalog by their model and sums up MIG slices and unified memory', () => {
    const unknown = parseNvidiaSmiCsv(capture('nvidia-smi/two-cards-name-free-noheader.csv'), ['gpu_name', 'memory.free']);
    assert.equal(summarizeHardware(profileWith(unknown, 32 * GIB)), 'GTX 1050 Ti + RTX 3080 Ti · 32 GB RAM');
    const slices = expandMigSlices(
      parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv')),
      parseNvidiaSmiList(capture('nvidia-smi/list-a100-mig-7x1g10gb.txt')),
    );
    assert.equal(summarizeHardware(profileWith(slices, 256 * GIB)), '7× A100 80GB MIG 1g.10gb · 256 GB RAM');
    const { gpus } = finishGpus(parseNvidiaSmiCsv(capture('nvidia-smi/gb10-query.csv')), { totalBytes: 128 * GIB }, 0.75);
    assert.equal(summarizeHardware(profileWith(gpus, 128 * GIB)), 'GB10 (DGX Spark) · 128 GB unified memory');
  });
});

describe('describeHardware and formatHardwareText', () => {
  it('says where detection ran', () => {
    assert.match(describeHardware(profileWith([]))[0], /^Detected on this machine: .*where your code runs\.$/);
    assert.match(describeHardware(profileWith([], 1, { remote: 'ssh-remote' }))[0], /on the remote SSH host/);
    assert.match(describeHardware(profileWith([], 1, { remote: 'wsl' }))[0], /in the WSL distribution/);
    assert.match(describeHardware(profileWith([], 1, { remote: 'dev-container' }))[0], /in the dev container/);
    assert.match(describeHardware(profileWith([], 1, { remote: 'some-new-remote' }))[0], /on the remote host \(some-new-remote\)/);
  });

  it('lists CPU, RAM, disk, every GPU and the notes', () => {
    const lines = describeHardware(
      profileWith(twoRtx4090(), 64 * GIB, {
        disk: { path: '/work', freeBytes: 83e9, totalBytes: 270e9 },
        notes: ['nvidia-smi -L was not needed'],
      }),
    );
    assert.ok(lines.includes('CPU: AMD EPYC (2 cores) · linux/x64'));
    assert.ok(lines.some((l) => l.startsWith('RAM: 68.7 GB (64.0 GiB) total')));
    assert.ok(lines.includes('Disk: 83.0 GB free of 270.0 GB on the volume holding /work'));
    assert.ok(lines.includes('GPU 0: NVIDIA GeForce RTX 4090 · 25.8 GB (24.0 GiB), 25.2 GB free · driver 550.163.01 · catalog: RTX 4090'));
    assert.ok(lines.includes('Found by: nvidia-smi'));
    assert.ok(lines.includes('Note: nvidia-smi -L was not needed'));
  });

  it('prints the hardware report for the CLI', () => {
    const profile = profileWith([], 32 * GIB);
    const text = formatHardwareText(profile, devicesFor(profile, { targetDevices: ['A100 80GB'], unifiedMemoryShare: 0.75 }));
    const lines = text.split('\n');
    assert.equal(lines[0], 'No GPU · 32 GB RAM');
    assert.ok(lines.includes('Devices checked:'));
    assert.ok(lines.includes('  CPU (system RAM) [this machine]: 32.0 GiB (28.8 GiB free) · bandwidth unknown · throughput unknown'));
    assert.ok(lines.includes('  A100 80GB [target]: 80.0 GiB · 2039 GB/s · fp32 19.5 · tf32 156 · fp16 312 · bf16 312 · int8 624 TFLOP/s dense'));
    assert.ok(text.endsWith('\n'));
  });
});
