/**
 * Sub-trees that several families build the same way, parameterised by the attribute
 * names, class names and options where they differ. Children are listed in the order
 * the transformers module registers them (named_modules order).
 */
import type { LayerNode, Shape } from '../../graph';
import {
  activation,
  attentionCore,
  type AttentionCore,
  type BuildContext,
  child,
  dropout,
  layerNorm,
  linear,
  moduleList,
  moduleNode,
  probabilityDropout,
  withLast,
} from '../layers';

/** A ModuleList of `count` blocks at `<parent>.<name>.<i>`. */
export function layerStack(parent: string, name: string, count: number, block: (path: string, index: number) => LayerNode): LayerNode {
  const listPath = child(parent, name);
  const blocks: LayerNode[] = [];
  for (let i = 0; i < count; i++) blocks.push(block(child(listPath, i), i));
  return moduleList(listPath, blocks);
}

/** The attention op of self-attention: queries and keys span the run's sequence; kvHeads defaults to heads. */
export type SelfAttentionCore = Omit<AttentionCore, 'queryLen' | 'keyLen' | 'kvHeads'> & { kvHeads?: number };

export function selfAttentionCore(path: string, core: SelfAttentionCore, ctx: BuildContext): LayerNode {
  return attentionCore(path, { ...core, kvHeads: core.kvHeads ?? core.heads, queryLen: ctx.seq, keyLen: ctx.seq }, ctx);
}

/** The [batch, heads, seq, seq] attention probabilities of self-attention. */
export function scoresShape(heads: number, ctx: BuildContext): Shape {
  return [ctx.batch, heads, ctx.seq, ctx.seq];
}

export interface FusedQkvAttentionSpec {
  /** Module class: "BloomAttention". */
  type: string;
  /** Attribute names: the fused projection, the output projection, the attention-probability dropout. */
  names: { qkv: string; out: string; probDropout: string };
  hidden: number;
  /** Width of the fused q/k/v output. */
  qkvOut: number;
  /** Input width of the output projection (heads · head_dim); defaults to hidden. */
  outIn?: number;
  bias: boolean;
  /** Projection class when not nn.Linear (GPT-2's Conv1D, FalconLinear). */
  linearType?: string;
  core: SelfAttentionCore;
  /** A residual dropout module after the output projection (GPT-2's resid_dropout). */
  residDropout?: { name: string; p: number };
  ownBuffers?: number;
  note?: string;
}

/**
 * Attention with one fused q/k/v projection (GPT-2, GPT-NeoX, BLOOM, Falcon): q, k and v are
 * views into its output, so the projection's input is the only one kept.
 */
export function fusedQkvAttention(path: string, s: FusedQkvAttentionSpec, x: Shape, ctx: BuildContext): LayerNode {
  const type = s.linearType;
  const children: LayerNode[] = [
    linear(child(path, s.names.qkv), s.hidden, s.qkvOut, s.bias, x, { type }),
    linear(child(path, s.names.out), s.outIn ?? s.hidden, s.hidden, s.bias, x, { type }),
    selfAttentionCore(path, s.core, ctx),
    probabilityDropout(child(path, s.names.probDropout), s.core.dropout, scoresShape(s.core.heads, ctx), ctx),
  ];
  if (s.residDropout) children.push(dropout(child(path, s.residDropout.name), s.residDropout.p, x));
  return moduleNode(path, s.type, children, { ownBuffers: s.ownBuffers, outputShapes: [x], note: s.note });
}

export interface TwoLayerMlpSpec {
  /** Module class: "GPT2MLP". */
  type: string;
  /** Attribute names: up and down projections, activation. */
  names: { up: string; down: string; act: string };
  hidden: number;
  inner: number;
  bias: boolean;
  /** Projection class when not nn.Linear. */
  linearType?: string;
  /** transformers' ACT2FN name. */
  activation: string;
  /** The module registers its activation between the projections (BLOOM, Falcon), not after them. */
  actBetween?: boolean;
  /** False when another op already keeps the MLP input (one norm feeding attention and MLP). */
  saveInput?: boolean;
  /** A dropout module on the output (GPT-2, GPT-J). */
  dropout?: { name: string; p: number };
}

/** down(act(up(x))), the ungated feed-forward of GPT-2, GPT-J, GPT-NeoX, BLOOM and Falcon. */
export function twoLayerMlp(path: string, s: TwoLayerMlpSpec, x: Shape): LayerNode {
  const inner = withLast(x, s.inner);
  const type = s.linearType;
  const up = linear(child(path, s.names.up), s.hidden, s.inner, s.bias, x, { type, saveInput: s.saveInput });
  const down = linear(child(path, s.names.down), s.inner, s.hidden, s.bias, inner, { type });
  const act = activation(child(path, s.names.act), s.activation, inner);
  const children = s.actBetween ? [up, act, down] : [up, down, act];
  if (s.dropout) children.push(dropout(child(path, s.dropout.name), s.dropout.p, x));
  return moduleNode(path, s.type, children, { outputShapes: [x] });
}

/**
 * A pre-norm decoder block: norm, attention, second norm, MLP (GPT-2, BLOOM). With one norm
 * (GPT-J) attention and MLP read the same normalised input in parallel.
 */
export function preNormBlock(
  path: string,
  type: string,
  s: { norms: [string] | [string, string]; hidden: number; attention: LayerNode; mlp: LayerNode },
  x: Shape,
): LayerNode {
  const [first, second] = s.norms;
  const children = [layerNorm(child(path, first), s.hidden, x), s.attention];
  if (second !== undefined) children.push(layerNorm(child(path, second), s.hidden, x));
  children.push(s.mlp);
  return moduleNode(path, type, children, { outputShapes: [x] });
}
