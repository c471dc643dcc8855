/**
 * Core layers: Dense, EinsumDense, Embedding, Identity, Masking.
 * Weight rules from keras/src/layers/core/{dense,einsum_dense,embedding}.py:
 * - Dense: kernel (input_dim, units) + bias (units) when use_bias.
 * - EinsumDense: kernel and bias shapes from the equation (see einsum.ts).
 * - Embedding: embeddings (input_dim, output_dim).
 * - `lora_rank=r` (Keras 3) freezes the kernel/embeddings and adds trainable
 *   factors (…, r) and (r, last dimension).
 */
import { LayerError, numel, type Args, type LayerSpec, type WeightSpec } from '../../layerSpec';
import { fusedActivationSaves } from './activations';
import { activationName, boolArg, optionalInt, rawArg, requiredInt } from './args';
import { planEinsumDense } from './einsum';
import { onlyInput } from './geometry';
import { kerasRow, noWeights, sameShape, tensor, weight } from './row';

/** The frozen base weight and the two LoRA factors, when `lora_rank` is set. */
function withLora(name: string, shape: number[], rank: number | undefined, prefix: string): WeightSpec[] {
  if (rank === undefined) return [weight(name, shape)];
  return [
    weight(name, shape, false),
    weight(`${prefix}_a`, [...shape.slice(0, -1), rank]),
    weight(`${prefix}_b`, [rank, shape[shape.length - 1]!]),
  ];
}

const dense = kerasRow({
  type: 'Dense',
  signature:
    "units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', " +
    'kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, ' +
    'bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const x = onlyInput(inputs, 'Dense');
    const units = requiredInt(args, 'units', 'Dense');
    const rank = optionalInt(args, 'lora_rank', 'Dense');
    const w = withLora('kernel', [x[x.length - 1]!, units], rank, 'lora_kernel');
    if (boolArg(args, 'use_bias', true)) w.splice(1, 0, weight('bias', [units]));
    return w;
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'Dense');
    const units = requiredInt(args, 'units', 'Dense');
    const inDim = x[x.length - 1]!;
    const out = [...x.slice(0, -1), units];
    const rank = optionalInt(args, 'lora_rank', 'Dense');
    // LoRA adds the delta a·b to the kernel once per call.
    const loraMacs = rank === undefined ? 0 : inDim * rank * units;
    return {
      output: tensor(out),
      macs: numel(x) * units + loraMacs,
      saves: [{ input: 0 }, ...fusedActivationSaves(activationName(rawArg(args, 'activation')), numel(out))],
    };
  },
  linearDims(args, inputs) {
    const x = inputs?.[0];
    const units = rawArg(args, 'units');
    return x && typeof units === 'number' ? [x[x.length - 1]!, units] : undefined;
  },
});

/** `output_shape` of EinsumDense: an int or a tuple that may hold None. */
function partialOutputShape(args: Args): Array<number | null> {
  const v = rawArg(args, 'output_shape');
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) {
    return v as Array<number | null>;
  }
  throw new LayerError('EinsumDense: could not evaluate `output_shape`');
}

function einsumPlan(args: Args, inputs: number[][]) {
  const equation = rawArg(args, 'equation');
  if (typeof equation !== 'string') throw new LayerError('EinsumDense: could not evaluate `equation`');
  const biasAxes = rawArg(args, 'bias_axes');
  const x = onlyInput(inputs, 'EinsumDense');
  return planEinsumDense(equation, typeof biasAxes === 'string' ? biasAxes : undefined, x, partialOutputShape(args));
}

const einsumDense = kerasRow({
  type: 'EinsumDense',
  signature:
    "equation, output_shape, activation=None, bias_axes=None, kernel_initializer='glorot_uniform', " +
    "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, " +
    'bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const plan = einsumPlan(args, inputs);
    const w = withLora('kernel', plan.kernel, optionalInt(args, 'lora_rank', 'EinsumDense'), 'lora_kernel');
    if (plan.bias) w.splice(1, 0, weight('bias', plan.bias));
    return w;
  },
  forward(args, inputs) {
    const plan = einsumPlan(args, inputs);
    return {
      output: tensor(plan.output),
      macs: plan.macs,
      saves: [{ input: 0 }, ...fusedActivationSaves(activationName(rawArg(args, 'activation')), numel(plan.output))],
    };
  },
});

const embedding = kerasRow({
  type: 'Embedding',
  signature:
    "input_dim, output_dim, embeddings_initializer='uniform', embeddings_regularizer=None, " +
    'embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None, **kwargs',
  // The table's shape does not depend on the input shape.
  weights(args) {
    const vocab = requiredInt(args, 'input_dim', 'Embedding');
    const dim = requiredInt(args, 'output_dim', 'Embedding');
    return withLora('embeddings', [vocab, dim], optionalInt(args, 'lora_rank', 'Embedding'), 'lora_embeddings');
  },
  forward(args, inputs) {
    const x = onlyInput(inputs, 'Embedding', 1);
    const dim = requiredInt(args, 'output_dim', 'Embedding');
    return { output: tensor([...x, dim]), macs: 0, saves: [{ input: 0 }] };
  },
  intInputs: [0],
});

const identity = kerasRow({
  type: 'Identity',
  signature: '**kwargs',
  weights: noWeights,
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'Identity', 1)]),
});

const masking = kerasRow({
  type: 'Masking',
  signature: 'mask_value=0.0, **kwargs',
  weights: noWeights,
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'Masking', 1)]),
});

export const CORE_LAYERS: LayerSpec[] = [dense, einsumDense, embedding, identity, masking];
