/**
 * Shape arithmetic shared by the Keras rows: splitting a batch/spatial/channel
 * shape by data format, and the output-length rules of keras/src/ops/operation_utils.py
 * (`compute_conv_output_shape`, `compute_pooling_output_shape`) and
 * keras/src/utils/conv_utils.py (`deconv_output_length`).
 */
import type { Shape } from '../../../graph';
import { LayerError } from '../../layerSpec';

/** The one input of a single-input layer, with its rank checked. */
export function onlyInput(inputs: Shape[], layer: string, minRank = 2, maxRank = Infinity): Shape {
  const x = inputs[0];
  if (!x) throw new LayerError(`${layer}: called without an input`);
  if (x.length < minRank || x.length > maxRank) {
    const want = maxRank === minRank ? `${minRank}` : maxRank === Infinity ? `at least ${minRank}` : `${minRank} to ${maxRank}`;
    throw new LayerError(`${layer}: expected an input of rank ${want} (batch included), got shape [${x.join(', ')}]`);
  }
  return x;
}

/** A shape split into batch, spatial dimensions and channels. */
export interface SpatialShape {
  batch: number;
  spatial: number[];
  channels: number;
}

/** Split an input of rank `spatialRank + 2` by data format. */
export function splitSpatial(x: Shape, spatialRank: number, first: boolean, layer: string): SpatialShape {
  if (x.length !== spatialRank + 2) {
    throw new LayerError(
      `${layer}: expected an input of rank ${spatialRank + 2} (batch, ${spatialRank} spatial, channels), got shape [${x.join(', ')}]`,
    );
  }
  return first
    ? { batch: x[0]!, channels: x[1]!, spatial: x.slice(2) }
    : { batch: x[0]!, channels: x[x.length - 1]!, spatial: x.slice(1, -1) };
}

/** Inverse of `splitSpatial`. */
export function joinSpatial(batch: number, spatial: number[], channels: number, first: boolean): Shape {
  return first ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

/** Output length of a convolution: "valid" floor((n - d(k-1) - 1)/s) + 1; "same"/"causal" floor((n-1)/s) + 1. */
export function convLength(n: number, kernel: number, stride: number, dilation: number, padding: string): number {
  if (padding === 'valid') return Math.floor((n - dilation * (kernel - 1) - 1) / stride) + 1;
  return Math.floor((n - 1) / stride) + 1;
}

/** Output length of a pooling window: "valid" floor((n - p)/s) + 1; "same" floor((n-1)/s) + 1. */
export function poolLength(n: number, pool: number, stride: number, padding: string): number {
  if (padding === 'valid') return Math.floor((n - pool) / stride) + 1;
  return Math.floor((n - 1) / stride) + 1;
}

/** Output length of a transposed convolution (conv_utils.deconv_output_length). */
export function deconvLength(
  n: number,
  kernel: number,
  padding: string,
  outputPadding: number | undefined,
  stride: number,
  dilation: number,
): number {
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === undefined) {
    if (padding === 'valid') return n * stride + Math.max(k - stride, 0);
    if (padding === 'full') return n * stride - (stride + k - 2);
    return n * stride;
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : padding === 'full' ? k - 1 : 0;
  return (n - 1) * stride + k - 2 * pad + outputPadding;
}

/** Reject a spatial result that Keras would refuse (a window larger than the input). */
export function checkPositive(spatial: number[], layer: string, input: Shape): number[] {
  if (spatial.some((d) => !(d >= 1))) {
    throw new LayerError(
      `${layer}: the input [${input.join(', ')}] is too small for this window; the output would have size [${spatial.join(', ')}]`,
    );
  }
  return spatial;
}

/** Normalise a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number, layer: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new LayerError(`${layer}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** NumPy broadcasting of several shapes (the element-wise merge layers). */
export function broadcastShapes(shapes: Shape[], layer: string): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) {
        throw new LayerError(`${layer}: inputs of shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} cannot be combined`);
      }
      d = v;
    }
    out.push(d);
  }
  return out;
}
