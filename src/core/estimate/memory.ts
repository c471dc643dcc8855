/**
 * Device memory of a training step or of inference, itemised, per GPU of the plan.
 *
 * Training state per trainable parameter Ψ (reference/estimation.md "Training state"):
 * weights in the working precision, gradients, optimizer state, and under mixed precision an
 * fp32 master copy: 16 B/Ψ for mixed-precision Adam with 16-bit gradients (ZeRO §3.1), 18 with
 * fp32 gradients (torch.autocast; HF "model memory anatomy"). Over N GPUs, ZeRO-1 divides the
 * optimizer state and master weights by N, ZeRO-2 also the gradients (2Ψ + (2Ψ + 12Ψ)/N),
 * ZeRO-3/FSDP also the weights (16Ψ/N) plus the largest unit gathered for compute, its
 * 16-bit weights and gradients (DeepSpeed memory docs: "largest_layer_memory = 4 × largest
 * layer params"). CPU offload (ZeRO-Offload) moves optimizer state and master weights to host
 * RAM, and with them the partitioned gradients (ZeRO-2/3) and, with offload_param under
 * ZeRO-3, the weights: DeepSpeed's estimator then counts 2Ψ on each GPU for ZeRO-2 and the
 * largest layer for ZeRO-3. The host holds the optimizer state, an fp32 copy of the trainable
 * weights and fp32 gradients for the CPU optimizer step (16 B/Ψ with Adam; DeepSpeed's
 * estimator adds a 1.5× buffer factor and more per process at load time, not counted here).
 *
 * The allocator margin makes the total the device memory at which the plan leaves `headroom`
 * free: total = rest / (1 − headroom).
 */
import type { DeviceKind } from '../hardware/types';
import type { Mode } from '../options';
import { inferActivations, trainActivations } from './activations';
import { OPTIMIZER } from './optimizers';
import { overheadBytes } from './overhead';
import type { Plan } from './plan';
import { gradientBytes } from './precision';
import { SHARDING_ROWS } from './sharding';
import { kvCacheBytes } from './transformer';
import type { MemoryBreakdown } from './types';

export interface MemoryTerms {
  weights: number;
  gradients: number;
  optimizer: number;
  master: number;
  activations: number;
  kvCache: number;
  overhead: number;
  host: number;
}

/** Weights as stored: quantized Linear matrices, everything else and buffers at the row's bytes, plus adapters. */
export function weightBytes(plan: Plan): number {
  const f = plan.facts;
  const row = plan.row;
  const quantized = row.quantized ? f.quantizableParams : 0;
  const base = quantized * row.matrixBytes + (f.params.total - quantized) * row.otherBytes + f.params.buffers * row.bufferBytes;
  return base + (plan.lora ? plan.lora.params * row.trainBytes : 0);
}

/** Optimizer state for every trainable parameter, before sharding or offload. */
export function optimizerBytes(plan: Plan): number {
  const opt = OPTIMIZER[plan.options.optimizer];
  const stateBytes = opt.fixedStateBytes ?? plan.row.stateBytes;
  if (opt.factored) {
    const elements = plan.lora ? plan.lora.adafactorElements : plan.facts.adafactorElements;
    return elements * stateBytes;
  }
  return plan.trainable * opt.states * stateBytes;
}

/** Bytes of the largest unit ZeRO-3/FSDP gathers at once. */
export function gatheredUnitBytes(plan: Plan): number {
  return plan.facts.largestUnitParams * plan.row.otherBytes;
}

/** Training terms; pass `activations` when already computed (they depend on neither sharding nor GPU count). */
export function trainTerms(plan: Plan, kind: DeviceKind, activations = trainActivations(plan)): MemoryTerms {
  const o = plan.options;
  const n = Math.max(1, o.gpuCount);
  const sh = SHARDING_ROWS[o.sharding];
  const offload = o.cpuOffload;
  const w = weightBytes(plan);
  const unit = Math.min(gatheredUnitBytes(plan), w);
  const gb = gradientBytes(plan.row, o);
  const grad = plan.trainable * gb;
  const unitGrad = plan.lora ? 0 : Math.min(plan.facts.largestUnitParams, plan.trainable) * gb;
  const gathered = offload ? 1 : 1 - 1 / n;
  const weights = sh.params ? (offload ? 0 : w / n) + unit * gathered : w;
  const sharded = sh.params ? unitGrad * gathered : 0;
  const local = sh.gradients ? (offload ? 0 : grad / n) : grad;
  const gradients = local + sharded + (sh.bucketCopy ? grad : 0);
  const masterFull = plan.trainable * plan.row.masterBytes;
  const optFull = optimizerBytes(plan);
  const share = sh.optimizer ? 1 / n : 1;
  return {
    weights,
    gradients,
    optimizer: offload ? 0 : optFull * share,
    master: offload ? 0 : masterFull * share,
    activations,
    kvCache: 0,
    overhead: overheadBytes(kind),
    host: offload ? optFull + 8 * plan.trainable + (sh.params ? w : 0) : 0,
  };
}

/** Inference over N GPUs splits the layers (accelerate's device_map): weights and cache divide, activations do not. */
export function inferTerms(plan: Plan, kind: DeviceKind, activations = inferActivations(plan)): MemoryTerms {
  const n = Math.max(1, plan.options.gpuCount);
  const t = plan.facts.transformer;
  const kv = t?.decoder && plan.seq ? kvCacheBytes(t, plan.seq, plan.batch, plan.row.actBytes) : 0;
  return {
    weights: weightBytes(plan) / n,
    gradients: 0,
    optimizer: 0,
    master: 0,
    activations,
    kvCache: kv / n,
    overhead: overheadBytes(kind),
    host: 0,
  };
}

export function memoryTerms(plan: Plan, mode: Mode, kind: DeviceKind): MemoryTerms {
  return mode === 'train' ? trainTerms(plan, kind) : inferTerms(plan, kind);
}

/** Terms at another batch: activations and KV cache are linear in the batch, the rest does not depend on it. */
export function termsAtBatch(terms: MemoryTerms, fromBatch: number, toBatch: number): MemoryTerms {
  const r = fromBatch > 0 ? toBatch / fromBatch : 0;
  return { ...terms, activations: terms.activations * r, kvCache: terms.kvCache * r };
}

export function clampHeadroom(h: number): number {
  return Number.isFinite(h) ? Math.min(0.9, Math.max(0, h)) : 0;
}

/** Fragmentation margin on top of the rest, so that rest = (1 − headroom) × total. */
export function marginBytes(rest: number, headroom: number): number {
  const h = clampHeadroom(headroom);
  return Math.round((rest * h) / (1 - h));
}

function whole(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

/** Rounds every term to whole bytes and adds the margin; totalBytes is exactly the sum of the terms. */
export function finalize(terms: MemoryTerms, headroom: number, explain: Record<string, string> = {}): MemoryBreakdown {
  const b = {
    weightsBytes: whole(terms.weights),
    gradientsBytes: whole(terms.gradients),
    optimizerBytes: whole(terms.optimizer),
    masterWeightsBytes: whole(terms.master),
    activationsBytes: whole(terms.activations),
    kvCacheBytes: whole(terms.kvCache),
    overheadBytes: whole(terms.overhead),
  };
  const rest =
    b.weightsBytes + b.gradientsBytes + b.optimizerBytes + b.masterWeightsBytes + b.activationsBytes + b.kvCacheBytes + b.overheadBytes;
  const fragmentationBytes = marginBytes(rest, headroom);
  const host = whole(terms.host);
  return { ...b, fragmentationBytes, totalBytes: rest + fragmentationBytes, ...(host > 0 ? { hostBytes: host } : {}), explain };
}

/** finalize(terms, headroom).totalBytes without building the breakdown: the searches call it many times. */
export function totalBytes(terms: MemoryTerms, headroom: number): number {
  const rest =
    whole(terms.weights) +
    whole(terms.gradients) +
    whole(terms.optimizer) +
    whole(terms.master) +
    whole(terms.activations) +
    whole(terms.kvCache) +
    whole(terms.overhead);
  return rest + marginBytes(rest, headroom);
}

/** Device bytes the plan needs: the fast path searches use. */
export function requiredBytes(plan: Plan, mode: Mode, kind: DeviceKind): number {
  return totalBytes(memoryTerms(plan, mode, kind), plan.options.headroom);
}
