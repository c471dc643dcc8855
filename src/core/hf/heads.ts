/**
 * Which head a transformers class name loads. Auto classes and concrete classes
 * follow transformers' naming: <Family>Model, <Family>ForCausalLM, GPT2LMHeadModel,
 * <Family>ForMaskedLM, T5ForConditionalGeneration, <Family>ForSequenceClassification.
 */
import type { HfHead } from './types';

const CLASS_SUFFIXES: Array<[RegExp, HfHead | undefined]> = [
  // Variants the catalog does not build, caught before the generic "...Model" rule.
  [/EncoderModel$/, undefined],
  [/DoubleHeadsModel$/, undefined],
  [/^AutoModel$/, 'base'],
  [/^AutoModelForCausalLM$/, 'causal-lm'],
  [/^AutoModelForMaskedLM$/, 'masked-lm'],
  [/^AutoModelForSeq2SeqLM$/, 'seq2seq-lm'],
  [/^AutoModelForSequenceClassification$/, 'sequence-classification'],
  [/ForCausalLM$/, 'causal-lm'],
  [/LMHeadModel$/, 'causal-lm'],
  [/ForMaskedLM$/, 'masked-lm'],
  [/ForConditionalGeneration$/, 'seq2seq-lm'],
  [/ForSequenceClassification$/, 'sequence-classification'],
  // Bare backbones: LlamaModel, BertModel, T5Model, GPTNeoXModel (but not AutoModelFor*/…ForX).
  [/^(?!AutoModelFor)[A-Za-z0-9]+Model$/, 'base'],
];

/** The head for a class name, or undefined for heads the catalog does not build (token classification, QA). */
export function headOfClass(className: string): HfHead | undefined {
  const bare = className.split('.').pop() ?? className;
  for (const [pattern, head] of CLASS_SUFFIXES) if (pattern.test(bare)) return head;
  return undefined;
}
