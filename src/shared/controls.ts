/**
 * The panel's controls and the engine's options: defaults, merging, conversion.
 * The host keeps per-model patches over the settings; these helpers turn settings
 * + patch into the controls the panel shows and the options the engine runs with.
 */
import { DEFAULT_OPTIONS, type EstimateOptions } from '../core/options';
import { LIMITS, type ControlsPatch, type PanelControls } from './protocol';

/** The panel's controls for given engine options (and the chosen target devices). */
export function controlsFromOptions(options: EstimateOptions, targetDevices: readonly string[] = []): PanelControls {
  return {
    mode: options.mode,
    batch: options.batch,
    seq: options.seq ?? null,
    input: options.input ? [...options.input] : null,
    precision: options.precision,
    optimizer: options.optimizer,
    gradientCheckpointing: options.gradientCheckpointing,
    attention: options.attention,
    fineTuning: options.fineTuning,
    loraRank: options.loraRank,
    sharding: options.sharding,
    gpuCount: options.gpuCount,
    cpuOffload: options.cpuOffload,
    loraTargets: [...options.loraTargets],
    utilizationPercent: Math.round(options.utilization * 100),
    trainingTokens: options.trainingTokens,
    targetDevices: [...targetDevices],
    curveAxis: 'batch',
  };
}

export const DEFAULT_CONTROLS: PanelControls = controlsFromOptions(DEFAULT_OPTIONS);

/** Controls with a (sanitized) patch on top; keys the patch leaves out keep their value. */
export function mergeControls(base: PanelControls, patch: ControlsPatch): PanelControls {
  const out: PanelControls = { ...base, targetDevices: [...base.targetDevices] };
  for (const key of Object.keys(patch) as Array<keyof PanelControls>) {
    const value = patch[key];
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** The keys where `next` differs from `base`: what is remembered for a model. */
export function diffControls(base: PanelControls, next: PanelControls): ControlsPatch {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next) as Array<keyof PanelControls>) {
    if (JSON.stringify(base[key]) !== JSON.stringify(next[key])) out[key] = next[key];
  }
  return out as ControlsPatch;
}

/** Engine options with the panel's controls applied; options the panel has no control for are kept. */
export function optionsWithControls(base: EstimateOptions, controls: PanelControls): EstimateOptions {
  return {
    ...base,
    mode: controls.mode,
    batch: controls.batch,
    seq: controls.seq ?? undefined,
    input: controls.input ? [...controls.input] : undefined,
    precision: controls.precision,
    optimizer: controls.optimizer,
    gradientCheckpointing: controls.gradientCheckpointing,
    attention: controls.attention,
    fineTuning: controls.fineTuning,
    loraRank: controls.loraRank,
    sharding: controls.sharding,
    gpuCount: controls.gpuCount,
    cpuOffload: controls.cpuOffload,
    ...(controls.loraTargets && controls.loraTargets.length > 0 ? { loraTargets: [...controls.loraTargets] } : {}),
    ...(controls.utilizationPercent !== undefined ? { utilization: controls.utilizationPercent / 100 } : {}),
    ...(controls.trainingTokens !== undefined ? { trainingTokens: controls.trainingTokens } : {}),
  };
}

/** The LoRA targets text box: module names separated by commas or spaces ("q_proj, v_proj", "all-linear"). */
export function parseNameList(text: string): { ok: true; names: string[] } | { ok: false; reason: string } {
  const names = text.split(/[\s,]+/).filter((n) => n !== '');
  if (names.length === 0) return { ok: false, reason: 'name at least one module, e.g. q_proj, v_proj or all-linear' };
  if (names.length > LIMITS.loraTargets) return { ok: false, reason: `at most ${LIMITS.loraTargets} names` };
  if (names.some((n) => !/^[A-Za-z_][\w.-]*$/.test(n))) return { ok: false, reason: 'module names are letters, digits, _ . and -' };
  return { ok: true, names };
}

export type ParsedShape = { ok: true; shape: number[] | null } | { ok: false; reason: string };

/**
 * The input-shape text box: "3,224,224", "(3, 224, 224)" or empty (inferred).
 * Same grammar as the `modelProfiler.inputShape` setting.
 */
export function parseInputShape(text: string): ParsedShape {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, shape: null };
  const inner = trimmed.replace(/^\(\s*/, '').replace(/\s*,?\s*\)$/, '').replace(/,\s*$/, '');
  const parts = inner.split(',').map((p) => p.trim());
  if (parts.length > LIMITS.inputRank) return { ok: false, reason: `at most ${LIMITS.inputRank} dimensions` };
  const shape: number[] = [];
  for (const part of parts) {
    if (!/^\d+$/.test(part)) return { ok: false, reason: 'use whole numbers separated by commas, e.g. 3,224,224' };
    const n = Number(part);
    if (n < LIMITS.inputDim.min || n > LIMITS.inputDim.max) {
      return { ok: false, reason: `each dimension must be between ${LIMITS.inputDim.min} and ${LIMITS.inputDim.max}` };
    }
    shape.push(n);
  }
  return { ok: true, shape };
}

export function formatInputShape(shape: readonly number[] | null | undefined): string {
  return shape && shape.length > 0 ? shape.join(', ') : '';
}
