/**
 * Dropout layers. Shape-preserving, 0 MACs; nothing is saved when p is 0 (torch returns
 * the input) or in eval mode. In training:
 * - Dropout: a bool mask of the input's size (CUDA's fused native_dropout);
 * - Dropout1d/2d/3d and FeatureAlphaDropout: one noise value per (sample, channel), in
 *   the compute dtype, broadcast over the spatial dims;
 * - AlphaDropout: a noise tensor of the input's size.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, SavedRef } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, boolMask, defineRow, tensor, type RowArgs } from './row';
import { inputAt, showShape } from './shapes';

type Noise = 'mask' | 'channels' | 'elements';

function probability(a: RowArgs): number {
  const p = a.num('p');
  if (p < 0 || p > 1) a.fail(`dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

/** Feature dropout draws per (N, C): the first two dims when batched, the first when not. */
function channelElements(a: RowArgs, x: Shape, spatialRank: number | undefined): number {
  if (spatialRank === undefined) return x.length >= 2 ? x[0]! * x[1]! : x[0]!;
  // torch reads a 3D input to Dropout2d as (N, C, L), not as an unbatched image.
  if (spatialRank === 2 && x.length === 3) return x[0]! * x[1]!;
  if (x.length === spatialRank + 2) return x[0]! * x[1]!;
  if (x.length === spatialRank + 1) return x[0]!;
  a.fail(`expected a ${spatialRank + 1}D (unbatched) or ${spatialRank + 2}D (batched) input, got ${showShape(x)}`);
}

function dropoutRow(type: string, noise: Noise, spatialRank?: number): LayerSpec {
  return defineRow({
    type,
    signature: 'p=0.5, inplace=False',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const p = probability(a);
      let saves: SavedRef[] = [];
      if (p > 0) {
        if (noise === 'mask') saves = [boolMask(numel(x))];
        else if (noise === 'elements') saves = [act(numel(x))];
        else saves = [act(channelElements(a, x, spatialRank))];
      }
      return { output: tensor(x), macs: 0, saves };
    },
  });
}

export const DROPOUT_LAYERS: LayerSpec[] = [
  dropoutRow('Dropout', 'mask'),
  dropoutRow('Dropout1d', 'channels', 1),
  dropoutRow('Dropout2d', 'channels', 2),
  dropoutRow('Dropout3d', 'channels', 3),
  dropoutRow('AlphaDropout', 'elements'),
  dropoutRow('FeatureAlphaDropout', 'channels'),
];
