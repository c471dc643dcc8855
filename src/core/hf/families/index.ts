/**
 * The architecture table: one rule per transformers `model_type`.
 */
import type { ArchitectureRule } from '../types';
import { LLAMA_RULES } from './llama';

export const ARCHITECTURES: ArchitectureRule[] = [...LLAMA_RULES];

const BY_TYPE = new Map<string, ArchitectureRule>();
for (const rule of ARCHITECTURES) {
  BY_TYPE.set(rule.modelType.toLowerCase(), rule);
  for (const alias of rule.aliases ?? []) BY_TYPE.set(alias.toLowerCase(), rule);
}

/** The rule for a model_type (case-insensitive, aliases included). */
export function findRule(modelType: string): ArchitectureRule | undefined {
  return BY_TYPE.get(modelType.toLowerCase());
}
