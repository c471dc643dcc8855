/**
 * Runtime guards for messages from the webview. The host treats every message as
 * untrusted: a compromised or buggy webview may post anything structured clone can
 * carry. A message is accepted only when
 *   - it is made of plain objects, arrays, strings, finite numbers, booleans and null,
 *     within the depth, key and size limits of LIMITS;
 *   - no object has a `__proto__`, `constructor` or `prototype` key;
 *   - its `type` is known and its fields match that type's row in MESSAGE_FIELDS,
 *     with no unknown field.
 * Numbers out of range are clamped (and the clamp is reported); everything else
 * wrong rejects the message with a reason. The result is a fresh object built from
 * the known fields only, so nothing of the input's prototype chain survives.
 */
import {
  ATTENTION_KERNELS,
  FINE_TUNING,
  MODES,
  OPTIMIZERS,
  PRECISIONS,
  SHARDING,
} from '../core/options';
import {
  CHART_IDS,
  CURVE_AXES,
  EXPORT_FORMATS,
  LIMITS,
  type ControlsPatch,
  type PanelControls,
  type WebviewMessageType,
  type WebviewToHost,
} from './protocol';

export type Validation<T> =
  | { ok: true; value: T; /** Numbers that were clamped into range, for the log. */ adjusted: string[] }
  | { ok: false; reason: string };

/** A field check: returns the cleaned value, or a reason it is refused. */
type Check<T> = (value: unknown, at: string, adjusted: string[]) => { value: T } | { reason: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Structural pass over the whole value before any field is read: types, depth,
 * keys, forbidden names and total size. Returns a reason, or undefined when sound.
 */
function structuralProblem(root: unknown): string | undefined {
  let values = 0;
  const stack: Array<{ v: unknown; depth: number; at: string }> = [{ v: root, depth: 0, at: 'message' }];
  while (stack.length > 0) {
    const { v, depth, at } = stack.pop()!;
    values++;
    if (values > LIMITS.totalValues) return `message has more than ${LIMITS.totalValues} values`;
    // undefined survives structured clone; a field holding it counts as absent.
    if (v === null || v === undefined || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${at} is not a finite number`;
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > LIMITS.dataUrlLength) return `${at} is longer than ${LIMITS.dataUrlLength} characters`;
      continue;
    }
    if (depth >= LIMITS.depth) return `${at} is nested deeper than ${LIMITS.depth} levels`;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return `${at} is not a plain array`;
      if (v.length > LIMITS.totalValues) return `${at} has more than ${LIMITS.totalValues} items`;
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, at: `${at}[${i}]` });
      continue;
    }
    if (!isPlainObject(v)) return `${at} is a ${describe(v)}, not plain data`;
    const keys = Reflect.ownKeys(v);
    if (keys.length > LIMITS.keysPerObject) return `${at} has more than ${LIMITS.keysPerObject} keys`;
    for (const key of keys) {
      if (typeof key !== 'string') return `${at} has a symbol key`;
      if (FORBIDDEN_KEYS.has(key)) return `${at} has a forbidden key "${key}"`;
      const desc = Object.getOwnPropertyDescriptor(v, key);
      if (!desc || !('value' in desc)) return `${at}.${clip(key)} is an accessor, not data`;
      stack.push({ v: desc.value, depth: depth + 1, at: `${at}.${clip(key)}` });
    }
  }
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  const name = Object.getPrototypeOf(v)?.constructor?.name;
  return typeof name === 'string' && name.length > 0 ? clip(name) : 'object';
}

/** Keys and values quoted in reasons are cut short: reasons end up in logs. */
function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---------------------------------------------------------------- field checks

function str(max: number, opts: { nonEmpty?: boolean } = {}): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string') return { reason: `${at} must be a string` };
    if (v.length > max) return { reason: `${at} is longer than ${max} characters` };
    if (opts.nonEmpty && v.length === 0) return { reason: `${at} must not be empty` };
    return { value: v };
  };
}

function oneOf<T extends string>(list: readonly T[]): Check<T> {
  return (v, at) => {
    if (typeof v === 'string' && (list as readonly string[]).includes(v)) return { value: v as T };
    return { reason: `${at} must be one of ${list.join(', ')}` };
  };
}

/** An integer clamped into [min, max]; fractions are rounded. */
function clampedInt(range: { min: number; max: number }): Check<number> {
  return (v, at, adjusted) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return { reason: `${at} must be a finite number` };
    const n = Math.min(range.max, Math.max(range.min, Math.round(v)));
    if (n !== v) adjusted.push(`${at} ${v} -> ${n}`);
    return { value: n };
  };
}

const bool: Check<boolean> = (v, at) =>
  typeof v === 'boolean' ? { value: v } : { reason: `${at} must be true or false` };

function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at, adjusted) => (v === null ? { value: null } : check(v, at, adjusted));
}

function arrayOf<T>(check: Check<T>, maxItems: number, minItems = 0): Check<T[]> {
  return (v, at, adjusted) => {
    if (!Array.isArray(v)) return { reason: `${at} must be a list` };
    if (v.length > maxItems) return { reason: `${at} has more than ${maxItems} items` };
    if (v.length < minItems) return { reason: `${at} needs at least ${minItems} item${minItems === 1 ? '' : 's'}` };
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = check(v[i], `${at}[${i}]`, adjusted);
      if ('reason' in r) return r;
      out.push(r.value);
    }
    return { value: out };
  };
}

function unique<T>(check: Check<T[]>): Check<T[]> {
  return (v, at, adjusted) => {
    const r = check(v, at, adjusted);
    return 'reason' in r ? r : { value: [...new Set(r.value)] };
  };
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

const pngDataUrl: Check<string> = (v, at) => {
  if (typeof v !== 'string') return { reason: `${at} must be a string` };
  if (v.length > LIMITS.dataUrlLength) return { reason: `${at} is larger than ${LIMITS.dataUrlLength} characters` };
  if (!PNG_DATA_URL.test(v)) return { reason: `${at} must be a base64 PNG data URL` };
  if ((v.length - 'data:image/png;base64,'.length) % 4 !== 0) return { reason: `${at} has truncated base64` };
  return { value: v };
};

interface Field {
  check: Check<unknown>;
  optional?: boolean;
}

type Fields = Record<string, Field>;

function objectOf(fields: Fields): Check<Record<string, unknown>> {
  return (v, at, adjusted) => {
    if (!isPlainObject(v)) return { reason: `${at} must be an object` };
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) return { reason: `${at} has an unknown field "${clip(key)}"` };
    }
    for (const [key, field] of Object.entries(fields)) {
      if (!Object.prototype.hasOwnProperty.call(v, key) || v[key] === undefined) {
        if (field.optional) continue;
        return { reason: `${at}.${key} is missing` };
      }
      const r = field.check(v[key], `${at}.${key}`, adjusted);
      if ('reason' in r) return r;
      out[key] = r.value;
    }
    return { value: out };
  };
}

const optional = (check: Check<unknown>): Field => ({ check, optional: true });
const required = (check: Check<unknown>): Field => ({ check });

/** Every control the panel can set, one row each; all optional in a patch. */
export const CONTROL_CHECKS: { [K in keyof PanelControls]: Check<PanelControls[K]> } = {
  mode: oneOf(MODES),
  batch: clampedInt(LIMITS.batch),
  seq: nullable(clampedInt(LIMITS.seq)),
  input: nullable(arrayOf(clampedInt(LIMITS.inputDim), LIMITS.inputRank, 1)),
  precision: oneOf(PRECISIONS),
  optimizer: oneOf(OPTIMIZERS),
  gradientCheckpointing: bool,
  attention: oneOf(ATTENTION_KERNELS),
  fineTuning: oneOf(FINE_TUNING),
  loraRank: clampedInt(LIMITS.loraRank),
  sharding: oneOf(SHARDING),
  gpuCount: clampedInt(LIMITS.gpuCount),
  cpuOffload: bool,
  loraTargets: arrayOf(str(LIMITS.shortStringLength, { nonEmpty: true }), LIMITS.loraTargets, 1),
  utilizationPercent: clampedInt(LIMITS.utilizationPercent),
  trainingTokens: clampedInt(LIMITS.trainingTokens),
  targetDevices: unique(arrayOf(str(LIMITS.shortStringLength, { nonEmpty: true }), LIMITS.targetDevices)),
  curveAxis: oneOf(CURVE_AXES),
};

const controlsPatch = objectOf(
  Object.fromEntries(Object.entries(CONTROL_CHECKS).map(([k, check]) => [k, optional(check as Check<unknown>)])),
);

const modelId = str(LIMITS.idLength, { nonEmpty: true });
const shortId = str(LIMITS.shortStringLength, { nonEmpty: true });

/** One row per message type: its fields and their checks. */
const MESSAGE_FIELDS: Record<WebviewMessageType, Fields> = {
  ready: {},
  selectModel: { modelId: required(modelId) },
  setControls: { modelId: required(modelId), controls: required(controlsPatch) },
  resetControls: { modelId: required(modelId) },
  revealLayer: {
    modelId: required(modelId),
    line: required(clampedInt(LIMITS.line)),
    file: optional(str(LIMITS.pathLength, { nonEmpty: true })),
    layerPath: optional(str(LIMITS.pathLength)),
  },
  applyRecommendation: {
    modelId: required(modelId),
    deviceId: required(shortId),
    recommendationId: required(shortId),
  },
  export: { modelId: required(modelId), format: required(oneOf(EXPORT_FORMATS)) },
  savePng: { modelId: required(modelId), chartId: required(oneOf(CHART_IDS)), dataUrl: required(pngDataUrl) },
  error: { message: required(str(LIMITS.errorMessageLength)) },
};

/** Validates one message from the webview. Never throws. */
export function validateWebviewMessage(raw: unknown): Validation<WebviewToHost> {
  try {
    const problem = structuralProblem(raw);
    if (problem) return { ok: false, reason: problem };
    if (!isPlainObject(raw)) return { ok: false, reason: 'message must be an object' };
    const type = raw.type;
    if (typeof type !== 'string') return { ok: false, reason: 'message.type must be a string' };
    if (!Object.prototype.hasOwnProperty.call(MESSAGE_FIELDS, type)) {
      return { ok: false, reason: `unknown message type "${clip(type)}"` };
    }
    const adjusted: string[] = [];
    const fields = { type: required(oneOf([type])), ...MESSAGE_FIELDS[type as WebviewMessageType] };
    const r = objectOf(fields)(raw, 'message', adjusted);
    if ('reason' in r) return { ok: false, reason: r.reason };
    return { ok: true, value: r.value as unknown as WebviewToHost, adjusted };
  } catch (e) {
    return { ok: false, reason: `message could not be read (${clip(String(e), 80)})` };
  }
}

/**
 * Cleans a controls patch from any source that is not the webview's message itself
 * (a recommendation's `apply`, remembered state from an older version): unknown keys
 * are dropped rather than refused, and each known key is checked as above.
 */
export function sanitizeControlsPatch(raw: unknown): ControlsPatch {
  if (structuralProblem(raw) || !isPlainObject(raw)) return {};
  const out: Record<string, unknown> = {};
  const adjusted: string[] = [];
  for (const [key, check] of Object.entries(CONTROL_CHECKS)) {
    if (!Object.prototype.hasOwnProperty.call(raw, key)) continue;
    const r = (check as Check<unknown>)(raw[key], key, adjusted);
    if ('value' in r) out[key] = r.value;
  }
  return out as ControlsPatch;
}
