/**
 * Types shared by the transformers architecture rules (one rule per `model_type`).
 */
import type { LayerNode, Shape, TransformerInfo } from '../graph';
import type { ConfigReader } from './configReader';
import type { BuildContext } from './layers';

/**
 * Which head sits on the backbone, from the class the source loads:
 * AutoModel / LlamaModel -> base; AutoModelForCausalLM / GPT2LMHeadModel -> causal-lm;
 * AutoModelForMaskedLM -> masked-lm; AutoModelForSeq2SeqLM / T5ForConditionalGeneration -> seq2seq-lm;
 * AutoModelForSequenceClassification -> sequence-classification.
 */
export const HF_HEADS = ['base', 'causal-lm', 'masked-lm', 'seq2seq-lm', 'sequence-classification'] as const;
export type HfHead = (typeof HF_HEADS)[number];

/** What a rule builds from a config. */
export interface BuiltModel {
  root: LayerNode;
  transformer: TransformerInfo;
  /** Model inputs with the batch dimension first (token ids). */
  inputShapes: Shape[];
  /** How the inputs were sized, for people: "input_ids [8, 512]". */
  inputDescription: string;
}

export interface ArchitectureRule {
  /** transformers `model_type`: "llama", "gpt2", ... */
  modelType: string;
  /** Older or alternative model_type spellings that load the same classes ("RefinedWebModel" for falcon). */
  aliases?: string[];
  /** Class transformers instantiates for each supported head. */
  classes: Partial<Record<HfHead, string>>;
  /** Head used when neither the source nor config.architectures names one. */
  defaultHead: HfHead;
  /** Where the module tree comes from (transformers source file). */
  source: string;
  /** Attention kernel transformers uses by default: "sdpa" where the family supports it, else "eager". */
  defaultAttention: 'sdpa' | 'eager';
  /** Longest context the config allows (max_position_embeddings, n_positions), when it has one. */
  maxSeq(config: ConfigReader): number | undefined;
  /** Builds the module tree at the context's batch and sequence length. */
  build(config: ConfigReader, head: HfHead, ctx: BuildContext): BuiltModel;
}
