/**
 * The precision/format chart: weights-only checkpoint size per storage format
 * (report.storage.checkpointBytes), with the training checkpoint and free disk for scale.
 */
import type { StorageEstimate } from '../../core/estimate/types';
import type { Precision } from '../../core/options';
import { formatBytes, formatBytesBoth } from '../../core/format';
import type { DataTable } from './dataTable';

/** Known formats in display order (widest first), with the names people use. */
export const STORAGE_FORMATS: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'fp32', label: 'FP32' },
  { key: 'fp16', label: 'FP16' },
  { key: 'bf16', label: 'BF16' },
  { key: 'fp8', label: 'FP8' },
  { key: 'int8', label: 'INT8' },
  { key: 'gguf-q8_0', label: 'GGUF Q8_0' },
  { key: 'gguf-q6_k', label: 'GGUF Q6_K' },
  { key: 'gguf-q5_k', label: 'GGUF Q5_K' },
  { key: 'gguf-q4_k', label: 'GGUF Q4_K' },
  { key: 'gguf-q4_0', label: 'GGUF Q4_0' },
  { key: 'nf4', label: 'NF4' },
  { key: 'int4', label: 'INT4' },
  { key: 'gguf-q3_k', label: 'GGUF Q3_K' },
  { key: 'gguf-q2_k', label: 'GGUF Q2_K' },
];

/** The checkpoint format a precision saves in: mixed precision keeps fp32 weights. */
export const PRECISION_FORMAT: Record<Precision, string> = {
  fp32: 'fp32',
  tf32: 'fp32',
  'fp16-mixed': 'fp32',
  'bf16-mixed': 'fp32',
  fp16: 'fp16',
  bf16: 'bf16',
  fp8: 'fp8',
  int8: 'int8',
  int4: 'int4',
  nf4: 'nf4',
};

export interface FormatBar {
  key: string;
  label: string;
  bytes: number;
  /** Effective bits per parameter, format overhead included. */
  bitsPerParam?: number;
  /** The format of the current precision. */
  current: boolean;
}

export interface FormatChartModel {
  bars: FormatBar[];
  trainingCheckpointBytes?: number;
  freeDiskBytes?: number;
  ariaLabel: string;
  table: DataTable;
}

function labelOf(key: string): string {
  const known = STORAGE_FORMATS.find((f) => f.key === key);
  if (known) return known.label;
  return key.startsWith('gguf-') ? `GGUF ${key.slice(5).toUpperCase()}` : key.toUpperCase();
}

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

export function formatChartModel(
  report: { storage: StorageEstimate; params: { total: number }; options: { precision: Precision } },
): FormatChartModel | undefined {
  const entries = Object.entries(report.storage.checkpointBytes ?? {}).filter(([, v]) => positive(v));
  if (entries.length === 0) return undefined;
  const order = (key: string) => {
    const i = STORAGE_FORMATS.findIndex((f) => f.key === key);
    return i < 0 ? STORAGE_FORMATS.length : i;
  };
  // Known formats in table order; unknown ones after them, largest first.
  entries.sort(([ka, va], [kb, vb]) => order(ka) - order(kb) || vb - va || ka.localeCompare(kb));
  const currentKey = PRECISION_FORMAT[report.options.precision];
  const params = report.params.total;
  const bars: FormatBar[] = entries.map(([key, bytes]) => ({
    key,
    label: labelOf(key),
    bytes,
    bitsPerParam: positive(params) ? (bytes * 8) / params : undefined,
    current: key === currentKey,
  }));
  const trainingCheckpointBytes = positive(report.storage.trainingCheckpointBytes) ? report.storage.trainingCheckpointBytes : undefined;
  const freeDiskBytes = positive(report.storage.freeDiskBytes) ? report.storage.freeDiskBytes : undefined;

  const smallest = bars.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  const largest = bars.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const label =
    `Checkpoint size by format: ${largest.label} ${formatBytes(largest.bytes)} down to ${smallest.label} ${formatBytes(smallest.bytes)}` +
    (trainingCheckpointBytes ? `; training checkpoint with optimizer state ${formatBytes(trainingCheckpointBytes)}` : '') +
    (freeDiskBytes ? `; ${formatBytes(freeDiskBytes)} free on disk` : '');

  const rows = bars.map((b) => [
    b.current ? `${b.label} (current)` : b.label,
    formatBytesBoth(b.bytes),
    b.bitsPerParam === undefined ? '—' : b.bitsPerParam.toFixed(2),
  ]);
  if (trainingCheckpointBytes) rows.push(['Training checkpoint (weights + optimizer)', formatBytesBoth(trainingCheckpointBytes), '—']);
  if (freeDiskBytes) rows.push(['Free disk', formatBytesBoth(freeDiskBytes), '—']);

  return {
    bars,
    trainingCheckpointBytes,
    freeDiskBytes,
    ariaLabel: `${label}.`,
    table: { caption: 'Weights-only checkpoint size per format', columns: ['Format', 'Size', 'Bits per parameter'], rows },
  };
}
