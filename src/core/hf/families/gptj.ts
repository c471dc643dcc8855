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
import { type BuildContext, child, dropout, embedding, layerNorm, linear, moduleNode, probabilityDropout } from '../layers';
import { layerStack, preNormBlock, scoresShape, selfAttentionCore, twoLayerMlp } from './blocks';
import { decoderRule } from './decoder';
import { type GptDefaults, gptMaxSeq, type GptParams, gptStack, readGptParams } from './gpt2';

// GPTJConfig defaults: GPT-2's keys with GPT-J-6B's sizes.
const DEFAULTS: GptDefaults = { vocab: 50400, positions: 2048, hidden: 4096, layers: 28, heads: 16, dropout: 0, tie: false };

function block(p: GptParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
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

function backbone(p: GptParams, path: string, ctx: BuildContext): LayerNode {
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

export const GPTJ_RULE = decoderRule<GptParams>({
  modelType: 'gptj',
  prefix: 'GPTJ',
  source: 'transformers/models/gptj/modeling_gptj.py (v4.48)',
  // transformers offers eager and flash_attention_2 for GPT-J, no sdpa.
  defaultAttention: 'eager',
  maxSeq: (c) => gptMaxSeq(c, DEFAULTS),
  readParams: (c) => readGptParams(c, DEFAULTS),
  backboneAttr: 'transformer',
  backbone,
  // GPT-J's LM head has a bias of its own even when the weight is tied.
  lmHead: { name: 'lm_head', bias: true, tiedTo: 'wte' },
  stack: gptStack,
});
