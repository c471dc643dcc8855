/**
 * MultiheadAttention. Own parameters: in_proj_weight [3E, E] when kdim and vdim equal E,
 * else q_proj_weight [E, E], k_proj_weight [E, kdim], v_proj_weight [E, vdim]; in_proj_bias
 * [3E] with bias; bias_k, bias_v [1, 1, E] with add_bias_kv. `out_proj` is a child module
 * (NonDynamicallyQuantizableLinear); torch applies its weight inside the attention
 * function without calling it, so its MACs belong to this row.
 *
 * MACs for L queries, S keys (S' = S + add_bias_kv + add_zero_attn), batch N:
 * projections N·(L·E·E + S·kdim·E + S·vdim·E), Q·Kᵀ and A·V N·L·S'·E each, out_proj N·L·E·E.
 *
 * Saves (torch's multi_head_attention_forward in training): the projection inputs, the
 * per-head q, k, v, the softmax output (and the dropout mask and dropped weights when
 * dropout > 0), and the attention output before out_proj. With batch_first, torch
 * transposes the inputs and the projections keep contiguous copies: one copy for
 * self-attention, two when key is value, three otherwise. The row sees shapes, not
 * tensors, so it takes equal shapes for shared tensors. Two divisions by a Python number
 * keep it as a 0-dim tensor (torch 1.13, saved_tensors_hooks: scripts/torch_layer_probe.py
 * records float64 and int64 scalars of 8 bytes): `q / math.sqrt(E)` a float64 on every
 * call, and `attn_output_weights.sum(dim=1) / num_heads` an int64 when the weights are
 * returned averaged.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, SavedRef, WeightSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, boolMask, defineRow, input, output, param, scalar, tensor, type RowArgs } from './row';
import { inputAt, showShape } from './shapes';

interface MhaConfig {
  embed: number;
  heads: number;
  kdim: number;
  vdim: number;
  bias: boolean;
  biasKv: boolean;
  zeroAttn: boolean;
  batchFirst: boolean;
  dropout: number;
}

function readMha(a: RowArgs): MhaConfig {
  const embed = a.positive('embed_dim');
  const heads = a.positive('num_heads');
  if (embed % heads !== 0) a.fail(`embed_dim (${embed}) must be divisible by num_heads (${heads})`);
  const dropout = a.num('dropout');
  if (dropout < 0 || dropout > 1) a.fail(`dropout must be in [0, 1], got ${dropout}`);
  return {
    embed,
    heads,
    kdim: a.has('kdim') ? a.positive('kdim') : embed,
    vdim: a.has('vdim') ? a.positive('vdim') : embed,
    bias: a.bool('bias'),
    biasKv: a.bool('add_bias_kv'),
    zeroAttn: a.bool('add_zero_attn'),
    batchFirst: a.bool('batch_first'),
    dropout,
  };
}

function mhaWeights(c: MhaConfig): WeightSpec[] {
  const e = c.embed;
  const w: WeightSpec[] = [];
  if (c.kdim === e && c.vdim === e) w.push(param('in_proj_weight', [3 * e, e]));
  else w.push(param('q_proj_weight', [e, e]), param('k_proj_weight', [e, c.kdim]), param('v_proj_weight', [e, c.vdim]));
  if (c.bias) w.push(param('in_proj_bias', [3 * e]));
  if (c.biasKv) w.push(param('bias_k', [1, 1, e]), param('bias_v', [1, 1, e]));
  return w;
}

/** (L, N, E) / (N, L, E) with batch_first / unbatched (L, E) -> [length, batch, features]. */
function split(a: RowArgs, x: Shape, batched: boolean, batchFirst: boolean, what: string): [number, number, number] {
  if (x.length !== (batched ? 3 : 2)) {
    a.fail(`${what} must be ${batched ? '3D' : '2D'} like query, got ${showShape(x)}`);
  }
  if (!batched) return [x[0]!, 1, x[1]!];
  return batchFirst ? [x[1]!, x[0]!, x[2]!] : [x[0]!, x[1]!, x[2]!];
}

function sameShape(x: Shape, y: Shape): boolean {
  return showShape(x) === showShape(y);
}

function mhaForward(a: RowArgs, inputs: Shape[], call: RowArgs) {
  const c = readMha(a);
  const q = inputAt(a, inputs, 0, 'query');
  const k = inputAt(a, inputs, 1, 'key');
  const v = inputAt(a, inputs, 2, 'value');
  if (q.length !== 2 && q.length !== 3) a.fail(`query must be 2D (unbatched) or 3D, got ${showShape(q)}`);
  const batched = q.length === 3;
  const [L, N, eq] = split(a, q, batched, c.batchFirst, 'query');
  const [S, nk, ek] = split(a, k, batched, c.batchFirst, 'key');
  const [Sv, nv, ev] = split(a, v, batched, c.batchFirst, 'value');
  if (eq !== c.embed) a.fail(`query's feature dimension must be embed_dim=${c.embed}, got ${showShape(q)}`);
  if (ek !== c.kdim) a.fail(`key's feature dimension must be kdim=${c.kdim}, got ${showShape(k)}`);
  if (ev !== c.vdim) a.fail(`value's feature dimension must be vdim=${c.vdim}, got ${showShape(v)}`);
  if (nk !== N || nv !== N) a.fail(`query, key and value must have the same batch size (${showShape(q)}, ${showShape(k)}, ${showShape(v)})`);
  if (Sv !== S) a.fail(`key and value must have the same sequence length, got ${S} and ${Sv}`);

  const e = c.embed;
  const sp = S + (c.biasKv ? 1 : 0) + (c.zeroAttn ? 1 : 0);
  const macs = N * (L * e * e + S * c.kdim * e + S * c.vdim * e) + 2 * N * L * sp * e + N * L * e * e;

  const needWeights = call.bool('need_weights');
  const average = call.bool('average_attn_weights');
  const attnOut = batched ? (c.batchFirst ? [N, L, e] : [L, N, e]) : [L, e];
  const weightsShape = average ? (batched ? [N, L, sp] : [L, sp]) : batched ? [N, c.heads, L, sp] : [c.heads, L, sp];

  const probs = N * c.heads * L * sp;
  const saves: SavedRef[] = [];
  if (batched && c.batchFirst) {
    saves.push(act(numel(q)));
    const selfAttention = sameShape(q, k) && sameShape(k, v);
    if (!selfAttention) saves.push(act(numel(k)));
    if (!selfAttention && !sameShape(k, v)) saves.push(act(numel(v)));
  } else {
    saves.push(input(0), input(1), input(2));
  }
  saves.push(act(N * L * e), act(2 * N * sp * e), scalar('float'));
  // Softmax output; returned as the weights when they are per head (same tensor).
  saves.push(needWeights && !average ? output(1) : act(probs));
  if (c.dropout > 0) saves.push(boolMask(probs), act(probs));
  saves.push(act(N * L * e));
  if (needWeights && average) saves.push(scalar('int'));
  return {
    output: [tensor(attnOut), needWeights ? tensor(weightsShape) : null],
    macs,
    saves,
  };
}

export const ATTENTION_LAYERS: LayerSpec[] = [
  defineRow({
    type: 'MultiheadAttention',
    signature:
      'embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None, dtype=None',
    forwardSignature:
      'query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False',
    weights: (a) => mhaWeights(readMha(a)),
    forward: mhaForward,
    children: (a) => {
      const c = readMha(a);
      return [{ name: 'out_proj', type: 'NonDynamicallyQuantizableLinear', args: { in_features: c.embed, out_features: c.embed, bias: c.bias } }];
    },
  }),
];
