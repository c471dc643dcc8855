// Parsing of real nvidia-smi / rocm-smi outputs. Every capture is cited in
// test/fixtures/hardware/README.md; the expected numbers are the ones in the capture.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expandMigSlices,
  migSliceBytes,
  NVIDIA_QUERY_ARGS,
  parseNvidiaSmiCsv,
  parseNvidiaSmiList,
  rejectsQueryField,
} from '../../src/core/hardware/nvidiaSmi';
import { parseRocmSmiCsv, parseRocmSmiJson } from '../../src/core/hardware/rocmSmi';
import { finishGpus, gpusFromControllers } from '../../src/core/hardware/localGpus';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const capture = (path: string): string => readFileSync(join(__dirname, '../fixtures/hardware', path), 'utf8');

describe('nvidia-smi --query-gpu CSV', () => {
  it('asks for the fields it parses, with a header and without units', () => {
    assert.deepEqual(NVIDIA_QUERY_ARGS, [
      '--query-gpu=index,name,memory.total,memory.free,driver_version,mig.mode.current',
      '--format=csv,nounits',
    ]);
  });

  it('one card with [N/A] memory (DGX Spark GB10): memory unknown, never 0-as-a-number or NaN', () => {
    const [gpu, ...rest] = parseNvidiaSmiCsv(capture('nvidia-smi/gb10-query.csv'));
    assert.equal(rest.length, 0);
    assert.equal(gpu.model, 'NVIDIA GB10');
    assert.equal(gpu.index, 0);
    assert.equal(gpu.memoryTotalBytes, 0);
    assert.equal(gpu.memoryFreeBytes, undefined);
    assert.equal(gpu.catalogId, 'gb10');
    assert.match(gpu.note ?? '', /does not report/);
  });

  it('one card, no header, the fields named by the caller, "N/A" without brackets', () => {
    const fields = 'power.limit,power.min_limit,power.max_limit,memory.total,vbios_version,driver_version,name,gpu_uuid,power.draw,temperature.gpu,temperature.memory,clocks.current.graphics,clocks.sm,clocks.mem,utilization.gpu,utilization.memory,fan.speed,pcie.link.width.current,pstate'.split(',');
    const gpus = parseNvidiaSmiCsv(capture('nvidia-smi/rtx2080-noheader.csv'), fields);
    assert.equal(gpus.length, 1);
    assert.equal(gpus[0].model, 'GeForce RTX 2080');
    // memory.total 7979 (MiB, nounits)
    assert.equal(gpus[0].memoryTotalBytes, 7979 * MIB);
    assert.equal(gpus[0].driver, '440.64');
    assert.equal(gpus[0].catalogId, undefined);
  });

  it('two cards, no header, name and free memory only', () => {
    const gpus = parseNvidiaSmiCsv(capture('nvidia-smi/two-cards-name-free-noheader.csv'), ['gpu_name', 'memory.free']);
    assert.deepEqual(
      gpus.map((g) => [g.index, g.model, g.memoryFreeBytes, g.memoryTotalBytes]),
      [
        [0, 'NVIDIA GeForce GTX 1050 Ti', 2131 * MIB, 0],
        [1, 'NVIDIA GeForce RTX 3080 Ti', 16000 * MIB, 0],
      ],
    );
  });

  it('two cards with a header: free memory from total minus used', () => {
    const gpus = parseNvidiaSmiCsv(capture('nvidia-smi/two-rtx4090-query.csv'));
    assert.equal(gpus.length, 2);
    assert.deepEqual(gpus.map((g) => g.memoryTotalBytes), [24564 * MIB, 24564 * MIB]);
    assert.deepEqual(gpus.map((g) => g.memoryFreeBytes), [(24564 - 507) * MIB, (24564 - 459) * MIB]);
    assert.deepEqual(gpus.map((g) => g.catalogId), ['rtx-4090', 'rtx-4090']);
    assert.equal(gpus[1].driver, '550.163.01');
  });

  it('eight cards', () => {
    const gpus = parseNvidiaSmiCsv(capture('nvidia-smi/eight-h100-query.csv'));
    assert.deepEqual(gpus.map((g) => g.index), [0, 1, 2, 3, 4, 5, 6, 7]);
    for (const g of gpus) {
      assert.equal(g.model, 'NVIDIA H100 80GB HBM3');
      assert.equal(g.memoryTotalBytes, 81559 * MIB);
      assert.equal(g.catalogId, 'h100-sxm');
      assert.equal(g.memoryFreeBytes, undefined);
    }
  });

  it('reads the MIG mode; a GeForce reports it [N/A], which lists no GPU on its own', () => {
    const [a100] = parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv'));
    assert.equal(a100.migEnabled, true);
    assert.equal(a100.memoryTotalBytes, 81920 * MIB);
    assert.deepEqual(parseNvidiaSmiCsv(capture('nvidia-smi/mig-mode-geforce.csv')), []);
  });

  it('skips what is not a GPU row and survives garbage', () => {
    assert.deepEqual(parseNvidiaSmiCsv(''), []);
    assert.deepEqual(parseNvidiaSmiCsv('No devices were found'), []);
    assert.deepEqual(parseNvidiaSmiCsv(capture('nvidia-smi/driver-failure.txt')), []);
    assert.deepEqual(parseNvidiaSmiCsv('\u0000\u0001\uffff,,,\n,,,'), []);
    assert.deepEqual(parseNvidiaSmiCsv(undefined as unknown as string), []);
  });

  it('recognises the complaint of a driver that does not know a query field', () => {
    // nvidia-smi's wording for an unknown field: 'Field "mig.mode.current" is not a valid field to query.'
    assert.equal(rejectsQueryField('Field "mig.mode.current" is not a valid field to query.'), true);
    assert.equal(rejectsQueryField(capture('nvidia-smi/driver-failure.txt')), false);
  });
});

describe('nvidia-smi -L and MIG', () => {
  it('lists GPUs with their MIG slices', () => {
    const gpus = parseNvidiaSmiList(capture('nvidia-smi/list-a100-mig-4gpu.txt'));
    assert.deepEqual(gpus.map((g) => [g.index, g.name, g.mig.length]), [
      [0, 'NVIDIA A100-SXM4-80GB', 4],
      [1, 'NVIDIA A100-SXM4-80GB', 0],
      [2, 'NVIDIA A100-SXM4-80GB', 0],
      [3, 'NVIDIA A100-SXM4-80GB', 0],
    ]);
    assert.deepEqual(gpus[0].mig.map((m) => m.profile), ['1g.20gb', '1g.20gb', '1g.20gb', '1g.20gb']);
    assert.equal(gpus[0].uuid, 'GPU-513536b6-7d19-9063-b049-1e69664bb298');
    assert.equal(gpus[0].mig[3].uuid, 'MIG-930574a9-d43a-5d2b-95da-3e68384c8d6b');
    assert.equal(parseNvidiaSmiList(capture('nvidia-smi/list-4x3090.txt')).length, 4);
    const pcie = parseNvidiaSmiList(capture('nvidia-smi/list-a100-pcie-mig-3g40gb.txt'));
    assert.deepEqual(pcie.map((g) => [g.name, g.mig.map((m) => `${m.profile}#${m.device}`)]), [
      ['NVIDIA A100 80GB PCIe', ['3g.40gb#0', '3g.40gb#1']],
    ]);
  });

  it('gives each slice its share of the GPU\'s memory (MIG user guide: memory in eighths)', () => {
    // 1g.20gb on an 80 GB A100 is 2/8 of the memory; 3g.40gb is 4/8; 1g.10gb is 1/8.
    assert.equal(migSliceBytes('1g.20gb', 'NVIDIA A100-SXM4-80GB', 81920 * MIB), 20480 * MIB);
    assert.equal(migSliceBytes('3g.40gb', 'NVIDIA A100 80GB PCIe', 81920 * MIB), 40960 * MIB);
    assert.equal(migSliceBytes('1g.10gb', 'NVIDIA A100-SXM4-80GB', 81920 * MIB), 10240 * MIB);
    // cms-sw/cmssw PR #51574: an "NVIDIA H100 NVL MIG 3g.47gb" exposes 47,488 MiB. Without the
    // parent's total the profile's own size is used, within 2% of that.
    const nvl = migSliceBytes('3g.47gb', 'NVIDIA H100 NVL', 0) ?? 0;
    assert.ok(Math.abs(nvl - 47488 * MIB) / (47488 * MIB) < 0.02);
    assert.equal(migSliceBytes('weird', 'NVIDIA A100-SXM4-80GB', 81920 * MIB), undefined);
  });

  it('replaces a GPU in MIG mode by its slices', () => {
    const rows = parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv'));
    const listed = parseNvidiaSmiList(capture('nvidia-smi/list-a100-mig-7x1g10gb.txt'));
    const gpus = expandMigSlices(rows, listed);
    assert.equal(gpus.length, 7);
    for (const g of gpus) {
      assert.equal(g.model, 'NVIDIA A100-SXM4-80GB MIG 1g.10gb');
      assert.equal(g.memoryTotalBytes, 10240 * MIB);
      assert.deepEqual(g.mig, { profile: '1g.10gb', parentIndex: 0 });
      assert.equal(g.catalogId, 'a100-80gb-sxm');
      assert.equal(g.driver, '535.216.01');
      assert.equal((g as { migEnabled?: boolean }).migEnabled, undefined);
    }
  });

  it('keeps a MIG GPU whole, with a note, when its slices are not listed', () => {
    const rows = parseNvidiaSmiCsv(capture('nvidia-smi/a100-mig-query.csv'));
    const [gpu] = expandMigSlices(rows, []);
    assert.equal(gpu.memoryTotalBytes, 81920 * MIB);
    assert.match(gpu.note ?? '', /MIG is enabled/);
  });
});

describe('rocm-smi', () => {
  it('reads the --json form', () => {
    const [gpu, ...rest] = parseRocmSmiJson(capture('rocm-smi/rx7900xt.json'));
    assert.equal(rest.length, 0);
    assert.equal(gpu.vendor, 'amd');
    assert.equal(gpu.model, 'Radeon RX 7900 XT');
    assert.equal(gpu.memoryTotalBytes, 21458059264);
    assert.equal(gpu.memoryFreeBytes, 21458059264 - 27856896);
    assert.equal(gpu.catalogId, 'rx-7900-xt');
    assert.equal(gpu.index, 0);
  });

  it('reads the --csv form, integrated GPU included', () => {
    const gpus = parseRocmSmiCsv(capture('rocm-smi/rx6800-raphael.csv'));
    assert.deepEqual(gpus.map((g) => [g.index, g.model, g.memoryTotalBytes]), [
      [0, 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]', 17163091968],
      [1, 'Raphael', 67108864],
    ]);
  });

  it('survives output that is not what it expects', () => {
    assert.deepEqual(parseRocmSmiJson(''), []);
    assert.deepEqual(parseRocmSmiJson('WARNING: something'), []);
    assert.deepEqual(parseRocmSmiJson('[1,2]'), []);
    assert.deepEqual(parseRocmSmiJson('{"system": {"Driver version": "6.8"}}'), []);
    assert.deepEqual(parseRocmSmiJson('{"card0": null, "card1": {"GPU use (%)": "0"}}'), []);
    assert.deepEqual(parseRocmSmiCsv('no header here'), []);
  });
});

describe('finishing detected GPUs', () => {
  it('drops an integrated GPU\'s carve-out with a note', () => {
    const { gpus, notes } = finishGpus(parseRocmSmiCsv(capture('rocm-smi/rx6800-raphael.csv')), { totalBytes: 64 * GIB }, 0.75);
    assert.deepEqual(gpus.map((g) => g.model), ['Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]']);
    assert.equal(notes.length, 1);
    assert.match(notes[0], /Raphael: 67\.1 MB .*integrated/);
  });

  it('gives a unified-memory GPU (GB10) the stated share of RAM', () => {
    const { gpus } = finishGpus(parseNvidiaSmiCsv(capture('nvidia-smi/gb10-query.csv')), { totalBytes: 128 * GIB }, 0.75);
    assert.equal(gpus[0].unifiedMemory, true);
    assert.equal(gpus[0].memoryTotalBytes, 96 * GIB);
    assert.match(gpus[0].note ?? '', /unified memory: 75\.0% of 137\.4 GB RAM usable by the GPU/);
  });

  it('counts NVIDIA, dedicated AMD and Apple display adapters, not BMC or integrated ones', () => {
    // Adapter names from akash-network/provider-configs issue #29 ("ASPEED Graphics Family",
    // "GV100GL [Tesla V100 SXM3 32GB]") and Apple's system_profiler naming ("Apple M2 Max").
    const { gpus, notes } = gpusFromControllers([
      { vendor: 'ASPEED Technology, Inc.', model: 'ASPEED Graphics Family', vram: 0 },
      { vendor: 'NVIDIA Corporation', model: 'GV100GL [Tesla V100 SXM3 32GB]', vram: null },
      { vendor: 'Apple', model: 'Apple M2 Max', vram: null, vramDynamic: true },
      { vendor: 'Intel Corporation', model: 'UHD Graphics 630', vram: 1536, vramDynamic: true },
      { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Radeon RX 7900 XT', vram: 20464, vramDynamic: false },
    ]);
    assert.deepEqual(gpus.map((g) => [g.vendor, g.model]), [
      ['nvidia', 'GV100GL [Tesla V100 SXM3 32GB]'],
      ['apple', 'Apple M2 Max'],
      ['amd', 'Radeon RX 7900 XT'],
    ]);
    assert.equal(gpus[1].unifiedMemory, true);
    assert.equal(gpus[2].memoryTotalBytes, 20464 * MIB);
    assert.match(notes[0], /ASPEED Graphics Family, UHD Graphics 630/);
  });
});
