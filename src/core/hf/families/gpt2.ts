/**
 * GPT-2 (model_type "gpt2"): learned positions, pre-norm LayerNorm, fused c_attn,
 * Conv1D projections (weight stored [in, out]), GELU-new MLP, tied LM head.
 *
 * Tree and defaults: transformers 4.48 models/gpt2/modeling_gpt2.py and
 * configuration_gpt2.py (vocab 50257, n_positions 1024, n_embd 768, n_layer 12,
 * n_head 12, activation gelu_new, dropouts 0.1). GPT2Attention registers two
 * non-persistent buffers: the causal mask `bias` [1, 1, n_positions, n_positions]
 * and `masked_bias` (a scalar); torch's buffers() counts both.
 */
import type { LayerNode, Shape, TransformerInfo } from '../../graph';
import type { ConfigReader } from '../configReader';
import { activationRow } from '../activations';
import {
  activation,
  attentionCore,
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

interface Gpt2Params {
  vocab: number;
  positions: number;
  hidden: number;
  layers: number;
  heads: number;
  inner: number;
  act: string;
  residDrop: number;
  embdDrop: number;
  attnDrop: number;
  tie: boolean;
  labels: number;
}

function readParams(c: ConfigReader): Gpt2Params {
  const hidden = c.int(['n_embd', 'hidden_size'], 768);
  const heads = c.int(['n_head', 'num_attention_heads'], 12);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `n_embd ${hidden} is not divisible by n_head ${heads}.`);
  return {
    vocab: c.int('vocab_size', 50257),
    positions: c.int(['n_positions', 'max_position_embeddings'], 1024),
    hidden,
    layers: c.int(['n_layer', 'num_hidden_layers'], 12),
    heads,
    inner: c.optInt('n_inner') ?? 4 * hidden,
    act: c.str('activation_function', 'gelu_new'),
    residDrop: c.num('resid_pdrop', 0.1),
    embdDrop: c.num('embd_pdrop', 0.1),
    attnDrop: c.num('attn_pdrop', 0.1),
    tie: c.bool('tie_word_embeddings', true),
    labels: numLabels(c),
  };
}

const conv1d = (path: string, nx: number, nf: number, x: Shape, saveInput = true): LayerNode =>
  linear(path, nx, nf, true, x, { type: 'Conv1D', saveInput });

function block(p: Gpt2Params, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const headDim = Math.floor(p.hidden / p.heads);
  const attnPath = child(path, 'attn');
  const probDrop = probabilityDropout(child(attnPath, 'attn_dropout'), p.attnDrop, [ctx.batch, p.heads, ctx.seq, ctx.seq], ctx);
  const attn = moduleNode(
    attnPath,
    'GPT2Attention',
    [
      conv1d(child(attnPath, 'c_attn'), p.hidden, 3 * p.hidden, x),
      conv1d(child(attnPath, 'c_proj'), p.hidden, p.hidden, x),
      // q, k and v are views into c_attn's output: the kernel keeps that one tensor.
      attentionCore(
        attnPath,
        { heads: p.heads, kvHeads: p.heads, headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true, dropout: p.attnDrop },
        ctx,
      ),
      probDrop,
      dropout(child(attnPath, 'resid_dropout'), p.residDrop, x),
    ],
    { ownBuffers: p.positions * p.positions + 1, outputShapes: [x] },
  );
  const inner = withLast(x, p.inner);
  const mlpPath = child(path, 'mlp');
  const mlp = moduleNode(
    mlpPath,
    'GPT2MLP',
    [
      conv1d(child(mlpPath, 'c_fc'), p.hidden, p.inner, x),
      conv1d(child(mlpPath, 'c_proj'), p.inner, p.hidden, inner),
      activation(child(mlpPath, 'act'), p.act, inner),
      dropout(child(mlpPath, 'dropout'), p.residDrop, x),
    ],
    { outputShapes: [x] },
  );
  return moduleNode(
    path,
    'GPT2Block',
    [layerNorm(child(path, 'ln_1'), p.hidden, x), attn, layerNorm(child(path, 'ln_2'), p.hidden, x), mlp],
    { outputShapes: [x] },
  );
}

function backbone(p: Gpt2Params, path: string, ctx: BuildContext): LayerNode {
  const ids: Shape = [ctx.batch, ctx.seq];
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const blocks: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) blocks.push(block(p, child(child(path, 'h'), i), x, ctx));
  const wpe = embedding(child(path, 'wpe'), p.positions, p.hidden, [1, ctx.seq]);
  wpe.outputShapes = [[1, ctx.seq, p.hidden]];
  return moduleNode(
    path,
    'GPT2Model',
    [
      embedding(child(path, 'wte'), p.vocab, p.hidden, ids),
      wpe,
      dropout(child(path, 'drop'), p.embdDrop, x),
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
    root = moduleNode('', 'GPT2ForSequenceClassification', [backbone(p, 'transformer', ctx), sequenceScore('score', p.hidden, p.labels, x)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    const lmHead = linear('lm_head', p.hidden, p.vocab, false, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to transformer.wte.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'GPT2LMHeadModel', [backbone(p, 'transformer', ctx), lmHead], {
      outputShapes: [[ctx.batch, ctx.seq, p.vocab]],
    });
  }
  const transformer: TransformerInfo = {
    layers: p.layers,
    hidden: p.hidden,
    heads: p.heads,
    kvHeads: p.heads,
    headDim: Math.floor(p.hidden / p.heads),
    ffn: p.inner,
    mlp: activationRow(p.act).family === 'relu' ? 'relu' : 'gelu',
    vocab: head === 'causal-lm' ? p.vocab : undefined,
    decoder: true,
    causal: true,
    maxSeq: p.positions,
    tiedEmbeddings: p.tie,
    fusedAttention: ctx.fusedAttention,
  };
  return { root, transformer, inputShapes: [[ctx.batch, ctx.seq]], inputDescription: `input_ids [${ctx.batch}, ${ctx.seq}]` };
}

export const GPT2_RULE: ArchitectureRule = {
  modelType: 'gpt2',
  classes: { base: 'GPT2Model', 'causal-lm': 'GPT2LMHeadModel', 'sequence-classification': 'GPT2ForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/gpt2/modeling_gpt2.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq: (c) => c.int(['n_positions', 'max_position_embeddings'], 1024),
  build,
};
