/**
 * OPT (model_type "opt"): learned positions with an offset of 2, ReLU MLP (fc1/fc2),
 * pre-norm (or post-norm for OPT-350m: do_layer_norm_before false), optional
 * project_in/project_out when word_embed_proj_dim differs from hidden_size, tied head.
 *
 * Tree and defaults: transformers 4.48 models/opt/modeling_opt.py and
 * configuration_opt.py (vocab 50272, hidden 768, 12 layers, ffn_dim 3072, 12 heads,
 * max_position_embeddings 2048, relu, dropout 0.1, attention_dropout 0.0).
 * Residual dropouts are functional (F.dropout) inside OPTDecoderLayer: counted on the layer.
 */
import type { LayerNode, Shape, TransformerInfo } from '../../graph';
import type { ConfigReader } from '../configReader';
import { activationRow } from '../activations';
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
  withLast,
} from '../layers';
import { numel } from '../../frameworks/layerSpec';
import type { ArchitectureRule, BuiltModel, HfHead } from '../types';
import { numLabels, sequenceScore } from './heads';

/** OPTLearnedPositionalEmbedding keeps 2 extra rows (fairseq's padding offset). */
const POSITION_OFFSET = 2;

interface OptParams {
  vocab: number;
  hidden: number;
  proj: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPos: number;
  act: string;
  preNorm: boolean;
  finalNorm: boolean;
  bias: boolean;
  affine: boolean;
  dropout: number;
  attnDrop: number;
  tie: boolean;
  labels: number;
}

function readParams(c: ConfigReader): OptParams {
  const hidden = c.int('hidden_size', 768);
  const heads = c.int('num_attention_heads', 12);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `hidden_size ${hidden} is not divisible by num_attention_heads ${heads}.`);
  const preNorm = c.bool('do_layer_norm_before', true);
  return {
    vocab: c.int('vocab_size', 50272),
    hidden,
    proj: c.optInt('word_embed_proj_dim') ?? hidden,
    layers: c.int('num_hidden_layers', 12),
    heads,
    ffn: c.int('ffn_dim', 3072),
    maxPos: c.int('max_position_embeddings', 2048),
    act: c.str('activation_function', 'relu'),
    preNorm,
    finalNorm: preNorm && !c.bool('_remove_final_layer_norm', false),
    bias: c.bool('enable_bias', true),
    affine: c.bool('layer_norm_elementwise_affine', true),
    dropout: c.num('dropout', 0.1),
    attnDrop: c.num('attention_dropout', 0),
    tie: c.bool('tie_word_embeddings', true),
    labels: numLabels(c),
  };
}

function decoderLayer(p: OptParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const headDim = Math.floor(p.hidden / p.heads);
  const attnPath = child(path, 'self_attn');
  const attn = moduleNode(
    attnPath,
    'OPTAttention',
    [
      linear(child(attnPath, 'k_proj'), p.hidden, p.hidden, p.bias, x, { saveInput: false }),
      linear(child(attnPath, 'v_proj'), p.hidden, p.hidden, p.bias, x, { saveInput: false }),
      linear(child(attnPath, 'q_proj'), p.hidden, p.hidden, p.bias, x),
      attentionCore(
        attnPath,
        { heads: p.heads, kvHeads: p.heads, headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true, dropout: p.attnDrop },
        ctx,
      ),
      linear(child(attnPath, 'out_proj'), p.hidden, p.hidden, p.bias, x),
    ],
    { outputShapes: [x] },
  );
  const inner = withLast(x, p.ffn);
  // Two functional dropouts (after attention, after fc2) keep bool masks in training.
  const masks = p.dropout > 0 ? 2 * numel(x) : 0;
  return moduleNode(
    path,
    'OPTDecoderLayer',
    [
      attn,
      activation(child(path, 'activation_fn'), p.act, inner),
      layerNorm(child(path, 'self_attn_layer_norm'), p.hidden, x, { affine: p.affine }),
      linear(child(path, 'fc1'), p.hidden, p.ffn, p.bias, x),
      // fc2 reads the activation's output, which the activation keeps already (ReLU keeps its result).
      linear(child(path, 'fc2'), p.ffn, p.hidden, p.bias, inner, { saveInput: activationRow(p.act).family !== 'relu' }),
      layerNorm(child(path, 'final_layer_norm'), p.hidden, x, { affine: p.affine }),
    ],
    { saves: { elements: 0, fixedBytes: masks }, outputShapes: [x], note: `residual dropout p=${p.dropout}` },
  );
}

function backbone(p: OptParams, path: string, ctx: BuildContext): LayerNode {
  const dec = child(path, 'decoder');
  const ids: Shape = [ctx.batch, ctx.seq];
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const projected: Shape = [ctx.batch, ctx.seq, p.proj];
  const layers: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) layers.push(decoderLayer(p, child(child(dec, 'layers'), i), x, ctx));
  const children: LayerNode[] = [
    embedding(child(dec, 'embed_tokens'), p.vocab, p.proj, ids),
    embedding(child(dec, 'embed_positions'), p.maxPos + POSITION_OFFSET, p.hidden, ids, { type: 'OPTLearnedPositionalEmbedding' }),
  ];
  if (p.proj !== p.hidden) {
    children.push(linear(child(dec, 'project_out'), p.hidden, p.proj, false, x));
    children.push(linear(child(dec, 'project_in'), p.proj, p.hidden, false, projected));
  }
  if (p.finalNorm) children.push(layerNorm(child(dec, 'final_layer_norm'), p.hidden, x, { affine: p.affine }));
  children.push(moduleList(child(dec, 'layers'), layers));
  const out = p.proj !== p.hidden ? projected : x;
  const decoder = moduleNode(dec, 'OPTDecoder', children, { outputShapes: [out] });
  return moduleNode(path, 'OPTModel', [decoder], { outputShapes: [out] });
}

function build(c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = readParams(c);
  const out: Shape = [ctx.batch, ctx.seq, p.proj];
  let root: LayerNode;
  if (head === 'base') {
    root = backbone(p, '', ctx);
  } else if (head === 'sequence-classification') {
    root = moduleNode('', 'OPTForSequenceClassification', [backbone(p, 'model', ctx), sequenceScore('score', p.proj, p.labels, out)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    const lmHead = linear('lm_head', p.proj, p.vocab, false, out, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to model.decoder.embed_tokens.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'OPTForCausalLM', [backbone(p, 'model', ctx), lmHead], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
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

export const OPT_RULE: ArchitectureRule = {
  modelType: 'opt',
  classes: { base: 'OPTModel', 'causal-lm': 'OPTForCausalLM', 'sequence-classification': 'OPTForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/opt/modeling_opt.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq: (c) => c.int('max_position_embeddings', 2048),
  build,
};
