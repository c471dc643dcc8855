/**
 * The `modelProfiler.*` settings the panel's data source needs, read from a
 * configuration section. Values of the wrong type fall back to the engine's defaults
 * (package.json's schema is advice to the settings editor, not a guarantee); values
 * of the right type but out of range are left to the engine, which reports them.
 */
import { findDevice } from '../../core/hardware/catalog';
import type { DeviceSettings } from '../../core/hardware/devices';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../core/options';
import { parseInputShape } from '../../shared/controls';

/** The part of vscode.WorkspaceConfiguration read here. */
export interface SettingsSection {
  get(key: string): unknown;
}

export interface PanelSettings {
  options: EstimateOptions;
  devices: DeviceSettings;
  /** Catalog ids of `targetDevices` (names people wrote), for the panel's target checkboxes. */
  targetIds: string[];
  timeBudgetMs: number;
  resolveInstalledPackages: boolean;
  probeTimeoutMs: number;
}

function pick<T>(section: SettingsSection, key: string, ok: (v: unknown) => v is T, fallback: T): T {
  const v = section.get(key);
  return ok(v) ? v : fallback;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

export function readPanelSettings(section: SettingsSection): PanelSettings {
  const d = DEFAULT_OPTIONS;
  const seq = section.get('seqLength');
  const shape = parseInputShape(pick(section, 'inputShape', isString, ''));
  const headroomPercent = pick(section, 'headroomPercent', isNumber, d.headroom * 100);
  const options: EstimateOptions = {
    mode: pick(section, 'mode', isString, d.mode) as EstimateOptions['mode'],
    batch: pick(section, 'batchSize', isNumber, d.batch),
    seq: isNumber(seq) ? seq : undefined,
    input: shape.ok && shape.shape ? shape.shape : undefined,
    precision: pick(section, 'precision', isString, d.precision) as EstimateOptions['precision'],
    optimizer: pick(section, 'optimizer', isString, d.optimizer) as EstimateOptions['optimizer'],
    gradientCheckpointing: pick(section, 'gradientCheckpointing', isBoolean, d.gradientCheckpointing),
    attention: pick(section, 'attention', isString, d.attention) as EstimateOptions['attention'],
    fineTuning: pick(section, 'fineTuning', isString, d.fineTuning) as EstimateOptions['fineTuning'],
    loraRank: pick(section, 'loraRank', isNumber, d.loraRank),
    loraTargets: pick(section, 'loraTargets', isStringList, d.loraTargets),
    sharding: pick(section, 'sharding', isString, d.sharding) as EstimateOptions['sharding'],
    gpuCount: pick(section, 'gpuCount', isNumber, d.gpuCount),
    cpuOffload: pick(section, 'cpuOffload', isBoolean, d.cpuOffload),
    utilization: pick(section, 'utilization', isNumber, d.utilization),
    headroom: headroomPercent / 100,
    trainingTokens: pick(section, 'trainingTokens', isNumber, d.trainingTokens),
  };
  const targetDevices = pick(section, 'targetDevices', isStringList, []);
  const override = section.get('hardware.override');
  return {
    options,
    devices: {
      targetDevices,
      override: typeof override === 'object' && override !== null ? (override as DeviceSettings['override']) : null,
      unifiedMemoryShare: pick(section, 'hardware.unifiedMemoryShare', isNumber, 0.75),
    },
    targetIds: [...new Set(targetDevices.map((name) => findDevice(name)?.id).filter((id): id is string => id !== undefined))],
    timeBudgetMs: pick(section, 'analysis.timeBudgetMs', isNumber, 500),
    resolveInstalledPackages: pick(section, 'analysis.resolveInstalledPackages', isBoolean, true),
    probeTimeoutMs: pick(section, 'hardware.probeTimeoutMs', isNumber, 5000),
  };
}
