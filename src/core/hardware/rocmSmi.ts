/**
 * Parsing of rocm-smi output (pure; the probe runs the tool):
 * `rocm-smi --showmeminfo vram --showproductname --json` prints one object per card
 * ("card0", "card1", ...) with "VRAM Total Memory (B)", "VRAM Total Used Memory (B)"
 * and the product name under "Card Series" (older releases) or "Device Name"
 * (newer ones). The `--csv` form carries the same keys as a header.
 */
import type { GpuInfo } from './types';
import { findDevice } from './catalog';

export const ROCM_QUERY_ARGS: readonly string[] = ['--showmeminfo', 'vram', '--showproductname', '--json'];

type CardRecord = Record<string, string>;

/** Case- and spacing-insensitive key lookup ("Card series" and "Card Series" both occur). */
function field(record: CardRecord, ...names: string[]): string | undefined {
  const want = names.map((n) => n.toLowerCase().replace(/\s+/g, ' '));
  for (const [key, value] of Object.entries(record)) {
    if (want.includes(key.toLowerCase().replace(/\s+/g, ' ').trim())) {
      const v = String(value).trim();
      if (v.length > 0 && !/^n\/a$/i.test(v)) return v;
    }
  }
  return undefined;
}

function bytes(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function toGpu(card: string, record: CardRecord, position: number): GpuInfo | undefined {
  const model = field(record, 'Card Series', 'Device Name', 'Card Model', 'Marketing Name');
  if (model === undefined) return undefined;
  const index = /^card(\d+)$/i.exec(card)?.[1];
  const total = bytes(field(record, 'VRAM Total Memory (B)'));
  const used = bytes(field(record, 'VRAM Total Used Memory (B)'));
  const gpu: GpuInfo = {
    index: index !== undefined ? Number(index) : position,
    vendor: 'amd',
    model,
    memoryTotalBytes: total ?? 0,
  };
  if (total !== undefined && used !== undefined) gpu.memoryFreeBytes = Math.max(0, total - used);
  if (total === undefined) gpu.note = 'rocm-smi does not report this GPU\'s memory';
  const catalog = findDevice(model);
  if (catalog) gpu.catalogId = catalog.id;
  return gpu;
}

/** GPUs from the `--json` form; anything that is not JSON of that shape gives []. */
export function parseRocmSmiJson(text: string): GpuInfo[] {
  let data: unknown;
  try {
    data = JSON.parse(String(text ?? ''));
  } catch {
    return [];
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const out: GpuInfo[] = [];
  for (const [card, record] of Object.entries(data as Record<string, unknown>)) {
    if (!/^card\d+$/i.test(card) || record === null || typeof record !== 'object') continue;
    const gpu = toGpu(card, record as CardRecord, out.length);
    if (gpu) out.push(gpu);
  }
  return out;
}

/** GPUs from the `--csv` form: a header ("device,...,VRAM Total Memory (B),...") then one line per card. */
export function parseRocmSmiCsv(text: string): GpuInfo[] {
  const lines = String(text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const headerAt = lines.findIndex((l) => /^device,/i.test(l));
  if (headerAt < 0) return [];
  const header = lines[headerAt].split(',');
  const out: GpuInfo[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    // Vendor names hold commas ("Advanced Micro Devices, Inc."); CSV quoting is not used.
    const cells = line.split(',');
    if (cells.length < header.length) continue;
    const record: CardRecord = {};
    header.forEach((h, i) => {
      record[h] = cells[i];
    });
    const gpu = toGpu(cells[0], record, out.length);
    if (gpu) out.push(gpu);
  }
  return out;
}
