/**
 * From a detected HardwareProfile (plus settings) to the devices the fit verdict is
 * computed for, and the short and long descriptions the views show.
 */
import type { DeviceSpec, GpuInfo, HardwareProfile, PeakTflops } from './types';
import { catalogRowFor, findDevice } from './catalog';
import { formatBytes, formatBytesBoth, formatPercent } from '../format';

const GIB = 2 ** 30;

/** Settings that shape the device list (`modelProfiler.targetDevices`, `.hardware.override`, `.hardware.unifiedMemoryShare`). */
export interface DeviceSettings {
  targetDevices: string[];
  /**
   * Hardware declared instead of detected. `memoryGB` and `ramGB` are read the way
   * vendors write sizes ("24 GB" VRAM, "64 GB" RAM), which are binary sizes: 24 -> 24 GiB.
   */
  override?: { gpus?: { name: string; memoryGB?: number }[]; ramGB?: number } | null;
  /** Share of unified memory the GPU may use (Apple silicon, GB10), 0..1. */
  unifiedMemoryShare: number;
}

function clampShare(share: number): number {
  return Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0.75;
}

function positive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/** "NVIDIA GeForce GTX 1080" -> "GTX 1080": the model without the vendor's brand words. */
export function shortModelName(model: string): string {
  const short = model.replace(/^\s*(nvidia|amd|apple)\s+/i, '').replace(/^(geforce|radeon|tesla)\s+/i, '').trim();
  return short.length > 0 ? short : model.trim();
}

/** MIG slice "3g.40gb": its share of the GPU's compute (7 slices; the A30 has 4). */
function migComputeShare(profile: string, rowId: string | undefined): number {
  const g = Number(/^(\d+)g/i.exec(profile)?.[1] ?? NaN);
  const slices = rowId === 'a30' ? 4 : 7;
  return Number.isFinite(g) && g > 0 ? Math.min(1, g / slices) : 1;
}

function scaled(peak: PeakTflops, factor: number): PeakTflops {
  const out: PeakTflops = {};
  for (const [k, v] of Object.entries(peak) as Array<[keyof PeakTflops, number | undefined]>) {
    if (v !== undefined) out[k] = Math.round(v * factor * 10) / 10;
  }
  return out;
}

/** Display label of a detected GPU: the catalog name when it matches, else the short model name. */
function gpuLabel(gpu: GpuInfo): string {
  const row = catalogRowFor(gpu);
  const base = row ? row.name : shortModelName(gpu.model.replace(/\s+MIG\s+\S+$/i, ''));
  return gpu.mig ? `${base} MIG ${gpu.mig.profile}` : base;
}

function localGpuSpec(gpu: GpuInfo, position: number): DeviceSpec {
  const row = catalogRowFor(gpu);
  const memoryBytes = gpu.memoryTotalBytes > 0 ? gpu.memoryTotalBytes : row?.memoryBytes ?? 0;
  let peak: PeakTflops = row ? { ...row.peakTflops } : {};
  let bandwidth = row?.bandwidthBytesPerSec;
  if (gpu.mig && row) {
    peak = scaled(peak, migComputeShare(gpu.mig.profile, row.id));
    if (bandwidth !== undefined && row.memoryBytes > 0) {
      bandwidth = Math.round(bandwidth * Math.min(1, memoryBytes / row.memoryBytes));
    }
  }
  const spec: DeviceSpec = {
    id: `local-gpu-${position}`,
    name: gpuLabel(gpu),
    kind: gpu.unifiedMemory ? 'unified' : 'gpu',
    vendor: gpu.vendor,
    memoryBytes,
    peakTflops: peak,
    local: true,
  };
  if (gpu.memoryFreeBytes !== undefined) spec.freeBytes = gpu.memoryFreeBytes;
  if (bandwidth !== undefined) spec.bandwidthBytesPerSec = bandwidth;
  if (row?.source) spec.source = row.source;
  if (gpu.unifiedMemory) spec.unifiedMemory = true;
  return spec;
}

function cpuSpec(totalBytes: number, freeBytes: number | undefined): DeviceSpec {
  const spec: DeviceSpec = {
    id: 'local-cpu',
    name: 'CPU (system RAM)',
    kind: 'cpu',
    vendor: 'cpu',
    memoryBytes: totalBytes,
    peakTflops: {},
    source: 'system RAM of this machine',
    local: true,
  };
  if (freeBytes !== undefined) spec.freeBytes = freeBytes;
  return spec;
}

/** Declared GPUs from `hardware.override`; entries without a usable name are skipped. */
function overrideGpuSpecs(gpus: unknown, share: number): DeviceSpec[] {
  if (!Array.isArray(gpus)) return [];
  const out: DeviceSpec[] = [];
  for (const g of gpus) {
    if (g === null || typeof g !== 'object') continue;
    const { name, memoryGB } = g as { name?: unknown; memoryGB?: unknown };
    if (typeof name !== 'string' || name.trim().length === 0) continue;
    const row = findDevice(name);
    if (!row && !positive(memoryGB)) continue;
    const unified = row?.kind === 'unified';
    const declared = positive(memoryGB) ? memoryGB * GIB : row?.memoryBytes ?? 0;
    const spec: DeviceSpec = {
      id: `local-gpu-${out.length}`,
      name: row ? row.name : name.trim(),
      kind: unified ? 'unified' : 'gpu',
      vendor: row?.vendor ?? 'other',
      memoryBytes: unified ? Math.floor(declared * share) : declared,
      peakTflops: row ? { ...row.peakTflops } : {},
      local: true,
    };
    if (row?.bandwidthBytesPerSec !== undefined) spec.bandwidthBytesPerSec = row.bandwidthBytesPerSec;
    spec.source = row?.source ? `${row.source} (declared in settings)` : 'declared in settings';
    if (unified) spec.unifiedMemory = true;
    out.push(spec);
  }
  return out;
}

/** A catalog device to check besides this machine's. */
function targetSpec(name: string, ramBytes: number, share: number): DeviceSpec | undefined {
  const row = findDevice(name);
  if (!row) return undefined;
  const spec: DeviceSpec = { ...row, local: false };
  if (row.kind === 'cpu') spec.memoryBytes = ramBytes;
  const catalogRow = findDevice(row.id);
  if (catalogRow && catalogRow.memoryBytes !== row.memoryBytes && row.kind !== 'cpu') {
    // A memory size named in the target ("M2 Max 64GB") makes a device of its own.
    const gb = Math.round(row.memoryBytes / GIB);
    spec.id = `${row.id}-${gb}gb`;
    spec.name = `${row.name} ${gb}GB`;
  }
  if (row.kind === 'unified') {
    spec.memoryBytes = Math.floor(row.memoryBytes * share);
    spec.unifiedMemory = true;
  }
  return spec;
}

/**
 * The devices to check: this machine's GPUs (matched to catalog rows for
 * throughput and bandwidth, with the memory detected), its CPU with the RAM, and
 * the target devices named in settings. `override` replaces the detected GPUs (and
 * RAM, when `ramGB` is given). Target names that match no catalog row are left out;
 * unmatchedTargets lists them for a message.
 */
export function devicesFor(profile: HardwareProfile, settings: DeviceSettings): DeviceSpec[] {
  const share = clampShare(settings.unifiedMemoryShare);
  const override = settings.override && typeof settings.override === 'object' ? settings.override : undefined;
  const ramBytes = positive(override?.ramGB) ? override.ramGB * GIB : profile.ram.totalBytes;
  const ramFree = positive(override?.ramGB) ? undefined : profile.ram.availableBytes;

  const local = override && Array.isArray(override.gpus)
    ? overrideGpuSpecs(override.gpus, share)
    : profile.gpus.map(localGpuSpec);
  const devices: DeviceSpec[] = [...local, cpuSpec(ramBytes, ramFree)];

  const seen = new Set<string>();
  for (const name of Array.isArray(settings.targetDevices) ? settings.targetDevices : []) {
    if (typeof name !== 'string') continue;
    const spec = targetSpec(name, ramBytes, share);
    if (!spec || seen.has(spec.id)) continue;
    seen.add(spec.id);
    devices.push(spec);
  }
  return devices;
}

/** Target names that match no catalog row, for a "did not recognise" message. */
export function unmatchedTargets(targetDevices: readonly string[]): string[] {
  return targetDevices.filter((n) => typeof n !== 'string' || findDevice(n) === undefined).map(String);
}

/**
 * Binary sizes labelled the way vendors sell them ("24 GB" VRAM, "64 GB" RAM): the
 * status bar is read against the box the hardware came in. Tooltips give both units.
 */
function soldSize(bytes: number): string {
  const gib = bytes / GIB;
  if (gib >= 1000) return `${(gib / 1024).toFixed(1)} TB`;
  return `${Math.max(0, Math.round(gib))} GB`;
}

function gpuSummaryLabel(gpu: GpuInfo): string {
  const label = gpuLabel(gpu);
  if (gpu.unifiedMemory || /\d+\s*GB\b/i.test(label) || gpu.memoryTotalBytes <= 0) return label;
  return `${label} ${soldSize(gpu.memoryTotalBytes)}`;
}

/** Short text for the status bar: "RTX 4090 24 GB · 64 GB RAM", "No GPU · 24 GB RAM", "2× A100 80GB · 1.0 TB RAM". */
export function summarizeHardware(profile: HardwareProfile): string {
  const unified = profile.gpus.some((g) => g.unifiedMemory);
  const ram = `${soldSize(profile.ram.totalBytes)} ${unified ? 'unified memory' : 'RAM'}`;
  if (profile.gpus.length === 0) return `No GPU · ${ram}`;
  const groups = new Map<string, number>();
  for (const gpu of profile.gpus) {
    const label = gpuSummaryLabel(gpu);
    groups.set(label, (groups.get(label) ?? 0) + 1);
  }
  const parts = [...groups.entries()].map(([label, n]) => (n > 1 ? `${n}× ${label}` : label));
  const gpuText = parts.length > 3 ? `${parts.slice(0, 3).join(' + ')} + …` : parts.join(' + ');
  return `${gpuText} · ${ram}`;
}

/** Where detection ran, by VS Code's remote name (or what the CLI found). */
const DETECTION_PLACES: Record<string, string> = {
  local: 'on this machine',
  'ssh-remote': 'on the remote SSH host',
  wsl: 'in the WSL distribution',
  'dev-container': 'in the dev container',
  'attached-container': 'in the attached container',
  container: 'in this container',
  codespaces: 'in the codespace',
  tunnel: 'on the remote tunnel host',
};

function detectionPlace(remote: string | undefined): string {
  if (!remote) return DETECTION_PLACES.local;
  return DETECTION_PLACES[remote] ?? `on the remote host (${remote})`;
}

function gpuLine(gpu: GpuInfo, position: number): string {
  const parts = [`GPU ${position}: ${gpu.model}`];
  if (gpu.memoryTotalBytes > 0) {
    const free = gpu.memoryFreeBytes !== undefined ? `, ${formatBytes(gpu.memoryFreeBytes)} free` : '';
    parts.push(`${formatBytesBoth(gpu.memoryTotalBytes)}${free}`);
  } else {
    parts.push('memory not reported');
  }
  if (gpu.driver) parts.push(`driver ${gpu.driver}`);
  const row = gpu.catalogId ? catalogRowFor(gpu) : undefined;
  if (row) parts.push(`catalog: ${row.name}`);
  const text = parts.join(' · ');
  return gpu.note ? `${text} (${gpu.note})` : text;
}

/** Lines for the status-bar tooltip and `model-profiler hardware`. */
export function describeHardware(profile: HardwareProfile): string[] {
  const lines: string[] = [];
  lines.push(
    `Detected ${detectionPlace(profile.remote)}: the machine where the extension host runs, which is where your code runs.`,
  );
  const cores = profile.cpu.physicalCores && profile.cpu.physicalCores !== profile.cpu.cores
    ? `${profile.cpu.physicalCores} cores, ${profile.cpu.cores} threads`
    : `${profile.cpu.cores} cores`;
  lines.push(`CPU: ${profile.cpu.model} (${cores}) · ${profile.platform}/${profile.arch}`);
  lines.push(
    `RAM: ${formatBytesBoth(profile.ram.totalBytes)} total, ${formatBytes(profile.ram.availableBytes)} available (${formatPercent(
      profile.ram.totalBytes > 0 ? profile.ram.availableBytes / profile.ram.totalBytes : 0,
    )})`,
  );
  if (profile.disk) {
    lines.push(`Disk: ${formatBytes(profile.disk.freeBytes)} free of ${formatBytes(profile.disk.totalBytes)} on the volume holding ${profile.disk.path}`);
  }
  if (profile.gpus.length === 0) lines.push('GPU: none found');
  profile.gpus.forEach((gpu, i) => lines.push(gpuLine(gpu, i)));
  if (profile.sources.length > 0) lines.push(`Found by: ${profile.sources.join(', ')}`);
  for (const note of profile.notes) lines.push(`Note: ${note}`);
  return lines;
}
