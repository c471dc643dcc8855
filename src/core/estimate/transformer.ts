/**
 * Transformer formulas: what one block saves for backward, its live tensors at inference,
 * the KV cache and attention compute.
 *
 * Activations follow Korthikanti et al. 2022 (arXiv:2205.05198 §4.1): per layer, 16-bit,
 * s·b·h·(34 + 5·a·s/h) bytes = attention 11sbh + 5as²b, MLP 19sbh, norms 4sbh. Here they are
 * counted in elements so other dtypes, grouped-query attention, SwiGLU and the absence of
 * dropout follow from the same list of saved tensors:
 *   norms:     the input of each of the two norms                          2h
 *              (RMSNorm written as transformers' LlamaRMSNorm saves its input and the
 *              normalised output: 2h each, 4h in all; torch 1.13's mean() also saved its
 *              input, a third h, as scripts/activation_check.py measures there)
 *   attention: QKV input h, Q, K, V, the out-projection input              h + 3q + q
 *              eager: softmax output a·s, + dropout output a·s when dropout
 *              flash: no s² term; K and V at kv heads; logsumexp a fp32 per token
 *   MLP:       first linear input h, then GeLU: input and output 2f; ReLU: output f
 *              (its input is not needed); SwiGLU: gate output, silu output, up output,
 *              product 4f
 *   masks:     attention-probability dropout a·s bytes (eager), two residual dropouts 2h bytes
 * with q = heads·head_dim, kv = kv_heads·head_dim, f = FFN size. Korthikanti's case (MHA,
 * GeLU, f = 4h, dropout, 2-byte elements) gives exactly 34sbh + 5as²b.
 * Eager GQA repeats K and V to all heads before the matmuls (transformers' repeat_kv), so they
 * count at q; fused kernels read them at kv heads.
 * Blocks with more than one attention and one MLP take the paper's terms once per sublayer:
 *   mixture of experts: m expert MLPs per token (all E when the forward runs every expert,
 *              the top-k when tokens are routed), each keeping its hidden activations and its
 *              output (the gate weight multiplies it), + the router's E probabilities;
 *              densely run experts share one input, routed ones each get a gathered copy
 *   cross-attention (decoder blocks of encoder-decoder models): one more norm input,
 *              attention term and residual mask, the encoder output as long as the input
 */
import type { TransformerInfo } from '../graph';

export type AttentionKernelResolved = 'flash' | 'eager';

/** h-sized tensors one norm saves for backward (torch ≥ 2.0 autograd; see the header). */
const NORM_SAVED: Record<'layernorm' | 'rmsnorm', number> = { layernorm: 1, rmsnorm: 2 };

export function normOf(t: TransformerInfo): 'layernorm' | 'rmsnorm' {
  return t.norm ?? (t.mlp === 'swiglu' ? 'rmsnorm' : 'layernorm');
}

/** Saved elements and bytes per token of one attention sublayer: Korthikanti's attention term (11sbh + 5as²b at 16 bits, dropout on). */
function attentionSavedPerToken(
  t: TransformerInfo,
  seq: number,
  kernel: AttentionKernelResolved,
  dropout: boolean,
): { elements: number; bytes: number } {
  const h = t.hidden;
  const q = t.heads * t.headDim;
  const kv = t.kvHeads * t.headDim;
  // Input of the projections, Q, the out-projection input; the residual dropout's mask.
  let elements = h + q + q;
  let bytes = dropout ? h : 0;
  if (kernel === 'eager') {
    elements += q + q + t.heads * seq * (dropout ? 2 : 1);
    if (dropout) bytes += t.heads * seq;
  } else {
    elements += kv + kv;
    bytes += 4 * t.heads;
  }
  return { elements, bytes };
}

/**
 * Expert MLPs each token runs through: all experts when the forward evaluates them densely,
 * the routed top-k (Mixtral's num_experts_per_tok) otherwise; 1 without a mixture of experts.
 */
export function mlpsPerToken(t: TransformerInfo): number {
  if (!t.experts || t.experts <= 1) return 1;
  return t.denseExperts ? t.experts : Math.max(1, Math.min(t.experts, t.expertsPerToken ?? 1));
}

/**
 * Saved elements per token of the MLP sublayer: its input and Korthikanti's MLP term (19sbh for
 * 4h GeLU). A mixture of experts runs `m` expert MLPs per token: each keeps its hidden
 * activations and its output (which the gate weight multiplies), the router its E
 * probabilities; densely evaluated experts share one input, routed ones each get a gathered copy.
 */
function mlpSavedPerToken(t: TransformerInfo): number {
  const h = t.hidden;
  const f = t.ffn;
  const hiddenActs = t.mlp === 'swiglu' ? 4 * f : t.mlp === 'relu' ? f : 2 * f;
  const m = mlpsPerToken(t);
  if (!t.experts || t.experts <= 1) return h + hiddenActs;
  return (t.denseExperts ? h : m * h) + m * hiddenActs + m * h + t.experts;
}

/** Elements saved per token (compute dtype) and bytes saved per token (masks, fp32 statistics) by one block. */
export function blockSavedPerToken(
  t: TransformerInfo,
  seq: number,
  kernel: AttentionKernelResolved,
  dropout: boolean,
): { elements: number; bytes: number } {
  const attention = attentionSavedPerToken(t, seq, kernel, dropout);
  return {
    elements: 2 * NORM_SAVED[normOf(t)] * t.hidden + attention.elements + mlpSavedPerToken(t),
    bytes: attention.bytes + (dropout ? t.hidden : 0),
  };
}

/**
 * What a cross-attention sublayer adds to a block (nn.TransformerDecoderLayer's second
 * attention, T5's EncDecAttention): its norm's input and the attention term once more, the
 * encoder output taken as long as the block's input. The encoder output the K/V projections
 * read is one tensor every decoder block shares: it is counted where the encoder makes it.
 */
export function crossAttentionSavedPerToken(
  t: TransformerInfo,
  seq: number,
  kernel: AttentionKernelResolved,
  dropout: boolean,
): { elements: number; bytes: number } {
  const attention = attentionSavedPerToken(t, seq, kernel, dropout);
  return { elements: NORM_SAVED[normOf(t)] * t.hidden + attention.elements, bytes: attention.bytes };
}

/** Elements kept per token by one block under full recomputation: its input (Korthikanti: 2sbh at 16 bits). */
export function checkpointedPerToken(t: TransformerInfo): number {
  return t.hidden;
}

/**
 * Elements live per token at the peak of one block at inference: the residual stream plus the
 * larger of attention (Q, K, V, output, and for eager kernels the scores and probabilities)
 * and the MLP (SwiGLU: gate, up and product; others: the hidden layer and its activation).
 */
export function blockLivePerToken(t: TransformerInfo, seq: number, kernel: AttentionKernelResolved): number {
  const q = t.heads * t.headDim;
  const kv = t.kvHeads * t.headDim;
  const attention = q + 2 * kv + q + (kernel === 'eager' ? 2 * t.heads * seq : 0);
  const mlp = (t.mlp === 'swiglu' ? 3 : 2) * t.ffn;
  return t.hidden + Math.max(attention, mlp);
}

/** Tokens a layer attends to: the sequence, capped by a sliding window. */
export function attendedTokens(t: TransformerInfo, seq: number): number {
  return t.slidingWindow && t.slidingWindow > 0 ? Math.min(seq, t.slidingWindow) : seq;
}

/** KV cache: 2 (K and V) · layers · kv_heads · head_dim · cached tokens · batch · bytes. */
export function kvCacheBytes(t: TransformerInfo, seq: number, batch: number, bytesPerElement: number): number {
  return 2 * t.layers * t.kvHeads * t.headDim * attendedTokens(t, seq) * batch * bytesPerElement;
}

/**
 * Attention matmul MACs for one new token at a context of `context` tokens: Q·Kᵀ and A·V,
 * each heads·head_dim·context per layer, 2·L·H·Q·T in all. PaLM (arXiv:2204.02311 App. B)
 * counts 12·L·H·Q·T training FLOPs per token: 3 × the forward's 4·L·H·Q·T FLOPs = 2 × these MACs.
 */
export function attentionMacsPerToken(t: TransformerInfo, context: number): number {
  return 2 * t.layers * t.heads * t.headDim * attendedTokens(t, context);
}
