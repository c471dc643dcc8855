/**
 * The options an estimate runs with: settings, overridden by the model's `# profile:` comment,
 * with every value checked. Bad values never throw: they fall back to the default with a finding.
 */
import type { ModelGraph } from '../graph';
import { withoutPinned } from '../profileComment';
import {
  ATTENTION_KERNELS,
  DEFAULT_OPTIONS,
  FINE_TUNING,
  MODES,
  OPTIMIZERS,
  PRECISIONS,
  SHARDING,
  isOneOf,
  type EstimateOptions,
} from '../options';
import type { Finding, SourceRange } from '../source';
import { ALL_LINEAR } from './lora';

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : undefined;
}

export function resolveOptions(graph: ModelGraph, base: EstimateOptions): { options: EstimateOptions; findings: Finding[] } {
  const findings: Finding[] = [];
  const o: EstimateOptions = { ...DEFAULT_OPTIONS, ...base, loraTargets: [...(base.loraTargets ?? DEFAULT_OPTIONS.loraTargets)] };
  const warn = (code: string, message: string, range?: SourceRange): void => {
    findings.push({ severity: 'warning', code, message, ...(range ? { range } : {}) });
  };

  // An example call's batch is part of the input it gives, unless a person asked for another batch;
  // so is the batch of the parent model's call a helper module was profiled at.
  const given = graph.input?.source === 'example' || graph.input?.source === 'parent';
  if (!base.batchFromUser && given && positiveInt(graph.input!.batch)) o.batch = graph.input!.batch;

  const p = withoutPinned(graph.profile, base);
  if (p) {
    const bad = (key: string, value: unknown, expected: string): void =>
      warn('estimate/profile-invalid', `\`# profile: ${key}=${String(value)}\` is not ${expected}; the setting is used instead`, p.range);
    if (p.batch !== undefined) {
      const b = positiveInt(p.batch);
      if (b) o.batch = b;
      else bad('batch', p.batch, 'a positive integer');
    }
    if (p.seq !== undefined) {
      const s = positiveInt(p.seq);
      if (s) o.seq = s;
      else bad('seq', p.seq, 'a positive integer');
    }
    if (p.input !== undefined) {
      if (Array.isArray(p.input) && p.input.length > 0 && p.input.every((d) => positiveInt(d) === d)) o.input = [...p.input];
      else bad('input', p.input, 'a shape of positive integers');
    }
    if (p.precision !== undefined) {
      if (isOneOf(PRECISIONS, p.precision)) o.precision = p.precision;
      else bad('precision', p.precision, `one of ${PRECISIONS.join(', ')}`);
    }
    if (p.optimizer !== undefined) {
      if (isOneOf(OPTIMIZERS, p.optimizer)) o.optimizer = p.optimizer;
      else bad('optimizer', p.optimizer, `one of ${OPTIMIZERS.join(', ')}`);
    }
    if (p.mode !== undefined) {
      if (isOneOf(MODES, p.mode)) o.mode = p.mode;
      else bad('mode', p.mode, 'train or infer');
    }
  }

  const fix = <K extends keyof EstimateOptions>(key: K, value: EstimateOptions[K], why: string): void => {
    warn('estimate/option-invalid', `${String(key)}=${JSON.stringify(o[key])} ${why}; using ${JSON.stringify(value)}`);
    o[key] = value;
  };
  if (!isOneOf(MODES, o.mode)) fix('mode', DEFAULT_OPTIONS.mode, 'is not a mode');
  if (!isOneOf(PRECISIONS, o.precision)) fix('precision', DEFAULT_OPTIONS.precision, 'is not a precision');
  if (!isOneOf(OPTIMIZERS, o.optimizer)) fix('optimizer', DEFAULT_OPTIONS.optimizer, 'is not an optimizer');
  if (!isOneOf(FINE_TUNING, o.fineTuning)) fix('fineTuning', DEFAULT_OPTIONS.fineTuning, 'is not a fine-tuning method');
  if (!isOneOf(SHARDING, o.sharding)) fix('sharding', DEFAULT_OPTIONS.sharding, 'is not a sharding strategy');
  if (!isOneOf(ATTENTION_KERNELS, o.attention)) fix('attention', DEFAULT_OPTIONS.attention, 'is not an attention kernel');
  if (positiveInt(o.batch) !== o.batch) fix('batch', positiveInt(o.batch) ?? DEFAULT_OPTIONS.batch, 'is not a positive integer');
  if (o.seq !== undefined && positiveInt(o.seq) !== o.seq) fix('seq', positiveInt(o.seq), 'is not a positive integer');
  if (positiveInt(o.gpuCount) !== o.gpuCount) fix('gpuCount', positiveInt(o.gpuCount) ?? 1, 'is not a positive integer');
  if (positiveInt(o.loraRank) !== o.loraRank) fix('loraRank', positiveInt(o.loraRank) ?? DEFAULT_OPTIONS.loraRank, 'is not a positive integer');
  if (!(Number.isFinite(o.utilization) && o.utilization > 0 && o.utilization <= 1)) {
    fix('utilization', DEFAULT_OPTIONS.utilization, 'is outside (0, 1]');
  }
  if (!(Number.isFinite(o.headroom) && o.headroom >= 0 && o.headroom <= 0.9)) {
    fix('headroom', Number.isFinite(o.headroom) ? Math.min(0.9, Math.max(0, o.headroom)) : DEFAULT_OPTIONS.headroom, 'is outside [0, 0.9]');
  }
  if (!(Number.isFinite(o.trainingTokens) && o.trainingTokens >= 0)) fix('trainingTokens', 0, 'is not a count');
  const targets = Array.isArray(o.loraTargets) ? o.loraTargets.filter((t) => typeof t === 'string' && t.trim() !== '').map((t) => t.trim()) : [];
  if (targets.length === 0) fix('loraTargets', [ALL_LINEAR], 'names no module');
  else o.loraTargets = targets;
  return { options: o, findings };
}
