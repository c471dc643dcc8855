/**
 * Normalisation layers: BatchNorm1d/2d/3d, SyncBatchNorm, LazyBatchNorm*, InstanceNorm1d/2d/3d,
 * LazyInstanceNorm*, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.
 *
 * Weights follow torch's param/buffer split: `weight`/`bias` are parameters when affine;
 * `running_mean`, `running_var` and `num_batches_tracked` (one element, shape []) are
 * buffers when track_running_stats. MACs: 0 (element-wise).
 * Saves (training): the input plus the per-group mean and inverse std in fp32.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, WeightSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, buffer, defineRow, fp32, input, param, scalar, tensor, type RowArgs } from './row';
import { channelsLayout, inputAt, product, rankedInput, showShape } from './shapes';

function statsWeights(channels: number, affine: boolean, track: boolean): WeightSpec[] {
  const w: WeightSpec[] = [];
  if (affine) w.push(param('weight', [channels]), param('bias', [channels]));
  if (track) {
    w.push(buffer('running_mean', [channels]), buffer('running_var', [channels]), buffer('num_batches_tracked', []));
  }
  return w;
}

function checkChannels(a: RowArgs, got: number, expected: number, x: Shape): void {
  if (got !== expected) a.fail(`expected ${expected} channels (num_features), got ${got} (input ${showShape(x)})`);
}

const BN = 'num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None';
const LAZY_BN = 'eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None';
const IN = 'num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None';
const LAZY_IN = 'eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None';

/** Ranks torch accepts: BatchNorm1d (N, C) or (N, C, L); 2d (N, C, H, W); 3d (N, C, D, H, W). */
const BN_RANKS: Record<number, number[]> = { 1: [2, 3], 2: [4], 3: [5] };

function batchNormForward(a: RowArgs, inputs: Shape[], ranks: number[], channels: number | undefined) {
  const x = rankedInput(a, inputs, ranks);
  const c = x[1]!;
  if (channels !== undefined) checkChannels(a, c, channels, x);
  // Batch statistics per channel: save_mean and save_invstd, fp32.
  return { output: tensor(x), macs: 0, saves: [input(0), fp32(2 * c)] };
}

function batchNormRows(n: number): LayerSpec[] {
  return [
    defineRow({
      type: `BatchNorm${n}d`,
      signature: BN,
      weights: (a) => statsWeights(a.positive('num_features'), a.bool('affine'), a.bool('track_running_stats')),
      forward: (a, inputs) => batchNormForward(a, inputs, BN_RANKS[n]!, a.positive('num_features')),
    }),
    defineRow({
      type: `LazyBatchNorm${n}d`,
      materializesAs: `BatchNorm${n}d`,
      signature: LAZY_BN,
      weights: (a, inputs) => {
        const x = inputs?.[0];
        if (!x || !BN_RANKS[n]!.includes(x.length)) return undefined;
        return statsWeights(x[1]!, a.bool('affine'), a.bool('track_running_stats'));
      },
      forward: (a, inputs) => batchNormForward(a, inputs, BN_RANKS[n]!, undefined),
    }),
  ];
}

function instanceNormForward(a: RowArgs, inputs: Shape[], n: number, channels: number | undefined) {
  const layout = channelsLayout(a, inputs, n);
  if (channels !== undefined) checkChannels(a, layout.channels, channels, inputs[0]!);
  // torch runs batch_norm over (1, N·C, ...): per-instance statistics, and the affine
  // weight and running stats repeated N times, all kept for backward.
  const nc = layout.batch * layout.channels;
  const copies = 2 + (a.bool('affine') ? 1 : 0) + (a.bool('track_running_stats') ? 2 : 0);
  return { output: tensor(inputs[0]!), macs: 0, saves: [input(0), fp32(copies * nc)] };
}

function instanceNormRows(n: number): LayerSpec[] {
  return [
    defineRow({
      type: `InstanceNorm${n}d`,
      signature: IN,
      weights: (a) => statsWeights(a.positive('num_features'), a.bool('affine'), a.bool('track_running_stats')),
      forward: (a, inputs) => instanceNormForward(a, inputs, n, a.positive('num_features')),
    }),
    defineRow({
      type: `LazyInstanceNorm${n}d`,
      materializesAs: `InstanceNorm${n}d`,
      signature: LAZY_IN,
      weights: (a, inputs) => {
        const x = inputs?.[0];
        if (!x || (x.length !== n + 1 && x.length !== n + 2)) return undefined;
        return statsWeights(x[x.length - n - 1]!, a.bool('affine'), a.bool('track_running_stats'));
      },
      forward: (a, inputs) => instanceNormForward(a, inputs, n, undefined),
    }),
  ];
}

/** Checks that the trailing dims equal normalized_shape; returns the number of normalised rows. */
function normalizedRows(a: RowArgs, x: Shape, normalized: number[]): number {
  const tail = x.slice(x.length - normalized.length);
  if (x.length < normalized.length || showShape(tail) !== showShape(normalized)) {
    a.fail(`input ${showShape(x)} does not end with normalized_shape ${showShape(normalized)}`);
  }
  return numel(x) / Math.max(1, product(normalized));
}

export const NORM_LAYERS: LayerSpec[] = [
  ...batchNormRows(1),
  ...batchNormRows(2),
  ...batchNormRows(3),
  defineRow({
    type: 'SyncBatchNorm',
    signature: 'num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, process_group=None, device=None, dtype=None',
    weights: (a) => statsWeights(a.positive('num_features'), a.bool('affine'), a.bool('track_running_stats')),
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (x.length < 2) a.fail(`expected at least 2D input, got ${showShape(x)}`);
      return batchNormForward(a, inputs, [x.length], a.positive('num_features'));
    },
  }),
  ...instanceNormRows(1),
  ...instanceNormRows(2),
  ...instanceNormRows(3),
  defineRow({
    type: 'LayerNorm',
    // `bias` exists since torch 2.1 (LayerNorm docs).
    signature: 'normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None, dtype=None',
    weights: (a) => {
      const shape = a.intList('normalized_shape');
      if (!a.bool('elementwise_affine')) return [];
      const w = [param('weight', shape)];
      if (a.bool('bias')) w.push(param('bias', shape));
      return w;
    },
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const rows = normalizedRows(a, x, a.intList('normalized_shape'));
      // native_layer_norm keeps mean and rstd per row, fp32.
      return { output: tensor(x), macs: 0, saves: [input(0), fp32(2 * rows)] };
    },
  }),
  defineRow({
    type: 'GroupNorm',
    signature: 'num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None',
    weights: (a) => {
      const groups = a.positive('num_groups');
      const channels = a.positive('num_channels');
      if (channels % groups !== 0) a.fail(`num_channels (${channels}) must be divisible by num_groups (${groups})`);
      return a.bool('affine') ? [param('weight', [channels]), param('bias', [channels])] : [];
    },
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (x.length < 2) a.fail(`expected an input of shape (N, C, *), got ${showShape(x)}`);
      checkChannels(a, x[1]!, a.positive('num_channels'), x);
      // mean and rstd per (sample, group), fp32.
      return { output: tensor(x), macs: 0, saves: [input(0), fp32(2 * x[0]! * a.positive('num_groups'))] };
    },
  }),
  defineRow({
    type: 'RMSNorm',
    // torch 2.4+ (RMSNorm docs). eps=None means torch.finfo(x.dtype).eps.
    signature: 'normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None',
    weights: (a) => (a.bool('elementwise_affine') ? [param('weight', a.intList('normalized_shape'))] : []),
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const rows = normalizedRows(a, x, a.intList('normalized_shape'));
      // torch 2.4's composite rms_norm: x·rsqrt(mean(x²)+eps) keeps x and the per-row rsqrt;
      // the affine product keeps the normalised tensor.
      const saves = [input(0), act(rows)];
      if (a.bool('elementwise_affine')) saves.push(act(numel(x)));
      return { output: tensor(x), macs: 0, saves };
    },
  }),
  defineRow({
    type: 'LocalResponseNorm',
    signature: 'size, alpha=0.0001, beta=0.75, k=1.0',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (x.length < 3) a.fail(`expected 3D or higher input, got ${showShape(x)}`);
      const size = a.positive('size');
      // torch pads x² along channels by size−1, averages, then raises to beta: it keeps the
      // padded squares, the base and the power (each the input's size) besides the input,
      // and `mul(alpha)` keeps alpha as a float64 scalar.
      const padded = (numel(x) / x[1]!) * (x[1]! + size - 1);
      return { output: tensor(x), macs: 0, saves: [input(0), act(padded), act(2 * numel(x)), scalar('float')] };
    },
  }),
];
