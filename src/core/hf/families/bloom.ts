/**
 * BLOOM (model_type "bloom"): ALiBi positions (no position table and no length limit),
 * a LayerNorm right after the word embeddings, fused query_key_value with biases,
 * 4·hidden GELU MLP, tied LM head.
 *
 * Tree and defaults: transformers 4.48 models/bloom/modeling_bloom.py and
 * configuration_bloom.py (vocab 250880, hidden_size 64 (`n_embed` in older configs),
 * n_layer 2, n_head 8, dropouts 0.0). BLOOM has only eager attention, with the
 * softmax in fp32; its BloomGelu keeps just its input for backward.
 */
import type { LayerNode, Shape, TransformerInfo } from '../../graph';
import type { ConfigReader } from '../configReader';
import {
  activation,
  attentionCore,
  type BuildContext,
  child,
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

interface BloomParams {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  attnDrop: number;
  tie: boolean;
  maxSeq?: number;
  labels: number;
}

function readParams(c: ConfigReader): BloomParams {
  // BloomConfig: an `n_embed` argument wins over hidden_size.
  const hidden = c.int(['n_embed', 'hidden_size'], 64);
  const heads = c.int(['n_head', 'num_attention_heads'], 8);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `hidden_size ${hidden} is not divisible by n_head ${heads}.`);
  return {
    vocab: c.int('vocab_size', 250880),
    hidden,
    layers: c.int(['n_layer', 'num_hidden_layers'], 2),
    heads,
    attnDrop: c.num('attention_dropout', 0),
    tie: c.bool('tie_word_embeddings', true),
    maxSeq: c.optInt('seq_length'),
    labels: numLabels(c),
  };
}

function block(p: BloomParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const headDim = Math.floor(p.hidden / p.heads);
  const attnPath = child(path, 'self_attention');
  const attn = moduleNode(
    attnPath,
    'BloomAttention',
    [
      linear(child(attnPath, 'query_key_value'), p.hidden, 3 * p.hidden, true, x),
      linear(child(attnPath, 'dense'), p.hidden, p.hidden, true, x),
      attentionCore(
        attnPath,
        { heads: p.heads, kvHeads: p.heads, headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true, dropout: p.attnDrop, eagerSoftmaxFp32: true },
        ctx,
      ),
      probabilityDropout(child(attnPath, 'attention_dropout'), p.attnDrop, [ctx.batch, p.heads, ctx.seq, ctx.seq], ctx),
    ],
    { outputShapes: [x], note: 'ALiBi position bias' },
  );
  const inner = withLast(x, 4 * p.hidden);
  const mlpPath = child(path, 'mlp');
  const mlp = moduleNode(
    mlpPath,
    'BloomMLP',
    [
      linear(child(mlpPath, 'dense_h_to_4h'), p.hidden, 4 * p.hidden, true, x),
      activation(child(mlpPath, 'gelu_impl'), 'bloom_gelu', inner),
      linear(child(mlpPath, 'dense_4h_to_h'), 4 * p.hidden, p.hidden, true, inner),
    ],
    { outputShapes: [x] },
  );
  return moduleNode(
    path,
    'BloomBlock',
    [layerNorm(child(path, 'input_layernorm'), p.hidden, x), attn, layerNorm(child(path, 'post_attention_layernorm'), p.hidden, x), mlp],
    { outputShapes: [x] },
  );
}

function backbone(p: BloomParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const blocks: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) blocks.push(block(p, child(child(path, 'h'), i), x, ctx));
  return moduleNode(
    path,
    'BloomModel',
    [
      embedding(child(path, 'word_embeddings'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      layerNorm(child(path, 'word_embeddings_layernorm'), p.hidden, x),
      moduleList(child(path, 'h'), blocks),
      layerNorm(child(path, 'ln_f'), p.hidden, x),
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
    root = moduleNode('', 'BloomForSequenceClassification', [backbone(p, 'transformer', ctx), sequenceScore('score', p.hidden, p.labels, x)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    const lmHead = linear('lm_head', p.hidden, p.vocab, false, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to transformer.word_embeddings.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'BloomForCausalLM', [backbone(p, 'transformer', ctx), lmHead], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
  }
  const transformer: TransformerInfo = {
    layers: p.layers,
    hidden: p.hidden,
    heads: p.heads,
    kvHeads: p.heads,
    headDim: Math.floor(p.hidden / p.heads),
    ffn: 4 * p.hidden,
    mlp: 'gelu',
    vocab: head === 'causal-lm' ? p.vocab : undefined,
    decoder: true,
    causal: true,
    tiedEmbeddings: p.tie,
    fusedAttention: ctx.fusedAttention,
  };
  if (p.maxSeq !== undefined) transformer.maxSeq = p.maxSeq;
  return { root, transformer, inputShapes: [[ctx.batch, ctx.seq]], inputDescription: `input_ids [${ctx.batch}, ${ctx.seq}]` };
}

export const BLOOM_RULE: ArchitectureRule = {
  modelType: 'bloom',
  classes: { base: 'BloomModel', 'causal-lm': 'BloomForCausalLM', 'sequence-classification': 'BloomForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/bloom/modeling_bloom.py (v4.48)',
  defaultAttention: 'eager',
  // ALiBi has no position table; only an explicit seq_length bounds the context.
  maxSeq: (c) => c.optInt('seq_length'),
  build,
};
