/**
 * Attention layers, after keras/src/layers/attention/*.py.
 * - MultiHeadAttention(num_heads H, key_dim kd, value_dim vd = kd, output_shape):
 *   query, key and value EinsumDense projections with kernels (dim, H, kd|vd) and
 *   biases (H, kd|vd); attention_output kernel (H, vd, *output_shape) and bias
 *   (*output_shape), output_shape defaulting to the query's last dimension.
 * - GroupedQueryAttention(head_dim, num_query_heads, num_key_value_heads): the same
 *   with H_kv heads for key and value.
 * - Attention: a scalar `scale` when use_scale, a scalar `concat_score_weight`
 *   when score_mode="concat".
 * - AdditiveAttention: `scale` of shape (dim,) when use_scale (default True).
 * MACs: the projections, Q·Kᵀ and A·V; the score softmax and dropout are element-wise.
 * Keras calls them as layer(query, value, key=None) (MHA, GQA) or
 * layer([query, value, key]) (Attention, AdditiveAttention): inputs arrive in that
 * order; `return_attention_scores=True` in the call adds the scores as a second output.
 */
import type { Shape } from '../../../graph';
import { LayerError, numel, type Args, type LayerCall, type LayerSpec, type SavedRef, type WeightSpec } from '../../layerSpec';
import { boolArg, callFlag, choiceArg, numArg, optionalInt, rawArg, requiredInt } from './args';
import { normAxis } from './geometry';
import { kerasRow, tensor, weight } from './row';

/** `call()` of MultiHeadAttention and GroupedQueryAttention. */
const HEADED_CALL =
  'query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None, ' +
  'return_attention_scores=False, training=None, use_causal_mask=False';

/** `call()` of Attention and AdditiveAttention: the tensors come as one list. */
const PLAIN_CALL = 'inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False';

interface Qkv {
  query: Shape;
  value: Shape;
  key: Shape;
  /** True when the caller passed a separate key. */
  separateKey: boolean;
}

function qkv(inputs: Shape[], layer: string): Qkv {
  const [query, value, key] = inputs;
  if (!query || !value) throw new LayerError(`${layer}: needs a query and a value`);
  const k = key ?? value;
  if (query.length < 3 || value.length < 3) {
    throw new LayerError(`${layer}: query and value must have rank 3 or more (batch, positions…, features)`);
  }
  if (k.length !== value.length || k.slice(1, -1).some((d, i) => d !== value[i + 1])) {
    throw new LayerError(`${layer}: key [${k.join(', ')}] and value [${value.join(', ')}] must agree on every dimension but the last`);
  }
  return { query, value, key: k, separateKey: key !== undefined };
}

function inputSaves(s: Qkv): SavedRef[] {
  return s.separateKey ? [{ input: 0 }, { input: 1 }, { input: 2 }] : [{ input: 0 }, { input: 1 }];
}

function lastDim(s: Shape): number {
  return s[s.length - 1]!;
}

/** Projection weights: kernel (dim, heads, width) and, with use_bias, bias (heads, width). */
function projection(name: string, dim: number, heads: number, width: number, bias: boolean): WeightSpec[] {
  const w = [weight(`${name}/kernel`, [dim, heads, width])];
  if (bias) w.push(weight(`${name}/bias`, [heads, width]));
  return w;
}

/** MultiHeadAttention's `output_shape`: an int, a tuple, or the query's last dimension. */
function mhaOutputShape(args: Args, query: Shape): number[] {
  const v = rawArg(args, 'output_shape');
  if (v === undefined || v === null) return [lastDim(query)];
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    return v as number[];
  }
  throw new LayerError('MultiHeadAttention: could not evaluate `output_shape`');
}

/**
 * How the query's middle dimensions split into attention axes and extra batch
 * axes (`attention_axes`, counted on the projected rank as Keras does).
 */
function attentionSplit(args: Args, s: Qkv, layer: string): { batchLike: number; tq: number; tk: number; tqDims: number[]; tkDims: number[]; extra: number[] } {
  const rank = s.query.length + 1;
  const middle = Array.from({ length: s.query.length - 2 }, (_, i) => i + 1);
  const given = rawArg(args, 'attention_axes');
  let axes = middle;
  if (given !== undefined && given !== null) {
    const list = Array.isArray(given) ? given : [given];
    axes = list.map((a) => {
      if (typeof a !== 'number' || !Number.isInteger(a)) throw new LayerError(`${layer}: could not evaluate \`attention_axes\``);
      return normAxis(a < 0 ? rank - 1 + a : a, s.query.length - 1, layer);
    });
    if (axes.some((a) => a < 1)) throw new LayerError(`${layer}: attention_axes cannot include the batch axis`);
  }
  const extraAxes = middle.filter((a) => !axes.includes(a));
  const tqDims = axes.map((a) => s.query[a]!);
  const tkDims = axes.map((a) => s.key[a]!);
  const extra = extraAxes.map((a) => s.query[a]!);
  return { batchLike: s.query[0]! * numel(extra), tq: numel(tqDims), tk: numel(tkDims), tqDims, tkDims, extra };
}

interface HeadPlan {
  queryHeads: number;
  kvHeads: number;
  keyDim: number;
  valueDim: number;
  outShape: number[];
}

/** Forward of MHA/GQA: projections, scores, combination, output projection. */
function headedForward(args: Args, s: Qkv, plan: HeadPlan, layer: string, call: Args | undefined): LayerCall {
  const split = attentionSplit(args, s, layer);
  const tqAll = numel(s.query.slice(1, -1));
  const tkAll = numel(s.key.slice(1, -1));
  const b = s.query[0]!;
  const { queryHeads: H, kvHeads: Hkv, keyDim: kd, valueDim: vd } = plan;
  const outWidth = numel(plan.outShape);
  const projections =
    b * tqAll * lastDim(s.query) * H * kd +
    b * tkAll * lastDim(s.key) * Hkv * kd +
    b * tkAll * lastDim(s.value) * Hkv * vd +
    b * tqAll * H * vd * outWidth;
  const scores = split.batchLike * H * split.tq * split.tk;
  const macs = projections + scores * kd + scores * vd;

  const output = [...s.query.slice(0, -1), ...plan.outShape];
  const scoresShape = [s.query[0]!, ...split.extra, H, ...split.tqDims, ...split.tkDims];
  const dropout = numArg(args, 'dropout', 0);
  const saves: SavedRef[] = [
    ...inputSaves(s),
    // Projected Q, K, V and the attention probabilities; the context feeds the output projection.
    { elements: b * tqAll * H * kd + b * tkAll * Hkv * (kd + vd), dtype: 'act' },
    { elements: scores, dtype: 'act' },
    { elements: b * tqAll * H * vd, dtype: 'act' },
  ];
  if (dropout > 0) saves.push({ elements: scores, dtype: 'bool' });
  const withScores = callFlag(call, 'return_attention_scores');
  return { output: withScores ? [tensor(output), tensor(scoresShape)] : tensor(output), macs, saves };
}

function mhaPlan(args: Args, query: Shape): HeadPlan {
  const heads = requiredInt(args, 'num_heads', 'MultiHeadAttention');
  const keyDim = requiredInt(args, 'key_dim', 'MultiHeadAttention');
  const valueDim = optionalInt(args, 'value_dim', 'MultiHeadAttention') ?? keyDim;
  return { queryHeads: heads, kvHeads: heads, keyDim, valueDim, outShape: mhaOutputShape(args, query) };
}

const multiHeadAttention = kerasRow({
  type: 'MultiHeadAttention',
  signature:
    'num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None, attention_axes=None, ' +
    "flash_attention=None, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, " +
    'bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const s = qkv(inputs, 'MultiHeadAttention');
    const p = mhaPlan(args, s.query);
    const bias = boolArg(args, 'use_bias', true);
    const w = [
      ...projection('query', lastDim(s.query), p.queryHeads, p.keyDim, bias),
      ...projection('key', lastDim(s.key), p.kvHeads, p.keyDim, bias),
      ...projection('value', lastDim(s.value), p.kvHeads, p.valueDim, bias),
      weight('attention_output/kernel', [p.queryHeads, p.valueDim, ...p.outShape]),
    ];
    if (bias) w.push(weight('attention_output/bias', p.outShape));
    return w;
  },
  forwardSignature: HEADED_CALL,
  forward(args, inputs, call) {
    const s = qkv(inputs, 'MultiHeadAttention');
    return headedForward(args, s, mhaPlan(args, s.query), 'MultiHeadAttention', call);
  },
});

function gqaPlan(args: Args, query: Shape): HeadPlan {
  const layer = 'GroupedQueryAttention';
  const headDim = requiredInt(args, 'head_dim', layer);
  const queryHeads = requiredInt(args, 'num_query_heads', layer);
  const kvHeads = requiredInt(args, 'num_key_value_heads', layer);
  if (queryHeads % kvHeads !== 0) {
    throw new LayerError(`${layer}: num_query_heads (${queryHeads}) must be divisible by num_key_value_heads (${kvHeads})`);
  }
  return { queryHeads, kvHeads, keyDim: headDim, valueDim: headDim, outShape: [lastDim(query)] };
}

const groupedQueryAttention = kerasRow({
  type: 'GroupedQueryAttention',
  aliases: ['GroupQueryAttention'],
  signature:
    'head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True, flash_attention=None, ' +
    "kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, " +
    'activity_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const s = qkv(inputs, 'GroupedQueryAttention');
    const p = gqaPlan(args, s.query);
    const bias = boolArg(args, 'use_bias', true);
    const w = [
      ...projection('query', lastDim(s.query), p.queryHeads, p.keyDim, bias),
      ...projection('key', lastDim(s.key), p.kvHeads, p.keyDim, bias),
      ...projection('value', lastDim(s.value), p.kvHeads, p.valueDim, bias),
      weight('attention_output/kernel', [p.queryHeads, p.valueDim, lastDim(s.query)]),
    ];
    if (bias) w.push(weight('attention_output/bias', [lastDim(s.query)]));
    return w;
  },
  forwardSignature: HEADED_CALL,
  forward(args, inputs, call) {
    const s = qkv(inputs, 'GroupedQueryAttention');
    return headedForward(args, s, gqaPlan(args, s.query), 'GroupedQueryAttention', call);
  },
});

/** Forward of the single-head layers: scores (b, Tq, Tv), output (b, Tq, value dim). */
function plainForward(args: Args, s: Qkv, additive: boolean, call: Args | undefined): LayerCall {
  const b = s.query[0]!;
  const tq = numel(s.query.slice(1, -1));
  const tv = numel(s.value.slice(1, -1));
  const dim = lastDim(s.query);
  const scores = b * tq * tv;
  const output = [...s.query.slice(0, -1), lastDim(s.value)];
  const saves: SavedRef[] = [...inputSaves(s), { elements: scores, dtype: 'act' }];
  // Additive scores keep tanh(q + k) for every (query, key, feature).
  if (additive) saves.push({ elements: scores * dim, dtype: 'act' });
  if (numArg(args, 'dropout', 0) > 0) saves.push({ elements: scores, dtype: 'bool' });
  const withScores = callFlag(call, 'return_attention_scores');
  const scoresShape = [b, ...s.query.slice(1, -1), ...s.value.slice(1, -1)];
  return {
    output: withScores ? [tensor(output), tensor(scoresShape)] : tensor(output),
    macs: scores * dim + scores * lastDim(s.value),
    saves,
  };
}

const attention = kerasRow({
  type: 'Attention',
  signature: "use_scale=False, score_mode='dot', dropout=0.0, seed=None, **kwargs",
  weights(args, inputs) {
    if (!inputs) return undefined;
    qkv(inputs, 'Attention');
    const w = [];
    if (boolArg(args, 'use_scale', false)) w.push(weight('scale', []));
    if (choiceArg(args, 'score_mode', ['dot', 'concat'] as const, 'dot', 'Attention') === 'concat') {
      w.push(weight('concat_score_weight', []));
    }
    return w;
  },
  forwardSignature: PLAIN_CALL,
  forward: (args, inputs, call) => plainForward(args, qkv(inputs, 'Attention'), false, call),
});

const additiveAttention = kerasRow({
  type: 'AdditiveAttention',
  signature: 'use_scale=True, dropout=0.0, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const s = qkv(inputs, 'AdditiveAttention');
    return boolArg(args, 'use_scale', true) ? [weight('scale', [lastDim(s.query)])] : [];
  },
  forwardSignature: PLAIN_CALL,
  forward: (args, inputs, call) => plainForward(args, qkv(inputs, 'AdditiveAttention'), true, call),
});

export const ATTENTION_LAYERS: LayerSpec[] = [multiHeadAttention, groupedQueryAttention, attention, additiveAttention];
