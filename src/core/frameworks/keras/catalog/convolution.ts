/**
 * Convolutions, after keras/src/layers/convolutional/base_*.py:
 * - ConvND: kernel (*kernel_size, in/groups, filters) + bias (filters).
 * - ConvNDTranspose: kernel (*kernel_size, filters, in) + bias (filters).
 * - DepthwiseConvND: kernel (*kernel_size, in, depth_multiplier) + bias (in·depth_multiplier).
 * - SeparableConvND: depthwise_kernel (*kernel_size, in, depth_multiplier)
 *   + pointwise_kernel (1…, in·depth_multiplier, filters) + bias (filters).
 * MACs follow the PyTorch side: (in/groups)·prod(kernel)·out_channels per output
 * position; a transposed convolution scatters every input position through the
 * whole kernel: in·prod(kernel)·filters per input position.
 */
import { LayerError, numel, type Args, type LayerCall, type LayerSpec, type WeightSpec } from '../../layerSpec';
import { fusedActivationSaves } from './activations';
import { activationName, boolArg, channelsFirst, choiceArg, intArg, rawArg, requiredInt, requiredTuple, toTuple, tupleArg } from './args';
import { checkPositive, convLength, deconvLength, joinSpatial, onlyInput, splitSpatial, type SpatialShape } from './geometry';
import { kerasRow, tensor, weight } from './row';

type Rank = 1 | 2 | 3;

const INITS =
  "kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, " +
  'activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs';

function ones(rank: Rank): string {
  return rank === 1 ? '1' : `(${new Array(rank).fill('1').join(', ')})`;
}

/** What every convolution reads: window, strides, padding, dilation and the split input. */
interface Window {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: string;
  first: boolean;
  x: SpatialShape;
}

function readWindow(args: Args, inputs: number[][], rank: Rank, layer: string, paddings: readonly string[]): Window {
  const first = channelsFirst(args, layer);
  const input = onlyInput(inputs, layer);
  return {
    kernel: requiredTuple(args, 'kernel_size', rank, layer),
    strides: tupleArg(args, 'strides', rank, 1, layer),
    dilation: tupleArg(args, 'dilation_rate', rank, 1, layer),
    padding: choiceArg(args, 'padding', paddings, 'valid', layer),
    first,
    x: splitSpatial(input, rank, first, layer),
  };
}

function convOutSpatial(w: Window, layer: string, input: number[]): number[] {
  return checkPositive(
    w.x.spatial.map((n, i) => convLength(n, w.kernel[i]!, w.strides[i]!, w.dilation[i]!, w.padding)),
    layer,
    input,
  );
}

function withBias(args: Args, kernel: WeightSpec[], channels: number): WeightSpec[] {
  return boolArg(args, 'use_bias', true) ? [...kernel, weight('bias', [channels])] : kernel;
}

function activationSaves(args: Args, outputElements: number) {
  return fusedActivationSaves(activationName(rawArg(args, 'activation')), outputElements);
}

function convRow(rank: Rank): LayerSpec {
  const layer = `Conv${rank}D`;
  const paddings = rank === 1 ? (['valid', 'same', 'causal'] as const) : (['valid', 'same'] as const);
  const groupsOf = (args: Args, channels: number): number => {
    const filters = requiredInt(args, 'filters', layer);
    const groups = intArg(args, 'groups', 1, layer, 1);
    if (filters % groups !== 0 || channels % groups !== 0) {
      throw new LayerError(`${layer}: groups=${groups} must divide both the input channels (${channels}) and filters (${filters})`);
    }
    return groups;
  };
  return kerasRow({
    type: layer,
    aliases: [`Convolution${rank}D`],
    signature:
      `filters, kernel_size, strides=${ones(rank)}, padding='valid', data_format=None, dilation_rate=${ones(rank)}, ` +
      `groups=1, activation=None, use_bias=True, ${INITS}`,
    weights(args, inputs) {
      if (!inputs) return undefined;
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      const groups = groupsOf(args, w.x.channels);
      return withBias(args, [weight('kernel', [...w.kernel, w.x.channels / groups, filters])], filters);
    },
    forward(args, inputs): LayerCall {
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      const groups = groupsOf(args, w.x.channels);
      const spatial = convOutSpatial(w, layer, inputs[0]!);
      const out = joinSpatial(w.x.batch, spatial, filters, w.first);
      const macs = w.x.batch * numel(spatial) * numel(w.kernel) * (w.x.channels / groups) * filters;
      return { output: tensor(out), macs, saves: [{ input: 0 }, ...activationSaves(args, numel(out))] };
    },
  });
}

function convTransposeRow(rank: Rank): LayerSpec {
  const layer = `Conv${rank}DTranspose`;
  const paddings = ['valid', 'same'] as const;
  return kerasRow({
    type: layer,
    aliases: [`Convolution${rank}DTranspose`],
    signature:
      `filters, kernel_size, strides=${ones(rank)}, padding='valid', output_padding=None, data_format=None, ` +
      `dilation_rate=${ones(rank)}, activation=None, use_bias=True, ${INITS}`,
    weights(args, inputs) {
      if (!inputs) return undefined;
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      return withBias(args, [weight('kernel', [...w.kernel, filters, w.x.channels])], filters);
    },
    forward(args, inputs): LayerCall {
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      const op = rawArg(args, 'output_padding');
      const outputPadding = op === undefined || op === null ? undefined : toTuple(op, rank, 'output_padding', layer, 0);
      const spatial = checkPositive(
        w.x.spatial.map((n, i) =>
          deconvLength(n, w.kernel[i]!, w.padding, outputPadding?.[i], w.strides[i]!, w.dilation[i]!),
        ),
        layer,
        inputs[0]!,
      );
      const out = joinSpatial(w.x.batch, spatial, filters, w.first);
      const macs = w.x.batch * numel(w.x.spatial) * numel(w.kernel) * w.x.channels * filters;
      return { output: tensor(out), macs, saves: [{ input: 0 }, ...activationSaves(args, numel(out))] };
    },
  });
}

function depthwiseRow(rank: 1 | 2): LayerSpec {
  const layer = `DepthwiseConv${rank}D`;
  const paddings = ['valid', 'same'] as const;
  return kerasRow({
    type: layer,
    signature:
      `kernel_size, strides=${ones(rank)}, padding='valid', depth_multiplier=1, data_format=None, ` +
      `dilation_rate=${ones(rank)}, activation=None, use_bias=True, depthwise_initializer='glorot_uniform', ` +
      "bias_initializer='zeros', depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None, " +
      'depthwise_constraint=None, bias_constraint=None, **kwargs',
    weights(args, inputs) {
      if (!inputs) return undefined;
      const w = readWindow(args, inputs, rank, layer, paddings);
      const dm = intArg(args, 'depth_multiplier', 1, layer, 1);
      return withBias(args, [weight('kernel', [...w.kernel, w.x.channels, dm])], w.x.channels * dm);
    },
    forward(args, inputs): LayerCall {
      const w = readWindow(args, inputs, rank, layer, paddings);
      const dm = intArg(args, 'depth_multiplier', 1, layer, 1);
      const spatial = convOutSpatial(w, layer, inputs[0]!);
      const out = joinSpatial(w.x.batch, spatial, w.x.channels * dm, w.first);
      const macs = w.x.batch * numel(spatial) * numel(w.kernel) * w.x.channels * dm;
      return { output: tensor(out), macs, saves: [{ input: 0 }, ...activationSaves(args, numel(out))] };
    },
  });
}

function separableRow(rank: 1 | 2): LayerSpec {
  const layer = `SeparableConv${rank}D`;
  const paddings = ['valid', 'same'] as const;
  return kerasRow({
    type: layer,
    aliases: [`SeparableConvolution${rank}D`],
    signature:
      `filters, kernel_size, strides=${ones(rank)}, padding='valid', data_format=None, dilation_rate=${ones(rank)}, ` +
      "depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer='glorot_uniform', " +
      "pointwise_initializer='glorot_uniform', bias_initializer='zeros', depthwise_regularizer=None, " +
      'pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, ' +
      'pointwise_constraint=None, bias_constraint=None, **kwargs',
    weights(args, inputs) {
      if (!inputs) return undefined;
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      const dm = intArg(args, 'depth_multiplier', 1, layer, 1);
      const mid = w.x.channels * dm;
      return withBias(
        args,
        [
          weight('depthwise_kernel', [...w.kernel, w.x.channels, dm]),
          weight('pointwise_kernel', [...new Array<number>(rank).fill(1), mid, filters]),
        ],
        filters,
      );
    },
    forward(args, inputs): LayerCall {
      const w = readWindow(args, inputs, rank, layer, paddings);
      const filters = requiredInt(args, 'filters', layer);
      const dm = intArg(args, 'depth_multiplier', 1, layer, 1);
      const spatial = convOutSpatial(w, layer, inputs[0]!);
      const out = joinSpatial(w.x.batch, spatial, filters, w.first);
      const positions = w.x.batch * numel(spatial);
      const mid = w.x.channels * dm;
      const macs = positions * numel(w.kernel) * mid + positions * mid * filters;
      return {
        output: tensor(out),
        macs,
        // The depthwise result feeds the pointwise kernel and is kept for its gradient.
        saves: [{ input: 0 }, { elements: positions * mid, dtype: 'act' }, ...activationSaves(args, numel(out))],
      };
    },
  });
}

export const CONVOLUTION_LAYERS: LayerSpec[] = [
  convRow(1),
  convRow(2),
  convRow(3),
  convTransposeRow(1),
  convTransposeRow(2),
  convTransposeRow(3),
  depthwiseRow(1),
  depthwiseRow(2),
  separableRow(1),
  separableRow(2),
];
