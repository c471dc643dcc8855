/**
 * The Llama family: decoder-only, pre-norm RMSNorm, rotary positions, gated MLP,
 * grouped-query attention. One table row per model_type (llama, mistral, mixtral,
 * qwen2, gemma, phi3) states where the family differs; one builder makes the tree.
 *
 * Module trees and defaults follow transformers 4.48 (models/<type>/modeling_<type>.py
 * and configuration_<type>.py): model.embed_tokens, model.layers.N.self_attn.q_proj,
 * ..., model.norm, model.rotary_emb, lm_head. Mixtral experts use the names of the
 * published checkpoints (block_sparse_moe.experts.N.w1/w2/w3).
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { activationRow } from '../activations';
import {
  type BuildContext,
  bufferModule,
  child,
  dropout,
  embedding,
  linear,
  moduleList,
  moduleNode,
  rmsNorm,
  rowsOf,
  withLast,
} from '../layers';
import type { ArchitectureRule } from '../types';
import { layerStack, selfAttentionCore } from './blocks';
import { decoderRule } from './decoder';
import { numLabels } from './heads';

interface LlamaVariant {
  modelType: string;
  /** Class-name prefix: "Llama" -> LlamaForCausalLM, LlamaDecoderLayer, LlamaRMSNorm. */
  prefix: string;
  source: string;
  defaults: {
    vocab: number;
    hidden: number;
    ffn: number;
    layers: number;
    heads: number;
    /** undefined: equal to heads. */
    kvHeads?: number;
    headDim?: number;
    maxPos: number;
    act: string;
    tie: boolean;
    slidingWindow?: number;
  };
  /** Biases on q/k/v and on o_proj. */
  qkvBias(c: ConfigReader): boolean;
  oBias(c: ConfigReader): boolean;
  mlpBias(c: ConfigReader): boolean;
  /** Phi-3 fuses q/k/v into qkv_proj and gate/up into gate_up_proj. */
  fused?: boolean;
  /** Mixtral: sparse mixture of experts in place of the MLP. */
  moe?: boolean;
  /** The sliding window the attention actually uses, if any. */
  slidingWindow(c: ConfigReader, d: LlamaVariant['defaults']): number | undefined;
  /** Activation config key(s), first present wins. */
  actKeys: string[];
}

const noBias = (): boolean => false;
const attentionBias = (c: ConfigReader): boolean => c.bool('attention_bias', false);
const windowKey = (c: ConfigReader, d: LlamaVariant['defaults']): number | undefined =>
  c.has('sliding_window') ? c.optInt('sliding_window') : d.slidingWindow;

export const LLAMA_VARIANTS: LlamaVariant[] = [
  {
    modelType: 'llama',
    prefix: 'Llama',
    source: 'transformers/models/llama/modeling_llama.py (v4.48)',
    // LlamaConfig defaults.
    defaults: { vocab: 32000, hidden: 4096, ffn: 11008, layers: 32, heads: 32, maxPos: 2048, act: 'silu', tie: false },
    qkvBias: attentionBias,
    oBias: attentionBias,
    mlpBias: (c) => c.bool('mlp_bias', false),
    slidingWindow: () => undefined,
    actKeys: ['hidden_act'],
  },
  {
    modelType: 'mistral',
    prefix: 'Mistral',
    source: 'transformers/models/mistral/modeling_mistral.py (v4.48)',
    // MistralConfig defaults: sliding_window 4096, max_position_embeddings 4096*32.
    defaults: {
      vocab: 32000, hidden: 4096, ffn: 14336, layers: 32, heads: 32, kvHeads: 8,
      maxPos: 131072, act: 'silu', tie: false, slidingWindow: 4096,
    },
    qkvBias: noBias,
    oBias: noBias,
    mlpBias: noBias,
    slidingWindow: windowKey,
    actKeys: ['hidden_act'],
  },
  {
    modelType: 'mixtral',
    prefix: 'Mixtral',
    source: 'transformers/models/mixtral/modeling_mixtral.py (v4.48)',
    // MixtralConfig defaults: 8 local experts, 2 per token, no sliding window.
    defaults: {
      vocab: 32000, hidden: 4096, ffn: 14336, layers: 32, heads: 32, kvHeads: 8,
      maxPos: 131072, act: 'silu', tie: false,
    },
    qkvBias: noBias,
    oBias: noBias,
    mlpBias: noBias,
    moe: true,
    slidingWindow: windowKey,
    actKeys: ['hidden_act'],
  },
  {
    modelType: 'qwen2',
    prefix: 'Qwen2',
    source: 'transformers/models/qwen2/modeling_qwen2.py (v4.48)',
    // Qwen2Config defaults; q/k/v carry biases, o_proj does not.
    defaults: { vocab: 151936, hidden: 4096, ffn: 22016, layers: 32, heads: 32, maxPos: 32768, act: 'silu', tie: false },
    qkvBias: () => true,
    oBias: noBias,
    mlpBias: noBias,
    // Qwen2 only slides when use_sliding_window is set.
    slidingWindow: (c) => (c.bool('use_sliding_window', false) ? c.optInt('sliding_window') : undefined),
    actKeys: ['hidden_act'],
  },
  {
    modelType: 'gemma',
    prefix: 'Gemma',
    source: 'transformers/models/gemma/modeling_gemma.py (v4.48)',
    // GemmaConfig defaults (the 7B): head_dim 256, tied embeddings.
    defaults: {
      vocab: 256000, hidden: 3072, ffn: 24576, layers: 28, heads: 16, kvHeads: 16, headDim: 256,
      maxPos: 8192, act: 'gelu_pytorch_tanh', tie: true,
    },
    qkvBias: attentionBias,
    oBias: attentionBias,
    mlpBias: noBias,
    slidingWindow: () => undefined,
    actKeys: ['hidden_activation', 'hidden_act'],
  },
  {
    modelType: 'phi3',
    prefix: 'Phi3',
    source: 'transformers/models/phi3/modeling_phi3.py (v4.48)',
    // Phi3Config defaults (Phi-3-mini).
    defaults: { vocab: 32064, hidden: 3072, ffn: 8192, layers: 32, heads: 32, maxPos: 4096, act: 'silu', tie: false },
    qkvBias: noBias,
    oBias: noBias,
    mlpBias: noBias,
    fused: true,
    slidingWindow: windowKey,
    actKeys: ['hidden_act'],
  },
];

function readParams(v: LlamaVariant, c: ConfigReader) {
  const d = v.defaults;
  const hidden = c.int('hidden_size', d.hidden);
  const heads = c.int('num_attention_heads', d.heads);
  const kvHeads = c.int('num_key_value_heads', d.kvHeads ?? heads);
  const headDim = c.int('head_dim', d.headDim ?? Math.floor(hidden / heads));
  if (!c.has('head_dim') && d.headDim === undefined && hidden % heads !== 0) {
    c.warn('hf-inconsistent-config', `hidden_size ${hidden} is not divisible by num_attention_heads ${heads}.`);
  }
  if (heads % kvHeads !== 0) {
    c.warn('hf-inconsistent-config', `num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}.`);
  }
  let act = d.act;
  for (const key of v.actKeys) {
    if (c.has(key)) {
      act = c.str(key, d.act);
      break;
    }
  }
  const layers = c.int('num_hidden_layers', d.layers);
  return {
    vocab: c.int('vocab_size', d.vocab),
    hidden,
    ffn: c.int('intermediate_size', d.ffn),
    layers,
    heads,
    kvHeads,
    headDim,
    maxPos: c.int('max_position_embeddings', d.maxPos),
    act,
    tie: c.bool('tie_word_embeddings', d.tie),
    qkvBias: v.qkvBias(c),
    oBias: v.oBias(c),
    mlpBias: v.mlpBias(c),
    attnDropout: c.num('attention_dropout', 0),
    residDropout: c.num('resid_pdrop', 0),
    embdDropout: c.num('embd_pdrop', 0),
    slidingWindow: v.slidingWindow(c, d),
    experts: v.moe ? expertCount(c, layers) : 0,
    expertsPerToken: v.moe ? c.int('num_experts_per_tok', 2) : 0,
    labels: numLabels(c),
  };
}

/**
 * Experts over all layers the tree may hold: each is a subtree of the layer table, and
 * 2,048 take about 0.3 s to build and estimate on a busy 2-core machine. Mixtral-8x22B
 * has 56 layers × 8 experts = 448.
 */
const MAX_EXPERTS_IN_MODEL = 2048;

function expertCount(c: ConfigReader, layers: number): number {
  const experts = c.int('num_local_experts', 8);
  if (layers * experts <= MAX_EXPERTS_IN_MODEL) return experts;
  const fallback = Math.max(1, Math.floor(MAX_EXPERTS_IN_MODEL / layers));
  c.warn('hf-bad-config-value', `${layers} layers × ${experts} experts is more than the ${MAX_EXPERTS_IN_MODEL.toLocaleString('en-US')} experts analysed; using ${fallback} experts per layer.`);
  return fallback;
}

type LlamaParams = ReturnType<typeof readParams>;

function attentionBlock(v: LlamaVariant, p: LlamaParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const qDim = p.heads * p.headDim;
  const kvDim = p.kvHeads * p.headDim;
  const attnOut = withLast(x, qDim);
  const core = selfAttentionCore(
    path,
    {
      heads: p.heads,
      kvHeads: p.kvHeads,
      headDim: p.headDim,
      causal: true,
      dropout: p.attnDropout,
      eagerSoftmaxFp32: true,
      // Phi-3 slices V out of the fused qkv output: without GQA repetition the kernel keeps that whole tensor.
      vStoragePerToken: v.fused && p.kvHeads === p.heads ? qDim + 2 * kvDim : undefined,
    },
    ctx,
  );
  const children: LayerNode[] = v.fused
    ? [
        linear(child(path, 'o_proj'), qDim, p.hidden, p.oBias, attnOut),
        linear(child(path, 'qkv_proj'), p.hidden, qDim + 2 * kvDim, p.qkvBias, x),
        core,
      ]
    : [
        linear(child(path, 'q_proj'), p.hidden, qDim, p.qkvBias, x),
        linear(child(path, 'k_proj'), p.hidden, kvDim, p.qkvBias, x, { saveInput: false }),
        linear(child(path, 'v_proj'), p.hidden, kvDim, p.qkvBias, x, { saveInput: false }),
        core,
        linear(child(path, 'o_proj'), qDim, p.hidden, p.oBias, attnOut),
      ];
  const note = p.slidingWindow !== undefined ? `sliding window ${p.slidingWindow} (masked; MACs count the full s×s)` : undefined;
  return moduleNode(path, `${v.prefix}Attention`, children, { outputShapes: [x], note });
}

/** Gated MLP: down(act(gate(x)) * up(x)). The product keeps both factors; down_proj keeps the product. */
function gatedMlp(v: LlamaVariant, p: LlamaParams, path: string, x: Shape): LayerNode {
  const inner = withLast(x, p.ffn);
  const rows = rowsOf(x);
  if (v.fused) {
    // Phi-3: gate_up_proj output is chunked into views; act keeps the gate view (same storage as the
    // gate_up output), the product keeps up (same storage) and act's output.
    const gateUp = linear(child(path, 'gate_up_proj'), p.hidden, 2 * p.ffn, p.mlpBias, x);
    const act = activation(child(path, 'activation_fn'), p.act, inner, { savedStorage: 2 * p.ffn * rows });
    return moduleNode(path, `${v.prefix}MLP`, [gateUp, linear(child(path, 'down_proj'), p.ffn, p.hidden, p.mlpBias, inner), act], {
      saves: { elements: rows * p.ffn, fixedBytes: 0 },
      outputShapes: [x],
    });
  }
  return moduleNode(
    path,
    `${v.prefix}MLP`,
    [
      linear(child(path, 'gate_proj'), p.hidden, p.ffn, p.mlpBias, x),
      linear(child(path, 'up_proj'), p.hidden, p.ffn, p.mlpBias, x, { saveInput: false }),
      linear(child(path, 'down_proj'), p.ffn, p.hidden, p.mlpBias, inner),
      activation(child(path, 'act_fn'), p.act, inner),
    ],
    { saves: { elements: 2 * rows * p.ffn, fixedBytes: 0 }, outputShapes: [x] },
  );
}

/** An activation node whose saved input is a slice of a larger tensor (the fused gate_up output). */
function activation(path: string, name: string, shape: Shape, opts: { savedStorage?: number } = {}): LayerNode {
  const row = activationRow(name);
  const n = shape.reduce((a, b) => a * b, 1);
  return moduleNode(path, row.module, [], {
    saves: { elements: opts.savedStorage ?? row.savedCopies * n, fixedBytes: 0 },
    outputShapes: [shape],
    note: row.known ? undefined : `unknown activation "${name}": one saved tensor assumed`,
  });
}

/**
 * Mixtral's sparse MoE block: a router (gate) and num_local_experts SwiGLU experts, each token sent to
 * num_experts_per_tok of them. MACs and saved tensors assume uniform routing (each expert sees tokens·k/E rows).
 */
function moeBlock(v: LlamaVariant, p: LlamaParams, path: string, x: Shape): LayerNode {
  const tokens = rowsOf(x);
  const rows = (tokens * p.expertsPerToken) / p.experts;
  const shownRows = Math.round(rows);
  const experts: LayerNode[] = [];
  for (let e = 0; e < p.experts; e++) {
    const ep = child(child(path, 'experts'), e);
    const ex: Shape = [shownRows, p.hidden];
    const inner: Shape = [shownRows, p.ffn];
    const w1 = linear(child(ep, 'w1'), p.hidden, p.ffn, false, ex, { rows });
    const w2 = linear(child(ep, 'w2'), p.ffn, p.hidden, false, inner, { rows });
    const w3 = linear(child(ep, 'w3'), p.hidden, p.ffn, false, ex, { rows, saveInput: false });
    const row = activationRow(p.act);
    const act = moduleNode(child(ep, 'act_fn'), row.module, [], {
      saves: { elements: row.savedCopies * rows * p.ffn, fixedBytes: 0 },
      outputShapes: [inner],
    });
    experts.push(
      moduleNode(ep, `${v.prefix}BlockSparseTop2MLP`, [w1, w2, w3, act], {
        // act(w1 x) * w3 x keeps both factors.
        saves: { elements: 2 * rows * p.ffn, fixedBytes: 0 },
        outputShapes: [ex],
        note: `uniform routing assumed: ${rows} of ${tokens} token rows`,
      }),
    );
  }
  const gate = linear(child(path, 'gate'), p.hidden, p.experts, false, withLast(x, p.hidden));
  return moduleNode(path, `${v.prefix}SparseMoeBlock`, [gate, moduleList(child(path, 'experts'), experts)], {
    outputShapes: [x],
    // Router softmax kept in fp32, top-k indices (int64), and per expert: the gathered token
    // indices (int64), each expert's output and its routing weight for the weighted sum.
    saves: {
      elements: p.experts * rows * (p.hidden + 1),
      fixedBytes: 4 * tokens * p.experts + 8 * tokens * p.expertsPerToken + 8 * p.experts * rows,
    },
    note: `${p.experts} experts, ${p.expertsPerToken} per token`,
  });
}

function decoderLayer(v: LlamaVariant, p: LlamaParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const norm = `${v.prefix}RMSNorm`;
  const children: LayerNode[] = [attentionBlock(v, p, child(path, 'self_attn'), x, ctx)];
  children.push(p.experts > 0 ? moeBlock(v, p, child(path, 'block_sparse_moe'), x) : gatedMlp(v, p, child(path, 'mlp'), x));
  children.push(rmsNorm(child(path, 'input_layernorm'), norm, p.hidden, x));
  if (v.fused) {
    children.push(dropout(child(path, 'resid_attn_dropout'), p.residDropout, x));
    children.push(dropout(child(path, 'resid_mlp_dropout'), p.residDropout, x));
  }
  children.push(rmsNorm(child(path, 'post_attention_layernorm'), norm, p.hidden, x));
  return moduleNode(path, `${v.prefix}DecoderLayer`, children, { outputShapes: [x] });
}

function backbone(v: LlamaVariant, p: LlamaParams, path: string, ctx: BuildContext): LayerNode {
  const ids: Shape = [ctx.batch, ctx.seq];
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const children: LayerNode[] = [embedding(child(path, 'embed_tokens'), p.vocab, p.hidden, ids)];
  if (v.fused) children.push(dropout(child(path, 'embed_dropout'), p.embdDropout, x));
  children.push(layerStack(path, 'layers', p.layers, (layerPath) => decoderLayer(v, p, layerPath, x, ctx)));
  children.push(rmsNorm(child(path, 'norm'), `${v.prefix}RMSNorm`, p.hidden, x));
  // inv_freq: one entry per rotated pair of the head dimension.
  children.push(bufferModule(child(path, 'rotary_emb'), `${v.prefix}RotaryEmbedding`, Math.floor(p.headDim / 2)));
  return moduleNode(path, `${v.prefix}Model`, children, { outputShapes: [x] });
}

export const LLAMA_RULES: ArchitectureRule[] = LLAMA_VARIANTS.map((v) =>
  decoderRule<LlamaParams>({
    modelType: v.modelType,
    prefix: v.prefix,
    source: v.source,
    defaultAttention: 'sdpa',
    maxSeq: (c) => c.int('max_position_embeddings', v.defaults.maxPos),
    readParams: (c) => readParams(v, c),
    backboneAttr: 'model',
    backbone: (p, path, ctx) => backbone(v, p, path, ctx),
    lmHead: { name: 'lm_head', tiedTo: 'embed_tokens' },
    stack: (p) => ({
      layers: p.layers,
      hidden: p.hidden,
      heads: p.heads,
      kvHeads: p.kvHeads,
      headDim: p.headDim,
      ffn: p.ffn,
      // Every row here has a gated (three-matrix) MLP: SwiGLU, or GeGLU for Gemma.
      mlp: activationRow(p.act).family === 'relu' ? 'relu' : 'swiglu',
      maxSeq: p.maxPos,
      extra: {
        ...(p.slidingWindow !== undefined ? { slidingWindow: p.slidingWindow } : {}),
        ...(p.experts > 0 ? { experts: p.experts, expertsPerToken: p.expertsPerToken } : {}),
      },
    }),
  }),
);
