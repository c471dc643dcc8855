/**
 * The TransformerInfo and BuiltModel every token-input family returns, assembled one way.
 */
import type { LayerNode, TransformerInfo } from '../../graph';
import { activationRow } from '../activations';
import type { BuildContext } from '../layers';
import type { BuiltModel } from '../types';

/** What a family knows about its stack; kvHeads defaults to heads, headDim to hidden / heads. */
export interface StackShape {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads?: number;
  headDim?: number;
  ffn: number;
  mlp: TransformerInfo['mlp'];
  /** Absent where the config sets no context limit (ALiBi). */
  maxSeq?: number;
  /** Fields only some families have (sliding window, experts), appended as given. */
  extra?: Partial<TransformerInfo>;
}

export interface InfoSpec extends StackShape {
  /** Vocabulary of the logits, when the head ends in one. */
  vocab: number | undefined;
  decoder: boolean;
  causal: boolean;
  tiedEmbeddings: boolean;
}

export function transformerInfo(s: InfoSpec, ctx: BuildContext): TransformerInfo {
  return {
    layers: s.layers,
    hidden: s.hidden,
    heads: s.heads,
    kvHeads: s.kvHeads ?? s.heads,
    headDim: s.headDim ?? Math.floor(s.hidden / s.heads),
    ffn: s.ffn,
    mlp: s.mlp,
    vocab: s.vocab,
    decoder: s.decoder,
    causal: s.causal,
    ...(s.maxSeq !== undefined ? { maxSeq: s.maxSeq } : {}),
    tiedEmbeddings: s.tiedEmbeddings,
    fusedAttention: ctx.fusedAttention,
    ...s.extra,
  };
}

/** The MLP kind of an ungated two-matrix feed-forward: ReLU-family or GELU-like. */
export function plainMlp(act: string): TransformerInfo['mlp'] {
  return activationRow(act).family === 'relu' ? 'relu' : 'gelu';
}

/** A model that reads one [batch, seq] tensor of token ids. */
export function tokenModel(root: LayerNode, transformer: TransformerInfo, ctx: BuildContext): BuiltModel {
  return { root, transformer, inputShapes: [[ctx.batch, ctx.seq]], inputDescription: `input_ids [${ctx.batch}, ${ctx.seq}]` };
}
