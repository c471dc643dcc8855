/**
 * The memory terms of a MemoryBreakdown (src/core/estimate/types.ts), in the order
 * the stacked bars and tables show them: one row per term.
 */
import type { MemoryBreakdown } from '../../core/estimate/types';
import type { ChartColor } from './palette';

export type MemoryTermKey =
  | 'weightsBytes'
  | 'gradientsBytes'
  | 'optimizerBytes'
  | 'masterWeightsBytes'
  | 'activationsBytes'
  | 'kvCacheBytes'
  | 'overheadBytes'
  | 'fragmentationBytes';

export interface MemoryTerm {
  key: MemoryTermKey;
  label: string;
  color: ChartColor;
  /** Fill opacity, where two terms share a colour. */
  opacity?: number;
}

export const MEMORY_TERMS: readonly MemoryTerm[] = [
  { key: 'weightsBytes', label: 'Weights', color: 'blue' },
  { key: 'gradientsBytes', label: 'Gradients', color: 'purple' },
  { key: 'optimizerBytes', label: 'Optimizer state', color: 'orange' },
  { key: 'masterWeightsBytes', label: 'Master weights', color: 'yellow' },
  { key: 'activationsBytes', label: 'Activations', color: 'green' },
  { key: 'kvCacheBytes', label: 'KV cache', color: 'cyan' },
  { key: 'overheadBytes', label: 'Overhead', color: 'grey' },
  { key: 'fragmentationBytes', label: 'Fragmentation', color: 'grey', opacity: 0.4 },
];

/** A term's bytes, with anything not finite and non-negative read as 0 (views never show NaN). */
export function termBytes(breakdown: MemoryBreakdown, key: MemoryTermKey): number {
  const v = breakdown[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
