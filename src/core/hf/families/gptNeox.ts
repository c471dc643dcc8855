/**
 * GPT-NeoX and Pythia (model_type "gpt_neox"): fused query_key_value with biases,
 * partial rotary (rotary_pct of each head), parallel residual (attention and MLP both
 * read the block input), untied embed_out.
 *
 * Tree and defaults: transformers 4.48 models/gpt_neox/modeling_gpt_neox.py and
 * configuration_gpt_neox.py (GPT-NeoX-20B: vocab 50432, hidden 6144, 44 layers,
 * 64 heads, intermediate 24576, rotary_pct 0.25, max_position_embeddings 2048).
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { bufferModule, type BuildContext, child, dropout, embedding, layerNorm, moduleNode } from '../layers';
import { fusedQkvAttention, layerStack, twoLayerMlp } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';
import { plainMlp } from './info';

const maxSeq = (c: ConfigReader): number => c.int('max_position_embeddings', 2048);

function readParams(c: ConfigReader) {
  const { hidden, heads } = readWidth(c, {
    hidden: 'hidden_size', heads: 'num_attention_heads', hiddenDefault: 6144, headsDefault: 64,
  });
  return {
    vocab: c.int('vocab_size', 50432),
    hidden,
    layers: c.int('num_hidden_layers', 44),
    heads,
    ffn: c.int('intermediate_size', 24576),
    act: c.str('hidden_act', 'gelu'),
    rotaryPct: c.num('rotary_pct', 0.25),
    maxPos: maxSeq(c),
    parallel: c.bool('use_parallel_residual', true),
    bias: c.bool('attention_bias', true),
    attnDrop: c.num('attention_dropout', 0),
    hiddenDrop: c.num('hidden_dropout', 0),
    tie: c.bool('tie_word_embeddings', false),
    labels: numLabels(c),
  };
}

type NeoxParams = ReturnType<typeof readParams>;

function layer(p: NeoxParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attention = fusedQkvAttention(
    child(path, 'attention'),
    {
      type: 'GPTNeoXAttention',
      names: { qkv: 'query_key_value', out: 'dense', probDropout: 'attention_dropout' },
      hidden: p.hidden,
      qkvOut: 3 * p.hidden,
      bias: p.bias,
      core: {
        heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: true, dropout: p.attnDrop,
        // Q and K are rebuilt by the partial rotary; V stays a view of the fused qkv output.
        vStoragePerToken: 3 * p.hidden,
      },
    },
    x,
    ctx,
  );
  const mlp = twoLayerMlp(
    child(path, 'mlp'),
    { type: 'GPTNeoXMLP', names: { up: 'dense_h_to_4h', down: 'dense_4h_to_h', act: 'act' }, hidden: p.hidden, inner: p.ffn, bias: true, activation: p.act },
    x,
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
  const rotaryDims = Math.floor(Math.floor(p.hidden / p.heads) * p.rotaryPct);
  return moduleNode(
    path,
    'GPTNeoXModel',
    [
      embedding(child(path, 'embed_in'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      dropout(child(path, 'emb_dropout'), p.hiddenDrop, x),
      layerStack(path, 'layers', p.layers, (layerPath) => layer(p, layerPath, x, ctx)),
      layerNorm(child(path, 'final_layer_norm'), p.hidden, x),
      bufferModule(child(path, 'rotary_emb'), 'GPTNeoXRotaryEmbedding', Math.floor(rotaryDims / 2)),
    ],
    { outputShapes: [x] },
  );
}

export const GPT_NEOX_RULE = decoderRule<NeoxParams>({
  modelType: 'gpt_neox',
  prefix: 'GPTNeoX',
  source: 'transformers/models/gpt_neox/modeling_gpt_neox.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq,
  readParams,
  backboneAttr: 'gpt_neox',
  backbone,
  lmHead: { name: 'embed_out', tiedTo: 'embed_in' },
  stack: (p) => ({ layers: p.layers, hidden: p.hidden, heads: p.heads, ffn: p.ffn, mlp: plainMlp(p.act), maxSeq: p.maxPos }),
});
