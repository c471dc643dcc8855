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

function readParams(c: ConfigReader): GptjParams {
  const hidden = c.int(['n_embd', 'hidden_size'], 4096);
  const heads = c.int(['n_head', 'num_attention_heads'], 16);
  if (hidden % heads !== 0) c.warn('hf-inconsistent-config', `n_embd ${hidden} is not divisible by n_head ${heads}.`);
  return {
    vocab: c.int('vocab_size', 50400),
    positions: c.int(['n_positions', 'max_position_embeddings'], 2048),
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
  const headDim = Math.floor(p.hidden / p.heads);
  const attnPath = child(path, 'attn');
  const scores: Shape = [ctx.batch, p.heads, ctx.seq, ctx.seq];
  const attn = moduleNode(
    attnPath,
    'GPTJAttention',
    [
      probabilityDropout(child(attnPath, 'attn_dropout'), p.attnDrop, scores, ctx),
      dropout(child(attnPath, 'resid_dropout'), p.residDrop, x),
      linear(child(attnPath, 'k_proj'), p.hidden, p.hidden, false, x, { saveInput: false }),
      linear(child(attnPath, 'v_proj'), p.hidden, p.hidden, false, x, { saveInput: false }),
      linear(child(attnPath, 'q_proj'), p.hidden, p.hidden, false, x, { saveInput: false }),
      attentionCore(
        attnPath,
        { heads: p.heads, kvHeads: p.heads, headDim, queryLen: ctx.seq, keyLen: ctx.seq, causal: true, dropout: p.attnDrop, eagerUpcastQk: true, eagerSoftmaxFp32: true },
        ctx,
      ),
      linear(child(attnPath, 'out_proj'), p.hidden, p.hidden, false, x),
    ],
    { ownBuffers: p.positions * p.positions + 1, outputShapes: [x] },
  );
  const inner = withLast(x, p.inner);
  const mlpPath = child(path, 'mlp');
  const mlp = moduleNode(
    mlpPath,
    'GPTJMLP',
    [
      // fc_in reads ln_1's output, which q/k/v also read: ln_1's output is kept once, here.
      linear(child(mlpPath, 'fc_in'), p.hidden, p.inner, true, x),
      linear(child(mlpPath, 'fc_out'), p.inner, p.hidden, true, inner),
      activation(child(mlpPath, 'act'), p.act, inner),
      dropout(child(mlpPath, 'dropout'), p.residDrop, x),
    ],
    { outputShapes: [x] },
  );
  return moduleNode(path, 'GPTJBlock', [layerNorm(child(path, 'ln_1'), p.hidden, x), attn, mlp], { outputShapes: [x] });
}

function backbone(p: GptjParams, path: string, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const blocks: LayerNode[] = [];
  for (let i = 0; i < p.layers; i++) blocks.push(block(p, child(child(path, 'h'), i), x, ctx));
  return moduleNode(
    path,
    'GPTJModel',
    [
      embedding(child(path, 'wte'), p.vocab, p.hidden, [ctx.batch, ctx.seq]),
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
    root = moduleNode('', 'GPTJForSequenceClassification', [backbone(p, 'transformer', ctx), sequenceScore('score', p.hidden, p.labels, x)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    // GPT-J's LM head has a bias of its own even when the weight is tied.
    const lmHead = linear('lm_head', p.hidden, p.vocab, true, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to transformer.wte.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'GPTJForCausalLM', [backbone(p, 'transformer', ctx), lmHead], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
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

export const GPTJ_RULE: ArchitectureRule = {
  modelType: 'gptj',
  classes: { base: 'GPTJModel', 'causal-lm': 'GPTJForCausalLM', 'sequence-classification': 'GPTJForSequenceClassification' },
  defaultHead: 'causal-lm',
  source: 'transformers/models/gptj/modeling_gptj.py (v4.48)',
  // transformers offers eager and flash_attention_2 for GPT-J, no sdpa.
  defaultAttention: 'eager',
  maxSeq: (c) => c.int(['n_positions', 'max_position_embeddings'], 2048),
  build,
};
