/**
 * Pooling layers (keras/src/layers/pooling/*.py): no weights, 0 MACs (reductions
 * are element-wise work, as on the PyTorch side). strides defaults to pool_size.
 * Backward of a max reduction needs its input and output (TensorFlow's MaxPoolGrad
 * takes both); an average needs only the shapes.
 */
import type { SavedRef, LayerSpec } from '../../layerSpec';
import { boolArg, channelsFirst, choiceArg, rawArg, tupleArg } from './args';
import { checkPositive, joinSpatial, onlyInput, poolLength, splitSpatial } from './geometry';
import { kerasRow, noWeights, tensor } from './row';

type Kind = 'Max' | 'Average';

function saves(kind: Kind): SavedRef[] {
  return kind === 'Max' ? [{ input: 0 }, { output: 0 }] : [];
}

function poolingRow(kind: Kind, rank: 1 | 2 | 3): LayerSpec {
  const layer = `${kind}Pooling${rank}D`;
  const short = kind === 'Max' ? 'Max' : 'Avg';
  const pool = rank === 1 ? '2' : `(${new Array(rank).fill('2').join(', ')})`;
  return kerasRow({
    type: layer,
    aliases: [`${short}Pool${rank}D`],
    signature: `pool_size=${pool}, strides=None, padding='valid', data_format=None, name=None, **kwargs`,
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, layer, rank + 2, rank + 2);
      const first = channelsFirst(args, layer);
      const s = splitSpatial(x, rank, first, layer);
      const poolSize = tupleArg(args, 'pool_size', rank, 2, layer);
      const given = rawArg(args, 'strides');
      const strides = given === undefined || given === null ? poolSize : tupleArg(args, 'strides', rank, 1, layer);
      const padding = choiceArg(args, 'padding', ['valid', 'same'] as const, 'valid', layer);
      const spatial = checkPositive(
        s.spatial.map((n, i) => poolLength(n, poolSize[i]!, strides[i]!, padding)),
        layer,
        x,
      );
      return { output: tensor(joinSpatial(s.batch, spatial, s.channels, first)), macs: 0, saves: saves(kind) };
    },
  });
}

function globalPoolingRow(kind: Kind, rank: 1 | 2 | 3): LayerSpec {
  const layer = `Global${kind}Pooling${rank}D`;
  const short = kind === 'Max' ? 'Max' : 'Avg';
  return kerasRow({
    type: layer,
    aliases: [`Global${short}Pool${rank}D`],
    signature: 'data_format=None, keepdims=False, **kwargs',
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, layer, rank + 2, rank + 2);
      const first = channelsFirst(args, layer);
      const s = splitSpatial(x, rank, first, layer);
      const out = boolArg(args, 'keepdims', false)
        ? joinSpatial(s.batch, new Array<number>(rank).fill(1), s.channels, first)
        : [s.batch, s.channels];
      return { output: tensor(out), macs: 0, saves: saves(kind) };
    },
  });
}

const RANKS = [1, 2, 3] as const;
const KINDS: Kind[] = ['Max', 'Average'];

export const POOLING_LAYERS: LayerSpec[] = KINDS.flatMap((kind) =>
  RANKS.flatMap((rank) => [poolingRow(kind, rank), globalPoolingRow(kind, rank)]),
);
