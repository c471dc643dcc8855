/**
 * One rule shape for every decoder-only family (GPT-2, GPT-J, GPT-NeoX, OPT, BLOOM, Falcon,
 * the Llama family). A family row says how to read its config and build its backbone; the
 * task models around the backbone are the same in all of them and are wired here:
 * - <Prefix>Model: the backbone at the root;
 * - <Prefix>ForCausalLM: backbone + an LM head on the backbone output, its weight tied to the
 *   token embedding when tie_word_embeddings is set;
 * - <Prefix>ForSequenceClassification: backbone + `score` on every position.
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { type BuildContext, linear, moduleNode } from '../layers';
import type { ArchitectureRule, BuiltModel, HfHead } from '../types';
import { sequenceScore } from './heads';
import { type StackShape, tokenModel, transformerInfo } from './info';

/** What the task heads read from a family's params. */
export interface DecoderParams {
  vocab: number;
  tie: boolean;
  labels: number;
}

export interface DecoderFamily<P extends DecoderParams> {
  modelType: string;
  /** Older or alternative model_type spellings. */
  aliases?: string[];
  /** Class-name prefix: "GPTNeoX" -> GPTNeoXModel, GPTNeoXForCausalLM, GPTNeoXForSequenceClassification. */
  prefix: string;
  /** The causal-LM class when it is not <Prefix>ForCausalLM (GPT2LMHeadModel). */
  causalLmClass?: string;
  source: string;
  defaultAttention: ArchitectureRule['defaultAttention'];
  maxSeq(c: ConfigReader): number | undefined;
  readParams(c: ConfigReader): P;
  /** Attribute of the backbone inside the task models: "transformer", "model", "gpt_neox". */
  backboneAttr: string;
  backbone(p: P, path: string, ctx: BuildContext): LayerNode;
  lmHead: {
    /** Attribute of the LM head: "lm_head", GPT-NeoX's "embed_out". */
    name: string;
    /** GPT-J's head has a bias of its own. */
    bias?: boolean;
    /** Path of the token embedding inside the backbone, for the tied-weight note: "wte". */
    tiedTo: string;
  };
  /** Width of the backbone output the heads read, when not the stack's hidden size (OPT's word_embed_proj_dim). */
  outWidth?(p: P): number;
  stack(p: P): StackShape;
}

function taskModel<P extends DecoderParams>(f: DecoderFamily<P>, p: P, head: HfHead, width: number, ctx: BuildContext): LayerNode {
  if (head === 'base') return f.backbone(p, '', ctx);
  const x: Shape = [ctx.batch, ctx.seq, width];
  const model = f.backbone(p, f.backboneAttr, ctx);
  if (head === 'sequence-classification') {
    const score = sequenceScore('score', width, p.labels, x);
    return moduleNode('', `${f.prefix}ForSequenceClassification`, [model, score], { outputShapes: [[ctx.batch, p.labels]] });
  }
  const lmHead = linear(f.lmHead.name, width, p.vocab, f.lmHead.bias ?? false, x, {
    tiedWeight: p.tie,
    note: p.tie ? `weight tied to ${f.backboneAttr}.${f.lmHead.tiedTo}.weight (counted once)` : undefined,
  });
  return moduleNode('', f.causalLmClass ?? `${f.prefix}ForCausalLM`, [model, lmHead], {
    outputShapes: [[ctx.batch, ctx.seq, p.vocab]],
  });
}

function build<P extends DecoderParams>(f: DecoderFamily<P>, c: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel {
  const p = f.readParams(c);
  const stack = f.stack(p);
  const root = taskModel(f, p, head, f.outWidth?.(p) ?? stack.hidden, ctx);
  const transformer = transformerInfo(
    { ...stack, vocab: head === 'causal-lm' ? p.vocab : undefined, decoder: true, causal: true, tiedEmbeddings: p.tie },
    ctx,
  );
  return tokenModel(root, transformer, ctx);
}

export function decoderRule<P extends DecoderParams>(f: DecoderFamily<P>): ArchitectureRule {
  const rule: ArchitectureRule = {
    modelType: f.modelType,
    classes: {
      base: `${f.prefix}Model`,
      'causal-lm': f.causalLmClass ?? `${f.prefix}ForCausalLM`,
      'sequence-classification': `${f.prefix}ForSequenceClassification`,
    },
    defaultHead: 'causal-lm',
    source: f.source,
    defaultAttention: f.defaultAttention,
    maxSeq: f.maxSeq,
    build: (c, head, ctx) => build(f, c, head, ctx),
  };
  if (f.aliases) rule.aliases = f.aliases;
  return rule;
}
