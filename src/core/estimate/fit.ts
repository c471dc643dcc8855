/**
 * The fit verdict for one device: does the plan fit (with the headroom margin), what is the
 * largest batch and sequence that fit, how many such GPUs each strategy needs, and which
 * changes would make it fit.
 */
import { formatBytes } from '../format';
import type { DeviceSpec } from '../hardware/types';
import { memoryTerms, totalBytes } from './memory';
import { multiGpuPlan } from './distributedConfig';
import type { Plan } from './plan';
import { recommend } from './recommendations';
import { maxBatchFor, maxSeqFor, minGpusFor } from './search';
import type { FitResult, Recommendation, Verdict } from './types';

const PLAN_IDS = new Set(['zero2', 'zero3', 'cpu-offload', 'combined']);

function reasonFor(verdict: Verdict, required: number, device: DeviceSpec, recs: Recommendation[], minGpus: FitResult['minGpus']): string {
  const has = `${formatBytes(device.memoryBytes)} (${device.name})`;
  if (verdict === 'fits') {
    const free = device.local && device.freeBytes !== undefined && device.freeBytes < required;
    return `needs ${formatBytes(required)} of ${has}${free ? `; only ${formatBytes(device.freeBytes!)} is free now` : ''}`;
  }
  const head = `needs ${formatBytes(required)}, has ${has}`;
  const best = recs.find((r) => r.fitsAlone);
  if (best) return `${head}; fits with: ${best.title} (→ ${formatBytes(best.requiredBytes)})`;
  const counts = Object.entries(minGpus).filter(([, n]) => n !== undefined && n > 1);
  if (counts.length > 0) {
    const [strategy, n] = counts.reduce((a, b) => (b[1]! < a[1]! ? b : a));
    return `${head}; no single change fits; ${n} GPUs with ${strategy} would`;
  }
  return `${head}; no listed change fits`;
}

/** The verdict for one device; `cache` shares re-estimates of recommended changes between devices of one kind. */
export function fitDevice(plan: Plan, device: DeviceSpec, cache?: Map<string, number>): FitResult {
  const facts = plan.facts;
  const options = plan.options;
  const mode = options.mode;
  const kind = device.kind;
  const terms = memoryTerms(plan, mode, kind);
  const required = totalBytes(terms, options.headroom);
  const available = Number.isFinite(device.memoryBytes) && device.memoryBytes > 0 ? device.memoryBytes : 0;
  const maxBatch = maxBatchFor(terms, plan.batch, options.headroom, available);
  // Sharding and layer splits are for discrete GPUs; a CPU or a unified-memory machine is one device.
  const minGpus = kind === 'gpu' ? minGpusFor(plan, mode, kind, available) : {};
  const recommendations = recommend({ facts, options, device, required, available, maxBatch, minGpus }, cache);
  const verdict: Verdict = required <= available ? 'fits' : recommendations.some((r) => r.fitsAlone) ? 'fits-with-changes' : 'does-not-fit';
  const result: FitResult = {
    device: device.name,
    deviceId: device.id,
    local: device.local,
    verdict,
    requiredBytes: required,
    availableBytes: available,
    minGpus,
    maxBatch,
    recommendations,
    reason: reasonFor(verdict, required, device, recommendations, minGpus),
  };
  if (plan.seq !== undefined) result.maxSeq = maxSeqFor(facts, options, kind, available);
  const current = multiGpuPlan(options);
  if (current) {
    result.plan = current;
  } else if (verdict !== 'fits') {
    const pick = recommendations.find((r) => r.fitsAlone && PLAN_IDS.has(r.id));
    const planned = pick ? multiGpuPlan({ ...options, ...(pick.apply as object) }) : undefined;
    if (planned) result.plan = planned;
  }
  return result;
}
