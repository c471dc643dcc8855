/**
 * Regularization layers (keras/src/layers/regularization/*.py): no weights,
 * 0 MACs, shape kept. What training keeps for backward is the dropout mask:
 * one flag per element (Dropout, AlphaDropout), per channel and sample
 * (SpatialDropout), or a float multiplier per element (GaussianDropout).
 */
import { numel, type Args, type LayerSpec, type SavedRef } from '../../layerSpec';
import { channelsFirst } from './args';
import { onlyInput } from './geometry';
import { kerasRow, noWeights, sameShape } from './row';

function regularizationRow(
  type: string,
  signature: string,
  minRank: number,
  maxRank: number,
  saves: (x: number[], args: Args) => SavedRef[],
): LayerSpec {
  return kerasRow({
    type,
    signature,
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, type, minRank, maxRank);
      return sameShape([x], saves(x, args));
    },
  });
}

const elementMask = (x: number[]): SavedRef[] => [{ elements: numel(x), dtype: 'bool' }];

/** SpatialDropoutND drops whole feature maps: one flag per (sample, channel). */
function spatialDropout(rank: 1 | 2 | 3): LayerSpec {
  const layer = `SpatialDropout${rank}D`;
  return regularizationRow(
    layer,
    rank === 1 ? 'rate, seed=None, **kwargs' : 'rate, data_format=None, seed=None, **kwargs',
    rank + 2,
    rank + 2,
    (x, args) => {
      const first = rank > 1 && channelsFirst(args, layer);
      return [{ elements: x[0]! * (first ? x[1]! : x[x.length - 1]!), dtype: 'bool' }];
    },
  );
}

export const REGULARIZATION_LAYERS: LayerSpec[] = [
  regularizationRow('Dropout', 'rate, noise_shape=None, seed=None, **kwargs', 1, Infinity, elementMask),
  regularizationRow('AlphaDropout', 'rate, noise_shape=None, seed=None, **kwargs', 1, Infinity, elementMask),
  regularizationRow('GaussianDropout', 'rate, seed=None, **kwargs', 1, Infinity, (x) => [{ elements: numel(x), dtype: 'act' }]),
  regularizationRow('GaussianNoise', 'stddev, seed=None, **kwargs', 1, Infinity, () => []),
  regularizationRow('ActivityRegularization', 'l1=0.0, l2=0.0, **kwargs', 1, Infinity, () => []),
  spatialDropout(1),
  spatialDropout(2),
  spatialDropout(3),
];
