/**
 * The hardware the views describe: what detection found, or, when settings declare the
 * machine (`modelProfiler.hardware.override`), the declared GPUs and RAM with the
 * detected CPU and disk. Pure (no `vscode` import), so unit tests run it.
 */
import { findDevice } from '../../core/hardware/catalog';
import { summarizeHardware, type DeviceSettings } from '../../core/hardware/devices';
import type { GpuInfo, HardwareProfile } from '../../core/hardware/types';

const GIB = 2 ** 30;

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** A declared GPU as detection would have listed it; undefined when it names nothing usable (devicesFor skips it too). */
function declaredGpu(entry: { name: string; memoryGB?: number }, index: number, share: number): GpuInfo | undefined {
  const row = findDevice(entry.name);
  if (!row && !positive(entry.memoryGB)) return undefined;
  const unified = row?.kind === 'unified';
  const declared = positive(entry.memoryGB) ? entry.memoryGB * GIB : row!.memoryBytes;
  const gpu: GpuInfo = {
    index,
    vendor: row?.vendor ?? 'other',
    model: row ? row.name : entry.name.trim(),
    memoryTotalBytes: unified ? Math.floor(declared * share) : declared,
    note: 'declared in settings',
  };
  if (row) gpu.catalogId = row.id;
  if (unified) gpu.unifiedMemory = true;
  return gpu;
}

/** The profile with the settings' declarations in place of what was detected. */
export function effectiveProfile(detected: HardwareProfile, settings: DeviceSettings): HardwareProfile {
  const override = settings.override;
  if (!override || typeof override !== 'object') return detected;
  const declaresGpus = Array.isArray(override.gpus);
  const declaresRam = positive(override.ramGB);
  if (!declaresGpus && !declaresRam) return detected;
  const profile: HardwareProfile = { ...detected, sources: [...detected.sources], notes: [...detected.notes] };
  if (declaresGpus) {
    const gpus: GpuInfo[] = [];
    for (const entry of override.gpus!) {
      const gpu = declaredGpu(entry, gpus.length, settings.unifiedMemoryShare);
      if (gpu) gpus.push(gpu);
    }
    profile.gpus = gpus;
    profile.sources = ['settings'];
    profile.notes.push(`GPUs declared in settings (modelProfiler.hardware.override); detection found: ${summarizeHardware(detected).split(' · ')[0]}`);
  }
  if (declaresRam) {
    const total = override.ramGB! * GIB;
    profile.ram = { totalBytes: total, availableBytes: Math.min(total, detected.ram.availableBytes) };
    profile.notes.push('RAM declared in settings (modelProfiler.hardware.override)');
  }
  return profile;
}
