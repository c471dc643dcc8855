/**
 * Hardware as the engine sees it: pure data. The Node probe (src/node) fills a
 * HardwareProfile; the catalog (./catalog) holds DeviceSpecs of well-known accelerators.
 */

export type DeviceKind = 'gpu' | 'cpu' | 'unified';
export type Vendor = 'nvidia' | 'amd' | 'apple' | 'intel' | 'cpu' | 'other';

/** Peak dense throughput in TFLOP/s (tensor cores where the precision uses them; no sparsity). */
export interface PeakTflops {
  fp32?: number;
  tf32?: number;
  fp16?: number;
  bf16?: number;
  fp8?: number;
  int8?: number;
}

/** A device the workload might run on: a catalog row, a detected card, or the CPU. */
export interface DeviceSpec {
  /** Stable id: catalog key ("a100-80gb") or "local-gpu-0", "local-cpu". */
  id: string;
  /** What people call it: "A100 80GB", "RTX 4090". */
  name: string;
  kind: DeviceKind;
  vendor: Vendor;
  /** Memory the device has, in bytes (VRAM; unified memory share usable by the GPU; RAM for CPU). */
  memoryBytes: number;
  /** Memory free right now, when detected. */
  freeBytes?: number;
  /** Memory bandwidth in bytes/s. */
  bandwidthBytesPerSec?: number;
  peakTflops: PeakTflops;
  /** Where the figures come from (a datasheet URL or document name). */
  source?: string;
  /** True for devices detected on this machine, false for targets from the catalog. */
  local: boolean;
  /** Memory shared with the CPU (Apple silicon, NVIDIA GB10): memoryBytes is the share the GPU may use. */
  unifiedMemory?: boolean;
}

export interface GpuInfo {
  index: number;
  vendor: Vendor;
  model: string;
  memoryTotalBytes: number;
  memoryFreeBytes?: number;
  driver?: string;
  /** e.g. "MIG 3g.40gb" or "unified memory: 75% usable by the GPU". */
  note?: string;
  /** The catalog row matched by model name, when one matches. */
  catalogId?: string;
  /** Memory shared with the CPU (Apple silicon, NVIDIA GB10): memoryTotalBytes is the GPU's share. */
  unifiedMemory?: boolean;
  /** Set on a MIG slice: its profile ("3g.40gb") and the index of the physical GPU it belongs to. */
  mig?: { profile: string; parentIndex: number };
}

export interface HardwareProfile {
  /** Host name is deliberately not stored: the profile is shown in UI and exported reports. */
  platform: string;
  arch: string;
  cpu: { model: string; cores: number; physicalCores?: number };
  ram: { totalBytes: number; availableBytes: number };
  /** Free disk on the volume that holds the workspace, when known. */
  disk?: { path: string; freeBytes: number; totalBytes: number };
  gpus: GpuInfo[];
  /** Where detection ran: "local", "ssh-remote", "wsl", "dev-container", ... */
  remote?: string;
  /** How the GPUs were found ("systeminformation", "nvidia-smi", "rocm-smi", "settings") */
  sources: string[];
  /** Notes for people: "nvidia-smi timed out after 3 s", "lspci missing". */
  notes: string[];
  /** When the probe finished (ms since epoch). */
  detectedAt: number;
}
