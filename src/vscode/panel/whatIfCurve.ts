/**
 * The points of the panel's what-if curve, from reports the engine made: memory
 * against batch size from one report (activations and the KV cache are linear in the
 * batch, every other term is independent of it), and against sequence length from a
 * report at each length (shapes and attention change with it, so each is a new
 * estimate). Pure: the data source supplies the reports.
 */
import { memoryAtBatch } from '../../core/estimate';
import type { ModelReport } from '../../core/report';
import { LIMITS, type CurvePoint } from '../../shared/protocol';

/**
 * Batch sizes of the curve: powers of two from 1 up to past the largest batch that
 * fits any device (at least 4× the current batch), and the current batch.
 */
export function batchValues(report: Pick<ModelReport, 'options' | 'fit'>): number[] {
  const current = report.options.batch;
  const largestFit = Math.max(0, ...report.fit.map((f) => (Number.isFinite(f.maxBatch) ? f.maxBatch : 0)));
  const top = Math.min(LIMITS.batch.max, Math.max(8, current * 4, largestFit * 2));
  const values = new Set<number>([current]);
  for (let b = 1; b <= top; b *= 2) values.add(b);
  return [...values].sort((a, b) => a - b);
}

/**
 * Sequence lengths of the curve: powers of two from an eighth of the current length
 * up to the model's context (or 8× the current length when the context is unknown),
 * with the current length and the context themselves.
 */
export function seqValues(current: number, context?: number): number[] {
  const top = Math.min(LIMITS.seq.max, context && context >= current ? context : current * 8);
  const bottom = Math.max(1, Math.floor(current / 8));
  const values = new Set<number>([current, top]);
  for (let s = 1; s <= top; s *= 2) if (s >= bottom) values.add(s);
  return [...values].sort((a, b) => a - b);
}

/** Memory against batch size, read from the report's own terms. */
export function batchCurve(report: ModelReport): CurvePoint[] {
  return batchValues(report).map((x) => ({ x, trainBytes: memoryAtBatch(report, x, 'train'), inferBytes: memoryAtBatch(report, x, 'infer') }));
}

/** The sequence length a report was estimated at; undefined for a model without one. */
export function reportSeq(report: Pick<ModelReport, 'input' | 'options'>): number | undefined {
  return report.input?.seq ?? report.options.seq;
}

/**
 * Memory against sequence length: `reportAt(seq)` estimates the model at each length
 * (the report itself stands for its own length). Empty for a model without a sequence.
 */
export async function seqCurve(report: ModelReport, reportAt: (seq: number) => Promise<ModelReport | undefined>): Promise<CurvePoint[]> {
  const current = reportSeq(report);
  if (!current) return [];
  const points: CurvePoint[] = [];
  for (const x of seqValues(current, report.transformer?.maxSeq)) {
    const at = x === current ? report : await reportAt(x);
    if (at) points.push({ x, trainBytes: at.memory.train.totalBytes, inferBytes: at.memory.inference.totalBytes });
  }
  return points;
}
