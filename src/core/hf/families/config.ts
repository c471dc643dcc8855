/**
 * Config reads that several families share.
 */
import type { ConfigReader } from '../configReader';

export interface WidthKeys {
  /** Config key(s) of the hidden size, first present wins ("n_embd", "hidden_size"). */
  hidden: string | string[];
  /** Config key(s) of the attention head count. */
  heads: string | string[];
  /** The family's config class defaults. */
  hiddenDefault: number;
  headsDefault: number;
  /** The name the finding gives each value, when not the first key (BLOOM reads n_embed but says hidden_size). */
  hiddenLabel?: string;
  headsLabel?: string;
}

const firstKey = (keys: string | string[]): string => (Array.isArray(keys) ? keys[0] : keys);

/**
 * Hidden size and attention heads, read first as every config class does; a hidden size the
 * heads do not divide gets a finding (transformers raises on it) and the build carries on.
 */
export function readWidth(c: ConfigReader, k: WidthKeys): { hidden: number; heads: number } {
  const hidden = c.int(k.hidden, k.hiddenDefault);
  const heads = c.int(k.heads, k.headsDefault);
  if (hidden % heads !== 0) {
    const hiddenName = k.hiddenLabel ?? firstKey(k.hidden);
    const headsName = k.headsLabel ?? firstKey(k.heads);
    c.warn('hf-inconsistent-config', `${hiddenName} ${hidden} is not divisible by ${headsName} ${heads}.`);
  }
  return { hidden, heads };
}
