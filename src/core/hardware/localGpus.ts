/**
 * Pure steps of GPU detection that do not depend on how the data was obtained:
 * which display adapters count as ML accelerators, and what a GPU that shares
 * memory with the CPU may use.
 */
import type { GpuInfo, Vendor } from './types';
import { catalogRowFor } from './catalog';
import { formatBytes, formatPercent } from '../format';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Below this a dedicated-memory figure is an integrated GPU's carve-out, not a training device. */
const MIN_DEDICATED_BYTES = GIB;

/** The fields of a systeminformation graphics controller this module reads. */
export interface GraphicsControllerLike {
  vendor?: string | null;
  model?: string | null;
  name?: string | null;
  /** MiB, as systeminformation reports it. */
  vram?: number | null;
  vramDynamic?: boolean | null;
}

const VENDOR_PATTERNS: Array<[RegExp, Vendor]> = [
  [/nvidia/i, 'nvidia'],
  [/advanced micro devices|\bamd\b|\bati\b|radeon/i, 'amd'],
  [/apple/i, 'apple'],
  [/intel/i, 'intel'],
];

export function vendorOf(text: string): Vendor {
  for (const [pattern, vendor] of VENDOR_PATTERNS) if (pattern.test(text)) return vendor;
  return 'other';
}

/**
 * ML-capable GPUs among systeminformation's display controllers: NVIDIA cards, AMD
 * cards with dedicated memory, Apple silicon GPUs. Server BMC adapters (ASPEED,
 * Matrox), virtual displays and integrated GPUs are left out, each with a note.
 */
export function gpusFromControllers(controllers: readonly GraphicsControllerLike[]): { gpus: GpuInfo[]; notes: string[] } {
  const gpus: GpuInfo[] = [];
  const ignored: string[] = [];
  for (const c of controllers) {
    const model = (c.model ?? c.name ?? '').trim();
    const vendor = vendorOf(`${c.vendor ?? ''} ${model}`);
    if (model.length === 0) continue;
    const vramBytes = typeof c.vram === 'number' && Number.isFinite(c.vram) && c.vram > 0 ? c.vram * MIB : 0;
    if (vendor === 'apple') {
      gpus.push({ index: gpus.length, vendor, model, memoryTotalBytes: 0, unifiedMemory: true });
      continue;
    }
    const dedicated = vramBytes >= MIN_DEDICATED_BYTES && !c.vramDynamic;
    if (vendor === 'nvidia' || (vendor === 'amd' && dedicated)) {
      const gpu: GpuInfo = { index: gpus.length, vendor, model, memoryTotalBytes: vramBytes };
      if (vramBytes === 0) gpu.note = 'memory not reported; the catalog figure is used';
      gpus.push(gpu);
      continue;
    }
    ignored.push(model);
  }
  const notes = ignored.length > 0 ? [`Display adapters not counted as ML accelerators: ${ignored.join(', ')}`] : [];
  return { gpus, notes };
}

/**
 * Final touches on detected GPUs: the catalog row each matches, and the memory of a
 * GPU that shares RAM with the CPU (Apple silicon, NVIDIA GB10, whose nvidia-smi
 * reports no memory): the stated share of RAM. Integrated GPUs with a tiny
 * carve-out are dropped with a note.
 */
export function finishGpus(
  gpus: readonly GpuInfo[],
  ram: { totalBytes: number },
  unifiedMemoryShare: number,
): { gpus: GpuInfo[]; notes: string[] } {
  const share = Number.isFinite(unifiedMemoryShare) ? Math.min(1, Math.max(0, unifiedMemoryShare)) : 0.75;
  const out: GpuInfo[] = [];
  const notes: string[] = [];
  for (const gpu of gpus) {
    const copy: GpuInfo = { ...gpu };
    const row = catalogRowFor(copy);
    if (row && !copy.catalogId) copy.catalogId = row.id;
    const unified = copy.unifiedMemory === true || row?.kind === 'unified';
    if (unified && !copy.mig) {
      copy.unifiedMemory = true;
      copy.memoryTotalBytes = Math.floor(ram.totalBytes * share);
      delete copy.memoryFreeBytes;
      copy.note = `unified memory: ${formatPercent(share)} of ${formatBytes(ram.totalBytes)} RAM usable by the GPU`;
    } else if (copy.vendor === 'amd' && copy.memoryTotalBytes > 0 && copy.memoryTotalBytes < MIN_DEDICATED_BYTES) {
      notes.push(`${copy.model}: ${formatBytes(copy.memoryTotalBytes)} of dedicated memory (an integrated GPU), not counted`);
      continue;
    }
    out.push(copy);
  }
  return { gpus: out, notes };
}
