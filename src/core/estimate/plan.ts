/**
 * A Plan is the options resolved against one model: effective precision, sequence length,
 * attention kernel, what trains. Every estimate (memory, compute, fit) reads a Plan.
 * Making one is cheap, so searches (max batch, min GPUs) make many.
 */
import type { EstimateOptions, Precision } from '../options';
import type { ModelFacts } from './facts';
import { loraAdapters, type LoraAdapters } from './lora';
import { PRECISION, type PrecisionRow } from './precision';
import type { AttentionKernelResolved } from './transformer';

export interface Plan {
  facts: ModelFacts;
  options: EstimateOptions;
  /** QLoRA stores the base in NF4 whatever `options.precision` says. */
  precision: Precision;
  row: PrecisionRow;
  batch: number;
  /** Sequence length for sequence models; undefined for the others. */
  seq?: number;
  kernel: AttentionKernelResolved;
  /** Adapters trained instead of the base weights (LoRA, QLoRA, or quantized weights). */
  lora?: LoraAdapters;
  /** Full fine-tuning was asked of quantized weights, which take no gradients: adapters train instead. */
  loraForced: boolean;
  /** Parameters that receive gradients and optimizer state in training. */
  trainable: number;
  /** Depth-first index of the first layer that trains: autograd saves nothing before it. */
  firstTrainable: number;
}

/** Default context when neither options nor the graph give one: the model's own up to 2048, else 512. */
export const DEFAULT_SEQ = 512;
export const MAX_DEFAULT_SEQ = 2048;

export function resolveSeq(facts: ModelFacts, options: EstimateOptions): number | undefined {
  if (!facts.transformer && !facts.seq0) return undefined;
  if (options.seq && options.seq > 0) return options.seq;
  if (facts.seq0) return facts.seq0;
  const own = facts.transformer?.maxSeq;
  return own && own > 0 ? Math.min(own, MAX_DEFAULT_SEQ) : DEFAULT_SEQ;
}

export function resolveKernel(facts: ModelFacts, options: EstimateOptions): AttentionKernelResolved {
  if (options.attention === 'flash' || options.attention === 'eager') return options.attention;
  return facts.transformer?.fusedAttention ? 'flash' : 'eager';
}

const loraCache = new WeakMap<ModelFacts, Map<string, LoraAdapters>>();

function cachedAdapters(facts: ModelFacts, targets: readonly string[], rank: number): LoraAdapters {
  let byKey = loraCache.get(facts);
  if (!byKey) loraCache.set(facts, (byKey = new Map()));
  const key = `${rank}|${targets.join(',')}`;
  let hit = byKey.get(key);
  if (!hit) byKey.set(key, (hit = loraAdapters(facts, targets, rank)));
  return hit;
}

export function makePlan(facts: ModelFacts, options: EstimateOptions): Plan {
  const precision: Precision = options.fineTuning === 'qlora' ? 'nf4' : options.precision;
  const row = PRECISION[precision];
  const loraForced = options.fineTuning === 'full' && !row.trainable;
  const lora = options.fineTuning !== 'full' || loraForced ? cachedAdapters(facts, options.loraTargets, options.loraRank) : undefined;
  const firstTrainable = lora ? (lora.adapted[0] ?? facts.nodes.length) : facts.firstTrainable;
  return {
    facts,
    options,
    precision,
    row,
    batch: options.batch,
    seq: resolveSeq(facts, options),
    kernel: resolveKernel(facts, options),
    lora,
    loraForced,
    trainable: lora ? lora.params : facts.params.trainable,
    firstTrainable,
  };
}

/** Batch and sequence scale factors from the evaluated graph to the plan. */
export function scales(plan: Plan): { batch: number; seq: number } {
  const f = plan.facts;
  return {
    batch: f.batch0 > 0 ? plan.batch / f.batch0 : 1,
    seq: f.seq0 && plan.seq ? plan.seq / f.seq0 : 1,
  };
}
