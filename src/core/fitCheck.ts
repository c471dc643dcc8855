/**
 * The fit check the editor shows on a model (diagnostic, "Check Fits" notification,
 * quick fixes), computed from a finished report without re-estimating:
 * - which devices count: the accelerators (this machine's GPUs and the target devices)
 *   or, on a machine without any, the CPU with its RAM;
 * - the status: fits; tight (fits only by eating into the headroom kept free for the
 *   allocator); exceeds (more than every device has, even without the headroom);
 * - the message, the layer that dominates memory, and the changes that save memory.
 */
import { deepspeedConfig, fsdpSnippet } from './estimate/distributedConfig';
import { SHARDING_ROWS } from './estimate/sharding';
import { fitSummaryLine } from './estimate/summary';
import { formatBytes, formatCount, formatPercent } from './format';
import { SHARDING, type EstimateOptions } from './options';
import type { LayerRow, ModelReport } from './report';
import type { FitResult, Recommendation } from './estimate/types';

export type FitStatus = 'fits' | 'tight' | 'exceeds' | 'no-device';

/** The layer a diagnostic's related information points at. */
export interface DominantLayer {
  path: string;
  type: string;
  /** 1-based line, and the file when it is not the analysed one. */
  line: number;
  file?: string;
  /** "keeps 12.3 GB of activations for backward (81.0% of them)". */
  reason: string;
}

export type QuickFixKind = 'precision' | 'checkpointing' | 'optimizer' | 'batch' | 'plan';

export interface QuickFix {
  kind: QuickFixKind;
  /** The engine's recommendation id ("bf16-mixed", "adam-8bit", "batch", "zero3", ...). */
  recommendationId: string;
  /** States the memory saved: "Train in bf16 mixed precision (saves 2.1 GB)". */
  title: string;
  savesBytes: number;
  requiredBytes: number;
  /** True when this change alone makes the model fit the device. */
  fitsAlone: boolean;
  /** Option changes that apply it; empty for "plan", which only shows a document. */
  apply: Partial<EstimateOptions>;
}

export interface FitCheck {
  status: FitStatus;
  /** The fit results the status is computed from. */
  compared: FitResult[];
  /** True when there is no accelerator at all: the CPU and its RAM were checked. */
  cpuOnly: boolean;
  /** The device the message and the fixes are stated against: the first that fits, else the largest. */
  target?: FitResult;
  /** "MiniGPT needs ~31.4 GB to train (batch 32, bf16-mixed, AdamW); the largest GPU here has 24.0 GB (RTX 4090)". */
  message: string;
  /** Said beside the message when only the CPU was checked. */
  note?: string;
  dominant?: DominantLayer;
  fixes: QuickFix[];
}

/** Recommendation ids by the quick fix that offers them. */
const FIX_KIND: Record<string, QuickFixKind> = {
  'bf16-mixed': 'precision',
  'fp16-mixed': 'precision',
  bf16: 'precision',
  int8: 'precision',
  int4: 'precision',
  'gradient-checkpointing': 'checkpointing',
  'adam-8bit': 'optimizer',
  batch: 'batch',
};

/** Recommendations whose change is a multi-GPU or offload plan (the same set the fit verdict draws its plan from). */
const PLAN_IDS = new Set(['zero2', 'zero3', 'cpu-offload', 'combined']);

/** The recommendation the verdict's multi-GPU or offload plan realises (fit.ts picks it the same way). */
function plannedChange(fit: FitResult): Recommendation | undefined {
  return fit.plan ? fit.recommendations.find((r) => r.fitsAlone && PLAN_IDS.has(r.id)) : undefined;
}

const isCpu = (fit: FitResult): boolean => fit.deviceId === 'local-cpu' || fit.deviceId === 'cpu';

/** Memory the plan needs without the headroom margin: the total is rest / (1 − headroom). */
function withoutHeadroom(fit: FitResult, headroom: number): number {
  return fit.requiredBytes * (1 - headroom);
}

/** Devices that count: the accelerators when there are any, else the CPU. */
export function comparedFits(report: ModelReport): { compared: FitResult[]; cpuOnly: boolean } {
  const accelerators = report.fit.filter((f) => !isCpu(f));
  if (accelerators.length > 0) return { compared: accelerators, cpuOnly: false };
  return { compared: report.fit.filter(isCpu), cpuOnly: true };
}

function largest(fits: FitResult[]): FitResult {
  // Ties go to this machine's device, which is listed first.
  return fits.reduce((a, b) => (b.availableBytes > a.availableBytes ? b : a));
}

/** 0.1 -> "10%", 0.125 -> "12.5%". */
function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function saves(bytes: number): string {
  return `saves ${formatBytes(bytes)}`;
}

function fixTitle(kind: QuickFixKind, rec: Recommendation, fit: FitResult): string {
  const then = rec.fitsAlone ? `, then fits the ${fit.device}` : '';
  if (kind === 'batch') {
    return `Set the batch size to ${fit.maxBatch}, the largest that fits the ${fit.device} (${saves(rec.savesBytes)})`;
  }
  return `${rec.title} (${saves(rec.savesBytes)}${then})`;
}

/** The quick fixes for one device, in the engine's ranking (most memory saved first). */
export function quickFixes(fit: FitResult): QuickFix[] {
  const fixes: QuickFix[] = [];
  for (const rec of fit.recommendations) {
    const kind = FIX_KIND[rec.id];
    if (!kind) continue;
    // Batch 1 not fitting leaves no batch size to set.
    if (kind === 'batch' && fit.maxBatch < 1) continue;
    const apply = kind === 'batch' ? { batch: fit.maxBatch } : (rec.apply as Partial<EstimateOptions>);
    fixes.push({
      kind,
      recommendationId: rec.id,
      title: fixTitle(kind, rec, fit),
      savesBytes: rec.savesBytes,
      requiredBytes: rec.requiredBytes,
      fitsAlone: rec.fitsAlone,
      apply: { ...apply },
    });
  }
  const planned = plannedChange(fit);
  if (fit.plan && planned) {
    fixes.push({
      kind: 'plan',
      recommendationId: planned.id,
      // The verdict's plan may spread the model over GPUs or keep one GPU and offload to the CPU.
      title: `Show the ${fit.plan.gpus > 1 ? 'multi-GPU' : 'offload'} plan: ${planned.title} (${saves(planned.savesBytes)} per GPU)`,
      savesBytes: planned.savesBytes,
      requiredBytes: planned.requiredBytes,
      fitsAlone: true,
      apply: {},
    });
  }
  return fixes;
}

/** The suggestion "Apply Suggestion" applies: the first change that alone makes it fit, else the one that saves most. */
export function topRecommendation(fit: FitResult | undefined): Recommendation | undefined {
  if (!fit || fit.verdict === 'fits') return undefined;
  return fit.recommendations.find((r) => r.fitsAlone) ?? fit.recommendations[0];
}

function leafRows(report: ModelReport): LayerRow[] {
  return report.layers.filter((l) => !l.hasChildren && l.path !== '' && l.line !== undefined);
}

/**
 * The layer that dominates memory: when activations outweigh the model states, the layer
 * keeping the most activation bytes; otherwise the layer holding the most parameters
 * (weights, gradients and optimizer state all scale with them).
 */
export function dominantLayer(report: ModelReport): DominantLayer | undefined {
  const m = report.options.mode === 'train' ? report.memory.train : report.memory.inference;
  const states = m.weightsBytes + m.gradientsBytes + m.optimizerBytes + m.masterWeightsBytes;
  const leaves = leafRows(report);
  const activationPath = report.memory.dominantLayer;
  if (m.activationsBytes + m.kvCacheBytes > states && activationPath) {
    const row = report.layers.find((l) => l.path === activationPath && l.line !== undefined);
    const bytes = report.memory.perLayerActivationBytes[activationPath] ?? 0;
    if (row && bytes > 0) {
      const share = m.activationsBytes > 0 ? bytes / m.activationsBytes : 0;
      const what = report.options.mode === 'train' ? 'keeps for backward' : 'holds at its peak';
      return located(row, `${row.path} (${row.type}) ${what} ${formatBytes(bytes)} of activations (${formatPercent(share)} of them)`);
    }
  }
  const total = report.params.total;
  const heaviest = leaves.reduce<LayerRow | undefined>((a, b) => (b.ownParams > (a?.ownParams ?? 0) ? b : a), undefined);
  if (!heaviest || total <= 0) return undefined;
  return located(
    heaviest,
    `${heaviest.path} (${heaviest.type}) holds ${formatCount(heaviest.ownParams)} parameters (${formatPercent(heaviest.ownParams / total)} of them): weights, gradients and optimizer state scale with it`,
  );
}

function located(row: LayerRow, reason: string): DominantLayer {
  const out: DominantLayer = { path: row.path, type: row.type, line: row.line!, reason };
  if (row.file) out.file = row.file;
  return out;
}

function statusOf(compared: FitResult[], headroom: number): FitStatus {
  if (compared.length === 0) return 'no-device';
  if (compared.some((f) => f.verdict === 'fits')) return 'fits';
  if (compared.some((f) => withoutHeadroom(f, headroom) <= f.availableBytes)) return 'tight';
  return 'exceeds';
}

function cpuNote(report: ModelReport): string {
  const work = report.options.mode === 'train' ? 'training' : 'inference';
  return `No GPU here: checked against the system RAM (${work} on the CPU)`;
}

/** The fit check of one model. */
export function checkFit(report: ModelReport): FitCheck {
  const { compared, cpuOnly } = comparedFits(report);
  const headroom = report.options.headroom;
  const status = statusOf(compared, headroom);
  const shown: ModelReport = { ...report, fit: compared };
  let message = fitSummaryLine(shown);
  let target: FitResult | undefined;
  if (status === 'fits') {
    target = compared.find((f) => f.verdict === 'fits' && f.local) ?? compared.find((f) => f.verdict === 'fits');
  } else if (status === 'tight') {
    target = largest(compared.filter((f) => withoutHeadroom(f, headroom) <= f.availableBytes));
    const left = target.availableBytes - withoutHeadroom(target, headroom);
    message += `; it fits the ${target.device} only without the ${percent(headroom)} headroom, leaving ${formatBytes(left)} free`;
  } else if (compared.length > 0) {
    target = largest(compared);
  }
  const check: FitCheck = { status, compared, cpuOnly, message, fixes: target && status !== 'fits' ? quickFixes(target) : [] };
  if (target) check.target = target;
  if (cpuOnly) check.note = cpuNote(report);
  const dominant = dominantLayer(report);
  if (dominant) check.dominant = dominant;
  return check;
}

/**
 * The multi-GPU plan as a Markdown document: the plan the fit verdict found for the device,
 * the fewest GPUs each strategy needs, a DeepSpeed config and a PyTorch FSDP snippet.
 * Undefined when the verdict has no plan (it fits, or no plan fits).
 */
export function multiGpuPlanMarkdown(report: ModelReport, fit: FitResult): string | undefined {
  const planned = plannedChange(fit);
  if (!fit.plan || !planned) return undefined;
  const options: EstimateOptions = { ...report.options, ...(planned.apply as Partial<EstimateOptions>) };
  const lines = [
    `# Multi-GPU plan for ${report.name}`,
    '',
    `${fitSummaryLine({ ...report, fit: [fit] })}.`,
    '',
    `**Plan:** ${planned.title}: ~${formatBytes(planned.requiredBytes)} per GPU (${saves(planned.savesBytes)}). Cost: ${planned.cost}.`,
    '',
    '| Strategy | Fewest GPUs that fit |',
    '| --- | --- |',
  ];
  for (const strategy of SHARDING) {
    if (strategy === 'none') continue;
    const n = fit.minGpus[strategy];
    lines.push(`| ${SHARDING_ROWS[strategy].label} | ${n === undefined ? 'none up to 1024' : n} |`);
  }
  lines.push(
    '',
    `## DeepSpeed (${SHARDING_ROWS[options.sharding].label}${options.cpuOffload ? ' with CPU offload' : ''}, ${options.gpuCount} GPUs)`,
    '',
    'Save as `ds_config.json` and launch with `deepspeed --num_gpus ' + options.gpuCount + ' train.py --deepspeed ds_config.json`.',
    '',
    '```json',
    JSON.stringify(deepspeedConfig(options), null, 2),
    '```',
  );
  const fsdpGpus = fit.minGpus['fsdp'];
  if (fsdpGpus !== undefined) {
    lines.push(
      '',
      `## PyTorch FSDP (full shard, ${fsdpGpus} GPUs)`,
      '',
      '```python',
      // The fewest FSDP GPUs are counted for the current plan, so the snippet keeps its other settings.
      fsdpSnippet({ ...report.options, sharding: 'fsdp', gpuCount: fsdpGpus }),
      '```',
    );
  }
  lines.push('', `Estimated by Model Resource Profiler from the source; the numbers assume ${report.options.mode === 'train' ? 'one training step' : 'inference'} at batch ${options.batch} per GPU.`, '');
  return lines.join('\n');
}
