/**
 * Convolutions: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their Lazy forms.
 *
 * Output length (torch docs): conv  ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1;
 *                             transposed (L−1)s − 2p + d(k−1) + output_padding + 1.
 * MACs: conv (C_in/groups)·∏k per output element; transposed (C_out/groups)·∏k per input element.
 * Saves: the input. Where torch pads outside the kernel (padding_mode other than
 * 'zeros', or padding='same' with an odd total padding) the conv saves the padded copy,
 * and reflect/replicate padding also keeps its own input.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, SavedRef, WeightSpec } from '../../layerSpec';
import { act, defineRow, input, param, tensor, type RowArgs } from './row';
import { assertPositive, channelsLayout, product, showShape, windowOut, withChannels } from './shapes';

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const;

interface ConvConfig {
  inChannels: number;
  outChannels: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  groups: number;
  bias: boolean;
}

function readConfig(a: RowArgs, n: number, inChannels: number): ConvConfig {
  const outChannels = a.positive('out_channels');
  const groups = a.positive('groups');
  if (inChannels % groups !== 0) a.fail(`in_channels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) a.fail(`out_channels (${outChannels}) must be divisible by groups (${groups})`);
  const kernel = a.ints('kernel_size', n);
  const stride = a.ints('stride', n);
  const dilation = a.ints('dilation', n);
  if (kernel.some((k) => k < 1)) a.fail(`kernel_size must be positive, got ${showShape(kernel)}`);
  if (stride.some((s) => s < 1)) a.fail(`stride must be positive, got ${showShape(stride)}`);
  if (dilation.some((d) => d < 1)) a.fail(`dilation must be positive, got ${showShape(dilation)}`);
  return { inChannels, outChannels, kernel, stride, dilation, groups, bias: a.bool('bias') };
}

/** Padding per spatial dim as [before, after]; 'same' splits an odd total with the extra after (torch). */
function convPadding(a: RowArgs, n: number, cfg: ConvConfig): Array<[number, number]> {
  const p = a.raw('padding');
  if (p === 'valid') return Array.from({ length: n }, () => [0, 0]);
  if (p === 'same') {
    if (cfg.stride.some((s) => s !== 1)) a.fail("padding='same' is not supported for strided convolutions");
    return cfg.kernel.map((k, i) => {
      const total = cfg.dilation[i]! * (k - 1);
      const before = Math.floor(total / 2);
      return [before, total - before];
    });
  }
  if (typeof p === 'string') a.fail(`padding must be an int, a tuple, 'same' or 'valid', got '${p}'`);
  const pads = a.ints('padding', n);
  if (pads.some((x) => x < 0)) a.fail(`padding must be non-negative, got ${showShape(pads)}`);
  return pads.map((x) => [x, x]);
}

function convWeights(cfg: ConvConfig, transposed: boolean): WeightSpec[] {
  const shape = transposed
    ? [cfg.inChannels, cfg.outChannels / cfg.groups, ...cfg.kernel]
    : [cfg.outChannels, cfg.inChannels / cfg.groups, ...cfg.kernel];
  const w = [param('weight', shape)];
  if (cfg.bias) w.push(param('bias', [cfg.outChannels]));
  return w;
}

function convForward(a: RowArgs, inputs: Shape[], n: number, inChannels: number | undefined) {
  const layout = channelsLayout(a, inputs, n);
  const cin = inChannels ?? layout.channels;
  const cfg = readConfig(a, n, cin);
  if (layout.channels !== cin) {
    a.fail(`expected input with ${cin} channels, got ${layout.channels} (input ${showShape(inputs[0]!)})`);
  }
  const mode = a.choice('padding_mode', PADDING_MODES);
  const pads = convPadding(a, n, cfg);
  const out = layout.spatial.map((len, i) =>
    windowOut(len, cfg.kernel[i]!, cfg.stride[i]!, pads[i]![0], pads[i]![1], cfg.dilation[i]!),
  );
  assertPositive(a, out, inputs[0]!);
  const padded = layout.spatial.map((len, i) => len + pads[i]![0] + pads[i]![1]);
  const paddedElements = layout.batch * cin * product(padded);
  const asymmetric = pads.some(([b, e]) => b !== e);
  let saves: SavedRef[];
  if (mode === 'zeros' && asymmetric) {
    // torch pads the extra element of an odd 'same' padding into a copy, then convolves that.
    saves = [act(layout.batch * cin * product(layout.spatial.map((len, i) => len + pads[i]![1] - pads[i]![0])))];
  } else if (mode === 'zeros') saves = [input(0)];
  else if (mode === 'circular') saves = [act(paddedElements)];
  else saves = [input(0), act(paddedElements)];
  const macs = layout.batch * product(out) * cfg.outChannels * (cin / cfg.groups) * product(cfg.kernel);
  return { output: tensor(withChannels(layout, cfg.outChannels, out)), macs, saves };
}

/** Output lengths of a transposed conv, honouring forward's `output_size`. */
function transposedOut(a: RowArgs, call: RowArgs, spatial: number[], n: number, cfg: ConvConfig, pads: number[]): number[] {
  const outputPadding = a.ints('output_padding', n);
  outputPadding.forEach((op, i) => {
    if (op >= Math.max(cfg.stride[i]!, cfg.dilation[i]!) || op < 0) {
      a.fail(`output_padding (${showShape(outputPadding)}) must be smaller than either stride or dilation`);
    }
  });
  const base = spatial.map((len, i) => (len - 1) * cfg.stride[i]! - 2 * pads[i]! + cfg.dilation[i]! * (cfg.kernel[i]! - 1) + 1);
  if (!call.has('output_size')) return base.map((b, i) => b + outputPadding[i]!);
  let requested = call.intList('output_size');
  if (requested.length === n + 2 || requested.length === n + 1) requested = requested.slice(requested.length - n);
  if (requested.length !== n) a.fail(`output_size must have ${n} or ${n + 2} elements, got ${showShape(requested)}`);
  requested.forEach((r, i) => {
    const max = base[i]! + cfg.stride[i]! - 1;
    if (r < base[i]! || r > max) {
      a.fail(`requested an output size of ${showShape(requested)}, but valid sizes range from ${base[i]} to ${max} (for an input of ${showShape(spatial)})`);
    }
  });
  return requested;
}

function transposedForward(a: RowArgs, inputs: Shape[], call: RowArgs, n: number, inChannels: number | undefined) {
  const layout = channelsLayout(a, inputs, n);
  const cin = inChannels ?? layout.channels;
  const cfg = readConfig(a, n, cin);
  if (layout.channels !== cin) {
    a.fail(`expected input with ${cin} channels, got ${layout.channels} (input ${showShape(inputs[0]!)})`);
  }
  const pads = a.ints('padding', n);
  const out = transposedOut(a, call, layout.spatial, n, cfg, pads);
  assertPositive(a, out, inputs[0]!);
  const macs = layout.batch * product(layout.spatial) * cin * (cfg.outChannels / cfg.groups) * product(cfg.kernel);
  return { output: tensor(withChannels(layout, cfg.outChannels, out)), macs, saves: [input(0)] };
}

function checkTransposedArgs(a: RowArgs): void {
  if (a.raw('padding_mode') !== 'zeros') a.fail(`only 'zeros' padding_mode is supported for ${a.layer}`);
  if (typeof a.raw('padding') === 'string') a.fail(`padding must be an int or a tuple for ${a.layer}`);
}

const CONV = 'in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode=\'zeros\', device=None, dtype=None';
const CONV_T = 'in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode=\'zeros\', device=None, dtype=None';
const LAZY_CONV = 'out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode=\'zeros\', device=None, dtype=None';
const LAZY_CONV_T = 'out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode=\'zeros\', device=None, dtype=None';

/** in_channels of a Lazy row: the input's channel dimension. */
function lazyChannels(inputs: Shape[] | undefined, n: number): number | undefined {
  const x = inputs?.[0];
  if (!x || (x.length !== n + 1 && x.length !== n + 2)) return undefined;
  return x[x.length === n + 2 ? 1 : 0];
}

function convRows(n: number): LayerSpec[] {
  return [
    defineRow({
      type: `Conv${n}d`,
      signature: CONV,
      weights: (a) => {
        const cfg = readConfig(a, n, a.positive('in_channels'));
        a.choice('padding_mode', PADDING_MODES);
        convPadding(a, n, cfg);
        return convWeights(cfg, false);
      },
      forward: (a, inputs) => convForward(a, inputs, n, a.positive('in_channels')),
    }),
    defineRow({
      type: `ConvTranspose${n}d`,
      signature: CONV_T,
      forwardSignature: 'input, output_size=None',
      weights: (a) => {
        checkTransposedArgs(a);
        return convWeights(readConfig(a, n, a.positive('in_channels')), true);
      },
      forward: (a, inputs, call) => {
        checkTransposedArgs(a);
        return transposedForward(a, inputs, call, n, a.positive('in_channels'));
      },
    }),
    defineRow({
      type: `LazyConv${n}d`,
      materializesAs: `Conv${n}d`,
      signature: LAZY_CONV,
      weights: (a, inputs) => {
        const cin = lazyChannels(inputs, n);
        return cin === undefined ? undefined : convWeights(readConfig(a, n, cin), false);
      },
      forward: (a, inputs) => convForward(a, inputs, n, undefined),
    }),
    defineRow({
      type: `LazyConvTranspose${n}d`,
      materializesAs: `ConvTranspose${n}d`,
      signature: LAZY_CONV_T,
      forwardSignature: 'input, output_size=None',
      weights: (a, inputs) => {
        checkTransposedArgs(a);
        const cin = lazyChannels(inputs, n);
        return cin === undefined ? undefined : convWeights(readConfig(a, n, cin), true);
      },
      forward: (a, inputs, call) => {
        checkTransposedArgs(a);
        return transposedForward(a, inputs, call, n, undefined);
      },
    }),
  ];
}

export const CONV_LAYERS: LayerSpec[] = [...convRows(1), ...convRows(2), ...convRows(3)];
