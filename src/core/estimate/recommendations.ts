/**
 * Changes that reduce device memory, one row per change. Each is estimated exactly (the whole
 * estimate re-run with the change applied), ranked by bytes saved, and marked when it alone
 * makes the plan fit. When none does, the best changes are combined greedily.
 *
 * Costs, with their sources:
 * - gradient checkpointing: one extra forward, ≈ 33% more compute per step (Chen et al. 2016,
 *   arXiv:1604.06174; the train step goes from 3 to 4 forward-equivalents);
 * - 8-bit Adam: matches 32-bit Adam on the benchmarks of Dettmers et al. 2022 (arXiv:2110.02861);
 * - QLoRA: NF4 base with bf16 adapters matches 16-bit LoRA fine-tuning (Dettmers et al. 2023, arXiv:2305.14314);
 * - ZeRO-1/2 communicate as much as data parallelism, ZeRO-3 1.5× (ZeRO §7).
 */
import { formatBytes } from '../format';
import type { DeviceSpec } from '../hardware/types';
import type { EstimateOptions, Mode, Precision } from '../options';
import type { ModelFacts } from './facts';
import { trainTerms } from './memory';
import { makePlan } from './plan';
import { PRECISION } from './precision';
import { requiredFor } from './search';
import { SHARDING_ROWS } from './sharding';
import type { Recommendation } from './types';

export interface RecommendContext {
  facts: ModelFacts;
  options: EstimateOptions;
  device: DeviceSpec;
  required: number;
  available: number;
  maxBatch: number;
  minGpus: Partial<Record<string, number>>;
}

interface Candidate {
  modes: Mode[];
  /** The option changes, or undefined when the change does not apply. */
  change(ctx: RecommendContext): { id: string; apply: Partial<EstimateOptions>; title: string; cost: string } | undefined;
}

/** bf16 where the device has it (or says nothing), fp16 on cards with fp16 but no bf16 (V100, T4). */
function halfPrecision(device: DeviceSpec): 'bf16' | 'fp16' {
  const p = device.peakTflops ?? {};
  return p.bf16 || !p.fp16 ? 'bf16' : 'fp16';
}

/** LoRA suits models whose weights are mostly Linear matrices (transformers, MLPs), not CNNs. */
function linearHeavy(facts: ModelFacts): boolean {
  const linear = facts.linears.reduce((a, l) => a + l.dims[0] * l.dims[1], 0);
  return facts.linears.length > 0 && linear >= 0.5 * facts.params.total;
}

function gpusFor(ctx: RecommendContext, strategy: string): number {
  const min = ctx.minGpus[strategy];
  return Math.max(2, min ?? (ctx.options.gpuCount > 1 ? ctx.options.gpuCount : 8));
}

function zero(strategy: 'zero2' | 'zero3'): Candidate {
  return {
    modes: ['train'],
    change: (ctx) => {
      if (ctx.options.sharding === strategy || ctx.device.kind !== 'gpu') return undefined;
      const gpus = gpusFor(ctx, strategy);
      return {
        id: strategy,
        apply: { sharding: strategy, gpuCount: gpus },
        title: `${SHARDING_ROWS[strategy].label} over ${gpus} × ${ctx.device.name}`,
        cost: `${gpus} GPUs; ${strategy === 'zero3' ? 'communication 1.5× data parallel' : 'communication as data parallel'} (ZeRO §7)`,
      };
    },
  };
}

const CANDIDATES: Candidate[] = [
  {
    modes: ['train'],
    change: (ctx) => {
      const p = ctx.options.precision;
      if (p !== 'fp32' && p !== 'tf32') return undefined;
      const half = halfPrecision(ctx.device);
      const precision: Precision = half === 'bf16' ? 'bf16-mixed' : 'fp16-mixed';
      return {
        id: precision,
        apply: { precision },
        title: `Train in ${PRECISION[precision].label}`,
        cost: half === 'bf16' ? '16-bit activations; rarely changes results' : 'fp16 needs loss scaling (GradScaler)',
      };
    },
  },
  {
    modes: ['train'],
    change: (ctx) =>
      ctx.options.gradientCheckpointing
        ? undefined
        : { id: 'gradient-checkpointing', apply: { gradientCheckpointing: true }, title: 'Enable gradient checkpointing', cost: '≈33% more compute (one extra forward)' },
  },
  {
    modes: ['train', 'infer'],
    change: (ctx) => {
      const t = ctx.facts.transformer;
      const eager = ctx.options.attention === 'eager' || (ctx.options.attention === 'auto' && !t?.fusedAttention);
      if (!t || !eager) return undefined;
      return {
        id: 'flash-attention',
        apply: { attention: 'flash' },
        title: 'Use fused attention (F.scaled_dot_product_attention / FlashAttention)',
        cost: 'needs a supported GPU and dtype; same results',
      };
    },
  },
  {
    modes: ['train'],
    change: (ctx) =>
      ctx.options.optimizer === 'adam' || ctx.options.optimizer === 'adamw'
        ? { id: 'adam-8bit', apply: { optimizer: 'adam-8bit' }, title: 'Use 8-bit Adam (bitsandbytes)', cost: 'a bitsandbytes dependency; matches 32-bit Adam in Dettmers et al. 2022' }
        : undefined,
  },
  {
    modes: ['train', 'infer'],
    change: (ctx) => {
      const b = ctx.options.batch;
      const to = Math.max(1, ctx.maxBatch);
      if (to >= b) return undefined;
      const steps = Math.ceil(b / to);
      return ctx.options.mode === 'train'
        ? {
            id: 'batch',
            apply: { batch: to },
            title: `Batch ${b} → ${to} with ${steps} gradient-accumulation steps`,
            cost: 'same effective batch; more, smaller steps (lower GPU utilisation)',
          }
        : { id: 'batch', apply: { batch: to }, title: `Batch ${b} → ${to}`, cost: 'lower throughput' };
    },
  },
  {
    modes: ['train'],
    change: (ctx) =>
      ctx.options.fineTuning === 'full' && linearHeavy(ctx.facts)
        ? {
            id: 'lora',
            apply: { fineTuning: 'lora' },
            title: `Fine-tune with LoRA (rank ${ctx.options.loraRank}, ${ctx.options.loraTargets.join(', ')})`,
            cost: 'trains adapters only: quality can trail full fine-tuning',
          }
        : undefined,
  },
  {
    modes: ['train'],
    change: (ctx) =>
      ctx.options.fineTuning !== 'qlora' && linearHeavy(ctx.facts)
        ? {
            id: 'qlora',
            apply: { fineTuning: 'qlora', precision: 'nf4' },
            title: `QLoRA: 4-bit NF4 base + LoRA adapters (rank ${ctx.options.loraRank})`,
            cost: 'trains adapters only; dequantization slows matmuls; matches 16-bit LoRA in Dettmers et al. 2023',
          }
        : undefined,
  },
  zero('zero2'),
  zero('zero3'),
  {
    modes: ['train'],
    change: (ctx) => {
      if (ctx.options.cpuOffload || ctx.device.kind !== 'gpu') return undefined;
      const s = ctx.options.sharding;
      const apply: Partial<EstimateOptions> = { cpuOffload: true, ...(s === 'none' || s === 'ddp' ? { sharding: 'zero2' } : {}) };
      const host = requiredHost(ctx, apply);
      return {
        id: 'cpu-offload',
        apply,
        title: `Offload optimizer state to CPU (DeepSpeed ZeRO-Offload)`,
        cost: `slower steps (optimizer on the CPU, PCIe transfers); needs ${formatBytes(host)} of CPU RAM`,
      };
    },
  },
  ...(['bf16', 'int8', 'int4'] as const).map(
    (precision): Candidate => ({
      modes: ['infer'],
      change: (ctx) => {
        const now = PRECISION[ctx.options.precision];
        const to = PRECISION[precision];
        if (to.matrixBytes >= now.matrixBytes && to.otherBytes >= now.otherBytes) return undefined;
        return {
          id: precision,
          apply: { precision },
          title: precision === 'bf16' ? 'Run inference in bf16' : `Quantize weights to ${precision} for inference`,
          cost: precision === 'bf16' ? 'rarely changes outputs' : precision === 'int8' ? 'small accuracy loss; bitsandbytes or torchao' : 'noticeable accuracy loss on some tasks; GPTQ/AWQ/bitsandbytes',
        };
      },
    }),
  ),
];

/** CPU RAM the offload plan needs (the memory estimate's hostBytes). */
function requiredHost(ctx: RecommendContext, apply: Partial<EstimateOptions>): number {
  return trainTerms(makePlan(ctx.facts, { ...ctx.options, ...apply }), ctx.device.kind).host;
}

function conflicts(a: Partial<EstimateOptions>, b: Partial<EstimateOptions>): boolean {
  return Object.keys(b).some((k) => k in a && (a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]);
}

/** Memory after a change; devices of one kind share the answers through `cache`. */
function after(ctx: RecommendContext, apply: Partial<EstimateOptions>, cache?: Map<string, number>): number {
  let key = ctx.device.kind;
  for (const k in apply) key += `|${k}=${String(apply[k as keyof EstimateOptions])}`;
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const bytes = requiredFor(ctx.facts, { ...ctx.options, ...apply }, ctx.device.kind);
  cache?.set(key, bytes);
  return bytes;
}

export function recommend(ctx: RecommendContext, cache?: Map<string, number>): Recommendation[] {
  const mode = ctx.options.mode;
  const out: Recommendation[] = [];
  for (const c of CANDIDATES) {
    if (!c.modes.includes(mode)) continue;
    const change = c.change(ctx);
    if (!change) continue;
    const required = after(ctx, change.apply, cache);
    const saves = ctx.required - required;
    if (saves <= 0) continue;
    out.push({
      id: change.id,
      title: change.title,
      savesBytes: saves,
      requiredBytes: required,
      cost: change.cost,
      apply: change.apply,
      fitsAlone: required <= ctx.available,
    });
  }
  out.sort((a, b) => b.savesBytes - a.savesBytes || a.id.localeCompare(b.id));
  if (ctx.required > ctx.available && out.length > 1 && !out.some((r) => r.fitsAlone)) {
    const combined = combine(ctx, out, cache);
    if (combined) out.unshift(combined);
  }
  return out;
}

/** Apply the ranked changes one after another (skipping ones that contradict those taken) until the plan fits. */
function combine(ctx: RecommendContext, ranked: Recommendation[], cache?: Map<string, number>): Recommendation | undefined {
  let apply: Partial<EstimateOptions> = {};
  const taken: Recommendation[] = [];
  let current = ctx.required;
  for (const r of ranked) {
    if (r.id === 'batch' || conflicts(apply, r.apply as Partial<EstimateOptions>)) continue;
    const next = { ...apply, ...(r.apply as Partial<EstimateOptions>) };
    const req = after(ctx, next, cache);
    if (req >= current) continue;
    apply = next;
    current = req;
    taken.push(r);
    if (current <= ctx.available) break;
  }
  if (taken.length < 2 || current > ctx.available) return undefined;
  return {
    id: 'combined',
    title: `Combine: ${taken.map((r) => r.title).join(' + ')}`,
    savesBytes: ctx.required - current,
    requiredBytes: current,
    cost: taken.map((r) => r.cost).join('; '),
    apply,
    fitsAlone: true,
  };
}
