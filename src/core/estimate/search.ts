/**
 * Searches over the plan: the largest batch and sequence that fit, the fewest GPUs that fit
 * per strategy. Memory is monotone in each variable (more batch, more sequence: more memory;
 * more GPUs: less or equal), so each search is a bisection.
 */
import type { DeviceKind } from '../hardware/types';
import type { EstimateOptions, Mode } from '../options';
import { inferActivations, trainActivations } from './activations';
import type { ModelFacts } from './facts';
import { inferTerms, requiredBytes, termsAtBatch, totalBytes, trainTerms, type MemoryTerms } from './memory';
import { makePlan, type Plan } from './plan';
import { MULTI_GPU } from './sharding';

/** Settings bounds (package.json): batch ≤ 1,048,576, seq ≤ 10,485,760, GPUs ≤ 1024 searched. */
export const MAX_BATCH = 1_048_576;
export const MAX_SEQ = 10_485_760;
export const MAX_GPUS = 1024;

/** Largest x in [lo, hi] with ok(x), given ok is monotone (true then false); lo − 1 when none. */
function largest(lo: number, hi: number, ok: (x: number) => boolean): number {
  if (!ok(lo)) return lo - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * `largest`, starting from a guess: memory is linear in the batch (and A + B/N in the GPU
 * count), so the guess from two evaluations is right or off by rounding; a few steps settle
 * it, and bisection takes over if they do not.
 */
function largestNear(guess: number, lo: number, hi: number, ok: (x: number) => boolean): number {
  let x = Number.isFinite(guess) ? Math.min(hi, Math.max(lo, Math.floor(guess))) : lo;
  for (let step = 0; step < 4; step++) {
    if (!ok(x)) {
      if (x === lo) return lo - 1;
      x -= 1;
    } else if (x < hi && ok(x + 1)) {
      x += 1;
    } else {
      return x;
    }
  }
  return ok(x) ? largest(x, hi, ok) : largest(lo, x, ok);
}

export function requiredFor(facts: ModelFacts, options: EstimateOptions, kind: DeviceKind): number {
  return requiredBytes(makePlan(facts, options), options.mode, kind);
}

/** requiredFor with one option varied: a single copy of the options is reused across the probes of a search. */
function prober<K extends keyof EstimateOptions>(facts: ModelFacts, options: EstimateOptions, kind: DeviceKind, key: K): (v: EstimateOptions[K]) => number {
  const probe = { ...options };
  return (v) => {
    probe[key] = v;
    return requiredFor(facts, probe, kind);
  };
}

/** Largest batch that fits (0: not even 1), from terms computed at the plan's batch. */
export function maxBatchFor(terms: MemoryTerms, batch: number, headroom: number, available: number): number {
  const at = (b: number): number => totalBytes(termsAtBatch(terms, batch, b), headroom);
  const t1 = at(1);
  const perSample = at(2) - t1;
  const guess = perSample > 0 ? 1 + (available - t1) / perSample : MAX_BATCH;
  return largestNear(guess, 1, MAX_BATCH, (b) => at(b) <= available);
}

/** Longest sequence that fits at the plan's batch, capped by the model's own context when known. */
export function maxSeqFor(facts: ModelFacts, options: EstimateOptions, kind: DeviceKind, available: number): number {
  const cap = facts.transformer?.maxSeq && facts.transformer.maxSeq > 0 ? facts.transformer.maxSeq : MAX_SEQ;
  const at = prober(facts, options, kind, 'seq');
  // Linear in the sequence with fused attention; the guess from two points is then close, and bisection covers the rest.
  const t1 = at(1);
  const perToken = at(2) - t1;
  const guess = perToken > 0 ? 1 + (available - t1) / perToken : cap;
  return largestNear(guess, 1, cap, (s) => at(s) <= available);
}

/** Smallest GPU count that fits, given memory per GPU of the form A + B/N (sharded state). */
function fewestGpus(total: (n: number) => number, available: number): number | undefined {
  const t1 = total(1);
  if (t1 <= available) return 1;
  const b = 2 * (t1 - total(2));
  const a = t1 - b;
  if (b <= 0 || a >= available) return total(MAX_GPUS) <= available ? MAX_GPUS : undefined;
  // The largest N that does NOT fit, plus one.
  const misses = largestNear(b / (available - a), 1, MAX_GPUS, (n) => total(n) > available);
  return misses >= MAX_GPUS ? undefined : misses + 1;
}

/** Fewest GPUs per strategy (training) or for a layer split (inference); absent when even MAX_GPUS does not fit. */
export function minGpusFor(plan: Plan, mode: Mode, kind: DeviceKind, available: number): Partial<Record<string, number>> {
  const out: Partial<Record<string, number>> = {};
  const h = plan.options.headroom;
  const probe = { ...plan.options };
  if (mode === 'infer') {
    const acts = inferActivations(plan);
    const total = (gpus: number): number => {
      probe.gpuCount = gpus;
      return totalBytes(inferTerms(makePlan(plan.facts, probe), kind, acts), h);
    };
    const n = fewestGpus(total, available);
    if (n !== undefined) out['device-map'] = n;
    return out;
  }
  const acts = trainActivations(plan);
  for (const strategy of MULTI_GPU) {
    const total = (gpus: number): number => {
      probe.sharding = strategy;
      probe.gpuCount = gpus;
      return totalBytes(trainTerms(makePlan(plan.facts, probe), kind, acts), h);
    };
    const n = fewestGpus(total, available);
    if (n !== undefined) out[strategy] = n;
  }
  return out;
}
