import { strict as assert } from 'node:assert';
import { CATALOG_ENTRIES, GPU_CATALOG, catalogNames, findDevice } from '../../src/core/hardware/catalog';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

function row(id: string) {
  const d = GPU_CATALOG.find((e) => e.id === id);
  assert.ok(d, `catalog has ${id}`);
  return d;
}

describe('hardware catalog', () => {
  it('holds at least 30 accelerators, each with a cited source and unique id and name', () => {
    assert.ok(GPU_CATALOG.length >= 30, `${GPU_CATALOG.length} rows`);
    assert.equal(new Set(GPU_CATALOG.map((d) => d.id)).size, GPU_CATALOG.length);
    assert.equal(new Set(catalogNames()).size, GPU_CATALOG.length);
    for (const d of GPU_CATALOG) {
      assert.ok(d.source && d.source.length > 10, `${d.id} cites a source`);
      assert.equal(d.local, false);
      if (d.kind === 'cpu') continue;
      assert.ok(/https:\/\//.test(d.source ?? ''), `${d.id} source has a URL`);
      assert.ok(d.memoryBytes > 0, `${d.id} memory`);
      assert.ok((d.bandwidthBytesPerSec ?? 0) > 0, `${d.id} bandwidth`);
      for (const v of Object.values(d.peakTflops)) assert.ok(Number.isFinite(v) && v > 0, `${d.id} throughput`);
    }
  });

  it('covers the families the product promises', () => {
    for (const id of [
      'rtx-2080-ti', 'rtx-3060', 'rtx-3080', 'rtx-3090', 'rtx-4060-ti-16gb', 'rtx-4070', 'rtx-4080', 'rtx-4090',
      'rtx-5080', 'rtx-5090', 'rtx-a6000', 'rtx-6000-ada', 't4', 'v100-sxm2-16gb', 'v100-sxm2-32gb', 'a10g', 'l4',
      'l40s', 'a100-40gb-sxm', 'a100-80gb-sxm', 'h100-pcie', 'h100-sxm', 'h200', 'b200', 'mi210', 'mi250x', 'mi300x',
      'm1-max', 'm2-ultra', 'm3-max', 'm4-max', 'cpu',
    ]) {
      row(id);
    }
  });

  it('stores dense figures: the datasheets\' sparsity numbers halved', () => {
    // H100 SXM datasheet: BF16 1,979 TFLOPS and FP8 3,958 TFLOPS "with sparsity"; TF32 989.
    assert.equal(row('h100-sxm').peakTflops.bf16! * 2, 1979);
    assert.equal(row('h100-sxm').peakTflops.fp8! * 2, 3958);
    assert.equal(row('h100-sxm').peakTflops.tf32! * 2, 989);
    // L40S page: BF16 733 and FP8 1,466 TFLOPS with sparsity.
    assert.equal(row('l40s').peakTflops.bf16! * 2, 733);
    assert.equal(row('l40s').peakTflops.fp8! * 2, 1466);
    // A100 datasheet: FP16 tensor 312 dense (624 sparse), TF32 156, FP32 19.5.
    assert.deepEqual(
      [row('a100-80gb-sxm').peakTflops.fp16, row('a100-80gb-sxm').peakTflops.tf32, row('a100-80gb-sxm').peakTflops.fp32],
      [312, 156, 19.5],
    );
    // AMD MI300X: FP16 1,307.4 TFLOPS dense, 2,614.9 with sparsity; 5.3 TB/s; 192 GB HBM3.
    assert.equal(row('mi300x').peakTflops.fp16, 1307.4);
    assert.equal(row('mi300x').bandwidthBytesPerSec, 5.3e12);
    assert.equal(row('mi300x').memoryBytes, 192 * GIB);
  });

  it('uses fp32 accumulation for GeForce tensor rates (half of the fp16-accumulate figure)', () => {
    // Ada whitepaper, RTX 4090: FP16 tensor 330.3 with FP16 accumulate, 165.2 with FP32 accumulate; FP32 82.6.
    assert.equal(row('rtx-4090').peakTflops.fp16, 165.2);
    assert.equal(row('rtx-4090').peakTflops.fp32, 82.6);
    // GA102 whitepaper, RTX 3090: 71 TFLOPS FP16 with FP32 accumulate, 35.6 FP32, 936 GB/s.
    assert.equal(row('rtx-3090').peakTflops.fp16, 71);
    assert.equal(row('rtx-3090').bandwidthBytesPerSec, 936e9);
    // Turing has no bf16 or tf32 tensor cores.
    assert.equal(row('rtx-2080-ti').peakTflops.bf16, undefined);
    assert.equal(row('rtx-2080-ti').peakTflops.tf32, undefined);
  });

  it('derived rows agree with the derivation their source states', () => {
    // RTX 3060: 3584 CUDA cores = 28 SMs; 1.777 GHz boost; GA10x: 256 FP32 FLOP and 512 FP16 (FP32-acc) FLOP per SM-clock.
    assert.equal(Math.round((28 * 1.777 * 256) / 100) / 10, 12.7);
    assert.equal(Math.round((28 * 1.777 * 512) / 100) / 10, 25.5);
    assert.equal(row('rtx-3060').peakTflops.fp32, 12.7);
    assert.equal(row('rtx-3060').peakTflops.fp16, 25.5);
    assert.match(row('rtx-3060').source ?? '', /28 SMs/);
    // The same per-SM rates reproduce the whitepaper's RTX 3090 (82 SMs, 1.695 GHz): 35.6 FP32.
    assert.equal(Math.round(82 * 1.695 * 256 / 100) / 10, 35.6);
  });

  it('reads memory capacities as GiB, which is what nvidia-smi reports for the A100', () => {
    // nvidia-smi totals (modal-labs/modal-client PR #2797): A100 80GB 81920 MiB, A100 40GB 40960 MiB, H100 81559 MiB.
    assert.equal(row('a100-80gb-sxm').memoryBytes, 81920 * MIB);
    assert.equal(row('a100-40gb-sxm').memoryBytes, 40960 * MIB);
    const h100 = row('h100-sxm').memoryBytes;
    assert.ok(81559 * MIB <= h100 && h100 - 81559 * MIB < 0.005 * h100);
  });

  it('gives Apple rows their memory configurations and marks them unified', () => {
    const entry = CATALOG_ENTRIES.find((e) => e.id === 'm2-max');
    assert.deepEqual(entry?.memoryOptionsGB, [32, 64, 96]);
    assert.equal(row('m2-max').kind, 'unified');
    assert.equal(row('m2-max').unifiedMemory, true);
    // Apple: M2 Max "up to 96GB of unified memory", 400GB/s, 13.6 teraflops.
    assert.equal(row('m2-max').memoryBytes, 96 * GIB);
    assert.equal(row('m2-max').peakTflops.fp32, 13.6);
  });
});

describe('findDevice', () => {
  const cases: Array<[string, string]> = [
    // Names nvidia-smi / rocm-smi printed in the captures under test/fixtures/hardware.
    ['NVIDIA A100-SXM4-80GB', 'a100-80gb-sxm'],
    ['NVIDIA A100 80GB PCIe', 'a100-80gb-pcie'],
    ['NVIDIA H100 80GB HBM3', 'h100-sxm'],
    ['NVIDIA GeForce RTX 4090', 'rtx-4090'],
    ['NVIDIA GB10', 'gb10'],
    ['Radeon RX 7900 XT', 'rx-7900-xt'],
    // nvidia-smi names from issues cited in the fixtures README and the catalog tests.
    ['Tesla V100-SXM2-16GB', 'v100-sxm2-16gb'],
    ['NVIDIA GeForce RTX 5090', 'rtx-5090'],
    ['NVIDIA GeForce RTX 3090', 'rtx-3090'],
    ['NVIDIA A800-SXM4-80GB', ''],
    // rocmComputeCapabilities in cms-sw/cmssw PR #51574.
    ['AMD Instinct MI300X', 'mi300x'],
    // What people type.
    ['A100 80GB', 'a100-80gb-sxm'],
    ['a100 40gb', 'a100-40gb-sxm'],
    ['A100', 'a100-80gb-sxm'],
    ['H100 PCIe', 'h100-pcie'],
    ['h100', 'h100-sxm'],
    ['rtx4090', 'rtx-4090'],
    ['RTX 6000 Ada', 'rtx-6000-ada'],
    ['l4', 'l4'],
    ['L40S', 'l40s'],
    ['A10G', 'a10g'],
    ['A10', 'a10'],
    ['mi250x', 'mi250x'],
    ['Apple M3 Max', 'm3-max'],
    ['b200', 'b200'],
    ['cpu', 'cpu'],
    ['h200-nvl', 'h200-nvl'],
  ];
  for (const [name, id] of cases) {
    it(`"${name}" -> ${id || 'no match'}`, () => {
      assert.equal(findDevice(name)?.id, id || undefined);
    });
  }

  it('does not mistake a different product for its base name', () => {
    assert.equal(findDevice('NVIDIA GeForce RTX 3060 Ti'), undefined);
    assert.equal(findDevice('NVIDIA GeForce RTX 4090 Laptop GPU'), undefined);
    assert.equal(findDevice('Radeon RX 7900 XTX')?.id, 'rx-7900-xtx');
    assert.equal(findDevice('NVIDIA H200 NVL')?.id, 'h200-nvl');
    assert.equal(findDevice('Apple M2'), undefined);
  });

  it('matches a MIG slice by its GPU', () => {
    // cms-sw/cmssw PR #51574: "NVIDIA H100 NVL MIG 3g.47gb".
    assert.equal(findDevice('NVIDIA H100 NVL MIG 3g.47gb')?.id, 'h100-nvl');
  });

  it('honours a memory size in the name', () => {
    assert.equal(findDevice('M2 Max 64GB')?.memoryBytes, 64 * GIB);
    assert.equal(findDevice('M2 Max 64 GB')?.id, 'm2-max');
    const small = findDevice('RTX 4060 Ti 8GB');
    assert.equal(small?.memoryBytes, 8 * GIB);
    assert.equal(small?.peakTflops.fp16, row('rtx-4060-ti-16gb').peakTflops.fp16);
    assert.match(small?.source ?? '', /memory as named: 8 GB/);
  });

  it('returns copies, so callers cannot change the catalog', () => {
    const a = findDevice('A100 80GB');
    assert.ok(a);
    a.memoryBytes = 1;
    a.peakTflops.fp16 = 1;
    assert.equal(findDevice('A100 80GB')?.memoryBytes, 80 * GIB);
    assert.equal(findDevice('A100 80GB')?.peakTflops.fp16, 312);
    assert.equal((a as { aliases?: unknown }).aliases, undefined);
  });

  it('answers undefined for empty, huge or non-string input', () => {
    assert.equal(findDevice(''), undefined);
    assert.equal(findDevice('   '), undefined);
    assert.equal(findDevice('x'.repeat(10_000)), undefined);
    assert.equal(findDevice(42 as unknown as string), undefined);
    assert.equal(findDevice('<img src=x onerror=alert(1)>'), undefined);
  });

  it('lists catalog names for pickers', () => {
    const names = catalogNames();
    for (const n of ['A100 80GB', 'H100 SXM', 'RTX 4090', 'Apple M2 Max', 'CPU (system RAM)']) assert.ok(names.includes(n), n);
  });
});
