/**
 * Plain-text report for `model-profiler hardware`: what was detected, then every
 * device the fit verdict is computed for (this machine's and the targets).
 */
import type { DeviceSpec, HardwareProfile, PeakTflops } from './types';
import { describeHardware, summarizeHardware } from './devices';
import { formatBytesBinary } from '../format';

const PRECISION_ORDER: Array<keyof PeakTflops> = ['fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'int8'];

function throughput(peak: PeakTflops): string {
  const parts = PRECISION_ORDER.filter((p) => peak[p] !== undefined).map((p) => `${p} ${peak[p]}`);
  return parts.length > 0 ? `${parts.join(' · ')} TFLOP/s dense` : 'throughput unknown';
}

function bandwidth(bytesPerSec: number | undefined): string {
  return bytesPerSec === undefined ? 'bandwidth unknown' : `${Math.round(bytesPerSec / 1e9)} GB/s`;
}

function deviceLine(d: DeviceSpec): string {
  const where = d.local ? 'this machine' : 'target';
  const free = d.freeBytes !== undefined ? ` (${formatBytesBinary(d.freeBytes)} free)` : '';
  const unified = d.unifiedMemory ? ' usable of unified memory' : '';
  return `  ${d.name} [${where}]: ${formatBytesBinary(d.memoryBytes)}${unified}${free} · ${bandwidth(d.bandwidthBytesPerSec)} · ${throughput(d.peakTflops)}`;
}

export function formatHardwareText(profile: HardwareProfile, devices: readonly DeviceSpec[]): string {
  const lines = [summarizeHardware(profile), '', ...describeHardware(profile), '', 'Devices checked:'];
  if (devices.length === 0) lines.push('  (none)');
  for (const d of devices) lines.push(deviceLine(d));
  return `${lines.join('\n')}\n`;
}
