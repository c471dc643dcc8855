/**
 * Parsing of nvidia-smi output (pure; the probe in src/node runs the tool):
 * - `--query-gpu=... --format=csv[,noheader][,nounits]`: one line per GPU. With a
 *   header the columns are read from it, so any field order (and captures made
 *   with other field lists) parse; without one the caller names the fields.
 * - `-L`: the GPU list, with MIG slices indented under their GPU.
 * Fields nvidia-smi cannot report read "[N/A]", "N/A" or "[Not Supported]"; they
 * become undefined, never 0 or NaN.
 */
import type { GpuInfo } from './types';
import { findDevice } from './catalog';
import { statedMemoryGB, nameTokens } from './deviceNames';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** What the probe asks for, in this order. */
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'name',
  'memory.total',
  'memory.free',
  'driver_version',
  'mig.mode.current',
] as const;

/**
 * Arguments of the probe's query. The header is kept so the parse reads columns by
 * name; `nounits` keeps the values bare numbers (MiB).
 */
export const NVIDIA_QUERY_ARGS: readonly string[] = [
  `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
  '--format=csv,nounits',
];

/** The same query without `mig.mode.current`, for drivers older than MIG that reject the field. */
export const NVIDIA_QUERY_ARGS_NO_MIG: readonly string[] = [
  `--query-gpu=${NVIDIA_QUERY_FIELDS.filter((f) => f !== 'mig.mode.current').join(',')}`,
  '--format=csv,nounits',
];

export const NVIDIA_LIST_ARGS: readonly string[] = ['-L'];

/** True when nvidia-smi's complaint is about a query field it does not know. */
export function rejectsQueryField(output: string): boolean {
  return /not a valid field|invalid field|unknown field/i.test(output);
}

/** A GPU from the CSV query, with the MIG mode the probe needs to decide on `-L`. */
export interface NvidiaCsvGpu extends GpuInfo {
  migEnabled?: boolean;
}

const NOT_AVAILABLE = /^\[?(n\/a|not supported|insufficient permissions|unknown error|gpu is lost|requested functionality has been deprecated)\]?$/i;

function cell(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return v.length === 0 || NOT_AVAILABLE.test(v) ? undefined : v;
}

/** "81920", "81920 MiB" -> bytes; the header's unit when the value has none. */
function bytesOf(value: string | undefined, headerUnit: string | undefined): number | undefined {
  const v = cell(value);
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(kib|mib|gib|b)?$/i.exec(v);
  if (!m) return undefined;
  const unit = (m[2] ?? headerUnit ?? 'mib').toLowerCase();
  const scale = unit === 'gib' ? GIB : unit === 'kib' ? 1024 : unit === 'b' ? 1 : MIB;
  return Math.round(Number(m[1]) * scale);
}

interface Column {
  field: string;
  unit?: string;
}

/** "memory.total [MiB]" -> { field: "memory.total", unit: "mib" }. */
function columnOf(header: string): Column {
  const m = /^\s*([^[\]]+?)\s*(?:\[([^\]]*)\])?\s*$/.exec(header);
  const field = (m?.[1] ?? header).trim().toLowerCase();
  const unit = m?.[2]?.trim().toLowerCase();
  return unit ? { field, unit } : { field };
}

const NAME_FIELDS = new Set(['name', 'gpu_name']);

function looksLikeHeader(cells: string[]): boolean {
  return cells.every((c) => /^[a-z_][a-z0-9_.]*(\s*\[[^\]]*\])?$/i.test(c.trim())) &&
    cells.some((c) => /[._]/.test(c) || NAME_FIELDS.has(c.trim().toLowerCase()) || c.trim().toLowerCase() === 'index');
}

function splitCsvLine(line: string, columns: number, nameAt: number): string[] {
  const cells = line.split(',');
  // A product name with a comma in it: give the extra pieces back to the name.
  if (cells.length > columns && nameAt >= 0) {
    const extra = cells.length - columns;
    const name = cells.slice(nameAt, nameAt + extra + 1).join(',');
    cells.splice(nameAt, extra + 1, name);
  }
  return cells;
}

/**
 * GPUs from `nvidia-smi --query-gpu=... --format=csv[...]` output. A header line,
 * when present, names the columns; otherwise `fields` does (default: the probe's
 * NVIDIA_QUERY_FIELDS). Lines that are not GPU rows ("No devices were found")
 * are skipped.
 */
export function parseNvidiaSmiCsv(text: string, fields: readonly string[] = NVIDIA_QUERY_FIELDS): NvidiaCsvGpu[] {
  const lines = String(text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  let columns: Column[] = fields.map((f) => ({ field: f.toLowerCase() }));
  const firstCells = lines[0].split(',');
  if (looksLikeHeader(firstCells)) {
    columns = firstCells.map(columnOf);
    lines.shift();
  }
  const at = (field: string): number => columns.findIndex((c) => c.field === field);
  const nameAt = columns.findIndex((c) => NAME_FIELDS.has(c.field));
  const gpus: NvidiaCsvGpu[] = [];
  for (const line of lines) {
    const cells = splitCsvLine(line, columns.length, nameAt);
    if (cells.length !== columns.length) continue;
    const get = (field: string): string | undefined => {
      const i = at(field);
      return i >= 0 ? cells[i] : undefined;
    };
    const unitOf = (field: string): string | undefined => columns[at(field)]?.unit;
    const model = cell(nameAt >= 0 ? cells[nameAt] : undefined);
    if (model === undefined) continue;
    const indexText = cell(get('index'));
    const index = indexText !== undefined && /^\d+$/.test(indexText) ? Number(indexText) : gpus.length;
    const total = bytesOf(get('memory.total'), unitOf('memory.total'));
    const used = bytesOf(get('memory.used'), unitOf('memory.used'));
    let free = bytesOf(get('memory.free'), unitOf('memory.free'));
    if (free === undefined && total !== undefined && used !== undefined) free = Math.max(0, total - used);

    const gpu: NvidiaCsvGpu = { index, vendor: 'nvidia', model, memoryTotalBytes: total ?? 0 };
    if (free !== undefined) gpu.memoryFreeBytes = free;
    const driver = cell(get('driver_version'));
    if (driver !== undefined) gpu.driver = driver;
    const catalog = findDevice(model);
    if (catalog) gpu.catalogId = catalog.id;
    if (total === undefined) gpu.note = 'nvidia-smi does not report this GPU\'s memory';
    const mig = cell(get('mig.mode.current'));
    if (mig !== undefined) gpu.migEnabled = mig.toLowerCase() === 'enabled';
    gpus.push(gpu);
  }
  return gpus;
}

/** One line of `nvidia-smi -L`. */
export interface NvidiaListedGpu {
  index: number;
  name: string;
  uuid?: string;
  /** MIG slices of this GPU, in listed order. */
  mig: { profile: string; device: number; uuid?: string }[];
}

/**
 * `nvidia-smi -L`:
 *   GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-...)
 *     MIG 1g.10gb     Device  0: (UUID: MIG-...)
 */
export function parseNvidiaSmiList(text: string): NvidiaListedGpu[] {
  const out: NvidiaListedGpu[] = [];
  for (const raw of String(text ?? '').split(/\r?\n/)) {
    const gpu = /^\s*GPU\s+(\d+):\s*(.+?)\s*(?:\(UUID:\s*([^)]*)\))?\s*$/.exec(raw);
    if (gpu) {
      const entry: NvidiaListedGpu = { index: Number(gpu[1]), name: gpu[2].trim(), mig: [] };
      if (gpu[3]) entry.uuid = gpu[3].trim();
      out.push(entry);
      continue;
    }
    const mig = /^\s*MIG\s+(\S+)\s+Device\s+(\d+):\s*(?:\(UUID:\s*([^)]*)\))?/.exec(raw);
    if (mig && out.length > 0) {
      const slice: NvidiaListedGpu['mig'][number] = { profile: mig[1], device: Number(mig[2]) };
      if (mig[3]) slice.uuid = mig[3].trim();
      out[out.length - 1].mig.push(slice);
    }
  }
  return out;
}

/**
 * Memory of a MIG slice. NVIDIA's MIG user guide gives each profile a fraction of
 * the GPU's memory in eighths ("Fraction of Memory": 1/8, 2/8, 4/8, Full) and names
 * it after that share of the nominal capacity ("1g.10gb" on an 80 GB A100). The
 * share is read from the name and applied to the memory nvidia-smi reports for the
 * physical GPU. The driver keeps a little back from each slice (an H100 NVL
 * "3g.47gb" exposes 47,488 MiB), which the fit headroom covers.
 * https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html
 */
export function migSliceBytes(profile: string, parentModel: string, parentTotalBytes: number): number | undefined {
  const m = /(\d+(?:\.\d+)?)gb/i.exec(profile);
  if (!m) return undefined;
  const sliceGB = Number(m[1]);
  const nominalGB = (() => {
    const fromName = statedMemoryGB(nameTokens(parentModel));
    if (fromName !== undefined) return fromName;
    const row = findDevice(parentModel);
    return row && row.memoryBytes > 0 ? row.memoryBytes / GIB : undefined;
  })();
  if (nominalGB === undefined || parentTotalBytes <= 0) return Math.round(sliceGB * GIB);
  const eighths = Math.round((sliceGB / nominalGB) * 8);
  const share = Math.min(8, Math.max(1, eighths)) / 8;
  return Math.round(parentTotalBytes * share);
}

/**
 * The GPUs CUDA sees: a GPU in MIG mode is replaced by its slices from `-L` (each
 * is a device of its own); other GPUs pass through. A MIG GPU whose slices are not
 * listed stays whole, with a note.
 */
export function expandMigSlices(gpus: readonly NvidiaCsvGpu[], listed: readonly NvidiaListedGpu[]): GpuInfo[] {
  const out: GpuInfo[] = [];
  for (const gpu of gpus) {
    const { migEnabled, ...plain } = gpu;
    const slices = listed.find((l) => l.index === gpu.index)?.mig ?? [];
    if (slices.length === 0) {
      if (migEnabled) plain.note = 'MIG is enabled but no MIG devices are listed (nvidia-smi -L)';
      out.push(plain);
      continue;
    }
    for (const slice of slices) {
      const info: GpuInfo = {
        // The physical GPU's index: what nvidia-smi -i and the note refer to.
        index: gpu.index,
        vendor: 'nvidia',
        model: `${gpu.model} MIG ${slice.profile}`,
        memoryTotalBytes: migSliceBytes(slice.profile, gpu.model, gpu.memoryTotalBytes) ?? 0,
        note: `MIG ${slice.profile} slice ${slice.device} of GPU ${gpu.index}`,
        mig: { profile: slice.profile, parentIndex: gpu.index },
      };
      if (gpu.driver) info.driver = gpu.driver;
      if (gpu.catalogId) info.catalogId = gpu.catalogId;
      out.push(info);
    }
  }
  return out;
}
