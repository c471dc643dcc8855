/**
 * Activation layers (keras/src/layers/activations/*.py): element-wise, 0 MACs.
 * Only PReLU has a weight: alpha of the input's shape without the batch, with
 * size 1 along `shared_axes` (keras/src/layers/activations/prelu.py).
 */
import { LayerError, type Args, type LayerSpec, type SavedRef } from '../../layerSpec';
import { standaloneActivationSaves } from './activations';
import { activationName, rawArg } from './args';
import { onlyInput } from './geometry';
import { kerasRow, noWeights, sameShape, weight } from './row';

function activationRow(type: string, signature: string, saves: (args: Args) => SavedRef[]): LayerSpec {
  return kerasRow({
    type,
    signature,
    weights: noWeights,
    forward: (args, inputs) => sameShape([onlyInput(inputs, type, 1)], saves(args)),
  });
}

function sharedAxes(args: Args, rank: number): number[] {
  const v = rawArg(args, 'shared_axes');
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 1 || a >= rank) {
      throw new LayerError(`PReLU: shared_axes must list axes 1..${rank - 1}`);
    }
    return a;
  });
}

const prelu = kerasRow({
  type: 'PReLU',
  signature:
    "alpha_initializer='Zeros', alpha_regularizer=None, alpha_constraint=None, shared_axes=None, **kwargs",
  weights(args, inputs) {
    if (!inputs) return undefined;
    const x = onlyInput(inputs, 'PReLU');
    const shared = sharedAxes(args, x.length);
    return [weight('alpha', x.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d)))];
  },
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'PReLU')], [{ input: 0 }]),
});

const OUTPUT: SavedRef[] = [{ output: 0 }];
const INPUT: SavedRef[] = [{ input: 0 }];

export const ACTIVATION_LAYERS: LayerSpec[] = [
  activationRow('Activation', 'activation, **kwargs', (args) => standaloneActivationSaves(activationName(rawArg(args, 'activation')))),
  activationRow('ReLU', 'max_value=None, negative_slope=0.0, threshold=0.0, **kwargs', () => OUTPUT),
  activationRow('LeakyReLU', 'negative_slope=0.3, **kwargs', () => INPUT),
  activationRow('ELU', 'alpha=1.0, **kwargs', () => OUTPUT),
  activationRow('Softmax', 'axis=-1, **kwargs', () => OUTPUT),
  activationRow('ThresholdedReLU', 'theta=1.0, **kwargs', () => INPUT),
  prelu,
];
