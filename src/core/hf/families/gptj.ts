/**
 * GPT-J (model_type "gptj"): separate bias-free q/k/v/out projections, partial rotary,
 * one LayerNorm feeding attention and MLP in parallel, an LM head with a bias.
 *
 * Tree and defaults: transformers 4.48 models/gptj/modeling_gptj.py and
 * configuration_gptj.py (vocab 50400, n_positions 2048, n_embd 4096, n_layer 28,
 * n_head 16, rotary_dim 64, activation gelu_new, dropouts 0.0, untied).
 * GPTJAttention registers the causal mask `bias` [1, 1, n_positions, n_positions] and
 * `masked_bias` as non-persistent buffers. Its eager attention upcasts Q and K to fp32.
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { type BuildContext, child, dropout, embedding, layerNorm, linear, moduleNode, probabilityDropout } from '../layers';
import { layerStack, preNormBlock, scoresShape, selfAttentionCore, twoLayerMlp } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';
import { plainMlp } from './info';

interface GptjParams {
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

const maxSeq = (c: ConfigReader): number => c.int(['n_positions', 'max_position_embeddings'], 2048);

function readParams(c: ConfigReader): GptjParams {
  const { hidden, heads } = readWidth(c, {
    hidden: ['n_embd', 'hidden_size'], heads: ['n_head', 'num_attention_heads'], hiddenDefault: 4096, headsDefault: 16,
  });
  return {
    vocab: c.int('vocab_size', 50400),
    positions: maxSeq(c),
    hidden,
    layers: c.int(['n_layer', 'num_hidden_layers'], 28),
    heads,
    inner: c.optInt('n_inner') ?? 4 * hidden,
    act: c.str('activation_function', 'gelu_new'),
    residDrop: c.num('resid_pdrop', 0),
    embdDrop: c.num('embd_pdrop', 0),
    attnDrop: c.num('attn_pdrop', 0),
    tie: c.bool('tie_word_embeddings', false),
    labels: numLabels(c),
  };
}

function block(p: GptjParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attnPath = child(path, 'attn');
  // q, k and v read ln_1's output, which fc_in keeps: none of them saves it again.
  const projection = (name: string): LayerNode => linear(child(attnPath, name), p.hidden, p.hidden, false, x, { saveInput: false });
  const attention = moduleNode(
    attnPath,
    'GPTJAttention',
    [
      probabilityDropout(child(attnPath, 'attn_dropout'), p.attnDrop, scoresShape(p.heads, ctx), ctx),
      dropout(child(attnPath, 'resid_dropout'), p.residDrop, x),
      projection('k_proj'),
      projection('v_proj'),
      projection('q_proj'),
      selfAttentionCore(
        attnPath,
        { heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: true, dropout: p.attnDrop, eagerUpcastQk: true, eagerSoftmaxFp32: true },
        ctx,
      ),
      linear(child(attnPath, 'out_proj'), p.hidden, p.hidden, false, x),
    ],
    { ownBuffers: p.positions * p.positions + 1, outputShapes: [x] },
  );
  const mlp = twoLayerMlp(
    child(path, 'mlp'),
    {
      type: 'GPTJMLP',
      names: { up: 'fc_in', down: 'fc_out', act: 'act' },
      hidden: p.hidden,
      inner: p.inner,
      bias: true,
      activation: p.act,
      dropout: { name: 'dropout', p: p.residDrop },
    },
    x,
  );
  return preNormBlock(path, 'GPTJBlock', { norms: ['ln_1'], hidden: p.hidden, attention, mlp }, x);
}

function backbone(p: GptjParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  return moduleNode(
    path,
    'GPTJModel',
    [
      embedding(child(path, 'wte'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      dropout(child(path, 'drop'), p.embdDrop, x),
      layerStack(path, 'h', p.layers, (blockPath) => block(p, blockPath, x, ctx)),
      layerNorm(child(path, 'ln_f'), p.hidden, x),
    ],
    { outputShapes: [x] },
  );
}

export const GPTJ_RULE = decoderRule<GptjParams>({
  modelType: 'gptj',
  prefix: 'GPTJ',
  source: 'transformers/models/gptj/modeling_gptj.py (v4.48)',
  // transformers offers eager and flash_attention_2 for GPT-J, no sdpa.
  defaultAttention: 'eager',
  maxSeq,
  readParams,
  backboneAttr: 'transformer',
  backbone,
  // GPT-J's LM head has a bias of its own even when the weight is tied.
  lmHead: { name: 'lm_head', bias: true, tiedTo: 'wte' },
  stack: (p) => ({ layers: p.layers, hidden: p.hidden, heads: p.heads, ffn: p.inner, mlp: plainMlp(p.act), maxSeq: p.positions }),
});
