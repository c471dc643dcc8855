/**
 * Falcon (model_type "falcon"; older checkpoints say "RefinedWebModel"/"RefinedWeb"):
 * fused query_key_value sized by the attention variant, parallel attention and MLP,
 * rotary positions (or ALiBi), tied LM head.
 *
 * qkv output width (FalconAttention):
 * - new_decoder_architecture (Falcon-40B/180B): (2·num_kv_heads + num_heads)·head_dim, two norms ln_attn/ln_mlp;
 * - multi_query (Falcon-7B): hidden + 2·head_dim (one shared K/V head);
 * - otherwise 3·hidden.
 * Tree and defaults: transformers 4.48 models/falcon/modeling_falcon.py and
 * configuration_falcon.py (vocab 65024, hidden 4544, 32 layers, 71 heads,
 * multi_query, parallel_attn, no bias, ffn 4·hidden, max_position_embeddings 2048).
 */
import type { LayerNode, Shape, TransformerInfo } from '../../graph';
import type { ConfigReader } from '../configReader';
import {
  activation,
  attentionCore,
  bufferModule,
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

interface FalconParams {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  qkvOut: number;
  ffn: number;
  act: string;
  bias: boolean;
  parallel: boolean;
  /** LayerNorms in a parallel block: 2 (ln_attn, ln_mlp) or 1 (input_layernorm). */
  parallelNorms: number;
  alibi: boolean;
  maxPos: number;
  attnDrop: number;
  tie: boolean;
  labels: number;
}

function readParams(c: ConfigReader): FalconParams {
  const hidden = c.int(['hidden_size', 'n_embed'], 4544);
  const heads = c.int(['num_attention_heads', 'n_head'], 71);
  const headDim = Math.floor(hidden / heads);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `hidden_size ${hidden} is not divisible by num_attention_heads ${heads}.`);
  const newArch = c.bool('new_decoder_architecture', false);
  const multiQuery = c.bool('multi_query', true);
  const configKv = c.int(['num_kv_heads', 'n_head_kv'], heads);
  const kvHeads = newArch ? configKv : multiQuery ? 1 : heads;
  const qkvOut = newArch ? (2 * kvHeads + heads) * headDim : multiQuery ? hidden + 2 * headDim : 3 * hidden;
  const normsSetting = c.optInt('num_ln_in_parallel_attn');
  return {
    vocab: c.int('vocab_size', 65024),
    hidden,
    layers: c.int(['num_hidden_layers', 'n_layer'], 32),
    heads,
    kvHeads,
    headDim,
    qkvOut,
    ffn: c.optInt('ffn_hidden_size') ?? 4 * hidden,
    act: c.str('activation', 'gelu'),
    bias: c.bool('bias', false),
    parallel: c.bool('parallel_attn', true) || newArch,
    parallelNorms: normsSetting ?? (newArch ? 2 : 1),
    alibi: c.bool('alibi', false),
    maxPos: c.int('max_position_embeddings', 2048),
    attnDrop: c.num('attention_dropout', 0),
    tie: c.bool('tie_word_embeddings', true),
    labels: numLabels(c),
  };
}

function layer(p: FalconParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attnPath = child(path, 'self_attention');
  const fl = 'FalconLinear';
  const attn = moduleNode(
    attnPath,
    'FalconAttention',
    [
      linear(child(attnPath, 'query_key_value'), p.hidden, p.qkvOut, p.bias, x, { type: fl }),
      linear(child(attnPath, 'dense'), p.heads * p.headDim, p.hidden, p.bias, x, { type: fl }),
      attentionCore(
        attnPath,
        { heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true, dropout: p.attnDrop, eagerSoftmaxFp32: true },
        ctx,
      ),
      probabilityDropout(child(attnPath, 'attention_dropout'), p.attnDrop, [ctx.batch, p.heads, ctx.seq, ctx.seq], ctx),
    ],
    { outputShapes: [x], note: p.alibi ? 'ALiBi position bias' : undefined },
  );
  const inner = withLast(x, p.ffn);
  const mlpPath = child(path, 'mlp');
  // With one norm in a parallel block, the MLP reads the same normalised tensor as qkv: kept once.
  const mlpSavesInput = !(p.parallel && p.parallelNorms === 1);
  const mlp = moduleNode(
    mlpPath,
    'FalconMLP',
    [
      linear(child(mlpPath, 'dense_h_to_4h'), p.hidden, p.ffn, p.bias, x, { type: fl, saveInput: mlpSavesInput }),
      activation(child(mlpPath, 'act'), p.act, inner),
      linear(child(mlpPath, 'dense_4h_to_h'), p.ffn, p.hidden, p.bias, inner, { type: fl }),
    ],
    { outputShapes: [x] },
  );
  const children: LayerNode[] = [attn, mlp];
  if (!p.parallel) {
    children.push(layerNorm(child(path, 'post_attention_layernorm'), p.hidden, x));
    children.push(layerNorm(child(path, 'input_layernorm'), p.hidden, x));
  } else if (p.parallelNorms === 2) {
    // Both norms read the block input: kept once.
    children.push(layerNorm(child(path, 'ln_attn'), p.hidden, x));
    children.push(layerNorm(child(path, 'ln_mlp'), p.hidden, x, { saveInput: false }));
  } else {
    children.push(layerNorm(child(path, 'input_layernorm'), p.hidden, x));
  }
  return moduleNode(path, 'FalconDecoderLayer', children, { outputShapes: [x] });
}

function backbone(p: FalconParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const layers: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) layers.push(layer(p, child(child(path, 'h'), i), x, ctx));
  const children: LayerNode[] = [
    embedding(child(path, 'word_embeddings'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
    moduleList(child(path, 'h'), layers),
    layerNorm(child(path, 'ln_f'), p.hidden, x),
  ];
  if (!p.alibi) children.push(bufferModule(child(path, 'rotary_emb'), 'FalconRotaryEmbedding', Math.floor(p.headDim / 2)));
  return moduleNode(path, 'FalconModel', children, { outputShapes: [x] });
}

function build(c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = readParams(c);
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  let root: LayerNode;
  if (head === 'base') {
    root = backbone(p, '', ctx);
  } else if (head === 'sequence-classification') {
    root = moduleNode('', 'FalconForSequenceClassification', [backbone(p, 'transformer', ctx), sequenceScore('score', p.hidden, p.labels, x)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    const lmHead = linear('lm_head', p.hidden, p.vocab, false, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to transformer.word_embeddings.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'FalconForCausalLM', [backbone(p, 'transformer', ctx), lmHead], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
  }
  const transformer: TransformerInfo = {
    layers: p.layers,
    hidden: p.hidden,
    heads: p.heads,
    kvHeads: p.kvHeads,
    headDim: p.headDim,
    ffn: p.ffn,
    mlp: 'gelu',
    vocab: head === 'causal-lm' ? p.vocab : undefined,
    decoder: true,
    causal: true,
    maxSeq: p.maxPos,
    tiedEmbeddings: p.tie,
    fusedAttention: ctx.fusedAttention,
  };
  return { root, transformer, inputShapes: [[ctx.batch, ctx.seq]], inputDescription: `input_ids [${ctx.batch}, ${ctx.seq}]` };
}

export const FALCON_RULE: ArchitectureRule = {
  modelType: 'falcon',
  aliases: ['RefinedWebModel', 'RefinedWeb'],
  classes: { base: 'FalconModel', 'causal-lm': 'FalconForCausalLM', 'sequence-classification': 'FalconForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/falcon/modeling_falcon.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq: (c) => c.int('max_position_embeddings', 2048),
  build,
};
