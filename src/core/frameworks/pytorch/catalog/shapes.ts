/**
 * Shape rules shared by several rows: input checks with torch-like messages, the
 * convolution/pooling length formulas, and the split of a tensor into batch,
 * channel and spatial parts (torch layers accept batched and unbatched inputs).
 */
import type { Shape } from '../../../graph';
import { numel } from '../../layerSpec';
import type { RowArgs } from './row';

export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The i-th input, or a clear error when the call passed fewer tensors. */
export function inputAt(a: RowArgs, inputs: Shape[], i: number, what = 'input'): Shape {
  const s = inputs[i];
  if (!s) a.fail(`expected ${what} as tensor argument ${i + 1}, got ${inputs.length} tensor argument(s)`);
  return s;
}

/** Input 0 with one of the allowed ranks. */
export function rankedInput(a: RowArgs, inputs: Shape[], ranks: number[], what = 'input'): Shape {
  const s = inputAt(a, inputs, 0, what);
  if (!ranks.includes(s.length)) {
    const allowed = ranks.length === 1 ? `${ranks[0]}D` : `${ranks.slice(0, -1).join('D, ')}D or ${ranks[ranks.length - 1]}D`;
    a.fail(`expected ${allowed} ${what}, got ${s.length}D ${showShape(s)}`);
  }
  return s;
}

/**
 * A (N, C, *spatial) or unbatched (C, *spatial) tensor, split. `spatialRank` is the
 * layer's dimensionality (2 for Conv2d).
 */
export interface ChannelsLayout {
  batched: boolean;
  /** 1 when unbatched. */
  batch: number;
  channels: number;
  spatial: number[];
}

export function channelsLayout(a: RowArgs, inputs: Shape[], spatialRank: number): ChannelsLayout {
  const s = rankedInput(a, inputs, [spatialRank + 1, spatialRank + 2]);
  const batched = s.length === spatialRank + 2;
  return {
    batched,
    batch: batched ? s[0]! : 1,
    channels: s[batched ? 1 : 0]!,
    spatial: s.slice(batched ? 2 : 1),
  };
}

/** Rebuild a (N, C, *spatial) or (C, *spatial) shape. */
export function withChannels(layout: ChannelsLayout, channels: number, spatial: number[]): Shape {
  return layout.batched ? [layout.batch, channels, ...spatial] : [channels, ...spatial];
}

/** Output length of a convolution or pooling window (torch's formula, floor or ceil mode). */
export function windowOut(
  length: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceil = false,
): number {
  const span = length + padBefore + padAfter - dilation * (kernel - 1) - 1;
  if (!ceil) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // torch (pooling_output_shape): the last window must start inside the input or the left padding.
  if ((out - 1) * stride >= length + padBefore) out -= 1;
  return out;
}

export function assertPositive(a: RowArgs, out: number[], input: Shape): void {
  if (out.some((d) => d < 1)) {
    a.fail(`output size ${showShape(out)} is too small for input ${showShape(input)} (kernel larger than the padded input)`);
  }
}

export function product(xs: readonly number[]): number {
  return numel(xs);
}

/** Index into a shape with Python's negative indexing; errors when out of range. */
export function axis(a: RowArgs, shape: Shape, dim: number, name = 'dim'): number {
  const i = dim < 0 ? shape.length + dim : dim;
  if (i < 0 || i >= shape.length) {
    a.fail(`${name}=${dim} is out of range for a ${shape.length}D input ${showShape(shape)}`);
  }
  return i;
}

/** Broadcast two shapes as torch does, or fail. */
export function broadcast(a: RowArgs, x: Shape, y: Shape): Shape {
  const rank = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dx = x[x.length - rank + i] ?? 1;
    const dy = y[y.length - rank + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) a.fail(`shapes ${showShape(x)} and ${showShape(y)} do not broadcast`);
    out.push(dx === 1 ? dy : dx);
  }
  return out;
}
