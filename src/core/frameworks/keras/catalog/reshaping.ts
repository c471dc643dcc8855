/**
 * Reshaping layers (keras/src/layers/reshaping/*.py): no weights, 0 MACs.
 * Flatten, Reshape (one -1 allowed), Permute (1-based dims), RepeatVector,
 * Cropping1D/2D/3D, ZeroPadding1D/2D/3D, UpSampling1D/2D/3D.
 */
import { LayerError, numel, type ArgValue, type Args, type LayerSpec } from '../../layerSpec';
import { channelsFirst, intListArg, rawArg, requiredInt, tupleArg } from './args';
import { checkPositive, joinSpatial, onlyInput, splitSpatial } from './geometry';
import { kerasRow, noWeights, tensor } from './row';

const flatten = kerasRow({
  type: 'Flatten',
  signature: 'data_format=None, **kwargs',
  weights: noWeights,
  forward(_args, inputs) {
    const x = onlyInput(inputs, 'Flatten', 1);
    return { output: tensor([x[0]!, x.length === 1 ? 1 : numel(x.slice(1))]), macs: 0, saves: [] };
  },
});

const reshape = kerasRow({
  type: 'Reshape',
  signature: 'target_shape, **kwargs',
  weights: noWeights,
  forward(args, inputs) {
    const x = onlyInput(inputs, 'Reshape', 1);
    const target = intListArg(args, 'target_shape', 'Reshape');
    const known = numel(x.slice(1));
    const unknown = target.filter((d) => d === -1).length;
    if (unknown > 1 || target.some((d) => d === 0 || d < -1)) {
      throw new LayerError(`Reshape: invalid target_shape (${target.join(', ')})`);
    }
    const rest = numel(target.filter((d) => d !== -1));
    const out = target.map((d) => (d === -1 ? known / rest : d));
    if (numel(out) !== known || out.some((d) => !Number.isInteger(d))) {
      throw new LayerError(`Reshape: cannot reshape [${x.slice(1).join(', ')}] (${known} values) into (${target.join(', ')})`);
    }
    return { output: tensor([x[0]!, ...out]), macs: 0, saves: [] };
  },
});

const permute = kerasRow({
  type: 'Permute',
  signature: 'dims, **kwargs',
  weights: noWeights,
  forward(args, inputs) {
    const x = onlyInput(inputs, 'Permute', 2);
    const dims = intListArg(args, 'dims', 'Permute', 1);
    const sorted = [...dims].sort((a, b) => a - b);
    if (dims.length !== x.length - 1 || sorted.some((d, i) => d !== i + 1)) {
      throw new LayerError(`Permute: dims (${dims.join(', ')}) must be a permutation of 1..${x.length - 1}`);
    }
    return { output: tensor([x[0]!, ...dims.map((d) => x[d]!)]), macs: 0, saves: [] };
  },
});

const repeatVector = kerasRow({
  type: 'RepeatVector',
  signature: 'n, **kwargs',
  weights: noWeights,
  forward(args, inputs) {
    const x = onlyInput(inputs, 'RepeatVector', 2, 2);
    return { output: tensor([x[0]!, requiredInt(args, 'n', 'RepeatVector'), x[1]!]), macs: 0, saves: [] };
  },
});

/**
 * Per-dimension (before, after) amounts: an int for all, `rank` ints (symmetric per
 * dimension) or `rank` pairs. For rank 1 a pair is (before, after).
 */
function amounts(v: ArgValue, rank: number, name: string, layer: string): Array<[number, number]> {
  const nonNeg = (d: ArgValue): number => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new LayerError(`${layer}: could not evaluate \`${name}\``);
    return d;
  };
  if (typeof v === 'number') return new Array(rank).fill([nonNeg(v), nonNeg(v)]);
  if (!Array.isArray(v)) throw new LayerError(`${layer}: could not evaluate \`${name}\``);
  if (rank === 1 && v.length === 2 && v.every((d) => typeof d === 'number')) return [[nonNeg(v[0]!), nonNeg(v[1]!)]];
  if (v.length !== rank) throw new LayerError(`${layer}: \`${name}\` must have ${rank} entries`);
  return v.map((d) => {
    if (typeof d === 'number') return [nonNeg(d), nonNeg(d)];
    if (Array.isArray(d) && d.length === 2) return [nonNeg(d[0]!), nonNeg(d[1]!)];
    throw new LayerError(`${layer}: could not evaluate \`${name}\``);
  });
}

/** Keras' defaults for `cropping` / `padding`, as written in the signature and as a value. */
const BORDER_DEFAULTS: Record<'Cropping' | 'ZeroPadding', Record<1 | 2 | 3, [string, ArgValue]>> = {
  Cropping: {
    1: ['(1, 1)', [1, 1]],
    2: ['((0, 0), (0, 0))', [[0, 0], [0, 0]]],
    3: ['((1, 1), (1, 1), (1, 1))', [[1, 1], [1, 1], [1, 1]]],
  },
  ZeroPadding: {
    1: ['1', 1],
    2: ['(1, 1)', [1, 1]],
    3: ['((1, 1), (1, 1), (1, 1))', [[1, 1], [1, 1], [1, 1]]],
  },
};

function borderRow(kind: 'Cropping' | 'ZeroPadding', rank: 1 | 2 | 3): LayerSpec {
  const layer = `${kind}${rank}D`;
  const name = kind === 'Cropping' ? 'cropping' : 'padding';
  const [defaultText, fallback] = BORDER_DEFAULTS[kind][rank];
  const sign = kind === 'Cropping' ? -1 : 1;
  return kerasRow({
    type: layer,
    signature: rank === 1 ? `${name}=${defaultText}, **kwargs` : `${name}=${defaultText}, data_format=None, **kwargs`,
    weights: noWeights,
    forward(args: Args, inputs) {
      const x = onlyInput(inputs, layer, rank + 2, rank + 2);
      const first = rank === 1 ? false : channelsFirst(args, layer);
      const s = splitSpatial(x, rank, first, layer);
      const given = rawArg(args, name);
      const by = amounts(given === undefined || given === null ? fallback : given, rank, name, layer);
      const spatial = checkPositive(s.spatial.map((n, i) => n + sign * (by[i]![0] + by[i]![1])), layer, x);
      return { output: tensor(joinSpatial(s.batch, spatial, s.channels, first)), macs: 0, saves: [] };
    },
  });
}

function upSamplingRow(rank: 1 | 2 | 3): LayerSpec {
  const layer = `UpSampling${rank}D`;
  const signature =
    rank === 1
      ? 'size=2, **kwargs'
      : rank === 2
        ? "size=(2, 2), data_format=None, interpolation='nearest', **kwargs"
        : 'size=(2, 2, 2), data_format=None, **kwargs';
  return kerasRow({
    type: layer,
    signature,
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, layer, rank + 2, rank + 2);
      const first = rank === 1 ? false : channelsFirst(args, layer);
      const s = splitSpatial(x, rank, first, layer);
      const size = tupleArg(args, 'size', rank, 2, layer);
      const spatial = s.spatial.map((n, i) => n * size[i]!);
      return { output: tensor(joinSpatial(s.batch, spatial, s.channels, first)), macs: 0, saves: [] };
    },
  });
}

const RANKS = [1, 2, 3] as const;

export const RESHAPING_LAYERS: LayerSpec[] = [
  flatten,
  reshape,
  permute,
  repeatVector,
  ...RANKS.map((r) => borderRow('Cropping', r)),
  ...RANKS.map((r) => borderRow('ZeroPadding', r)),
  ...RANKS.map(upSamplingRow),
];
