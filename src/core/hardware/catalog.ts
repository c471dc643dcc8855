/**
 * Catalog of well-known accelerators: one row per device, with the figures the
 * engine needs (memory, peak dense throughput per precision, memory bandwidth) and
 * the document each row's figures come from.
 *
 * Conventions, applied to every row:
 * - Memory is the vendor's capacity ("24 GB", "80 GB") read as GiB: memory chips
 *   come in binary sizes, and nvidia-smi reports close to it (an A100 80GB shows
 *   81,920 MiB; an H100 80GB shows 81,559 MiB).
 * - Throughput is DENSE peak TFLOP/s (TOP/s for int8): datasheet figures marked
 *   "with sparsity" are halved. fp16/bf16/fp8 are tensor-core rates with fp32
 *   accumulation, the mode PyTorch's matmuls use (GeForce cards run it at half the
 *   fp16-accumulate rate). fp32 is the non-tensor rate (AMD: the fp32 matrix rate).
 *   A precision a chip lacks is left out.
 * - Bandwidth is decimal (GB/s = 1e9 bytes/s), as datasheets give it.
 * - Rows for cards whose vendor publishes no per-precision table are derived from
 *   the SM count and boost clock on the product page times the per-SM rates of the
 *   architecture whitepaper; their `source` says so.
 * - Apple rows hold the largest unified-memory configuration and list the others
 *   in `memoryOptionsGB`; the share the GPU may use is applied by devicesFor.
 */
import type { DeviceKind, DeviceSpec, PeakTflops, Vendor } from './types';
import { matchCatalog, toDeviceSpec } from './deviceNames';

/** A catalog row: a DeviceSpec plus the names it is known by. */
export interface CatalogEntry extends DeviceSpec {
  /** Names people and tools use: nvidia-smi / rocm-smi / system_profiler strings, short forms. */
  aliases: string[];
  /** Memory configurations sold, in GB as the vendor writes them (Apple silicon). */
  memoryOptionsGB?: number[];
}

const GIB = 2 ** 30;

interface RowInput {
  id: string;
  name: string;
  vendor: Vendor;
  kind?: DeviceKind;
  /** Capacity as the vendor writes it, read as GiB. */
  gb: number;
  /** Decimal GB/s. */
  gbps?: number;
  tflops: PeakTflops;
  source: string;
  aliases: string[];
  memoryOptionsGB?: number[];
}

function row(r: RowInput): CatalogEntry {
  const entry: CatalogEntry = {
    id: r.id,
    name: r.name,
    kind: r.kind ?? 'gpu',
    vendor: r.vendor,
    memoryBytes: r.gb * GIB,
    peakTflops: r.tflops,
    source: r.source,
    local: false,
    aliases: r.aliases,
  };
  if (r.gbps !== undefined) entry.bandwidthBytesPerSec = r.gbps * 1e9;
  if (r.kind === 'unified') entry.unifiedMemory = true;
  if (r.memoryOptionsGB) entry.memoryOptionsGB = r.memoryOptionsGB;
  return entry;
}

// Documents cited by several rows.
const TURING_WP =
  'NVIDIA Turing GPU Architecture whitepaper, Appendix A (reference clocks): https://images.nvidia.com/aem-dam/en-zz/Solutions/design-visualization/technologies/turing-architecture/NVIDIA-Turing-Architecture-Whitepaper.pdf';
const GA102_WP =
  'NVIDIA Ampere GA102 GPU Architecture whitepaper v2, Appendix A: https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf';
const ADA_WP =
  'NVIDIA Ada GPU Architecture whitepaper, Appendix A: https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf';
const BLACKWELL_RTX_WP =
  'NVIDIA RTX Blackwell GPU Architecture whitepaper: https://images.nvidia.com/aem-dam/Solutions/geforce/blackwell/nvidia-rtx-blackwell-gpu-architecture.pdf';
const A100_DS =
  'NVIDIA A100 Tensor Core GPU datasheet: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf';
const H100_DS =
  'NVIDIA H100 Tensor Core GPU datasheet: https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet';
const H200_PAGE = 'NVIDIA H200 specifications: https://www.nvidia.com/en-us/data-center/h200/';
const V100_DS =
  'NVIDIA Tesla V100 datasheet: https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf';
const AMD_MI200 = 'AMD Instinct MI200 series specifications: https://www.amd.com/en/products/accelerators/instinct/mi200.html';
const AMD_MI300 = 'AMD Instinct MI300 series specifications: https://www.amd.com/en/products/accelerators/instinct/mi300.html';
const AMD_RX7900 = 'AMD Radeon RX 7900 series specifications: https://www.amd.com/en/products/graphics/desktops/radeon/7000-series.html';

/** Derived rows say how: SMs × boost clock × per-SM dense rates of the architecture. */
function derived(sms: number, boostGHz: number, productPage: string, whitepaper: string): string {
  return `Derived: ${sms} SMs (CUDA cores / 128) × ${boostGHz} GHz boost from ${productPage} × per-SM dense rates of ${whitepaper}`;
}

export const CATALOG_ENTRIES: readonly CatalogEntry[] = [
  // ---- NVIDIA GeForce (consumer) ----
  row({
    id: 'rtx-2080-ti', name: 'RTX 2080 Ti', vendor: 'nvidia', gb: 11, gbps: 616,
    tflops: { fp32: 13.4, fp16: 53.8, int8: 215.2 },
    source: TURING_WP,
    aliases: ['rtx 2080 ti', '2080 ti', '2080ti'],
  }),
  row({
    id: 'rtx-3060', name: 'RTX 3060 12GB', vendor: 'nvidia', gb: 12, gbps: 360,
    tflops: { fp32: 12.7, tf32: 12.7, fp16: 25.5, bf16: 25.5, int8: 101.9 },
    source: derived(28, 1.777, 'https://www.nvidia.com/en-us/geforce/graphics-cards/30-series/rtx-3060-3060ti/', GA102_WP),
    aliases: ['rtx 3060', '3060'],
  }),
  row({
    id: 'rtx-3070', name: 'RTX 3070', vendor: 'nvidia', gb: 8, gbps: 448,
    tflops: { fp32: 20.3, tf32: 20.3, fp16: 40.6, bf16: 40.6, int8: 162.5 },
    source: derived(46, 1.725, 'https://www.nvidia.com/en-us/geforce/graphics-cards/30-series/rtx-3070-3070ti/', GA102_WP),
    aliases: ['rtx 3070', '3070'],
  }),
  row({
    id: 'rtx-3080', name: 'RTX 3080', vendor: 'nvidia', gb: 10, gbps: 760,
    tflops: { fp32: 29.8, tf32: 29.8, fp16: 59.5, bf16: 59.5, int8: 238 },
    source: GA102_WP,
    aliases: ['rtx 3080', '3080'],
  }),
  row({
    id: 'rtx-3090', name: 'RTX 3090', vendor: 'nvidia', gb: 24, gbps: 936,
    tflops: { fp32: 35.6, tf32: 35.6, fp16: 71, bf16: 71, int8: 284 },
    source: GA102_WP,
    aliases: ['rtx 3090', '3090'],
  }),
  row({
    id: 'rtx-4060-ti-16gb', name: 'RTX 4060 Ti 16GB', vendor: 'nvidia', gb: 16, gbps: 288,
    tflops: { fp32: 22.1, tf32: 22.1, fp16: 44.1, bf16: 44.1, fp8: 88.3, int8: 176.5 },
    source: derived(34, 2.535, 'https://www.nvidia.com/en-us/geforce/graphics-cards/40-series/rtx-4060-4060ti/', ADA_WP),
    aliases: ['rtx 4060 ti', '4060 ti', '4060ti'],
  }),
  row({
    id: 'rtx-4070', name: 'RTX 4070', vendor: 'nvidia', gb: 12, gbps: 504,
    tflops: { fp32: 29.1, tf32: 29.1, fp16: 58.3, bf16: 58.3, fp8: 116.6, int8: 233.2 },
    source: derived(46, 2.475, 'https://www.nvidia.com/en-us/geforce/graphics-cards/40-series/rtx-4070-family/', ADA_WP),
    aliases: ['rtx 4070', '4070'],
  }),
  row({
    id: 'rtx-4080', name: 'RTX 4080', vendor: 'nvidia', gb: 16, gbps: 716.8,
    tflops: { fp32: 48.7, tf32: 48.7, fp16: 97.5, bf16: 97.5, fp8: 194.9, int8: 389.9 },
    source: ADA_WP,
    aliases: ['rtx 4080', '4080'],
  }),
  row({
    id: 'rtx-4090', name: 'RTX 4090', vendor: 'nvidia', gb: 24, gbps: 1008,
    tflops: { fp32: 82.6, tf32: 82.6, fp16: 165.2, bf16: 165.2, fp8: 330.3, int8: 660.6 },
    source: ADA_WP,
    aliases: ['rtx 4090', '4090'],
  }),
  row({
    id: 'rtx-5080', name: 'RTX 5080', vendor: 'nvidia', gb: 16, gbps: 960,
    tflops: { fp32: 56.3, tf32: 56.3, fp16: 112.6, bf16: 112.6, fp8: 225.1, int8: 450.2 },
    source: derived(84, 2.617, 'https://www.nvidia.com/en-us/geforce/graphics-cards/50-series/rtx-5080/', BLACKWELL_RTX_WP),
    aliases: ['rtx 5080', '5080'],
  }),
  row({
    id: 'rtx-5090', name: 'RTX 5090', vendor: 'nvidia', gb: 32, gbps: 1792,
    tflops: { fp32: 104.8, tf32: 104.8, fp16: 209.5, bf16: 209.5, fp8: 419, int8: 838 },
    source: BLACKWELL_RTX_WP,
    aliases: ['rtx 5090', '5090'],
  }),

  // ---- NVIDIA workstation (full-rate fp32 accumulation) ----
  row({
    id: 'rtx-a5000', name: 'RTX A5000', vendor: 'nvidia', gb: 24, gbps: 768,
    tflops: { fp32: 27.8, tf32: 55.6, fp16: 111.1, bf16: 111.1, int8: 222.2 },
    source: derived(64, 1.695, 'https://www.nvidia.com/en-us/design-visualization/rtx-a5000/', GA102_WP),
    aliases: ['rtx a5000', 'a5000'],
  }),
  row({
    id: 'rtx-a6000', name: 'RTX A6000', vendor: 'nvidia', gb: 48, gbps: 768,
    tflops: { fp32: 38.7, tf32: 77.4, fp16: 154.8, bf16: 154.8, int8: 309.7 },
    source: GA102_WP,
    aliases: ['rtx a6000', 'a6000'],
  }),
  row({
    id: 'rtx-6000-ada', name: 'RTX 6000 Ada', vendor: 'nvidia', gb: 48, gbps: 960,
    tflops: { fp32: 91.1, tf32: 182.1, fp16: 364.2, bf16: 364.2, fp8: 728.5, int8: 728.5 },
    source: ADA_WP,
    aliases: ['rtx 6000 ada', '6000 ada'],
  }),

  // ---- NVIDIA data center ----
  row({
    id: 't4', name: 'T4', vendor: 'nvidia', gb: 16, gbps: 320,
    tflops: { fp32: 8.1, fp16: 65, int8: 130 },
    source: 'NVIDIA T4 datasheet: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf',
    aliases: ['t4'],
  }),
  row({
    id: 'v100-sxm2-16gb', name: 'V100 SXM2 16GB', vendor: 'nvidia', gb: 16, gbps: 900,
    tflops: { fp32: 15.7, fp16: 125 },
    source: V100_DS,
    aliases: ['v100 sxm2 16gb', 'v100 16gb', 'v100 sxm2', 'v100'],
  }),
  row({
    id: 'v100-sxm2-32gb', name: 'V100 SXM2 32GB', vendor: 'nvidia', gb: 32, gbps: 900,
    tflops: { fp32: 15.7, fp16: 125 },
    source: V100_DS,
    aliases: ['v100 sxm2 32gb', 'v100 32gb'],
  }),
  row({
    id: 'v100-pcie-16gb', name: 'V100 PCIe 16GB', vendor: 'nvidia', gb: 16, gbps: 900,
    tflops: { fp32: 14, fp16: 112 },
    source: V100_DS,
    aliases: ['v100 pcie 16gb', 'v100 pcie'],
  }),
  row({
    id: 'v100-pcie-32gb', name: 'V100 PCIe 32GB', vendor: 'nvidia', gb: 32, gbps: 900,
    tflops: { fp32: 14, fp16: 112 },
    source: V100_DS,
    aliases: ['v100 pcie 32gb'],
  }),
  row({
    id: 'a10', name: 'A10', vendor: 'nvidia', gb: 24, gbps: 600,
    tflops: { fp32: 31.2, tf32: 62.5, fp16: 125, bf16: 125, int8: 250 },
    source: 'NVIDIA A10 datasheet: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/a10-datasheet.pdf',
    aliases: ['a10'],
  }),
  row({
    id: 'a10g', name: 'A10G', vendor: 'nvidia', gb: 24, gbps: 600,
    tflops: { fp32: 31.5, tf32: 35, fp16: 70, bf16: 70, int8: 140 },
    // NVIDIA publishes no A10G datasheet (an AWS-only part); this is the spec table AWS users cite.
    source: 'Baseten, "NVIDIA A10 vs A10G for ML model inference" (A10G spec table): https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/',
    aliases: ['a10g'],
  }),
  row({
    id: 'a30', name: 'A30', vendor: 'nvidia', gb: 24, gbps: 933,
    tflops: { fp32: 10.3, tf32: 82, fp16: 165, bf16: 165, int8: 330 },
    source: 'NVIDIA A30 datasheet: https://www.nvidia.com/content/dam/en-zz/Solutions/data-center/products/a30-gpu/pdf/a30-datasheet.pdf',
    aliases: ['a30'],
  }),
  row({
    id: 'a40', name: 'A40', vendor: 'nvidia', gb: 48, gbps: 696,
    tflops: { fp32: 37.4, tf32: 74.8, fp16: 149.7, bf16: 149.7, int8: 299.3 },
    source: 'NVIDIA A40 datasheet: https://images.nvidia.com/content/Solutions/data-center/a40/nvidia-a40-datasheet.pdf',
    aliases: ['a40'],
  }),
  row({
    id: 'l4', name: 'L4', vendor: 'nvidia', gb: 24, gbps: 300,
    tflops: { fp32: 30.3, tf32: 60, fp16: 121, bf16: 121, fp8: 242.5, int8: 242.5 },
    source: 'NVIDIA L4 specifications: https://www.nvidia.com/en-us/data-center/l4/',
    aliases: ['l4'],
  }),
  row({
    id: 'l40', name: 'L40', vendor: 'nvidia', gb: 48, gbps: 864,
    tflops: { fp32: 90.5, tf32: 90.5, fp16: 181, bf16: 181, fp8: 362, int8: 362 },
    source: 'NVIDIA L40 datasheet: https://www.nvidia.com/content/dam/en-zz/Solutions/design-visualization/support-guide/NVIDIA-L40-Datasheet-January-2023.pdf',
    aliases: ['l40'],
  }),
  row({
    id: 'l40s', name: 'L40S', vendor: 'nvidia', gb: 48, gbps: 864,
    tflops: { fp32: 91.6, tf32: 183, fp16: 366.5, bf16: 366.5, fp8: 733, int8: 733 },
    source: 'NVIDIA L40S specifications: https://www.nvidia.com/en-us/data-center/l40s/',
    aliases: ['l40s'],
  }),
  row({
    id: 'a100-40gb-pcie', name: 'A100 40GB PCIe', vendor: 'nvidia', gb: 40, gbps: 1555,
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    source: A100_DS,
    aliases: ['a100 pcie 40gb', 'a100 40gb pcie'],
  }),
  row({
    id: 'a100-40gb-sxm', name: 'A100 40GB', vendor: 'nvidia', gb: 40, gbps: 1555,
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    source: A100_DS,
    aliases: ['a100 sxm4 40gb', 'a100 40gb sxm', 'a100 40gb'],
  }),
  row({
    id: 'a100-80gb-pcie', name: 'A100 80GB PCIe', vendor: 'nvidia', gb: 80, gbps: 1935,
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    source: A100_DS,
    aliases: ['a100 80gb pcie', 'a100 pcie 80gb'],
  }),
  row({
    id: 'a100-80gb-sxm', name: 'A100 80GB', vendor: 'nvidia', gb: 80, gbps: 2039,
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    source: A100_DS,
    // A bare "A100" means this one: the variant most clouds rent today.
    aliases: ['a100 sxm4 80gb', 'a100 80gb sxm', 'a100 80gb', 'a100 sxm', 'a100'],
  }),
  row({
    id: 'h100-pcie', name: 'H100 PCIe', vendor: 'nvidia', gb: 80, gbps: 2000,
    tflops: { fp32: 51, tf32: 378, fp16: 756, bf16: 756, fp8: 1513, int8: 1513 },
    source: H100_DS,
    aliases: ['h100 pcie'],
  }),
  row({
    id: 'h100-sxm', name: 'H100 SXM', vendor: 'nvidia', gb: 80, gbps: 3350,
    tflops: { fp32: 67, tf32: 494.5, fp16: 989.5, bf16: 989.5, fp8: 1979, int8: 1979 },
    source: H100_DS,
    // nvidia-smi names the SXM5 part "NVIDIA H100 80GB HBM3".
    aliases: ['h100 80gb hbm3', 'h100 sxm5', 'h100 sxm', 'h100 80gb', 'h100'],
  }),
  row({
    id: 'h100-nvl', name: 'H100 NVL', vendor: 'nvidia', gb: 94, gbps: 3900,
    tflops: { fp32: 60, tf32: 417.5, fp16: 835.5, bf16: 835.5, fp8: 1670.5, int8: 1670.5 },
    source: H100_DS,
    aliases: ['h100 nvl', 'h100 94gb'],
  }),
  row({
    id: 'h200', name: 'H200', vendor: 'nvidia', gb: 141, gbps: 4800,
    tflops: { fp32: 67, tf32: 494.5, fp16: 989.5, bf16: 989.5, fp8: 1979, int8: 1979 },
    source: H200_PAGE,
    aliases: ['h200 sxm', 'h200 141gb', 'h200'],
  }),
  row({
    id: 'h200-nvl', name: 'H200 NVL', vendor: 'nvidia', gb: 141, gbps: 4800,
    tflops: { fp32: 60, tf32: 417.5, fp16: 835.5, bf16: 835.5, fp8: 1670.5, int8: 1670.5 },
    source: H200_PAGE,
    aliases: ['h200 nvl'],
  }),
  row({
    id: 'b200', name: 'B200', vendor: 'nvidia', gb: 180, gbps: 7700,
    tflops: { fp32: 75, tf32: 1100, fp16: 2250, bf16: 2250, fp8: 4500, int8: 4500 },
    source: 'NVIDIA HGX platform specifications, HGX B200 per-GPU column: https://www.nvidia.com/en-us/data-center/hgx/',
    aliases: ['b200'],
  }),
  row({
    id: 'gb10', name: 'GB10 (DGX Spark)', vendor: 'nvidia', kind: 'unified', gb: 128, gbps: 273,
    // NVIDIA publishes only a sparse FP4 figure for GB10, which has no field here.
    tflops: {},
    source: 'NVIDIA DGX Spark specifications: https://www.nvidia.com/en-us/products/workstations/dgx-spark/',
    aliases: ['gb10', 'dgx spark'],
  }),

  // ---- AMD ----
  row({
    id: 'mi210', name: 'MI210', vendor: 'amd', gb: 64, gbps: 1638.4,
    tflops: { fp32: 45.3, fp16: 181, bf16: 181, int8: 181 },
    source: AMD_MI200,
    aliases: ['mi210'],
  }),
  row({
    id: 'mi250x', name: 'MI250X', vendor: 'amd', gb: 128, gbps: 3276.8,
    tflops: { fp32: 95.7, fp16: 383, bf16: 383, int8: 383 },
    source: AMD_MI200,
    aliases: ['mi250x'],
  }),
  row({
    id: 'mi250', name: 'MI250', vendor: 'amd', gb: 128, gbps: 3276.8,
    tflops: { fp32: 90.5, fp16: 362.1, bf16: 362.1, int8: 362.1 },
    source: AMD_MI200,
    aliases: ['mi250'],
  }),
  row({
    id: 'mi300x', name: 'MI300X', vendor: 'amd', gb: 192, gbps: 5300,
    tflops: { fp32: 163.4, tf32: 653.7, fp16: 1307.4, bf16: 1307.4, fp8: 2614.9, int8: 2614.9 },
    source: AMD_MI300,
    aliases: ['mi300x'],
  }),
  row({
    id: 'mi325x', name: 'MI325X', vendor: 'amd', gb: 256, gbps: 6000,
    tflops: { fp32: 163.4, tf32: 653.7, fp16: 1307.4, bf16: 1307.4, fp8: 2614.9, int8: 2614.9 },
    source: 'AMD Instinct MI325X specifications: https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html',
    aliases: ['mi325x'],
  }),
  row({
    id: 'rx-7900-xtx', name: 'Radeon RX 7900 XTX', vendor: 'amd', gb: 24, gbps: 960,
    tflops: { fp32: 61.4, fp16: 122.8 },
    source: AMD_RX7900,
    aliases: ['rx 7900 xtx', '7900 xtx'],
  }),
  row({
    id: 'rx-7900-xt', name: 'Radeon RX 7900 XT', vendor: 'amd', gb: 20, gbps: 800,
    tflops: { fp32: 51.6, fp16: 103.2 },
    source: AMD_RX7900,
    aliases: ['rx 7900 xt', '7900 xt'],
  }),

  // ---- Apple silicon (unified memory; largest configuration, the others in memoryOptionsGB) ----
  row({
    id: 'm1-max', name: 'Apple M1 Max', vendor: 'apple', kind: 'unified', gb: 64, gbps: 400,
    tflops: { fp32: 10.4 },
    memoryOptionsGB: [32, 64],
    source: 'Apple Newsroom, "Introducing M1 Pro and M1 Max" (Oct 2021): https://www.apple.com/newsroom/2021/10/introducing-m1-pro-and-m1-max-the-most-powerful-chips-apple-has-ever-built/',
    aliases: ['m1 max'],
  }),
  row({
    id: 'm1-ultra', name: 'Apple M1 Ultra', vendor: 'apple', kind: 'unified', gb: 128, gbps: 800,
    tflops: { fp32: 21 },
    memoryOptionsGB: [64, 128],
    source: 'Apple Newsroom, "Apple unveils M1 Ultra" (Mar 2022): https://www.apple.com/newsroom/2022/03/apple-unveils-m1-ultra-the-worlds-most-powerful-chip-for-a-personal-computer/',
    aliases: ['m1 ultra'],
  }),
  row({
    id: 'm2-max', name: 'Apple M2 Max', vendor: 'apple', kind: 'unified', gb: 96, gbps: 400,
    tflops: { fp32: 13.6 },
    memoryOptionsGB: [32, 64, 96],
    source: 'Apple Newsroom, "Apple unveils M2 Pro and M2 Max" (Jan 2023): https://www.apple.com/newsroom/2023/01/apple-unveils-m2-pro-and-m2-max-next-generation-chips-for-next-level-workflows/',
    aliases: ['m2 max'],
  }),
  row({
    id: 'm2-ultra', name: 'Apple M2 Ultra', vendor: 'apple', kind: 'unified', gb: 192, gbps: 800,
    tflops: { fp32: 27.2 },
    memoryOptionsGB: [64, 128, 192],
    source: 'Apple Newsroom, "Apple introduces M2 Ultra" (Jun 2023): https://www.apple.com/newsroom/2023/06/apple-introduces-m2-ultra/',
    aliases: ['m2 ultra'],
  }),
  row({
    id: 'm3-max', name: 'Apple M3 Max', vendor: 'apple', kind: 'unified', gb: 128, gbps: 400,
    // Apple states no GPU TFLOP/s for M3; bandwidth is the 16-core CPU / 40-core GPU part's.
    tflops: {},
    memoryOptionsGB: [36, 48, 64, 96, 128],
    source: 'Apple Newsroom, "Apple unveils M3, M3 Pro, and M3 Max" (Oct 2023): https://www.apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer/',
    aliases: ['m3 max'],
  }),
  row({
    id: 'm3-ultra', name: 'Apple M3 Ultra', vendor: 'apple', kind: 'unified', gb: 512, gbps: 819,
    tflops: {},
    memoryOptionsGB: [96, 256, 512],
    source: 'Apple Newsroom, "Apple reveals M3 Ultra" (Mar 2025): https://www.apple.com/newsroom/2025/03/apple-reveals-m3-ultra-taking-apple-silicons-performance-to-new-extremes/',
    aliases: ['m3 ultra'],
  }),
  row({
    id: 'm4-pro', name: 'Apple M4 Pro', vendor: 'apple', kind: 'unified', gb: 64, gbps: 273,
    tflops: {},
    memoryOptionsGB: [24, 48, 64],
    source: 'Apple Newsroom, "Apple introduces M4 Pro and M4 Max" (Oct 2024): https://www.apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max/',
    aliases: ['m4 pro'],
  }),
  row({
    id: 'm4-max', name: 'Apple M4 Max', vendor: 'apple', kind: 'unified', gb: 128, gbps: 546,
    // Bandwidth of the 16-core CPU / 40-core GPU part (the 14-core part has 410 GB/s).
    tflops: {},
    memoryOptionsGB: [36, 48, 64, 128],
    source: 'Apple Newsroom, "Apple introduces M4 Pro and M4 Max" (Oct 2024): https://www.apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max/',
    aliases: ['m4 max'],
  }),

  // ---- CPU only: memory is the machine's RAM, filled in by devicesFor ----
  row({
    id: 'cpu', name: 'CPU (system RAM)', vendor: 'cpu', kind: 'cpu', gb: 0,
    tflops: {},
    source: 'System RAM of the machine the workload runs on',
    aliases: ['cpu', 'cpu only', 'system ram', 'ram'],
  }),
];

export const GPU_CATALOG: DeviceSpec[] = CATALOG_ENTRIES.map(toDeviceSpec);

/**
 * The catalog device a name refers to: an id ("a100-80gb-sxm"), an nvidia-smi /
 * rocm-smi / systeminformation model string ("NVIDIA A100-SXM4-80GB", "AMD Instinct
 * MI300X"), or what people type ("A100 80GB", "rtx4090", "M2 Max 64GB"). A memory
 * size in the name picks between variants; for a chip sold with several sizes the
 * copy returned carries the size named. Undefined when nothing matches.
 */
export function findDevice(nameOrId: string): DeviceSpec | undefined {
  return matchCatalog(CATALOG_ENTRIES, nameOrId);
}

/** The catalog row a detected GPU matched (by its recorded id, else by its model name). */
export function catalogRowFor(gpu: { catalogId?: string; model: string }): DeviceSpec | undefined {
  return gpu.catalogId ? findDevice(gpu.catalogId) : findDevice(gpu.model);
}

/** Display names of every row, in catalog order (for pickers and `--device` help). */
export function catalogNames(): string[] {
  return CATALOG_ENTRIES.map((e) => e.name);
}
