/**
 * What one profiled forward records per layer or op, for both frameworks: calls, the
 * first call's output shapes, MACs, and the tensors kept for backward. Elements of
 * saved activations take the compute dtype's size; others have a fixed size.
 */
import { safeCount, type LayerNode, type Shape } from '../graph';
import type { SavedRef } from './layerSpec';

export interface LayerStats {
  calls: number;
  macs: number;
  savedElements: number;
  savedFixedBytes: number;
  outputShapes?: Shape[];
  outputElements: number;
}

export function emptyStats(): LayerStats {
  return { calls: 0, macs: 0, savedElements: 0, savedFixedBytes: 0, outputElements: 0 };
}

/** The dtype of a tensor an op makes and keeps (see SavedRef). */
export type SavedDtype = Extract<SavedRef, { dtype: unknown }>['dtype'];

const FIXED_BYTES: Record<Exclude<SavedDtype, 'act'>, number> = { bool: 1, int64: 8, fp32: 4, fp64: 8 };

/** Count a tensor made inside the op: activations in elements, the others in bytes. */
export function saveNew(stats: LayerStats, elements: number, dtype: SavedDtype): void {
  if (!(elements > 0)) return;
  if (dtype === 'act') stats.savedElements += elements;
  else stats.savedFixedBytes += elements * FIXED_BYTES[dtype];
}

/** The counts a layer node takes from its stats (zero when the forward did not reach it). */
export function statsFields(stats: LayerStats | undefined): Pick<LayerNode, 'calls' | 'macs' | 'savedElements' | 'savedFixedBytes' | 'outputElements'> {
  return {
    calls: stats?.calls ?? 0,
    macs: safeCount(stats?.macs ?? 0),
    savedElements: safeCount(stats?.savedElements ?? 0),
    savedFixedBytes: safeCount(stats?.savedFixedBytes ?? 0),
    outputElements: safeCount(stats?.outputElements ?? 0),
  };
}
