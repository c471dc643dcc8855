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
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { type BuildContext, child, embedding, layerNorm, moduleNode } from '../layers';
import { fusedQkvAttention, layerStack, preNormBlock, twoLayerMlp } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';

// ALiBi has no position table; only an explicit seq_length bounds the context.
const maxSeq = (c: ConfigReader): number | undefined => c.optInt('seq_length');

function readParams(c: ConfigReader) {
  // BloomConfig: an `n_embed` argument wins over hidden_size.
  const { hidden, heads } = readWidth(c, {
    hidden: ['n_embed', 'hidden_size'], heads: ['n_head', 'num_attention_heads'], hiddenDefault: 64, headsDefault: 8,
    hiddenLabel: 'hidden_size',
  });
  return {
    vocab: c.int('vocab_size', 250880),
    hidden,
    layers: c.int(['n_layer', 'num_hidden_layers'], 2),
    heads,
    attnDrop: c.num('attention_dropout', 0),
    tie: c.bool('tie_word_embeddings', true),
    maxSeq: maxSeq(c),
    labels: numLabels(c),
  };
}

type BloomParams = ReturnType<typeof readParams>;

function block(p: BloomParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attention = fusedQkvAttention(
    child(path, 'self_attention'),
    {
      type: 'BloomAttention',
      names: { qkv: 'query_key_value', out: 'dense', probDropout: 'attention_dropout' },
      hidden: p.hidden,
      qkvOut: 3 * p.hidden,
      bias: true,
      core: { heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: true, dropout: p.attnDrop, eagerSoftmaxFp32: true },
      note: 'ALiBi position bias',
    },
    x,
    ctx,
  );
  const mlp = twoLayerMlp(
    child(path, 'mlp'),
    {
      type: 'BloomMLP',
      names: { up: 'dense_h_to_4h', down: 'dense_4h_to_h', act: 'gelu_impl' },
      hidden: p.hidden,
      inner: 4 * p.hidden,
      bias: true,
      activation: 'bloom_gelu',
      actBetween: true,
    },
    x,
  );
  return preNormBlock(path, 'BloomBlock', { norms: ['input_layernorm', 'post_attention_layernorm'], hidden: p.hidden, attention, mlp }, x);
}

function backbone(p: BloomParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  return moduleNode(
    path,
    'BloomModel',
    [
      embedding(child(path, 'word_embeddings'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      layerNorm(child(path, 'word_embeddings_layernorm'), p.hidden, x),
      layerStack(path, 'h', p.layers, (blockPath) => block(p, blockPath, x, ctx)),
      layerNorm(child(path, 'ln_f'), p.hidden, x),
    ],
    { outputShapes: [x] },
  );
}

export const BLOOM_RULE = decoderRule<BloomParams>({
  modelType: 'bloom',
  prefix: 'Bloom',
  source: 'transformers/models/bloom/modeling_bloom.py (v4.48)',
  defaultAttention: 'eager',
  maxSeq,
  readParams,
  backboneAttr: 'transformer',
  backbone,
  lmHead: { name: 'lm_head', tiedTo: 'word_embeddings' },
  stack: (p) => ({ layers: p.layers, hidden: p.hidden, heads: p.heads, ffn: 4 * p.hidden, mlp: 'gelu', maxSeq: p.maxSeq }),
});
