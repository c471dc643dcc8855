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
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { activationRow } from '../activations';
import { activation, type BuildContext, child, embedding, layerNorm, linear, moduleNode, withLast } from '../layers';
import { numel } from '../../frameworks/layerSpec';
import { layerStack, selfAttentionCore } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';
import { plainMlp } from './info';

/** OPTLearnedPositionalEmbedding keeps 2 extra rows (fairseq's padding offset). */
const POSITION_OFFSET = 2;

const maxSeq = (c: ConfigReader): number => c.int('max_position_embeddings', 2048);

function readParams(c: ConfigReader) {
  const { hidden, heads } = readWidth(c, {
    hidden: 'hidden_size', heads: 'num_attention_heads', hiddenDefault: 768, headsDefault: 12,
  });
  const preNorm = c.bool('do_layer_norm_before', true);
  return {
    vocab: c.int('vocab_size', 50272),
    hidden,
    proj: c.optInt('word_embed_proj_dim') ?? hidden,
    layers: c.int('num_hidden_layers', 12),
    heads,
    ffn: c.int('ffn_dim', 3072),
    maxPos: maxSeq(c),
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

type OptParams = ReturnType<typeof readParams>;

function decoderLayer(p: OptParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attnPath = child(path, 'self_attn');
  const attn = moduleNode(
    attnPath,
    'OPTAttention',
    [
      linear(child(attnPath, 'k_proj'), p.hidden, p.hidden, p.bias, x, { saveInput: false }),
      linear(child(attnPath, 'v_proj'), p.hidden, p.hidden, p.bias, x, { saveInput: false }),
      linear(child(attnPath, 'q_proj'), p.hidden, p.hidden, p.bias, x),
      selfAttentionCore(attnPath, { heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: true, dropout: p.attnDrop }, ctx),
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
  const children: LayerNode[] = [
    embedding(child(dec, 'embed_tokens'), p.vocab, p.proj, ids),
    embedding(child(dec, 'embed_positions'), p.maxPos + POSITION_OFFSET, p.hidden, ids, { type: 'OPTLearnedPositionalEmbedding' }),
  ];
  if (p.proj !== p.hidden) {
    children.push(linear(child(dec, 'project_out'), p.hidden, p.proj, false, x));
    children.push(linear(child(dec, 'project_in'), p.proj, p.hidden, false, projected));
  }
  if (p.finalNorm) children.push(layerNorm(child(dec, 'final_layer_norm'), p.hidden, x, { affine: p.affine }));
  children.push(layerStack(dec, 'layers', p.layers, (layerPath) => decoderLayer(p, layerPath, x, ctx)));
  const out = p.proj !== p.hidden ? projected : x;
  const decoder = moduleNode(dec, 'OPTDecoder', children, { outputShapes: [out] });
  return moduleNode(path, 'OPTModel', [decoder], { outputShapes: [out] });
}

export const OPT_RULE = decoderRule<OptParams>({
  modelType: 'opt',
  prefix: 'OPT',
  source: 'transformers/models/opt/modeling_opt.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq,
  readParams,
  backboneAttr: 'model',
  backbone,
  lmHead: { name: 'lm_head', tiedTo: 'decoder.embed_tokens' },
  // The heads read the projected output (word_embed_proj_dim).
  outWidth: (p) => p.proj,
  stack: (p) => ({ layers: p.layers, hidden: p.hidden, heads: p.heads, ffn: p.ffn, mlp: plainMlp(p.act), maxSeq: p.maxPos }),
});
