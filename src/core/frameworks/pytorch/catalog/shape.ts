/**
 * Layers that move or resample values without weights: Identity, Upsample and the
 * Upsampling* aliases, PixelShuffle/PixelUnshuffle, Flatten/Unflatten, ChannelShuffle,
 * Unfold/Fold (im2col/col2im). All are 0 MACs. Interpolation keeps nothing for backward
 * (only sizes), except mode='area', which is an adaptive average pool and keeps its
 * input; Unfold keeps its input (torch 1.13).
 */
import type { Shape } from '../../../graph';
import type { ArgValue, LayerSpec, SavedRef } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { defineRow, input, tensor, type RowArgs } from './row';
import { assertPositive, axis, channelsLayout, inputAt, product, rankedInput, showShape, windowOut } from './shapes';

const MODES = ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'] as const;
/** Interpolation modes that need a given number of spatial dims (F.interpolate). */
const MODE_RANK: Partial<Record<(typeof MODES)[number], number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

function perDim(a: RowArgs, name: string, value: ArgValue, n: number): number[] {
  if (typeof value === 'number') return Array(n).fill(value);
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'number')) return value as number[];
  a.fail(`${name} must be a number or a tuple of ${n} numbers for a ${n + 2}D input, got ${JSON.stringify(value)}`);
}

function interpolate(a: RowArgs, inputs: Shape[], mode: (typeof MODES)[number], spatialRanks?: number[]) {
  const x = inputAt(a, inputs, 0);
  const n = x.length - 2;
  if (n < 1 || (spatialRanks && !spatialRanks.includes(n))) {
    a.fail(`expected a batched input with spatial dims, got ${showShape(x)}`);
  }
  const need = MODE_RANK[mode];
  if (need !== undefined && need !== n) a.fail(`mode '${mode}' needs a ${need + 2}D input, got ${x.length}D ${showShape(x)}`);
  const hasSize = a.has('size');
  const hasScale = a.has('scale_factor');
  if (hasSize === hasScale) a.fail('exactly one of size and scale_factor must be given');
  const spatial = x.slice(2);
  const out = hasSize
    ? perDim(a, 'size', a.raw('size'), n).map((s) => Math.trunc(s))
    : perDim(a, 'scale_factor', a.raw('scale_factor'), n).map((f, i) => Math.floor(spatial[i]! * f));
  if (out.some((d) => d < 1)) a.fail(`output size ${showShape(out)} must be positive`);
  const saves: SavedRef[] = mode === 'area' ? [input(0)] : [];
  return { output: tensor([x[0]!, x[1]!, ...out]), macs: 0, saves };
}

export const SHAPE_LAYERS: LayerSpec[] = [
  defineRow({
    type: 'Identity',
    signature: '*args, **kwargs',
    forward: (a, inputs) => ({ output: tensor(inputAt(a, inputs, 0)), macs: 0, saves: [] }),
  }),
  defineRow({
    type: 'Upsample',
    signature: "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None",
    forward: (a, inputs) => interpolate(a, inputs, a.choice('mode', MODES)),
  }),
  defineRow({
    type: 'UpsamplingNearest2d',
    signature: 'size=None, scale_factor=None',
    forward: (a, inputs) => interpolate(a, inputs, 'nearest', [2]),
  }),
  defineRow({
    type: 'UpsamplingBilinear2d',
    signature: 'size=None, scale_factor=None',
    forward: (a, inputs) => interpolate(a, inputs, 'bilinear', [2]),
  }),
  defineRow({
    type: 'PixelShuffle',
    signature: 'upscale_factor',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const r = a.positive('upscale_factor');
      if (x.length < 3) a.fail(`expected at least a 3D input (C, H, W), got ${showShape(x)}`);
      const [c, h, w] = x.slice(-3) as [number, number, number];
      if (c % (r * r) !== 0) a.fail(`channels (${c}) must be divisible by upscale_factor² (${r * r})`);
      return { output: tensor([...x.slice(0, -3), c / (r * r), h * r, w * r]), macs: 0, saves: [] };
    },
  }),
  defineRow({
    type: 'PixelUnshuffle',
    signature: 'downscale_factor',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const r = a.positive('downscale_factor');
      if (x.length < 3) a.fail(`expected at least a 3D input (C, H, W), got ${showShape(x)}`);
      const [c, h, w] = x.slice(-3) as [number, number, number];
      if (h % r !== 0 || w % r !== 0) a.fail(`height and width (${h}, ${w}) must be divisible by downscale_factor (${r})`);
      return { output: tensor([...x.slice(0, -3), c * r * r, h / r, w / r]), macs: 0, saves: [] };
    },
  }),
  defineRow({
    type: 'Flatten',
    signature: 'start_dim=1, end_dim=-1',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (x.length === 0) return { output: tensor([1]), macs: 0, saves: [] };
      const start = axis(a, x, a.int('start_dim'), 'start_dim');
      const end = axis(a, x, a.int('end_dim'), 'end_dim');
      if (start > end) a.fail(`start_dim (${start}) cannot come after end_dim (${end})`);
      const out = [...x.slice(0, start), numel(x.slice(start, end + 1)), ...x.slice(end + 1)];
      return { output: tensor(out), macs: 0, saves: [] };
    },
  }),
  defineRow({
    type: 'Unflatten',
    signature: 'dim, unflattened_size',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const d = axis(a, x, a.int('dim'));
      const sizes = a.intList('unflattened_size');
      const inferred = sizes.filter((s) => s === -1).length;
      if (inferred > 1) a.fail('only one dimension of unflattened_size can be -1');
      const known = numel(sizes.filter((s) => s !== -1));
      const resolved = sizes.map((s) => (s === -1 ? x[d]! / known : s));
      if (resolved.some((s) => !Number.isInteger(s) || s < 0) || numel(resolved) !== x[d]) {
        a.fail(`unflattened_size ${showShape(sizes)} does not multiply to dimension ${d} of size ${x[d]}`);
      }
      return { output: tensor([...x.slice(0, d), ...resolved, ...x.slice(d + 1)]), macs: 0, saves: [] };
    },
  }),
  defineRow({
    type: 'ChannelShuffle',
    signature: 'groups',
    forward: (a, inputs) => {
      const x = rankedInput(a, inputs, [3, 4, 5]);
      const g = a.positive('groups');
      if (x[1]! % g !== 0) a.fail(`channels (${x[1]}) must be divisible by groups (${g})`);
      return { output: tensor(x), macs: 0, saves: [] };
    },
  }),
  defineRow({
    type: 'Unfold',
    signature: 'kernel_size, dilation=1, padding=0, stride=1',
    forward: (a, inputs) => {
      const layout = channelsLayout(a, inputs, 2);
      const k = a.ints('kernel_size', 2);
      const [d, p, s] = [a.ints('dilation', 2), a.ints('padding', 2), a.ints('stride', 2)];
      const blocks = layout.spatial.map((len, i) => windowOut(len, k[i]!, s[i]!, p[i]!, p[i]!, d[i]!));
      assertPositive(a, blocks, inputs[0]!);
      const rows = layout.channels * product(k);
      const out = layout.batched ? [layout.batch, rows, product(blocks)] : [rows, product(blocks)];
      return { output: tensor(out), macs: 0, saves: [input(0)] };
    },
  }),
  defineRow({
    type: 'Fold',
    signature: 'output_size, kernel_size, dilation=1, padding=0, stride=1',
    forward: (a, inputs) => {
      const x = rankedInput(a, inputs, [2, 3]);
      const size = a.ints('output_size', 2);
      const k = a.ints('kernel_size', 2);
      const [d, p, s] = [a.ints('dilation', 2), a.ints('padding', 2), a.ints('stride', 2)];
      const [rows, length] = x.slice(-2) as [number, number];
      if (rows % product(k) !== 0) a.fail(`dimension -2 (${rows}) must be divisible by the kernel's size ${product(k)}`);
      const blocks = product(size.map((len, i) => windowOut(len, k[i]!, s[i]!, p[i]!, p[i]!, d[i]!)));
      if (blocks !== length) a.fail(`expected ${blocks} blocks for output_size ${showShape(size)}, got ${length}`);
      const channels = rows / product(k);
      const out = x.length === 3 ? [x[0]!, channels, ...size] : [channels, ...size];
      return { output: tensor(out), macs: 0, saves: [] };
    },
  }),
];
