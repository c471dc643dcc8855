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
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { bufferModule, type BuildContext, child, embedding, layerNorm, moduleNode } from '../layers';
import { fusedQkvAttention, layerStack, twoLayerMlp } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';

const maxSeq = (c: ConfigReader): number => c.int('max_position_embeddings', 2048);

function readParams(c: ConfigReader) {
  const { hidden, heads } = readWidth(c, {
    hidden: ['hidden_size', 'n_embed'], heads: ['num_attention_heads', 'n_head'], hiddenDefault: 4544, headsDefault: 71,
  });
  const headDim = Math.floor(hidden / heads);
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
    // LayerNorms in a parallel block: 2 (ln_attn, ln_mlp) or 1 (input_layernorm).
    parallelNorms: normsSetting ?? (newArch ? 2 : 1),
    alibi: c.bool('alibi', false),
    maxPos: maxSeq(c),
    attnDrop: c.num('attention_dropout', 0),
    tie: c.bool('tie_word_embeddings', true),
    labels: numLabels(c),
  };
}

type FalconParams = ReturnType<typeof readParams>;

function layer(p: FalconParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attn = fusedQkvAttention(
    child(path, 'self_attention'),
    {
      type: 'FalconAttention',
      names: { qkv: 'query_key_value', out: 'dense', probDropout: 'attention_dropout' },
      hidden: p.hidden,
      qkvOut: p.qkvOut,
      outIn: p.heads * p.headDim,
      bias: p.bias,
      linearType: 'FalconLinear',
      core: { heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim, causal: true, dropout: p.attnDrop, eagerSoftmaxFp32: true },
      note: p.alibi ? 'ALiBi position bias' : undefined,
    },
    x,
    ctx,
  );
  const mlp = twoLayerMlp(
    child(path, 'mlp'),
    {
      type: 'FalconMLP',
      names: { up: 'dense_h_to_4h', down: 'dense_4h_to_h', act: 'act' },
      hidden: p.hidden,
      inner: p.ffn,
      bias: p.bias,
      linearType: 'FalconLinear',
      activation: p.act,
      actBetween: true,
      // With one norm in a parallel block, the MLP reads the same normalised tensor as qkv: kept once.
      saveInput: !(p.parallel && p.parallelNorms === 1),
    },
    x,
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
  const children: LayerNode[] = [
    embedding(child(path, 'word_embeddings'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
    layerStack(path, 'h', p.layers, (layerPath) => layer(p, layerPath, x, ctx)),
    layerNorm(child(path, 'ln_f'), p.hidden, x),
  ];
  if (!p.alibi) children.push(bufferModule(child(path, 'rotary_emb'), 'FalconRotaryEmbedding', Math.floor(p.headDim / 2)));
  return moduleNode(path, 'FalconModel', children, { outputShapes: [x] });
}

export const FALCON_RULE = decoderRule<FalconParams>({
  modelType: 'falcon',
  aliases: ['RefinedWebModel', 'RefinedWeb'],
  prefix: 'Falcon',
  source: 'transformers/models/falcon/modeling_falcon.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq,
  readParams,
  backboneAttr: 'transformer',
  backbone,
  lmHead: { name: 'lm_head', tiedTo: 'word_embeddings' },
  stack: (p) => ({
    layers: p.layers, hidden: p.hidden, heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim, ffn: p.ffn, mlp: 'gelu', maxSeq: p.maxPos,
  }),
});
