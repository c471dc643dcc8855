/**
 * Distances between two tensors: CosineSimilarity and PairwiseDistance. No parameters,
 * 0 MACs (element-wise products and reductions). Saves, measured with torch 1.13:
 * CosineSimilarity keeps both inputs, their normalised copies (broadcast size) and the
 * two norms (output size); PairwiseDistance keeps the difference and its output.
 */
import type { LayerSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, defineRow, input, output, tensor } from './row';
import { axis, broadcast, inputAt } from './shapes';

export const DISTANCE_LAYERS: LayerSpec[] = [
  defineRow({
    type: 'CosineSimilarity',
    signature: 'dim=1, eps=1e-08',
    forward: (a, inputs) => {
      const both = broadcast(a, inputAt(a, inputs, 0, 'x1'), inputAt(a, inputs, 1, 'x2'));
      const d = axis(a, both, a.int('dim'));
      const out = [...both.slice(0, d), ...both.slice(d + 1)];
      return { output: tensor(out), macs: 0, saves: [input(0), input(1), act(2 * numel(out) + 2 * numel(both))] };
    },
  }),
  defineRow({
    type: 'PairwiseDistance',
    signature: 'p=2.0, eps=1e-06, keepdim=False',
    forward: (a, inputs) => {
      const both = broadcast(a, inputAt(a, inputs, 0, 'x1'), inputAt(a, inputs, 1, 'x2'));
      // The norm runs over the last dim; a 1D pair gives a scalar.
      const lead = both.slice(0, -1);
      const out = a.bool('keepdim') ? [...lead, 1] : lead;
      return { output: tensor(out), macs: 0, saves: [act(numel(both)), output(0)] };
    },
  }),
];
