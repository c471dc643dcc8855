/**
 * Detects this machine's hardware: CPU, RAM, free disk of the workspace's volume,
 * and GPUs. Everything runs under one deadline and nothing here rejects: a tool
 * that is missing, fails or hangs leaves a usable profile and a note.
 *
 * GPUs, in order:
 * - nvidia-smi and (on Linux) rocm-smi are queried directly, in parallel, each with
 *   the time left. systeminformation finds NVIDIA cards through lspci and misses
 *   them in containers and cloud VMs without lspci, where nvidia-smi works.
 * - systeminformation's graphics scan runs only when those found nothing (other
 *   vendors, Apple silicon, a card whose driver is broken) and never after
 *   nvidia-smi hung: the scan calls nvidia-smi synchronously with no time limit,
 *   which would freeze the extension host on the same hang.
 * - GPUs in MIG mode are listed as their slices (`nvidia-smi -L`).
 * - Apple silicon and NVIDIA GB10 share RAM with the CPU: the GPU gets the stated share.
 */
import { cpus, freemem, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GpuInfo, HardwareProfile } from '../../core/hardware/types';
import {
  expandMigSlices,
  NVIDIA_LIST_ARGS,
  NVIDIA_QUERY_ARGS,
  NVIDIA_QUERY_ARGS_NO_MIG,
  parseNvidiaSmiCsv,
  parseNvidiaSmiList,
  rejectsQueryField,
} from '../../core/hardware/nvidiaSmi';
import { parseRocmSmiJson, ROCM_QUERY_ARGS } from '../../core/hardware/rocmSmi';
import { finishGpus, gpusFromControllers } from '../../core/hardware/localGpus';
import { runTool } from './runTool';
import { detectEnvironment } from './environment';

/**
 * systeminformation, loaded on first use: its module graph is large, and neither the
 * extension's activation nor `model-profiler profile --no-detect` needs it.
 */
function si(): typeof import('systeminformation') {
  return require('systeminformation') as typeof import('systeminformation');
}

export interface ProbeOptions {
  /** Folder whose volume's free space is reported. */
  workspacePath?: string;
  /** Deadline for the whole probe. */
  timeoutMs: number;
  /** VS Code's remote name ("ssh-remote", "wsl", "dev-container"); detected when absent. */
  remote?: string;
  /** Share of unified memory the GPU may use (Apple silicon, GB10). */
  unifiedMemoryShare: number;
}

type Raced<T> = { ok: true; value: T } | { ok: false; error?: string };

/** The promise's value if it settles before the deadline. */
function beforeDeadline<T>(work: () => Promise<T>, deadline: number): Promise<Raced<T>> {
  return new Promise((done) => {
    const timer = setTimeout(() => done({ ok: false }), Math.max(0, deadline - Date.now()));
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (e) {
      clearTimeout(timer);
      done({ ok: false, error: String(e) });
      return;
    }
    promise.then(
      (value) => {
        clearTimeout(timer);
        done({ ok: true, value });
      },
      (e) => {
        clearTimeout(timer);
        done({ ok: false, error: String(e) });
      },
    );
  });
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const remaining = (deadline: number): number => Math.max(1, deadline - Date.now());

/** Why a raced call gave nothing usable: "failed (…)", "did not answer within 5.0 s", or what it reported. */
function whyNot<T>(r: Raced<T>, timeoutMs: number, reported: string): string {
  if (r.ok) return reported;
  return r.error ? `failed (${r.error})` : `did not answer within ${seconds(timeoutMs)}`;
}

interface Part<T> {
  value: T;
  notes: string[];
  sources: string[];
}

async function probeCpu(deadline: number, timeoutMs: number): Promise<Part<HardwareProfile['cpu']>> {
  const r = await beforeDeadline(() => si().cpu(), deadline);
  if (r.ok && r.value.cores > 0) {
    const model = `${r.value.manufacturer ?? ''} ${r.value.brand ?? ''}`.replace(/\s+/g, ' ').trim();
    const cpu: HardwareProfile['cpu'] = { model: model || (cpus()[0]?.model ?? 'unknown CPU'), cores: r.value.cores };
    if (r.value.physicalCores > 0) cpu.physicalCores = r.value.physicalCores;
    return { value: cpu, notes: [], sources: [] };
  }
  const list = cpus();
  const why = whyNot(r, timeoutMs, 'reported no cores');
  return {
    value: { model: list[0]?.model?.trim() || 'unknown CPU', cores: Math.max(1, list.length) },
    notes: [`CPU details from Node.js: systeminformation ${why}`],
    sources: [],
  };
}

async function probeRam(deadline: number, timeoutMs: number): Promise<Part<HardwareProfile['ram']>> {
  const r = await beforeDeadline(() => si().mem(), deadline);
  if (r.ok && r.value.total > 0) {
    const available = r.value.available > 0 ? r.value.available : r.value.free;
    return { value: { totalBytes: r.value.total, availableBytes: available }, notes: [], sources: [] };
  }
  const why = whyNot(r, timeoutMs, 'reported no memory');
  return {
    value: { totalBytes: totalmem(), availableBytes: freemem() },
    notes: [`RAM figures from Node.js (free memory, not available memory): systeminformation ${why}`],
    sources: [],
  };
}

/**
 * Free space of the volume that holds the workspace. statfs asks about the path
 * itself, which a mount-table lookup cannot do reliably (bind mounts, network
 * volumes that `df -l` leaves out), and starts no process.
 */
async function probeDisk(path: string | undefined, deadline: number): Promise<Part<HardwareProfile['disk']>> {
  if (!path) return { value: undefined, notes: [], sources: [] };
  const full = resolve(path);
  const r = await beforeDeadline(() => statfs(full), deadline);
  if (r.ok) {
    return {
      value: { path: full, freeBytes: r.value.bavail * r.value.bsize, totalBytes: r.value.blocks * r.value.bsize },
      notes: [],
      sources: [],
    };
  }
  return { value: undefined, notes: [`Free disk space unknown for ${full}: ${r.error ?? 'no answer in time'}`], sources: [] };
}

interface NvidiaOutcome extends Part<GpuInfo[]> {
  timedOut: boolean;
}

async function queryNvidia(deadline: number): Promise<NvidiaOutcome> {
  let r = await runTool('nvidia-smi', NVIDIA_QUERY_ARGS, { timeoutMs: remaining(deadline) });
  if (r.status === 'failed' && rejectsQueryField(`${r.stdout}\n${r.stderr}`)) {
    r = await runTool('nvidia-smi', NVIDIA_QUERY_ARGS_NO_MIG, { timeoutMs: remaining(deadline) });
  }
  if (r.status === 'missing') {
    return { value: [], notes: ['nvidia-smi not found: no NVIDIA driver here'], sources: [], timedOut: false };
  }
  if (r.status === 'timeout') {
    return {
      value: [],
      notes: [`nvidia-smi ${r.message.replace(/^nvidia-smi /, '')}; NVIDIA GPUs unknown`],
      sources: [],
      timedOut: true,
    };
  }
  if (r.status !== 'ok') return { value: [], notes: [r.message], sources: [], timedOut: false };

  const rows = parseNvidiaSmiCsv(r.stdout);
  if (rows.length === 0) {
    return { value: [], notes: ['nvidia-smi answered but listed no GPU'], sources: [], timedOut: false };
  }
  const notes: string[] = [];
  let listed = parseNvidiaSmiList('');
  if (rows.some((g) => g.migEnabled)) {
    const l = await runTool('nvidia-smi', NVIDIA_LIST_ARGS, { timeoutMs: remaining(deadline) });
    if (l.status === 'ok') listed = parseNvidiaSmiList(l.stdout);
    else notes.push(`MIG is enabled but the MIG devices could not be listed: ${l.message}`);
  }
  return { value: expandMigSlices(rows, listed), notes, sources: ['nvidia-smi'], timedOut: false };
}

/** rocm-smi may print warnings before its JSON: take the outermost object. */
function jsonPart(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text;
}

async function queryRocm(deadline: number): Promise<Part<GpuInfo[]> & { missing: boolean }> {
  const r = await runTool('rocm-smi', ROCM_QUERY_ARGS, { timeoutMs: remaining(deadline) });
  if (r.status === 'missing') return { value: [], notes: [], sources: [], missing: true };
  if (r.status !== 'ok') return { value: [], notes: [r.message], sources: [], missing: false };
  const gpus = parseRocmSmiJson(jsonPart(r.stdout));
  const notes = gpus.length === 0 ? ['rocm-smi answered but listed no GPU'] : [];
  return { value: gpus, notes, sources: gpus.length > 0 ? ['rocm-smi'] : [], missing: false };
}

async function scanDisplayAdapters(deadline: number, timeoutMs: number): Promise<Part<GpuInfo[]>> {
  const r = await beforeDeadline(() => si().graphics(), deadline);
  if (!r.ok) return { value: [], notes: [`Display adapter scan ${whyNot(r, timeoutMs, '')}`], sources: [] };
  const { gpus, notes } = gpusFromControllers(r.value?.controllers ?? []);
  return { value: gpus, notes, sources: gpus.length > 0 ? ['systeminformation'] : [] };
}

async function probeGpus(deadline: number, timeoutMs: number): Promise<Part<GpuInfo[]>> {
  if (process.platform === 'darwin') return scanDisplayAdapters(deadline, timeoutMs);

  const [nvidia, rocm] = await Promise.all([
    queryNvidia(deadline),
    process.platform === 'linux' ? queryRocm(deadline) : Promise.resolve({ value: [], notes: [], sources: [], missing: true }),
  ]);
  const gpus = [...nvidia.value, ...rocm.value];
  const notes = [...nvidia.notes, ...rocm.notes];
  const sources = [...nvidia.sources, ...rocm.sources];
  if (gpus.length > 0) return { value: gpus, notes, sources };
  if (nvidia.timedOut) {
    notes.push('Display adapter scan skipped: it would call nvidia-smi again with no time limit');
    return { value: [], notes, sources };
  }
  const scan = await scanDisplayAdapters(deadline, timeoutMs);
  return { value: scan.value, notes: [...notes, ...scan.notes], sources: [...sources, ...scan.sources] };
}

/** Apple silicon whose display scan gave nothing: the GPU is named after the chip. */
function appleSiliconFallback(gpus: GpuInfo[], cpuModel: string): GpuInfo[] {
  if (process.platform !== 'darwin' || process.arch !== 'arm64' || gpus.some((g) => g.vendor === 'apple')) return gpus;
  return [...gpus, { index: gpus.length, vendor: 'apple', model: /apple/i.test(cpuModel) ? cpuModel : `Apple ${cpuModel}`, memoryTotalBytes: 0, unifiedMemory: true }];
}

export async function probeHardware(opts: ProbeOptions): Promise<HardwareProfile> {
  const timeoutMs = Number.isFinite(opts.timeoutMs) ? Math.min(120_000, Math.max(100, opts.timeoutMs)) : 5000;
  // Loading the library is not part of the probe's time limit.
  si();
  const deadline = Date.now() + timeoutMs;
  const [cpu, ram, disk, gpus] = await Promise.all([
    probeCpu(deadline, timeoutMs),
    probeRam(deadline, timeoutMs),
    probeDisk(opts.workspacePath, deadline),
    probeGpus(deadline, timeoutMs),
  ]);
  const finished = finishGpus(appleSiliconFallback(gpus.value, cpu.value.model), ram.value, opts.unifiedMemoryShare);
  const profile: HardwareProfile = {
    platform: process.platform,
    arch: process.arch,
    cpu: cpu.value,
    ram: ram.value,
    gpus: finished.gpus,
    remote: opts.remote ?? detectEnvironment(),
    sources: [...new Set(gpus.sources)],
    notes: [...cpu.notes, ...ram.notes, ...disk.notes, ...gpus.notes, ...finished.notes],
    detectedAt: Date.now(),
  };
  if (disk.value) profile.disk = disk.value;
  return profile;
}
