/**
 * GPT-NeoX and Pythia (model_type "gpt_neox"): fused query_key_value with biases,
 * partial rotary (rotary_pct of each head), parallel residual (attention and MLP both
 * read the block input), untied embed_out.
 *
 * Tree and defaults: transformers 4.48 models/gpt_neox/modeling_gpt_neox.py and
 * configuration_gpt_neox.py (GPT-NeoX-20B: vocab 50432, hidden 6144, 44 layers,
 * 64 heads, intermediate 24576, rotary_pct 0.25, max_position_embeddings 2048).
 */
import type { LayerNode, Shape, TransformerInfo } from '../../graph';
import type { ConfigReader } from '../configReader';
import { activationRow } from '../activations';
import {
  activation,
  attentionCore,
  bufferModule,
  type BuildContext,
  child,
  dropout,
  embedding,
  layerNorm,
  linear,
  moduleList,
  moduleNode,
  probabilityDropout,
  withLast,
} from '../layers';
import type { ArchitectureRule, BuiltModel, HfHead } from '../types';
import { numLabels, sequenceScore } from './heads';

interface NeoxParams {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  act: string;
  rotaryPct: number;
  maxPos: number;
  parallel: boolean;
  bias: boolean;
  attnDrop: number;
  hiddenDrop: number;
  tie: boolean;
  labels: number;
}

function readParams(c: ConfigReader): NeoxParams {
  const hidden = c.int('hidden_size', 6144);
  const heads = c.int('num_attention_heads', 64);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `hidden_size ${hidden} is not divisible by num_attention_heads ${heads}.`);
  return {
    vocab: c.int('vocab_size', 50432),
    hidden,
    layers: c.int('num_hidden_layers', 44),
    heads,
    ffn: c.int('intermediate_size', 24576),
    act: c.str('hidden_act', 'gelu'),
    rotaryPct: c.num('rotary_pct', 0.25),
    maxPos: c.int('max_position_embeddings', 2048),
    parallel: c.bool('use_parallel_residual', true),
    bias: c.bool('attention_bias', true),
    attnDrop: c.num('attention_dropout', 0),
    hiddenDrop: c.num('hidden_dropout', 0),
    tie: c.bool('tie_word_embeddings', false),
    labels: numLabels(c),
  };
}

function layer(p: NeoxParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const headDim = Math.floor(p.hidden / p.heads);
  const attnPath = child(path, 'attention');
  const attention = moduleNode(
    attnPath,
    'GPTNeoXAttention',
    [
      linear(child(attnPath, 'query_key_value'), p.hidden, 3 * p.hidden, p.bias, x),
      linear(child(attnPath, 'dense'), p.hidden, p.hidden, p.bias, x),
      attentionCore(
        attnPath,
        {
          heads: p.heads, kvHeads: p.heads, headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true,
          dropout: p.attnDrop,
          // Q and K are rebuilt by the partial rotary; V stays a view of the fused qkv output.
          vStoragePerToken: 3 * p.hidden,
        },
        ctx,
      ),
      probabilityDropout(child(attnPath, 'attention_dropout'), p.attnDrop, [ctx.batch, p.heads, ctx.seq, ctx.seq], ctx),
    ],
    { outputShapes: [x] },
  );
  const inner = withLast(x, p.ffn);
  const mlpPath = child(path, 'mlp');
  const mlp = moduleNode(
    mlpPath,
    'GPTNeoXMLP',
    [
      linear(child(mlpPath, 'dense_h_to_4h'), p.hidden, p.ffn, true, x),
      linear(child(mlpPath, 'dense_4h_to_h'), p.ffn, p.hidden, true, inner),
      activation(child(mlpPath, 'act'), p.act, inner),
    ],
    { outputShapes: [x] },
  );
  return moduleNode(
    path,
    'GPTNeoXLayer',
    [
      layerNorm(child(path, 'input_layernorm'), p.hidden, x),
      // Parallel residual: both norms read the same block input, kept once.
      layerNorm(child(path, 'post_attention_layernorm'), p.hidden, x, { saveInput: !p.parallel }),
      dropout(child(path, 'post_attention_dropout'), p.hiddenDrop, x),
      dropout(child(path, 'post_mlp_dropout'), p.hiddenDrop, x),
      attention,
      mlp,
    ],
    { outputShapes: [x] },
  );
}

function backbone(p: NeoxParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const layers: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) layers.push(layer(p, child(child(path, 'layers'), i), x, ctx));
  const rotaryDims = Math.floor(Math.floor(p.hidden / p.heads) * p.rotaryPct);
  return moduleNode(
    path,
    'GPTNeoXModel',
    [
      embedding(child(path, 'embed_in'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      dropout(child(path, 'emb_dropout'), p.hiddenDrop, x),
      moduleList(child(path, 'layers'), layers),
      layerNorm(child(path, 'final_layer_norm'), p.hidden, x),
      bufferModule(child(path, 'rotary_emb'), 'GPTNeoXRotaryEmbedding', Math.floor(rotaryDims / 2)),
    ],
    { outputShapes: [x] },
  );
}

function build(c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = readParams(c);
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  let root: LayerNode;
  if (head === 'base') {
    root = backbone(p, '', ctx);
  } else if (head === 'sequence-classification') {
    root = moduleNode('', 'GPTNeoXForSequenceClassification', [backbone(p, 'gpt_neox', ctx), sequenceScore('score', p.hidden, p.labels, x)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    const out = linear('embed_out', p.hidden, p.vocab, false, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to gpt_neox.embed_in.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'GPTNeoXForCausalLM', [backbone(p, 'gpt_neox', ctx), out], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
  }
  const transformer: TransformerInfo = {
    layers: p.layers,
    hidden: p.hidden,
    heads: p.heads,
    kvHeads: p.heads,
    headDim: Math.floor(p.hidden / p.heads),
    ffn: p.ffn,
    mlp: activationRow(p.act).family === 'relu' ? 'relu' : 'gelu',
    vocab: head === 'causal-lm' ? p.vocab : undefined,
    decoder: true,
    causal: true,
    maxSeq: p.maxPos,
    tiedEmbeddings: p.tie,
    fusedAttention: ctx.fusedAttention,
  };
  return { root, transformer, inputShapes: [[ctx.batch, ctx.seq]], inputDescription: `input_ids [${ctx.batch}, ${ctx.seq}]` };
}

export const GPT_NEOX_RULE: ArchitectureRule = {
  modelType: 'gpt_neox',
  classes: { base: 'GPTNeoXModel', 'causal-lm': 'GPTNeoXForCausalLM', 'sequence-classification': 'GPTNeoXForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/gpt_neox/modeling_gpt_neox.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq: (c) => c.int('max_position_embeddings', 2048),
  build,
};
