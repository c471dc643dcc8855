/**
 * Helpers the views call on a finished report: the one-line fit summary (CLI `fits`,
 * notifications) and memory at another batch (what-if curves), both without re-estimating.
 */
import { formatBytes, formatExact } from '../format';
import type { Mode } from '../options';
import type { ModelReport } from '../report';
import { marginBytes } from './memory';
import { OPTIMIZER } from './optimizers';
import type { FitResult } from './types';

function setup(report: ModelReport): string {
  const o = report.options;
  const parts = [`batch ${o.batch}`];
  const seq = o.seq ?? report.input?.seq;
  if (seq) parts.push(`seq ${formatExact(seq)}`);
  parts.push(o.fineTuning === 'full' ? o.precision : `${o.fineTuning} ${o.fineTuning === 'qlora' ? 'nf4' : o.precision}`);
  if (o.mode === 'train') {
    parts.push(OPTIMIZER[o.optimizer]?.label ?? o.optimizer);
    if (o.sharding !== 'none') parts.push(`${o.sharding} × ${o.gpuCount}`);
  }
  return parts.join(', ');
}

function deviceWord(fit: FitResult): string {
  return fit.local ? 'here' : 'among the targets';
}

/**
 * "MiniGPT needs ~31.4 GB to train (batch 32, bf16-mixed, AdamW); the largest GPU here has 24.0 GB (RTX 4090)".
 * Bytes are decimal GB, as device datasheets print them.
 */
export function fitSummaryLine(report: ModelReport): string {
  const mode = report.options.mode;
  const need = (mode === 'train' ? report.memory.train : report.memory.inference).totalBytes;
  const head = `${report.name} needs ~${formatBytes(need)} ${mode === 'train' ? 'to train' : 'for inference'} (${setup(report)})`;
  if (report.fit.length === 0) return `${head}; no device to compare with`;
  const fits = report.fit.filter((f) => f.verdict === 'fits');
  if (fits.length > 0) {
    const best = fits.find((f) => f.local) ?? fits[0]!;
    return `${head}; fits the ${best.device} (${formatBytes(best.availableBytes)})`;
  }
  const largest = report.fit.reduce((a, b) => (b.availableBytes > a.availableBytes ? b : a));
  const kind = largest.deviceId.includes('cpu') ? 'device' : 'GPU';
  let line = `${head}; the largest ${kind} ${deviceWord(largest)} has ${formatBytes(largest.availableBytes)} (${largest.device})`;
  const change = largest.recommendations.find((r) => r.fitsAlone);
  if (change) line += `; fits with: ${change.title} (→ ~${formatBytes(change.requiredBytes)})`;
  return line;
}

/**
 * Device memory at another batch. Activations and the KV cache are linear in the batch and
 * every other term is independent of it, so the report's own terms suffice; the result matches
 * a full re-estimate up to rounding of the scaled terms.
 */
export function memoryAtBatch(report: ModelReport, batch: number, mode: Mode): number {
  const m = mode === 'train' ? report.memory.train : report.memory.inference;
  const base = report.options.batch;
  const b = Number.isFinite(batch) && batch > 0 ? batch : 0;
  const r = base > 0 ? b / base : 0;
  const scaled = Math.round(m.activationsBytes * r) + Math.round(m.kvCacheBytes * r);
  const fixed = m.weightsBytes + m.gradientsBytes + m.optimizerBytes + m.masterWeightsBytes + m.overheadBytes;
  const rest = fixed + scaled;
  return rest + marginBytes(rest, report.options.headroom);
}
