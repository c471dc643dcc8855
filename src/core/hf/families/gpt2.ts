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
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { type BuildContext, child, dropout, embedding, layerNorm, moduleNode } from '../layers';
import { fusedQkvAttention, layerStack, preNormBlock, twoLayerMlp } from './blocks';
import { readWidth } from './config';
import { decoderRule } from './decoder';
import { numLabels } from './heads';
import { plainMlp, type StackShape } from './info';

/** Params of the configs that use GPT-2's key names (GPT2Config, GPTJConfig). */
export interface GptParams {
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

/** A config class's defaults for the GPT-2 keys. */
export interface GptDefaults {
  vocab: number;
  positions: number;
  hidden: number;
  layers: number;
  heads: number;
  /** resid_pdrop, embd_pdrop and attn_pdrop. */
  dropout: number;
  tie: boolean;
}

export function gptMaxSeq(c: ConfigReader, d: GptDefaults): number {
  return c.int(['n_positions', 'max_position_embeddings'], d.positions);
}

export function readGptParams(c: ConfigReader, d: GptDefaults): GptParams {
  const { hidden, heads } = readWidth(c, {
    hidden: ['n_embd', 'hidden_size'], heads: ['n_head', 'num_attention_heads'], hiddenDefault: d.hidden, headsDefault: d.heads,
  });
  return {
    vocab: c.int('vocab_size', d.vocab),
    positions: gptMaxSeq(c, d),
    hidden,
    layers: c.int(['n_layer', 'num_hidden_layers'], d.layers),
    heads,
    inner: c.optInt('n_inner') ?? 4 * hidden,
    act: c.str('activation_function', 'gelu_new'),
    residDrop: c.num('resid_pdrop', d.dropout),
    embdDrop: c.num('embd_pdrop', d.dropout),
    attnDrop: c.num('attn_pdrop', d.dropout),
    tie: c.bool('tie_word_embeddings', d.tie),
    labels: numLabels(c),
  };
}

export function gptStack(p: GptParams): StackShape {
  return { layers: p.layers, hidden: p.hidden, heads: p.heads, ffn: p.inner, mlp: plainMlp(p.act), maxSeq: p.positions };
}

// GPT2Config defaults.
const DEFAULTS: GptDefaults = { vocab: 50257, positions: 1024, hidden: 768, layers: 12, heads: 12, dropout: 0.1, tie: true };

function block(p: GptParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attention = fusedQkvAttention(
    child(path, 'attn'),
    {
      type: 'GPT2Attention',
      names: { qkv: 'c_attn', out: 'c_proj', probDropout: 'attn_dropout' },
      hidden: p.hidden,
      qkvOut: 3 * p.hidden,
      bias: true,
      linearType: 'Conv1D',
      core: { heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: true, dropout: p.attnDrop },
      residDropout: { name: 'resid_dropout', p: p.residDrop },
      ownBuffers: p.positions * p.positions + 1,
    },
    x,
    ctx,
  );
  const mlp = twoLayerMlp(
    child(path, 'mlp'),
    {
      type: 'GPT2MLP',
      names: { up: 'c_fc', down: 'c_proj', act: 'act' },
      hidden: p.hidden,
      inner: p.inner,
      bias: true,
      linearType: 'Conv1D',
      activation: p.act,
      dropout: { name: 'dropout', p: p.residDrop },
    },
    x,
  );
  return preNormBlock(path, 'GPT2Block', { norms: ['ln_1', 'ln_2'], hidden: p.hidden, attention, mlp }, x);
}

function backbone(p: GptParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const wpe = embedding(child(path, 'wpe'), p.positions, p.hidden, [1, ctx.seq]);
  wpe.outputShapes = [[1, ctx.seq, p.hidden]];
  return moduleNode(
    path,
    'GPT2Model',
    [
      embedding(child(path, 'wte'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
      wpe,
      dropout(child(path, 'drop'), p.embdDrop, x),
      layerStack(path, 'h', p.layers, (blockPath) => block(p, blockPath, x, ctx)),
      layerNorm(child(path, 'ln_f'), p.hidden, x),
    ],
    { outputShapes: [x] },
  );
}

export const GPT2_RULE = decoderRule<GptParams>({
  modelType: 'gpt2',
  prefix: 'GPT2',
  causalLmClass: 'GPT2LMHeadModel',
  source: 'transformers/models/gpt2/modeling_gpt2.py (v4.48)',
  defaultAttention: 'sdpa',
  maxSeq: (c) => gptMaxSeq(c, DEFAULTS),
  readParams: (c) => readGptParams(c, DEFAULTS),
  backboneAttr: 'transformer',
  backbone,
  lmHead: { name: 'lm_head', tiedTo: 'wte' },
  stack: gptStack,
});
