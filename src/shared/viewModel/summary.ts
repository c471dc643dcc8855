/**
 * The summary cards at the top of the panel: one row per card, each with a short
 * value, the exact number behind it (for tooltips and tests) and a detail line.
 */
import type { FitResult, TimeEstimate, Verdict } from '../../core/estimate/types';
import {
  formatBytes,
  formatBytesBinary,
  formatBytesBoth,
  formatCount,
  formatDuration,
  formatExact,
  formatFlops,
  formatMacs,
  formatPercent,
} from '../../core/format';
import type { ModelReport } from '../../core/report';
import { PRECISION_FORMAT, STORAGE_FORMATS } from './formats';

export type CardTone = 'ok' | 'warn' | 'error';

export interface SummaryCard {
  /** Stable id: the DOM uses `summary-${id}`. */
  id: 'params' | 'weights' | 'train-memory' | 'infer-memory' | 'forward-flops' | 'forward-macs' | 'checkpoint' | 'time';
  label: string;
  /** Codicon name (without the `codicon-` prefix). */
  icon: string;
  value: string;
  /** The number behind `value`, exactly (bytes, count, seconds, tokens/s). */
  exact?: number;
  detail: string;
  /** Longer text for the tooltip. */
  title: string;
  tone?: CardTone;
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** True when the estimate has a time: devices without throughput figures (system RAM) have none. */
const timed = (t: TimeEstimate): boolean => finite(t.trainStepSeconds) || finite(t.inferenceSeconds) || finite(t.tokensPerSecond);

/**
 * The time estimate for a device id; else the first local device with a time, else
 * any device with one (a chosen target), else the first local device, else the first.
 */
export function pickTimeEstimate(
  report: Pick<ModelReport, 'time' | 'fit'>,
  deviceId?: string,
): TimeEstimate | undefined {
  const byId = deviceId ? report.time.find((t) => t.deviceId === deviceId) : undefined;
  if (byId) return byId;
  const local = new Set(report.fit.filter((f) => f.local).map((f) => f.deviceId));
  return (
    report.time.find((t) => local.has(t.deviceId) && timed(t)) ??
    report.time.find(timed) ??
    report.time.find((t) => local.has(t.deviceId)) ??
    report.time[0]
  );
}

const VERDICT_RANK: Record<Verdict, number> = { fits: 0, 'fits-with-changes': 1, 'does-not-fit': 2 };
const VERDICT_TONE: Record<Verdict, CardTone> = { fits: 'ok', 'fits-with-changes': 'warn', 'does-not-fit': 'error' };

/** The best verdict over the local devices: does the workload fit this machine anywhere? */
function localTone(fit: FitResult[]): { tone?: CardTone; text: string } {
  const local = fit.filter((f) => f.local);
  if (local.length === 0) return { text: '' };
  const best = local.reduce((a, b) => (VERDICT_RANK[b.verdict] < VERDICT_RANK[a.verdict] ? b : a));
  const text =
    best.verdict === 'fits'
      ? `fits ${best.device}`
      : best.verdict === 'fits-with-changes'
        ? `fits ${best.device} with changes`
        : 'does not fit this machine';
  return { tone: VERDICT_TONE[best.verdict], text };
}

function checkpointCard(report: ModelReport): SummaryCard {
  const storage = report.storage.checkpointBytes ?? {};
  const key = PRECISION_FORMAT[report.options.precision] ?? 'fp32';
  const bytes = finite(storage[key]) ? storage[key] : undefined;
  const label = STORAGE_FORMATS.find((f) => f.key === key)?.label ?? key;
  const training = report.storage.trainingCheckpointBytes;
  return {
    id: 'checkpoint',
    label: 'Checkpoint',
    icon: 'save',
    value: bytes === undefined ? '—' : formatBytes(bytes),
    exact: bytes,
    detail: finite(training) && training > 0 ? `${label} weights · ${formatBytes(training)} with optimizer` : `${label} weights`,
    title: bytes === undefined ? `No ${label} checkpoint size` : `${label} weights-only checkpoint: ${formatBytesBoth(bytes)}`,
  };
}

function timeCard(report: ModelReport, deviceId?: string): SummaryCard {
  const t = pickTimeEstimate(report, deviceId);
  const base = { id: 'time' as const, icon: 'watch' };
  if (!t) return { ...base, label: 'Time', value: '—', detail: 'no device to time on', title: 'No time estimate' };
  const utilisation = `${formatPercent(t.utilization)} utilisation, ${t.bound}-bound`;
  if (report.options.mode === 'train' && finite(t.trainStepSeconds)) {
    return {
      ...base,
      label: 'Step time',
      value: formatDuration(t.trainStepSeconds),
      exact: t.trainStepSeconds,
      detail: `${t.deviceName} · ${utilisation}`,
      title: t.explain,
    };
  }
  if (finite(t.tokensPerSecond)) {
    return {
      ...base,
      label: 'Tokens/s',
      value: `${formatCount(t.tokensPerSecond)} tok/s`,
      exact: t.tokensPerSecond,
      detail: `${t.deviceName} · decode, ${t.bound}-bound`,
      title: t.explain,
    };
  }
  const seconds = finite(t.inferenceSeconds) ? t.inferenceSeconds : t.trainStepSeconds;
  if (!finite(seconds)) {
    // No utilisation or bound to state: nothing was timed.
    return { ...base, label: report.options.mode === 'train' ? 'Step time' : 'Forward time', value: '—', detail: `${t.deviceName} · no throughput figures`, title: t.explain };
  }
  return {
    ...base,
    label: 'Forward time',
    value: formatDuration(seconds),
    exact: seconds,
    detail: `${t.deviceName} · ${utilisation}`,
    title: t.explain,
  };
}

export function summaryCards(report: ModelReport, opts: { deviceId?: string } = {}): SummaryCard[] {
  const p = report.params;
  const mode = report.options.mode;
  const selected = mode === 'train' ? report.memory.train : report.memory.inference;
  const fitTone = localTone(report.fit);
  const batch = `batch ${formatExact(report.options.batch)}${report.options.seq ? ` × ${formatExact(report.options.seq)} tokens` : ''}`;
  const split = [
    `${formatCount(p.trainable)} trainable`,
    `${formatCount(p.nonTrainable)} non-trainable`,
    ...(p.buffers > 0 ? [`${formatCount(p.buffers)} buffers`] : []),
  ].join(' · ');

  return [
    {
      id: 'params',
      label: 'Parameters',
      icon: 'symbol-numeric',
      value: formatCount(p.total),
      exact: p.total,
      detail: split,
      title: `${formatExact(p.total)} parameters (${formatExact(p.trainable)} trainable, ${formatExact(p.nonTrainable)} non-trainable, ${formatExact(p.buffers)} buffer elements)`,
    },
    {
      id: 'weights',
      label: 'Weights',
      icon: 'database',
      value: formatBytes(selected.weightsBytes),
      exact: selected.weightsBytes,
      detail: `${report.options.precision} · ${formatBytesBinary(selected.weightsBytes)}`,
      title: selected.explain?.weightsBytes ?? formatBytesBoth(selected.weightsBytes),
    },
    {
      id: 'train-memory',
      label: 'Training memory',
      icon: 'flame',
      value: formatBytes(report.memory.train.totalBytes),
      exact: report.memory.train.totalBytes,
      detail: mode === 'train' ? [batch, fitTone.text].filter(Boolean).join(' · ') : `${report.options.optimizer} · ${batch}`,
      title: `One training step: ${formatBytesBoth(report.memory.train.totalBytes)}`,
      tone: mode === 'train' ? fitTone.tone : undefined,
    },
    {
      id: 'infer-memory',
      label: 'Inference memory',
      icon: 'play',
      value: formatBytes(report.memory.inference.totalBytes),
      exact: report.memory.inference.totalBytes,
      detail: mode === 'infer' ? [batch, fitTone.text].filter(Boolean).join(' · ') : batch,
      title: `Inference: ${formatBytesBoth(report.memory.inference.totalBytes)}`,
      tone: mode === 'infer' ? fitTone.tone : undefined,
    },
    {
      id: 'forward-flops',
      label: 'Forward FLOPs',
      icon: 'pulse',
      value: formatFlops(report.flops.forward),
      exact: report.flops.forward,
      detail: `train step ${formatFlops(report.flops.trainStep)}`,
      title: `${formatExact(report.flops.forward)} FLOPs for one forward pass at ${batch} (1 MAC = 2 FLOPs)`,
    },
    {
      id: 'forward-macs',
      label: 'Forward MACs',
      icon: 'symbol-operator',
      value: formatMacs(report.macs.forward),
      exact: report.macs.forward,
      detail: `${formatMacs(report.macs.perSample)} per sample · 1 MAC = 2 FLOPs`,
      title: `${formatExact(report.macs.forward)} multiply-accumulates for one forward pass at ${batch}`,
    },
    checkpointCard(report),
    timeCard(report, opts.deviceId),
  ];
}
