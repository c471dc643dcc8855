/**
 * Normalization layers, after keras/src/layers/normalization/*.py:
 * - BatchNormalization: gamma (scale=True) and beta (center=True) trainable,
 *   moving_mean and moving_variance non-trainable, each of shape (input[axis],).
 *   Keras counts all four in count_params().
 * - LayerNormalization: gamma when scale or rms_scaling, beta when center and not
 *   rms_scaling, of the shape of the normalised axes.
 * - GroupNormalization: gamma and beta of shape (input[axis],); groups divides it.
 * - RMSNormalization: scale of the shape of the normalised axes.
 * - UnitNormalization: no weights.
 * Normalisation is element-wise: 0 MACs. Backward needs the input and the
 * per-group statistics (kept in fp32).
 */
import { LayerError, numel, type Args, type LayerSpec, type SavedRef } from '../../layerSpec';
import { boolArg, intArg, rawArg } from './args';
import { normAxis, onlyInput } from './geometry';
import { kerasRow, noWeights, sameShape, weight } from './row';

/** The normalised axes: an int or a list (Keras 2 BatchNormalization, LayerNormalization, RMSNormalization). */
function axesOf(args: Args, rank: number, layer: string): number[] {
  const v = rawArg(args, 'axis');
  const list = v === undefined || v === null ? [-1] : Array.isArray(v) ? v : [v];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new LayerError(`${layer}: could not evaluate \`axis\``);
    return normAxis(a, rank, layer);
  });
}

/** Shape of the per-feature weights: the input's sizes along the normalised axes. */
function featureShape(args: Args, x: number[], layer: string): number[] {
  return axesOf(args, x.length, layer).map((a) => x[a]!);
}

/** Input plus mean and inverse deviation per normalised group, in fp32. */
function normSaves(statistics: number): SavedRef[] {
  return [{ input: 0 }, { elements: 2 * statistics, dtype: 'fp32' }];
}

const batchNorm = kerasRow({
  type: 'BatchNormalization',
  signature:
    "axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', " +
    "gamma_initializer='ones', moving_mean_initializer='zeros', moving_variance_initializer='ones', " +
    'beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, ' +
    'synchronized=False, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const shape = featureShape(args, onlyInput(inputs, 'BatchNormalization'), 'BatchNormalization');
    const w = [];
    if (boolArg(args, 'scale', true)) w.push(weight('gamma', shape));
    if (boolArg(args, 'center', true)) w.push(weight('beta', shape));
    w.push(weight('moving_mean', shape, false), weight('moving_variance', shape, false));
    return w;
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'BatchNormalization');
    return sameShape([x], normSaves(numel(featureShape(args, x, 'BatchNormalization'))));
  },
});

const layerNorm = kerasRow({
  type: 'LayerNormalization',
  signature:
    "axis=-1, epsilon=0.001, center=True, scale=True, rms_scaling=False, beta_initializer='zeros', " +
    "gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, " +
    'gamma_constraint=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const shape = featureShape(args, onlyInput(inputs, 'LayerNormalization', 1), 'LayerNormalization');
    const rms = boolArg(args, 'rms_scaling', false);
    const w = [];
    if (boolArg(args, 'scale', true) || rms) w.push(weight('gamma', shape));
    if (boolArg(args, 'center', true) && !rms) w.push(weight('beta', shape));
    return w;
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'LayerNormalization', 1);
    return sameShape([x], normSaves(numel(x) / numel(featureShape(args, x, 'LayerNormalization'))));
  },
});

function groupCount(args: Args, channels: number): number {
  const groups = intArg(args, 'groups', 32, 'GroupNormalization', -1);
  const g = groups === -1 ? channels : groups;
  if (g < 1 || channels % g !== 0) {
    throw new LayerError(`GroupNormalization: groups=${groups} must divide the number of channels (${channels})`);
  }
  return g;
}

const groupNorm = kerasRow({
  type: 'GroupNormalization',
  signature:
    "groups=32, axis=-1, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', " +
    "gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, " +
    'gamma_constraint=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const shape = featureShape(args, onlyInput(inputs, 'GroupNormalization'), 'GroupNormalization');
    groupCount(args, shape[0]!);
    const w = [];
    if (boolArg(args, 'scale', true)) w.push(weight('gamma', shape));
    if (boolArg(args, 'center', true)) w.push(weight('beta', shape));
    return w;
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'GroupNormalization');
    const channels = featureShape(args, x, 'GroupNormalization')[0]!;
    return sameShape([x], normSaves(x[0]! * groupCount(args, channels)));
  },
});

const rmsNorm = kerasRow({
  type: 'RMSNormalization',
  signature: 'axis=-1, epsilon=1e-06, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    return [weight('scale', featureShape(args, onlyInput(inputs, 'RMSNormalization', 1), 'RMSNormalization'))];
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'RMSNormalization', 1);
    return sameShape([x], [{ input: 0 }, { elements: numel(x) / numel(featureShape(args, x, 'RMSNormalization')), dtype: 'fp32' }]);
  },
});

const unitNorm = kerasRow({
  type: 'UnitNormalization',
  signature: 'axis=-1, **kwargs',
  weights: noWeights,
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'UnitNormalization')], [{ input: 0 }]),
});

export const NORMALIZATION_LAYERS: LayerSpec[] = [batchNorm, layerNorm, groupNorm, rmsNorm, unitNorm];
