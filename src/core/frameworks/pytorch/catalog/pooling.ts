/**
 * Pooling: MaxPool, AvgPool, AdaptiveMaxPool, AdaptiveAvgPool (1d/2d/3d) and LPPool (1d/2d/3d).
 * Output length: ⌊ or ⌈(L + 2p − d(k−1) − 1)/s⌉ + 1, where in ceil mode the last window
 * must start inside the input or its left padding; stride defaults to the kernel size.
 * MACs 0 (the convention counts only multiply-accumulates of products of tensors).
 * Saves: the input, plus int64 argmax indices for max pooling (the second output when
 * return_indices); LPPool keeps x^p and four tensors of the output's size.
 * MaxUnpool scatters values back to the indices (its second input), which it keeps:
 * output length (L−1)·s − 2p + k, or forward's output_size.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, OutTree, SavedRef } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, defineRow, input, int64, output, scalar, tensor, type RowArgs } from './row';
import { assertPositive, channelsLayout, showShape, windowOut, withChannels } from './shapes';

interface Window {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceil: boolean;
}

function readWindow(a: RowArgs, n: number, opts: { padding: boolean; dilation: boolean }): Window {
  const kernel = a.ints('kernel_size', n);
  if (kernel.some((k) => k < 1)) a.fail(`kernel_size must be positive, got ${showShape(kernel)}`);
  const stride = a.has('stride') ? a.ints('stride', n) : kernel;
  if (stride.some((s) => s < 1)) a.fail(`stride must be positive, got ${showShape(stride)}`);
  const padding = opts.padding ? a.ints('padding', n) : Array(n).fill(0);
  const dilation = opts.dilation ? a.ints('dilation', n) : Array(n).fill(1);
  padding.forEach((p, i) => {
    if (p < 0 || p > Math.floor((dilation[i]! * (kernel[i]! - 1) + 1) / 2)) {
      a.fail(`pad should be at most half of effective kernel size, but got pad=${p} and kernel_size=${kernel[i]}`);
    }
  });
  return { kernel, stride, padding, dilation, ceil: a.bool('ceil_mode') };
}

function pooled(a: RowArgs, inputs: Shape[], n: number, w: Window) {
  const layout = channelsLayout(a, inputs, n);
  const out = layout.spatial.map((len, i) =>
    windowOut(len, w.kernel[i]!, w.stride[i]!, w.padding[i]!, w.padding[i]!, w.dilation[i]!, w.ceil),
  );
  assertPositive(a, out, inputs[0]!);
  return withChannels(layout, layout.channels, out);
}

/** Max pooling output: the values, and with return_indices the int64 argmax indices. */
function maxOutput(a: RowArgs, shape: Shape): { output: OutTree; saves: SavedRef[] } {
  if (a.bool('return_indices')) {
    return { output: [tensor(shape), { shape, dtype: 'int' }], saves: [input(0), output(1)] };
  }
  return { output: tensor(shape), saves: [input(0), int64(numel(shape))] };
}

/** Adaptive output size: an int or a tuple whose None entries keep the input's size. */
function adaptiveOut(a: RowArgs, inputs: Shape[], n: number): Shape {
  const layout = channelsLayout(a, inputs, n);
  const raw = a.raw('output_size');
  let sizes: Array<number | null>;
  if (typeof raw === 'number') sizes = Array(n).fill(a.int('output_size'));
  else if (Array.isArray(raw) && raw.length === n) {
    sizes = raw.map((v) => {
      if (v === null) return null;
      if (typeof v !== 'number' || !Number.isInteger(v)) a.fail(`output_size must hold ints or None, got ${showShape(raw as number[])}`);
      return v;
    });
  } else if (raw === undefined) a.fail("could not evaluate argument 'output_size'");
  else a.fail(`output_size must be an int or a tuple of ${n} ints/None`);
  const out = sizes.map((s, i) => s ?? layout.spatial[i]!);
  assertPositive(a, out, inputs[0]!);
  return withChannels(layout, layout.channels, out);
}

const MAX = 'kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False';
const AVG1 = 'kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True';
const AVG = `${AVG1}, divisor_override=None`;
const LP = 'norm_type, kernel_size, stride=None, ceil_mode=False';

function poolRows(n: number): LayerSpec[] {
  return [
    defineRow({
      type: `MaxPool${n}d`,
      signature: MAX,
      forward: (a, inputs) => {
        const shape = pooled(a, inputs, n, readWindow(a, n, { padding: true, dilation: true }));
        return { ...maxOutput(a, shape), macs: 0 };
      },
    }),
    defineRow({
      type: `AvgPool${n}d`,
      signature: n === 1 ? AVG1 : AVG,
      forward: (a, inputs) => {
        const shape = pooled(a, inputs, n, readWindow(a, n, { padding: true, dilation: false }));
        return { output: tensor(shape), macs: 0, saves: [input(0)] };
      },
    }),
    defineRow({
      type: `AdaptiveMaxPool${n}d`,
      signature: 'output_size, return_indices=False',
      forward: (a, inputs) => ({ ...maxOutput(a, adaptiveOut(a, inputs, n)), macs: 0 }),
    }),
    defineRow({
      type: `AdaptiveAvgPool${n}d`,
      signature: 'output_size',
      forward: (a, inputs) => ({ output: tensor(adaptiveOut(a, inputs, n)), macs: 0, saves: [input(0)] }),
    }),
    defineRow({
      type: `LPPool${n}d`,
      signature: LP,
      forward: (a, inputs) => {
        a.num('norm_type');
        const shape = pooled(a, inputs, n, readWindow(a, n, { padding: false, dilation: false }));
        // x^p (input-sized), then the pooled sum's sign, |·|, relu and the power's base;
        // `mul(kernel size)` keeps the window's size as an int64 scalar.
        return { output: tensor(shape), macs: 0, saves: [input(0), act(numel(inputs[0]!)), act(4 * numel(shape)), scalar('int')] };
      },
    }),
  ];
}

function unpoolRow(n: number): LayerSpec {
  return defineRow({
    type: `MaxUnpool${n}d`,
    signature: 'kernel_size, stride=None, padding=0',
    forwardSignature: 'input, indices, output_size=None',
    intInputs: [1],
    forward: (a, inputs, call) => {
      const layout = channelsLayout(a, inputs, n);
      const kernel = a.ints('kernel_size', n);
      const stride = a.has('stride') ? a.ints('stride', n) : kernel;
      const padding = a.ints('padding', n);
      let out = layout.spatial.map((len, i) => (len - 1) * stride[i]! - 2 * padding[i]! + kernel[i]!);
      if (call.has('output_size')) {
        const requested = call.intList('output_size');
        out = requested.slice(requested.length - n);
        if (out.length !== n) a.fail(`output_size must have at least ${n} elements, got ${showShape(requested)}`);
      }
      assertPositive(a, out, inputs[0]!);
      return { output: tensor(withChannels(layout, layout.channels, out)), macs: 0, saves: [input(1)] };
    },
  });
}

export const POOLING_LAYERS: LayerSpec[] = [
  ...poolRows(1),
  ...poolRows(2),
  ...poolRows(3),
  unpoolRow(1),
  unpoolRow(2),
  unpoolRow(3),
];
