/**
 * The architecture table: one rule per transformers `model_type`.
 */
import type { ArchitectureRule } from '../types';
import { ENCODER_RULES } from './bert';
import { BLOOM_RULE } from './bloom';
import { FALCON_RULE } from './falcon';
import { GPT2_RULE } from './gpt2';
import { GPTJ_RULE } from './gptj';
import { GPT_NEOX_RULE } from './gptNeox';
import { LLAMA_RULES } from './llama';
import { OPT_RULE } from './opt';
import { T5_RULE } from './t5';

export const ARCHITECTURES: ArchitectureRule[] = [
  ...LLAMA_RULES,
  GPT2_RULE,
  GPT_NEOX_RULE,
  GPTJ_RULE,
  OPT_RULE,
  BLOOM_RULE,
  FALCON_RULE,
  ...ENCODER_RULES,
  T5_RULE,
];

const BY_TYPE = new Map<string, ArchitectureRule>();
for (const rule of ARCHITECTURES) {
  BY_TYPE.set(rule.modelType.toLowerCase(), rule);
  for (const alias of rule.aliases ?? []) BY_TYPE.set(alias.toLowerCase(), rule);
}

/** The rule for a model_type (case-insensitive, aliases included). */
export function findRule(modelType: string): ArchitectureRule | undefined {
  return BY_TYPE.get(modelType.toLowerCase());
}
