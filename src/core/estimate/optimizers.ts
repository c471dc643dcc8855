/**
 * Optimizer state per trainable parameter: one row per optimizer.
 *
 * - Adam/AdamW: two states (m, v) per parameter (Kingma & Ba); fp32 under mixed precision:
 *   8 B/param (ZeRO §3.1, HF "model memory anatomy").
 * - 8-bit Adam (bitsandbytes): two 1-byte states, 2 B/param (HF anatomy). Its block-wise
 *   quantization constants (one fp32 per 2048 values) are under 0.5% and not counted.
 * - SGD with momentum: one state; plain SGD none.
 * - Lion: one momentum state (Chen et al. 2023, arXiv:2302.06675).
 * - Adafactor: factored second moment, a row and a column vector per matrix, full vectors for
 *   1-D parameters, no first moment (Shazeer & Stern 2018, arXiv:1804.04235; HF default beta1=None).
 *   Its states are fp32 whatever the parameter dtype.
 */
import type { Optimizer } from '../options';

export interface OptimizerRow {
  label: string;
  /** Full-size states per parameter (0 for Adafactor, whose state is factored). */
  states: number;
  /** Fixed bytes per state element; undefined: the precision's state dtype. */
  fixedStateBytes?: number;
  /** Adafactor: state is rows + columns of each matrix. */
  factored?: boolean;
}

export const OPTIMIZER: Record<Optimizer, OptimizerRow> = {
  sgd: { label: 'SGD', states: 0 },
  'sgd-momentum': { label: 'SGD with momentum', states: 1 },
  adam: { label: 'Adam', states: 2 },
  adamw: { label: 'AdamW', states: 2 },
  'adam-8bit': { label: '8-bit Adam', states: 2, fixedStateBytes: 1 },
  adafactor: { label: 'Adafactor', states: 0, factored: true, fixedStateBytes: 4 },
  lion: { label: 'Lion', states: 1 },
};

/** Adafactor's state elements for one parameter tensor: rows + columns for ≥2-D, the full vector for 1-D. */
export function factoredStateElements(shape: readonly number[]): number {
  if (shape.length < 2) return shape.reduce((a, b) => a * b, 1);
  const last = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cols = shape.slice(0, -2).reduce((a, b) => a * b, 1) * last;
  return rows + cols;
}
