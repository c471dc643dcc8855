/**
 * Numbers formatted for people, the same way in every view (hover, CodeLens,
 * diagnostics, panel, CLI). Exact values stay available one level deeper.
 *
 * Conventions (reference/estimation.md): GB = 1e9 bytes and GiB = 2^30 bytes are
 * both shown and never mixed up; MACs and FLOPs are named (1 MAC = 2 FLOPs).
 */

const COUNT_UNITS: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

function trimmed(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

/** 124439808 -> "124.4M", 6738415616 -> "6.74B", 512 -> "512". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  for (const [scale, unit] of COUNT_UNITS) {
    if (abs >= scale) {
      const v = n / scale;
      return `${trimmed(v, Math.abs(v) >= 100 ? 1 : 2)}${unit}`;
    }
  }
  return String(Math.round(n));
}

const EXACT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Exact integer with thousands separators: 124439808 -> "124,439,808". */
export function formatExact(n: number): string {
  if (!Number.isFinite(n)) return '—';
  // One shared formatter: toLocaleString builds a new one on every call, which the estimate's hot path felt.
  return EXACT.format(Math.round(n));
}

const DECIMAL_BYTES: Array<[number, string]> = [
  [1e15, 'PB'],
  [1e12, 'TB'],
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
];

const BINARY_BYTES: Array<[number, string]> = [
  [2 ** 50, 'PiB'],
  [2 ** 40, 'TiB'],
  [2 ** 30, 'GiB'],
  [2 ** 20, 'MiB'],
  [2 ** 10, 'KiB'],
];

function scaled(n: number, units: Array<[number, string]>, base: string): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  for (const [scale, unit] of units) {
    if (abs >= scale) return `${(n / scale).toFixed(1)} ${unit}`;
  }
  return `${Math.round(n)} ${base}`;
}

/** Decimal units (GB = 1e9): 13476831232 -> "13.5 GB". */
export function formatBytes(n: number): string {
  return scaled(n, DECIMAL_BYTES, 'B');
}

/** Binary units (GiB = 2^30): 13476831232 -> "12.6 GiB". */
export function formatBytesBinary(n: number): string {
  return scaled(n, BINARY_BYTES, 'B');
}

/** Both, for tooltips: "13.5 GB (12.6 GiB)". */
export function formatBytesBoth(n: number): string {
  return `${formatBytes(n)} (${formatBytesBinary(n)})`;
}

const OP_UNITS: Array<[number, string]> = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'K'],
];

function formatOps(n: number, name: string): string {
  if (!Number.isFinite(n)) return '—';
  for (const [scale, unit] of OP_UNITS) {
    if (Math.abs(n) >= scale) return `${(n / scale).toFixed(2)} ${unit}${name}`;
  }
  return `${Math.round(n)} ${name}`;
}

/** 4089184256 -> "4.09 GMACs". */
export function formatMacs(n: number): string {
  return formatOps(n, 'MACs');
}

/** 8178368512 -> "8.18 GFLOPs". */
export function formatFlops(n: number): string {
  return formatOps(n, 'FLOPs');
}

/** [8, 3, 224, 224] -> "[8, 3, 224, 224]"; Keras style with the batch as None when asked. */
export function formatShape(shape: readonly number[], batchAsNone = false): string {
  return `[${shape.map((d, i) => (i === 0 && batchAsNone ? 'None' : String(d))).join(', ')}]`;
}

/** Seconds for people: 0.0123 -> "12.3 ms", 93 -> "1.6 min", 200000 -> "2.3 days". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(1)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(1)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** 0.4567 -> "45.7%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(1)}%`;
}
