/**
 * The rows of "Select Target GPUs": one per accelerator of the catalog, with memory and
 * bandwidth in the detail, the current targets picked; and the setting's new value.
 * Pure (no `vscode` import), so unit tests run it.
 */
import { CATALOG_ENTRIES, findDevice, type CatalogEntry } from '../../core/hardware/catalog';
import { formatBytes, formatBytesBinary } from '../../core/format';
import type { PeakTflops } from '../../core/hardware/types';

export interface TargetChoice {
  /** Catalog id. */
  id: string;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
  /** What is written to the setting: the name already there for this device, else the catalog name. */
  setting: string;
}

const PEAK_ORDER: Array<keyof PeakTflops> = ['bf16', 'fp16', 'fp32'];

const VENDOR_NAMES: Record<string, string> = { nvidia: 'NVIDIA', amd: 'AMD', apple: 'Apple', intel: 'Intel', other: 'Other' };

/** "80.0 GiB (85.9 GB) · 3,350 GB/s · bf16 989.4 TFLOP/s dense". */
export function targetDetail(entry: CatalogEntry): string {
  let memory = `${formatBytesBinary(entry.memoryBytes)} (${formatBytes(entry.memoryBytes)})`;
  if (entry.unifiedMemory) memory += ' unified memory, a share usable by the GPU';
  const parts = [memory];
  parts.push(entry.bandwidthBytesPerSec !== undefined ? `${Math.round(entry.bandwidthBytesPerSec / 1e9).toLocaleString('en-US')} GB/s` : 'bandwidth unknown');
  const peak = PEAK_ORDER.find((k) => entry.peakTflops[k] !== undefined);
  if (peak) parts.push(`${peak} ${entry.peakTflops[peak]} TFLOP/s dense`);
  return parts.join(' · ');
}

/** One choice per accelerator in the catalog (its CPU row stands for this machine's RAM, not a target). */
export function targetChoices(current: readonly string[]): TargetChoice[] {
  const chosen = new Map<string, string>();
  for (const name of current) {
    if (typeof name !== 'string') continue;
    const row = findDevice(name);
    if (row && !chosen.has(row.id)) chosen.set(row.id, name);
  }
  return CATALOG_ENTRIES.filter((e) => e.kind !== 'cpu').map((e) => ({
    id: e.id,
    label: e.name,
    description: VENDOR_NAMES[e.vendor] ?? e.vendor,
    detail: targetDetail(e),
    picked: chosen.has(e.id),
    setting: chosen.get(e.id) ?? e.name,
  }));
}

/** The setting's new value: the picked devices, then the names the catalog does not know (kept, never dropped silently). */
export function targetSetting(current: readonly string[], picked: readonly TargetChoice[]): string[] {
  const unknown = current.filter((name) => typeof name === 'string' && !findDevice(name));
  return [...picked.map((p) => p.setting), ...unknown];
}
