/**
 * Merge layers (keras/src/layers/merging/*.py), called on a list of tensors:
 * element-wise Add/Subtract/Multiply/Average/Maximum/Minimum (broadcast shapes,
 * 0 MACs), Concatenate along `axis`, and Dot (a batched dot product along `axes`,
 * whose multiply-accumulates count: output elements × contracted size).
 * No merge layer has weights.
 */
import type { Shape } from '../../../graph';
import { LayerError, numel, type LayerSpec, type SavedRef } from '../../layerSpec';
import { boolArg, intArg, rawArg } from './args';
import { broadcastShapes, normAxis } from './geometry';
import { kerasRow, noWeights, tensor } from './row';

function atLeastTwo(inputs: Shape[], layer: string): Shape[] {
  if (inputs.length < 2) throw new LayerError(`${layer}: must be called on a list of at least 2 inputs, got ${inputs.length}`);
  return inputs;
}

/** Which inputs each element-wise merge keeps for backward. */
const ELEMENTWISE: Array<{ type: string; keepsInputs: boolean; exactlyTwo?: boolean }> = [
  { type: 'Add', keepsInputs: false },
  { type: 'Subtract', keepsInputs: false, exactlyTwo: true },
  // d(a·b)/da = b: every factor is kept.
  { type: 'Multiply', keepsInputs: true },
  { type: 'Average', keepsInputs: false },
  // The gradient flows to the larger (smaller) input: the inputs are compared again.
  { type: 'Maximum', keepsInputs: true },
  { type: 'Minimum', keepsInputs: true },
];

const elementwise = ELEMENTWISE.map(({ type, keepsInputs, exactlyTwo }) =>
  kerasRow({
    type,
    signature: '**kwargs',
    weights: noWeights,
    forward(_args, inputs) {
      const xs = atLeastTwo(inputs, type);
      if (exactlyTwo && xs.length !== 2) throw new LayerError(`${type}: must be called on exactly 2 inputs, got ${xs.length}`);
      const saves: SavedRef[] = keepsInputs ? xs.map((_, i) => ({ input: i })) : [];
      return { output: tensor(broadcastShapes(xs, type)), macs: 0, saves };
    },
  }),
);

const concatenate = kerasRow({
  type: 'Concatenate',
  signature: 'axis=-1, **kwargs',
  weights: noWeights,
  forward(args, inputs) {
    const xs = atLeastTwo(inputs, 'Concatenate');
    const rank = xs[0]!.length;
    if (xs.some((x) => x.length !== rank)) throw new LayerError('Concatenate: inputs must all have the same rank');
    const axis = normAxis(intArg(args, 'axis', -1, 'Concatenate', -rank), rank, 'Concatenate');
    const out = [...xs[0]!];
    for (const x of xs.slice(1)) {
      x.forEach((d, i) => {
        if (i !== axis && d !== out[i]) {
          throw new LayerError(
            `Concatenate: inputs ${xs.map((s) => `[${s.join(', ')}]`).join(', ')} differ outside the concatenation axis ${axis}`,
          );
        }
      });
      out[axis]! += x[axis]!;
    }
    return { output: tensor(out), macs: 0, saves: [] };
  },
});

const dot = kerasRow({
  type: 'Dot',
  signature: 'axes, normalize=False, **kwargs',
  weights: noWeights,
  forward(args, inputs) {
    const xs = atLeastTwo(inputs, 'Dot');
    if (xs.length !== 2) throw new LayerError(`Dot: must be called on exactly 2 inputs, got ${xs.length}`);
    const [a, b] = xs as [Shape, Shape];
    const given = rawArg(args, 'axes');
    let axes: [number, number];
    if (typeof given === 'number') axes = [normAxis(given, a.length, 'Dot'), normAxis(given, b.length, 'Dot')];
    else if (Array.isArray(given) && given.length === 2 && given.every((g) => typeof g === 'number')) {
      axes = [normAxis(given[0] as number, a.length, 'Dot'), normAxis(given[1] as number, b.length, 'Dot')];
    } else throw new LayerError('Dot: could not evaluate `axes`');
    if (a[axes[0]] !== b[axes[1]]) {
      throw new LayerError(`Dot: contracted dimensions differ: ${a[axes[0]]} (axis ${axes[0]}) and ${b[axes[1]]} (axis ${axes[1]})`);
    }
    const out = [...a.filter((_, i) => i !== axes[0]), ...b.filter((_, i) => i !== axes[1]).slice(1)];
    if (out.length === 1) out.push(1);
    const saves: SavedRef[] = [{ input: 0 }, { input: 1 }];
    // normalize=True divides each input by its L2 norm first; the normalised copies are what the product keeps.
    if (boolArg(args, 'normalize', false)) saves.push({ elements: numel(a) + numel(b), dtype: 'act' });
    return { output: tensor(out), macs: numel(out) * a[axes[0]]!, saves };
  },
});

export const MERGING_LAYERS: LayerSpec[] = [...elementwise, concatenate, dot];
