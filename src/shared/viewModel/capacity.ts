/**
 * Horizontal capacity lines for the memory and what-if charts: one per device the
 * workload is checked against (local GPUs, this machine's RAM, chosen targets).
 *
 * A line sits at the memory the fit verdict compared against (FitResult.availableBytes,
 * after the headroom), so a bar crossing the line is exactly a "does not fit".
 * Devices without a fit result use their full memory.
 */
import type { FitResult, Verdict } from '../../core/estimate/types';
import type { DeviceSpec } from '../../core/hardware/types';
import { formatBytes } from '../../core/format';
import type { ChartColor } from './palette';

export type CapacityRole = 'local-gpu' | 'ram' | 'target';

export interface CapacityLine {
  deviceId: string;
  name: string;
  /** "RTX 4090 · 21.6 GB". */
  label: string;
  bytes: number;
  /** The device's whole memory, when known. */
  totalBytes?: number;
  role: CapacityRole;
  color: ChartColor;
  /** Line dash for the role, so lines differ without colour too. */
  dash: number[];
  verdict?: Verdict;
}

/** How each role is drawn: one row per role. */
export const CAPACITY_ROLES: Record<CapacityRole, { color: ChartColor; dash: number[]; title: string }> = {
  'local-gpu': { color: 'red', dash: [], title: 'Local GPU' },
  ram: { color: 'foreground', dash: [2, 3], title: 'RAM' },
  target: { color: 'purple', dash: [8, 4], title: 'Target' },
};

function roleOf(device: Pick<DeviceSpec, 'kind' | 'local'> | undefined, fit: FitResult | undefined): CapacityRole {
  if (device) return device.kind === 'cpu' ? 'ram' : device.local ? 'local-gpu' : 'target';
  if (fit && fit.local) return fit.deviceId === 'local-cpu' || fit.device === 'RAM' ? 'ram' : 'local-gpu';
  return 'target';
}

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** Capacity lines for the devices and fit results, smallest first, one per device. */
export function capacityLines(devices: readonly DeviceSpec[], fit: readonly FitResult[]): CapacityLine[] {
  const fitById = new Map(fit.map((f) => [f.deviceId, f]));
  const seen = new Set<string>();
  const lines: CapacityLine[] = [];
  const add = (id: string, name: string, device: DeviceSpec | undefined, f: FitResult | undefined) => {
    if (seen.has(id)) return;
    const bytes = positive(f?.availableBytes) ? f.availableBytes : device?.memoryBytes;
    if (!positive(bytes)) return;
    seen.add(id);
    const role = roleOf(device, f);
    const style = CAPACITY_ROLES[role];
    lines.push({
      deviceId: id,
      name,
      label: `${name} · ${formatBytes(bytes)}`,
      bytes,
      totalBytes: positive(device?.memoryBytes) ? device.memoryBytes : undefined,
      role,
      color: style.color,
      dash: style.dash,
      verdict: f?.verdict,
    });
  };
  for (const d of devices) add(d.id, d.kind === 'cpu' ? 'RAM' : d.name, d, fitById.get(d.id));
  for (const f of fit) add(f.deviceId, f.device, undefined, f);
  return lines.sort((a, b) => a.bytes - b.bytes);
}

/** A capacity above the data is drawn only while the data keeps at least a third of the height. */
export const NEXT_CEILING_RATIO = 3;

/**
 * The y range of a chart whose data peaks at `peak`: the data with a little room,
 * and the first capacity above the peak when it is within NEXT_CEILING_RATIO × the
 * peak (so the next ceiling is in view without squashing the bars). Lines above that
 * are "off scale", listed in the subtitle and the data table instead.
 */
export function scaleForLines(peak: number, lines: readonly CapacityLine[], ratio = NEXT_CEILING_RATIO): {
  max: number;
  visible: CapacityLine[];
  offScale: CapacityLine[];
} {
  const top = Math.max(0, peak);
  const firstAbove = lines.find((l) => l.bytes >= top);
  const ceiling = firstAbove && firstAbove.bytes <= top * ratio ? firstAbove.bytes : top;
  const max = ceiling > 0 ? ceiling * 1.08 : 1;
  return {
    max,
    visible: lines.filter((l) => l.bytes <= ceiling),
    offScale: lines.filter((l) => l.bytes > ceiling),
  };
}
