/**
 * BERT and RoBERTa (model_types "bert", "roberta"): bidirectional encoders with
 * word + position + token-type embeddings, post-norm layers, a pooler on the bare
 * model, and masked-LM / sequence-classification heads.
 *
 * Trees and defaults: transformers 4.48 models/bert/modeling_bert.py,
 * models/roberta/modeling_roberta.py and their configuration files (BERT-base:
 * vocab 30522, hidden 768, 12 layers, 12 heads, intermediate 3072, gelu,
 * max_position_embeddings 512, type_vocab_size 2, dropouts 0.1). The embeddings
 * register `position_ids` and `token_type_ids` buffers, each [1, max_position_embeddings].
 * Masked-LM heads tie the decoder weight to the word embeddings and the decoder bias to
 * the head's own `bias` parameter; the *ForMaskedLM classes build the encoder without pooler.
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import {
  activation,
  type BuildContext,
  child,
  dropout,
  embedding,
  layerNorm,
  linear,
  moduleNode,
  probabilityDropout,
  withLast,
} from '../layers';
import type { ArchitectureRule, BuiltModel, HfHead } from '../types';
import { layerStack, scoresShape, selfAttentionCore } from './blocks';
import { readWidth } from './config';
import { numLabels } from './heads';
import { plainMlp, tokenModel, transformerInfo } from './info';

interface EncoderVariant {
  modelType: string;
  /** Class prefix: "Bert" or "Roberta". */
  prefix: string;
  /** Attribute name of the backbone inside task models: "bert" / "roberta". */
  attr: string;
  source: string;
  vocab: number;
  padId: number;
}

const VARIANTS: EncoderVariant[] = [
  { modelType: 'bert', prefix: 'Bert', attr: 'bert', source: 'transformers/models/bert/modeling_bert.py (v4.48)', vocab: 30522, padId: 0 },
  { modelType: 'roberta', prefix: 'Roberta', attr: 'roberta', source: 'transformers/models/roberta/modeling_roberta.py (v4.48)', vocab: 50265, padId: 1 },
];

function readParams(v: EncoderVariant, c: ConfigReader) {
  const { hidden, heads } = readWidth(c, {
    hidden: 'hidden_size', heads: 'num_attention_heads', hiddenDefault: 768, headsDefault: 12,
  });
  const hiddenDrop = c.num('hidden_dropout_prob', 0.1);
  return {
    vocab: c.int('vocab_size', v.vocab),
    hidden,
    layers: c.int('num_hidden_layers', 12),
    heads,
    ffn: c.int('intermediate_size', 3072),
    act: c.str('hidden_act', 'gelu'),
    maxPos: c.int('max_position_embeddings', 512),
    typeVocab: c.int('type_vocab_size', 2),
    hiddenDrop,
    attnDrop: c.num('attention_probs_dropout_prob', 0.1),
    classifierDrop: c.has('classifier_dropout') ? c.num('classifier_dropout', hiddenDrop) : hiddenDrop,
    labels: numLabels(c),
  };
}

type EncoderParams = ReturnType<typeof readParams>;

/** BertSelfOutput and BertOutput: dense -> LayerNorm (with the residual) -> dropout. */
function denseNormDropout(v: EncoderVariant, p: EncoderParams, path: string, type: string, input: Shape, x: Shape): LayerNode {
  return moduleNode(
    path,
    `${v.prefix}${type}`,
    [
      linear(child(path, 'dense'), input[input.length - 1], p.hidden, true, input),
      layerNorm(child(path, 'LayerNorm'), p.hidden, x),
      dropout(child(path, 'dropout'), p.hiddenDrop, x),
    ],
    { outputShapes: [x] },
  );
}

function encoderLayer(v: EncoderVariant, p: EncoderParams, path: string, x: Shape, ctx: BuildContext): LayerNode {
  const attnPath = child(path, 'attention');
  const selfPath = child(attnPath, 'self');
  const selfAttn = moduleNode(
    selfPath,
    ctx.fusedAttention ? `${v.prefix}SdpaSelfAttention` : `${v.prefix}SelfAttention`,
    [
      linear(child(selfPath, 'query'), p.hidden, p.hidden, true, x),
      linear(child(selfPath, 'key'), p.hidden, p.hidden, true, x, { saveInput: false }),
      linear(child(selfPath, 'value'), p.hidden, p.hidden, true, x, { saveInput: false }),
      selfAttentionCore(selfPath, { heads: p.heads, headDim: Math.floor(p.hidden / p.heads), causal: false, dropout: p.attnDrop }, ctx),
      probabilityDropout(child(selfPath, 'dropout'), p.attnDrop, scoresShape(p.heads, ctx), ctx),
    ],
    { outputShapes: [x] },
  );
  const selfOut = denseNormDropout(v, p, child(attnPath, 'output'), 'SelfOutput', x, x);
  const inner = withLast(x, p.ffn);
  const interPath = child(path, 'intermediate');
  const intermediate = moduleNode(
    interPath,
    `${v.prefix}Intermediate`,
    [linear(child(interPath, 'dense'), p.hidden, p.ffn, true, x), activation(child(interPath, 'intermediate_act_fn'), p.act, inner)],
    { outputShapes: [inner] },
  );
  const output = denseNormDropout(v, p, child(path, 'output'), 'Output', inner, x);
  return moduleNode(
    path,
    `${v.prefix}Layer`,
    [moduleNode(attnPath, `${v.prefix}Attention`, [selfAttn, selfOut], { outputShapes: [x] }), intermediate, output],
    { outputShapes: [x] },
  );
}

function embeddings(v: EncoderVariant, p: EncoderParams, path: string, ctx: BuildContext): LayerNode {
  const ids: Shape = [ctx.batch, ctx.seq];
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  // BERT looks positions up from the [1, s] position_ids buffer; RoBERTa derives [b, s] ids from the input.
  const positionIds: Shape = v.modelType === 'roberta' ? ids : [1, ctx.seq];
  const position = embedding(child(path, 'position_embeddings'), p.maxPos, p.hidden, positionIds, {
    indicesFromBuffer: v.modelType !== 'roberta',
  });
  position.outputShapes = [[...positionIds, p.hidden]];
  return moduleNode(
    path,
    `${v.prefix}Embeddings`,
    [
      embedding(child(path, 'word_embeddings'), p.vocab, p.hidden, ids),
      position,
      // token_type_ids default to a view of the registered buffer.
      embedding(child(path, 'token_type_embeddings'), p.typeVocab, p.hidden, ids, { indicesFromBuffer: true }),
      layerNorm(child(path, 'LayerNorm'), p.hidden, x),
      dropout(child(path, 'dropout'), p.hiddenDrop, x),
    ],
    // position_ids and token_type_ids buffers, [1, max_position_embeddings] each.
    { ownBuffers: 2 * p.maxPos, outputShapes: [x] },
  );
}

function backbone(v: EncoderVariant, p: EncoderParams, path: string, pooler: boolean, ctx: BuildContext): LayerNode {
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  const enc = child(path, 'encoder');
  const layers = layerStack(enc, 'layer', p.layers, (layerPath) => encoderLayer(v, p, layerPath, x, ctx));
  const children: LayerNode[] = [
    embeddings(v, p, child(path, 'embeddings'), ctx),
    moduleNode(enc, `${v.prefix}Encoder`, [layers], { outputShapes: [x] }),
  ];
  if (pooler) {
    const poolPath = child(path, 'pooler');
    const pooled: Shape = [ctx.batch, p.hidden];
    // The dense layer reads hidden_states[:, 0], a view that keeps the whole last-layer output alive.
    const dense = linear(child(poolPath, 'dense'), p.hidden, p.hidden, true, pooled);
    dense.savedElements = ctx.batch * ctx.seq * p.hidden;
    children.push(
      moduleNode(poolPath, `${v.prefix}Pooler`, [dense, activation(child(poolPath, 'activation'), 'tanh', pooled)], {
        outputShapes: [pooled],
      }),
    );
  }
  return moduleNode(path, `${v.prefix}Model`, children, { outputShapes: pooler ? [x, [ctx.batch, p.hidden]] : [x] });
}

function maskedLmHead(v: EncoderVariant, p: EncoderParams, path: string, x: Shape): LayerNode {
  const wordPath = `${v.attr}.embeddings.word_embeddings.weight`;
  const tiedNote = `weight tied to ${wordPath}; bias is the head's own bias parameter`;
  if (v.modelType === 'roberta') {
    // RobertaLMHead: dense -> gelu -> layer_norm -> decoder; the head owns `bias` (registered first by named_parameters).
    return moduleNode(
      path,
      'RobertaLMHead',
      [
        linear(child(path, 'dense'), p.hidden, p.hidden, true, x),
        layerNorm(child(path, 'layer_norm'), p.hidden, x),
        linear(child(path, 'decoder'), p.hidden, p.vocab, true, x, { tiedWeight: true, tiedBias: true, note: tiedNote }),
      ],
      // Own `bias`; gelu is functional: it keeps the dense output.
      { ownParams: p.vocab, saves: { elements: x.reduce((a, b) => a * b, 1), fixedBytes: 0 }, outputShapes: [withLast(x, p.vocab)] },
    );
  }
  const predPath = child(path, 'predictions');
  const transformPath = child(predPath, 'transform');
  const transform = moduleNode(
    transformPath,
    'BertPredictionHeadTransform',
    [
      linear(child(transformPath, 'dense'), p.hidden, p.hidden, true, x),
      activation(child(transformPath, 'transform_act_fn'), p.act, x),
      layerNorm(child(transformPath, 'LayerNorm'), p.hidden, x),
    ],
    { outputShapes: [x] },
  );
  const predictions = moduleNode(
    predPath,
    'BertLMPredictionHead',
    [transform, linear(child(predPath, 'decoder'), p.hidden, p.vocab, true, x, { tiedWeight: true, tiedBias: true, note: tiedNote })],
    { ownParams: p.vocab, outputShapes: [withLast(x, p.vocab)] },
  );
  return moduleNode(path, 'BertOnlyMLMHead', [predictions], { outputShapes: [withLast(x, p.vocab)] });
}

function classificationHead(v: EncoderVariant, p: EncoderParams, ctx: BuildContext): LayerNode[] {
  const pooled: Shape = [ctx.batch, p.hidden];
  if (v.modelType === 'roberta') {
    // RobertaClassificationHead on the first token: dropout -> dense -> tanh -> dropout -> out_proj.
    const path = 'classifier';
    return [
      moduleNode(
        path,
        'RobertaClassificationHead',
        [
          linear(child(path, 'dense'), p.hidden, p.hidden, true, pooled),
          dropout(child(path, 'dropout'), p.classifierDrop, pooled),
          linear(child(path, 'out_proj'), p.hidden, p.labels, true, pooled),
        ],
        // torch.tanh is functional here: it keeps its output.
        { saves: { elements: ctx.batch * p.hidden, fixedBytes: 0 }, outputShapes: [[ctx.batch, p.labels]] },
      ),
    ];
  }
  return [dropout('dropout', p.classifierDrop, pooled), linear('classifier', p.hidden, p.labels, true, pooled)];
}

/** RoBERTa numbers positions from padding_idx + 1, so 514 table rows hold 512 tokens. */
function contextOf(v: EncoderVariant, table: number): number {
  return v.modelType === 'roberta' ? table - (v.padId + 1) : table;
}

function buildEncoder(v: EncoderVariant, c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = readParams(v, c);
  const x: Shape = [ctx.batch, ctx.seq, p.hidden];
  let root: LayerNode;
  if (head === 'masked-lm') {
    const headPath = v.modelType === 'roberta' ? 'lm_head' : 'cls';
    root = moduleNode('', `${v.prefix}ForMaskedLM`, [backbone(v, p, v.attr, false, ctx), maskedLmHead(v, p, headPath, x)], {
      outputShapes: [withLast(x, p.vocab)],
    });
  } else if (head === 'sequence-classification') {
    // BERT classifies the pooled output; RoBERTa has no pooler and classifies the first token.
    const withPooler = v.modelType === 'bert';
    root = moduleNode('', `${v.prefix}ForSequenceClassification`, [backbone(v, p, v.attr, withPooler, ctx), ...classificationHead(v, p, ctx)], {
      outputShapes: [[ctx.batch, p.labels]],
    });
  } else {
    root = backbone(v, p, '', true, ctx);
  }
  const transformer = transformerInfo(
    {
      layers: p.layers,
      hidden: p.hidden,
      heads: p.heads,
      ffn: p.ffn,
      mlp: plainMlp(p.act),
      vocab: head === 'masked-lm' ? p.vocab : undefined,
      decoder: false,
      causal: false,
      maxSeq: contextOf(v, p.maxPos),
      tiedEmbeddings: head === 'masked-lm',
    },
    ctx,
  );
  return tokenModel(root, transformer, ctx);
}

export const ENCODER_RULES: ArchitectureRule[] = VARIANTS.map((v) => ({
  modelType: v.modelType,
  classes: {
    base: `${v.prefix}Model`,
    'masked-lm': `${v.prefix}ForMaskedLM`,
    'sequence-classification': `${v.prefix}ForSequenceClassification`,
  },
  defaultHead: 'base',
  source: v.source,
  defaultAttention: 'sdpa',
  maxSeq: (c) => contextOf(v, c.int('max_position_embeddings', 512)),
  build: (c, head, ctx) => buildEncoder(v, c, head, ctx),
}));
