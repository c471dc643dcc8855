/**
 * LoRA adapters (Hu et al. 2021, arXiv:2106.09685): each adapted in×out linear gains
 * A (r×in) and B (out×r), r·(in+out) trainable parameters; the base stays frozen.
 * Targets match like PEFT's `target_modules`: a layer path equal to the name or ending in
 * `.name`; "all-linear" adapts every Linear except the output head (PEFT excludes the
 * output embedding layer).
 */
import type { ModelFacts } from './facts';

export interface LoraAdapters {
  /** Node indices of the adapted layers, in tree order. */
  adapted: number[];
  params: number;
  /** Adafactor state elements of the adapters: (r + in) + (out + r) per layer. */
  adafactorElements: number;
}

export const ALL_LINEAR = 'all-linear';

function matches(path: string, target: string): boolean {
  return path === target || path.endsWith(`.${target}`);
}

export function loraAdapters(facts: ModelFacts, targets: readonly string[], rank: number): LoraAdapters {
  const r = Math.max(1, Math.floor(rank));
  const all = targets.includes(ALL_LINEAR);
  const adapted: number[] = [];
  let params = 0;
  let adafactorElements = 0;
  for (const l of facts.linears) {
    const hit = all ? !l.head : targets.some((t) => matches(l.path, t));
    if (!hit) continue;
    const [i, o] = l.dims;
    adapted.push(l.index);
    params += r * (i + o);
    adafactorElements += r + i + (o + r);
  }
  return { adapted, params, adafactorElements };
}
