/**
 * Settings reader: every `modelProfiler.*` setting, validated and clamped, as one
 * plain object. Consumers (analysis service, hover, CodeLens, fit diagnostics,
 * status bar, panel) read settings only through here, so a value is checked once
 * and every view agrees on it.
 *
 * API (stable):
 *   readProfilerConfig(section: ConfigSection): ProfilerConfig
 *     `section` is `vscode.workspace.getConfiguration('modelProfiler', scope)`, or any
 *     object with the same `get` (unit tests pass a plain map).
 *   CONFIG_SECTION = 'modelProfiler'
 *   SETTING_KEYS: every key read, without the section prefix (a test checks it
 *     against package.json both ways).
 *
 * A value of the wrong type or outside its range never throws: numbers are clamped
 * into range (and rounded where the setting is an integer), anything unusable falls
 * back to the default, and `problems` says what was replaced.
 *
 * This file imports no runtime `vscode` API, so it runs in plain unit tests.
 */
import type { DeviceSettings } from '../core/hardware/devices';
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
} from '../core/options';

export const CONFIG_SECTION = 'modelProfiler';

/** What `vscode.WorkspaceConfiguration` offers and this reader needs. */
export interface ConfigSection {
  get<T>(key: string): T | undefined;
  /** Where a value comes from; without it, no value counts as written by the person. */
  inspect?<T>(key: string): InspectedValue<T> | undefined;
}

/** The scopes of `vscode.WorkspaceConfiguration.inspect` that hold values a person wrote. */
export interface InspectedValue<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

export const DIAGNOSTIC_SEVERITIES = ['auto', 'error', 'warning', 'information', 'hint'] as const;
export type DiagnosticSeveritySetting = (typeof DIAGNOSTIC_SEVERITIES)[number];

export interface AnalysisSettings {
  /** Delay after the last keystroke before re-analysis, ms. */
  debounceMs: number;
  /** Larger documents are analysed only on request. */
  maxFileSizeKB: number;
  /** Wall-time budget for one document's evaluation, ms. */
  timeBudgetMs: number;
  resolveInstalledPackages: boolean;
}

export interface ProfilerConfig {
  /** The engine's options, as the settings give them (a `# profile:` comment overrides per model). */
  options: EstimateOptions;
  /** Target devices and declared hardware, for `devicesFor`. */
  devices: DeviceSettings;
  hardware: { probeTimeoutMs: number };
  diagnostics: { enabled: boolean; severity: DiagnosticSeveritySetting };
  codeLens: { enabled: boolean };
  hover: { enabled: boolean };
  statusBar: { enabled: boolean };
  analysis: AnalysisSettings;
  exactMode: { pythonPath: string; timeoutSeconds: number };
  /** One line per setting whose value was unusable and replaced: "modelProfiler.batchSize: ...". */
  problems: string[];
}

/** Every key read here, without the `modelProfiler.` prefix. */
export const SETTING_KEYS = [
  'mode',
  'batchSize',
  'seqLength',
  'inputShape',
  'precision',
  'optimizer',
  'gradientCheckpointing',
  'attention',
  'fineTuning',
  'loraRank',
  'loraTargets',
  'sharding',
  'gpuCount',
  'cpuOffload',
  'utilization',
  'trainingTokens',
  'targetDevices',
  'headroomPercent',
  'hardware.override',
  'hardware.unifiedMemoryShare',
  'hardware.probeTimeoutMs',
  'diagnostics.enabled',
  'diagnostics.severity',
  'codeLens.enabled',
  'hover.enabled',
  'statusBar.enabled',
  'analysis.debounceMs',
  'analysis.maxFileSizeKB',
  'analysis.timeBudgetMs',
  'analysis.resolveInstalledPackages',
  'pythonPath',
  'exactMode.timeoutSeconds',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** Defaults where the engine has none (they match package.json; a unit test checks). */
export const DEFAULT_ANALYSIS: AnalysisSettings = {
  debounceMs: 300,
  maxFileSizeKB: 1024,
  timeBudgetMs: 500,
  resolveInstalledPackages: true,
};

/** Largest input dimension accepted from `inputShape` (the `# profile:` comment's own limit). */
const MAX_DIM = 1_000_000;

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

/** Reads values one by one, collecting what had to be replaced. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly section: ConfigSection) {}

  private raw(key: SettingKey): unknown {
    try {
      return this.section.get<unknown>(key);
    } catch {
      return undefined;
    }
  }

  private problem(key: SettingKey, value: unknown, why: string, used: unknown): void {
    this.problems.push(`${CONFIG_SECTION}.${key}: ${describe(value)} ${why}; using ${describe(used)}`);
  }

  /** True when a person wrote a value for the key in some settings file (not the default). */
  written(key: SettingKey): boolean {
    try {
      const v = this.section.inspect?.<unknown>(key);
      if (!v) return false;
      return [v.globalValue, v.workspaceValue, v.workspaceFolderValue, v.globalLanguageValue, v.workspaceLanguageValue, v.workspaceFolderLanguageValue].some(
        (x) => x !== undefined,
      );
    } catch {
      return false;
    }
  }

  bool(key: SettingKey, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    this.problem(key, v, 'is not true or false', fallback);
    return fallback;
  }

  choice<T extends string>(key: SettingKey, list: readonly T[], fallback: T): T {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (isOneOf(list, v)) return v;
    this.problem(key, v, `is not one of ${list.join(', ')}`, fallback);
    return fallback;
  }

  number(key: SettingKey, rule: NumberRule, fallback: number): number {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problem(key, v, 'is not a number', fallback);
      return fallback;
    }
    let n = rule.integer ? Math.round(v) : v;
    n = Math.min(rule.max, Math.max(rule.min, n));
    if (n !== v) this.problem(key, v, rule.integer ? `is not a whole number from ${rule.min} to ${rule.max}` : `is outside ${rule.min}..${rule.max}`, n);
    return n;
  }

  /** An optional number: undefined when unset or null. */
  optionalNumber(key: SettingKey, rule: NumberRule): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    return this.number(key, rule, rule.min);
  }

  string(key: SettingKey, fallback: string): string {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return v;
    this.problem(key, v, 'is not text', fallback);
    return fallback;
  }

  /** A list of non-empty strings; other entries are dropped. */
  strings(key: SettingKey, fallback: string[]): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [...fallback];
    if (!Array.isArray(v)) {
      this.problem(key, v, 'is not a list', fallback);
      return [...fallback];
    }
    const kept = v.filter((s): s is string => typeof s === 'string' && s.trim().length > 0).map((s) => s.trim());
    if (kept.length !== v.length) this.problem(key, v, 'has entries that are not names', kept);
    return kept;
  }

  /** `3,224,224`, `(3, 224, 224)`, `[3,224,224]` or `3x224x224`; empty means "infer". */
  shape(key: SettingKey): number[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.problem(key, v, 'is not a shape such as 3,224,224', 'the inferred shape');
      return undefined;
    }
    const shape = parseShapeSetting(v);
    if (shape === null) {
      this.problem(key, v, 'is not a shape such as 3,224,224', 'the inferred shape');
      return undefined;
    }
    return shape;
  }

  override(key: SettingKey): DeviceSettings['override'] {
    const v = this.raw(key);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.problem(key, v, 'is not an object like { "gpus": [...], "ramGB": 64 }', null);
      return null;
    }
    const o = v as { gpus?: unknown; ramGB?: unknown };
    const out: NonNullable<DeviceSettings['override']> = {};
    if (Array.isArray(o.gpus)) {
      out.gpus = [];
      for (const g of o.gpus) {
        const { name, memoryGB } = (g ?? {}) as { name?: unknown; memoryGB?: unknown };
        if (typeof name !== 'string' || name.trim() === '') {
          this.problem(key, g, 'names no GPU', 'nothing for that entry');
          continue;
        }
        const gpu: { name: string; memoryGB?: number } = { name: name.trim() };
        if (typeof memoryGB === 'number' && Number.isFinite(memoryGB) && memoryGB > 0) gpu.memoryGB = memoryGB;
        out.gpus.push(gpu);
      }
    } else if (o.gpus !== undefined) {
      this.problem(key, o.gpus, 'is not a list of GPUs', 'the detected GPUs');
    }
    if (typeof o.ramGB === 'number' && Number.isFinite(o.ramGB) && o.ramGB > 0) out.ramGB = o.ramGB;
    else if (o.ramGB !== undefined) this.problem(key, o.ramGB, 'is not a positive RAM size in GB', 'the detected RAM');
    return out;
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/**
 * The input-shape setting as dims without the batch: undefined when empty ("infer"),
 * null when it is not a shape.
 */
export function parseShapeSetting(text: string): number[] | undefined | null {
  let t = text.trim();
  if (t === '') return undefined;
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']'))) t = t.slice(1, -1).trim();
  const parts = t.split(/\s*[,x×]\s*/);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // `(3,)`
  if (parts.length === 0) return null;
  const dims: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    const n = Number(p);
    if (n < 1 || n > MAX_DIM) return null;
    dims.push(n);
  }
  return dims;
}

const int = (min: number, max: number): NumberRule => ({ min, max, integer: true });
const real = (min: number, max: number): NumberRule => ({ min, max, integer: false });

/** Every `modelProfiler.*` setting, checked and clamped. */
export function readProfilerConfig(section: ConfigSection): ProfilerConfig {
  const r = new Reader(section);
  const d = DEFAULT_OPTIONS;
  const options: EstimateOptions = {
    mode: r.choice('mode', MODES, d.mode),
    batch: r.number('batchSize', int(1, 1_048_576), d.batch),
    precision: r.choice('precision', PRECISIONS, d.precision),
    optimizer: r.choice('optimizer', OPTIMIZERS, d.optimizer),
    gradientCheckpointing: r.bool('gradientCheckpointing', d.gradientCheckpointing),
    attention: r.choice('attention', ATTENTION_KERNELS, d.attention),
    fineTuning: r.choice('fineTuning', FINE_TUNING, d.fineTuning),
    loraRank: r.number('loraRank', int(1, 4096), d.loraRank),
    loraTargets: r.strings('loraTargets', d.loraTargets),
    sharding: r.choice('sharding', SHARDING, d.sharding),
    gpuCount: r.number('gpuCount', int(1, 4096), d.gpuCount),
    cpuOffload: r.bool('cpuOffload', d.cpuOffload),
    utilization: r.number('utilization', real(0.01, 1), d.utilization),
    headroom: r.number('headroomPercent', real(0, 90), d.headroom * 100) / 100,
    trainingTokens: r.number('trainingTokens', real(0, Number.MAX_SAFE_INTEGER), d.trainingTokens),
  };
  const seq = r.optionalNumber('seqLength', int(1, 10_485_760));
  if (seq !== undefined) options.seq = seq;
  const input = r.shape('inputShape');
  if (input !== undefined) options.input = input;
  if (options.loraTargets.length === 0) options.loraTargets = [...d.loraTargets];
  // A batch size the person wrote beats the batch of an example call in the file; the default does not.
  if (r.written('batchSize')) options.batchFromUser = true;

  const devices: DeviceSettings = {
    targetDevices: r.strings('targetDevices', []),
    override: r.override('hardware.override'),
    unifiedMemoryShare: r.number('hardware.unifiedMemoryShare', real(0.1, 1), 0.75),
  };

  return {
    options,
    devices,
    hardware: { probeTimeoutMs: r.number('hardware.probeTimeoutMs', int(500, 60_000), 5000) },
    diagnostics: {
      enabled: r.bool('diagnostics.enabled', true),
      severity: r.choice('diagnostics.severity', DIAGNOSTIC_SEVERITIES, 'auto'),
    },
    codeLens: { enabled: r.bool('codeLens.enabled', true) },
    hover: { enabled: r.bool('hover.enabled', true) },
    statusBar: { enabled: r.bool('statusBar.enabled', true) },
    analysis: {
      debounceMs: r.number('analysis.debounceMs', int(0, 5000), DEFAULT_ANALYSIS.debounceMs),
      maxFileSizeKB: r.number('analysis.maxFileSizeKB', int(16, 65_536), DEFAULT_ANALYSIS.maxFileSizeKB),
      timeBudgetMs: r.number('analysis.timeBudgetMs', int(50, 30_000), DEFAULT_ANALYSIS.timeBudgetMs),
      resolveInstalledPackages: r.bool('analysis.resolveInstalledPackages', DEFAULT_ANALYSIS.resolveInstalledPackages),
    },
    exactMode: {
      pythonPath: r.string('pythonPath', '').trim(),
      timeoutSeconds: r.number('exactMode.timeoutSeconds', int(5, 600), 60),
    },
    problems: r.problems,
  };
}

/** True when a configuration change event touches these settings (`e.affectsConfiguration`). */
export function affectsProfiler(e: { affectsConfiguration(section: string): boolean }): boolean {
  return e.affectsConfiguration(CONFIG_SECTION);
}
