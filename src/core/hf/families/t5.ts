/**
 * T5 (model_type "t5"): encoder-decoder with a shared embedding, RMS-style
 * T5LayerNorm (weight only), bias-free projections, relative position buckets
 * (an Embedding(num_buckets, heads) in the first block of each stack), ReLU or gated
 * (gated-gelu: GELU-new) feed-forward, tied LM head for the original T5.
 *
 * Tree and defaults: transformers 4.48 models/t5/modeling_t5.py and
 * configuration_t5.py (vocab 32128, d_model 512, d_kv 64, d_ff 2048, 6 layers,
 * 8 heads, 32 buckets, dropout_rate 0.1, feed_forward_proj "relu", tied embeddings).
 * The stacks' embed_tokens is the `shared` module itself: its weight counts once, at `shared`.
 * T5 attention is eager only (no sdpa), softmax in fp32.
 *
 * TransformerInfo for an encoder-decoder: `layers` counts encoder and decoder blocks
 * (activation memory), `decoderLayers` the decoder blocks (KV cache; each keeps a
 * self-attention and a cross-attention cache).
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { numel } from '../../frameworks/layerSpec';
import {
  activation,
  attentionCore,
  type BuildContext,
  child,
  dropout,
  embedding,
  linear,
  moduleList,
  moduleNode,
  rmsNorm,
  withLast,
} from '../layers';
import type { ArchitectureRule, BuiltModel, HfHead } from '../types';
import { layerStack } from './blocks';
import { transformerInfo } from './info';

function readParams(c: ConfigReader) {
  const ff = c.str('feed_forward_proj', 'relu');
  const parts = ff.split('-');
  const gated = parts[0] === 'gated' && parts.length === 2;
  if (parts.length > 2 || (parts.length === 2 && !gated)) {
    c.warn('hf-bad-config-value', `feed_forward_proj "${ff}" is not "<act>" or "gated-<act>"; using relu.`);
  }
  // T5Config maps gated-gelu to the tanh approximation (gelu_new) for backward compatibility.
  const act = ff === 'gated-gelu' ? 'gelu_new' : parts.length <= 2 ? parts[parts.length - 1] : 'relu';
  const encLayers = c.int(['num_layers', 'num_hidden_layers'], 6);
  return {
    vocab: c.int('vocab_size', 32128),
    dModel: c.int(['d_model', 'hidden_size'], 512),
    dKv: c.int('d_kv', 64),
    dFf: c.int('d_ff', 2048),
    encLayers,
    decLayers: c.optInt('num_decoder_layers') ?? encLayers,
    heads: c.int(['num_heads', 'num_attention_heads'], 8),
    buckets: c.int('relative_attention_num_buckets', 32),
    dropout: c.num('dropout_rate', 0.1),
    act,
    gated,
    tie: c.bool('tie_word_embeddings', true),
    maxSeq: c.optInt('n_positions'),
  };
}

type T5Params = ReturnType<typeof readParams>;

interface AttentionSpec {
  path: string;
  type: 'SelfAttention' | 'EncDecAttention';
  queryLen: number;
  keyLen: number;
  causal: boolean;
  relativeBias: boolean;
  /** Cross-attention K/V read the encoder output, which every decoder layer shares: kept once, in layer 0. */
  saveKvInput: boolean;
}

function t5Attention(p: T5Params, spec: AttentionSpec, ctx: BuildContext): LayerNode {
  const inner = p.heads * p.dKv;
  const q: Shape = [ctx.batch, spec.queryLen, p.dModel];
  const kv: Shape = [ctx.batch, spec.keyLen, p.dModel];
  const path = spec.path;
  const cross = spec.type === 'EncDecAttention';
  const children: LayerNode[] = [
    linear(child(path, 'q'), p.dModel, inner, false, q),
    linear(child(path, 'k'), p.dModel, inner, false, kv, { saveInput: cross && spec.saveKvInput }),
    linear(child(path, 'v'), p.dModel, inner, false, kv, { saveInput: false }),
    linear(child(path, 'o'), inner, p.dModel, false, withLast(q, inner)),
    attentionCore(
      path,
      { heads: p.heads, kvHeads: p.heads, headDim: p.dKv, queryLen: spec.queryLen, keyLen: spec.keyLen, causal: spec.causal, dropout: p.dropout, eagerSoftmaxFp32: true },
      ctx,
    ),
  ];
  if (spec.relativeBias) {
    // Looked up once per stack with [q, k] bucket indices; the other blocks reuse the position bias.
    children.push(embedding(child(path, 'relative_attention_bias'), p.buckets, p.heads, [spec.queryLen, spec.keyLen]));
  }
  return moduleNode(path, 'T5Attention', children, { outputShapes: [q] });
}

function feedForward(p: T5Params, path: string, x: Shape): LayerNode {
  const inner = withLast(x, p.dFf);
  const ffPath = child(path, 'DenseReluDense');
  const dense = p.gated
    ? moduleNode(
        ffPath,
        'T5DenseGatedActDense',
        [
          linear(child(ffPath, 'wi_0'), p.dModel, p.dFf, false, x),
          linear(child(ffPath, 'wi_1'), p.dModel, p.dFf, false, x, { saveInput: false }),
          linear(child(ffPath, 'wo'), p.dFf, p.dModel, false, inner),
          dropout(child(ffPath, 'dropout'), p.dropout, inner),
          activation(child(ffPath, 'act'), p.act, inner),
        ],
        // act(wi_0 x) * wi_1 x keeps both factors; wo keeps the (dropped) product.
        { saves: { elements: 2 * numel(inner), fixedBytes: 0 }, outputShapes: [x] },
      )
    : moduleNode(
        ffPath,
        'T5DenseActDense',
        [
          linear(child(ffPath, 'wi'), p.dModel, p.dFf, false, x),
          // Without dropout wo reads the activation's output, which the activation already keeps.
          linear(child(ffPath, 'wo'), p.dFf, p.dModel, false, inner, { saveInput: p.dropout > 0 || p.act !== 'relu' }),
          dropout(child(ffPath, 'dropout'), p.dropout, inner),
          activation(child(ffPath, 'act'), p.act, inner),
        ],
        { outputShapes: [x] },
      );
  return moduleNode(
    path,
    'T5LayerFF',
    [dense, rmsNorm(child(path, 'layer_norm'), 'T5LayerNorm', p.dModel, x), dropout(child(path, 'dropout'), p.dropout, x)],
    { outputShapes: [x] },
  );
}

function block(p: T5Params, path: string, index: number, decoder: boolean, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.dModel];
  const layers = child(path, 'layer');
  const selfPath = child(layers, 0);
  const selfLayer = moduleNode(
    selfPath,
    'T5LayerSelfAttention',
    [
      t5Attention(
        p,
        { path: child(selfPath, 'SelfAttention'), type: 'SelfAttention', queryLen: ctx.seq, keyLen: ctx.seq, causal: decoder, relativeBias: index === 0, saveKvInput: false },
        ctx,
      ),
      rmsNorm(child(selfPath, 'layer_norm'), 'T5LayerNorm', p.dModel, x),
      dropout(child(selfPath, 'dropout'), p.dropout, x),
    ],
    { outputShapes: [x] },
  );
  const sub: LayerNode[] = [selfLayer];
  if (decoder) {
    const crossPath = child(layers, 1);
    sub.push(
      moduleNode(
        crossPath,
        'T5LayerCrossAttention',
        [
          t5Attention(
            p,
            { path: child(crossPath, 'EncDecAttention'), type: 'EncDecAttention', queryLen: ctx.seq, keyLen: ctx.seq, causal: false, relativeBias: false, saveKvInput: index === 0 },
            ctx,
          ),
          rmsNorm(child(crossPath, 'layer_norm'), 'T5LayerNorm', p.dModel, x),
          dropout(child(crossPath, 'dropout'), p.dropout, x),
        ],
        { outputShapes: [x] },
      ),
    );
  }
  sub.push(feedForward(p, child(layers, decoder ? 2 : 1), x));
  return moduleNode(path, 'T5Block', [moduleList(layers, sub)], { outputShapes: [x] });
}

function stack(p: T5Params, path: string, decoder: boolean, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.dModel];
  const count = decoder ? p.decLayers : p.encLayers;
  return moduleNode(
    path,
    'T5Stack',
    [
      embedding(child(path, 'embed_tokens'), p.vocab, p.dModel, [ctx.batch, ctx.seq], { tied: true, note: 'the shared embedding module (counted at shared)' }),
      layerStack(path, 'block', count, (blockPath, i) => block(p, blockPath, i, decoder, ctx)),
      rmsNorm(child(path, 'final_layer_norm'), 'T5LayerNorm', p.dModel, x),
      dropout(child(path, 'dropout'), p.dropout, x),
    ],
    { outputShapes: [x] },
  );
}

function build(c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = readParams(c);
  const x: Shape = [ctx.batch, ctx.seq, p.dModel];
  // `shared` is never called itself: the stacks call it as their embed_tokens.
  const shared = moduleNode('shared', 'Embedding', [], { ownParams: p.vocab * p.dModel, calls: 0, outputShapes: [x] });
  const children = [shared, stack(p, 'encoder', false, ctx), stack(p, 'decoder', true, ctx)];
  let root: LayerNode;
  if (head === 'base') {
    root = moduleNode('', 'T5Model', children, { outputShapes: [x] });
  } else {
    const lmHead = linear('lm_head', p.dModel, p.vocab, false, x, {
      tiedWeight: p.tie,
      note: p.tie ? 'weight tied to shared.weight (counted once)' : undefined,
    });
    root = moduleNode('', 'T5ForConditionalGeneration', [...children, lmHead], { outputShapes: [[ctx.batch, ctx.seq, p.vocab]] });
  }
  const transformer = transformerInfo(
    {
      layers: p.encLayers + p.decLayers,
      hidden: p.dModel,
      heads: p.heads,
      headDim: p.dKv,
      ffn: p.dFf,
      mlp: p.gated ? 'swiglu' : p.act === 'relu' ? 'relu' : 'gelu',
      vocab: head === 'seq2seq-lm' ? p.vocab : undefined,
      decoder: true,
      // The encoder attends both ways; only the decoder's self-attention is causal.
      causal: false,
      maxSeq: p.maxSeq,
      tiedEmbeddings: p.tie,
      // Each decoder block also attends to the encoder's output (T5LayerCrossAttention).
      extra: { decoderLayers: p.decLayers, crossAttentionLayers: p.decLayers },
    },
    ctx,
  );
  return {
    root,
    transformer,
    inputShapes: [
      [ctx.batch, ctx.seq],
      [ctx.batch, ctx.seq],
    ],
    inputDescription: `input_ids and decoder_input_ids [${ctx.batch}, ${ctx.seq}]`,
  };
}

export const T5_RULE: ArchitectureRule = {
  modelType: 't5',
  classes: { base: 'T5Model', 'seq2seq-lm': 'T5ForConditionalGeneration' },
  defaultHead: 'seq2seq-lm',
  source: 'transformers/models/t5/modeling_t5.py (v4.48)',
  defaultAttention: 'eager',
  maxSeq: (c) => c.optInt('n_positions'),
  build,
};
