/**
 * Linear layers: Linear (and MultiheadAttention's out_proj class), LazyLinear, Bilinear.
 * MACs: one multiply-accumulate per input feature per output feature per row.
 * Saves: the input (for the weight gradient); the weight itself is not an activation.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { defineRow, input, param, tensor, type RowArgs } from './row';
import { inputAt, showShape } from './shapes';

/** (*, in) -> (*, out), checking the feature dimension. */
function linearCall(a: RowArgs, x: Shape, inFeatures: number, outFeatures: number) {
  if (x.length < 1) a.fail('expected an input with at least 1 dimension');
  if (x[x.length - 1] !== inFeatures) {
    a.fail(`input's last dimension is ${x[x.length - 1]} but in_features is ${inFeatures} (input ${showShape(x)})`);
  }
  return {
    output: tensor([...x.slice(0, -1), outFeatures]),
    macs: numel(x) * outFeatures,
    saves: [input(0)],
  };
}

function linearWeights(inFeatures: number, outFeatures: number, bias: boolean) {
  const w = [param('weight', [outFeatures, inFeatures])];
  if (bias) w.push(param('bias', [outFeatures]));
  return w;
}

function linearRow(type: string): LayerSpec {
  return defineRow({
    type,
    signature: 'in_features, out_features, bias=True, device=None, dtype=None',
    weights: (a) => linearWeights(a.nonNegative('in_features'), a.nonNegative('out_features'), a.bool('bias')),
    forward: (a, inputs) => linearCall(a, inputAt(a, inputs, 0), a.nonNegative('in_features'), a.nonNegative('out_features')),
    linearDims: (a) => [a.nonNegative('in_features'), a.nonNegative('out_features')],
  });
}

export const LINEAR_LAYERS: LayerSpec[] = [
  linearRow('Linear'),
  // MultiheadAttention's out_proj: a Linear subclass torch names apart (named_modules shows it).
  linearRow('NonDynamicallyQuantizableLinear'),
  defineRow({
    type: 'LazyLinear',
    materializesAs: 'Linear',
    signature: 'out_features, bias=True, device=None, dtype=None',
    // in_features comes from the first input's last dimension.
    weights: (a, inputs) => {
      const x = inputs?.[0];
      if (!x || x.length < 1) return undefined;
      return linearWeights(x[x.length - 1]!, a.nonNegative('out_features'), a.bool('bias'));
    },
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      return linearCall(a, x, x[x.length - 1]!, a.nonNegative('out_features'));
    },
    linearDims: (a, inputs) => {
      const x = inputs?.[0];
      return x && x.length > 0 ? [x[x.length - 1]!, a.nonNegative('out_features')] : undefined;
    },
  }),
  defineRow({
    type: 'Bilinear',
    signature: 'in1_features, in2_features, out_features, bias=True, device=None, dtype=None',
    weights: (a) => {
      const out = a.positive('out_features');
      const w = [param('weight', [out, a.positive('in1_features'), a.positive('in2_features')])];
      if (a.bool('bias')) w.push(param('bias', [out]));
      return w;
    },
    forward: (a, inputs) => {
      const x1 = inputAt(a, inputs, 0, 'input1');
      const x2 = inputAt(a, inputs, 1, 'input2');
      const in1 = a.positive('in1_features');
      const in2 = a.positive('in2_features');
      const out = a.positive('out_features');
      if (x1[x1.length - 1] !== in1) a.fail(`input1's last dimension must be in1_features=${in1}, got ${showShape(x1)}`);
      if (x2[x2.length - 1] !== in2) a.fail(`input2's last dimension must be in2_features=${in2}, got ${showShape(x2)}`);
      const lead = x1.slice(0, -1);
      if (showShape(lead) !== showShape(x2.slice(0, -1))) {
        a.fail(`input1 ${showShape(x1)} and input2 ${showShape(x2)} must agree in all but the last dimension`);
      }
      const rows = numel(lead);
      // y_k = x1ᵀ W_k x2 for every output k: rows · out · in1 · in2 multiply-accumulates.
      return { output: tensor([...lead, out]), macs: rows * out * in1 * in2, saves: [input(0), input(1)] };
    },
  }),
];
