/**
 * Activations: PReLU (the one with parameters), RReLU, and every parameter-free
 * activation. All are element-wise (0 MACs) and keep the input's shape, except GLU,
 * which halves `dim`.
 *
 * What autograd saves is the row's `saves` column, checked against torch 1.13:
 * - the output for ReLU, Sigmoid, Tanh and the softmax family (their derivatives are
 *   functions of the result);
 * - the input for GELU, SiLU, Mish, ELU, LeakyReLU, Hardswish, ReLU6 (hardtanh) and the rest;
 * - an extra tensor of the input's size where the op is a composite (Softsign keeps 1+|x|,
 *   Tanhshrink keeps tanh(x), LogSigmoid its buffer, RReLU its noise).
 * With inplace=True the input is overwritten: ReLU, LeakyReLU, ELU, CELU and SELU then
 * keep the result (the same storage), the others a copy of the input taken before the op.
 */
import type { LayerSpec, SavedRef } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, defineRow, input, output, param, tensor } from './row';
import { axis, inputAt, showShape } from './shapes';

type Saves = 'input' | 'output' | 'input+same' | 'same';

interface Activation {
  type: string;
  signature: string;
  saves: Saves;
  /** With inplace=True: the result, or a copy of the input (autograd clones it first). */
  inplace?: 'output' | 'copy';
}

/** One row per parameter-free, shape-preserving activation. */
const ELEMENTWISE: Activation[] = [
  { type: 'ReLU', signature: 'inplace=False', saves: 'output', inplace: 'output' },
  { type: 'ReLU6', signature: 'inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'LeakyReLU', signature: 'negative_slope=0.01, inplace=False', saves: 'input', inplace: 'output' },
  { type: 'ELU', signature: 'alpha=1.0, inplace=False', saves: 'input', inplace: 'output' },
  { type: 'SELU', signature: 'inplace=False', saves: 'input', inplace: 'output' },
  { type: 'CELU', signature: 'alpha=1.0, inplace=False', saves: 'input', inplace: 'output' },
  { type: 'GELU', signature: "approximate='none'", saves: 'input' },
  { type: 'SiLU', signature: 'inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'Mish', signature: 'inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'Sigmoid', signature: '', saves: 'output' },
  { type: 'Tanh', signature: '', saves: 'output' },
  { type: 'Hardswish', signature: 'inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'Hardsigmoid', signature: 'inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'Hardtanh', signature: 'min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None', saves: 'input', inplace: 'copy' },
  { type: 'Softplus', signature: 'beta=1.0, threshold=20.0', saves: 'input' },
  { type: 'Softsign', signature: '', saves: 'input+same' },
  { type: 'Tanhshrink', signature: '', saves: 'same' },
  { type: 'Softshrink', signature: 'lambd=0.5', saves: 'input' },
  { type: 'Hardshrink', signature: 'lambd=0.5', saves: 'input' },
  { type: 'Threshold', signature: 'threshold, value, inplace=False', saves: 'input', inplace: 'copy' },
  { type: 'LogSigmoid', signature: '', saves: 'input+same' },
  { type: 'Softmax', signature: 'dim=None', saves: 'output' },
  { type: 'LogSoftmax', signature: 'dim=None', saves: 'output' },
  { type: 'Softmin', signature: 'dim=None', saves: 'output' },
  { type: 'Softmax2d', signature: '', saves: 'output' },
];

function savedFor(rule: Saves, elements: number): SavedRef[] {
  switch (rule) {
    case 'input':
      return [input(0)];
    case 'output':
      return [output(0)];
    case 'input+same':
      return [input(0), act(elements)];
    case 'same':
      return [act(elements)];
  }
}

function elementwiseRow(def: Activation): LayerSpec {
  return defineRow({
    type: def.type,
    signature: def.signature,
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (def.type === 'GELU') a.choice('approximate', ['none', 'tanh'] as const);
      if (def.type === 'Softmax2d' && x.length !== 3 && x.length !== 4) {
        a.fail(`expected a 3D or 4D input (channels at dim -3), got ${showShape(x)}`);
      }
      if (a.has('dim')) axis(a, x, a.int('dim'));
      let saves = savedFor(def.saves, numel(x));
      if (def.inplace && a.bool('inplace')) saves = def.inplace === 'output' ? [output(0)] : [act(numel(x))];
      return { output: tensor(x), macs: 0, saves };
    },
  });
}

export const ACTIVATION_LAYERS: LayerSpec[] = [
  ...ELEMENTWISE.map(elementwiseRow),
  defineRow({
    type: 'GLU',
    signature: 'dim=-1',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const d = axis(a, x, a.int('dim'));
      if (x[d]! % 2 !== 0) a.fail(`halving dimension must be even, but dimension ${d} is size ${x[d]}`);
      const out = x.slice();
      out[d] = x[d]! / 2;
      return { output: tensor(out), macs: 0, saves: [input(0)] };
    },
  }),
  defineRow({
    type: 'PReLU',
    signature: 'num_parameters=1, init=0.25, device=None, dtype=None',
    weights: (a) => [param('weight', [a.positive('num_parameters')])],
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const n = a.positive('num_parameters');
      // One slope per channel: dim 1, or dim 0 for a 1D input.
      const channels = x.length >= 2 ? x[1] : x[0];
      if (n > 1 && channels !== n) {
        a.fail(`num_parameters (${n}) must match the channel dimension of input ${showShape(x)}`);
      }
      return { output: tensor(x), macs: 0, saves: [input(0)] };
    },
  }),
  defineRow({
    type: 'RReLU',
    signature: 'lower=0.125, upper=0.3333333333333333, inplace=False',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      // Training draws a random slope per element and keeps it (the noise) with the input,
      // or with the result when it overwrote the input.
      return { output: tensor(x), macs: 0, saves: [a.bool('inplace') ? output(0) : input(0), act(numel(x))] };
    },
  }),
];
