/**
 * Hardware in the editor and "will it fit?", wired together: the hardware service (the
 * analysis service's DeviceProvider), the status-bar item, fit diagnostics and their quick
 * fixes, and the commands Check Fits, Refresh Hardware, Select Target GPUs, the hardware
 * menu, the multi-GPU plan and exact mode. Nothing here probes during activation: the
 * first probe is scheduled to run after activate() returns.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeviceSpec } from '../core/hardware/types';
import type { ExactCountOptions } from '../node/exactMode';
import type { ProbeOptions } from '../node/hardware/probe';
import { FitCodeActions } from './codeActions';
import type { CommandHandlers } from './commands';
import { exactCountCommand, type ExactSettings } from './exactMode';
import { checkFitsCommand } from './fitCheck';
import { FitDiagnostics } from './fitDiagnostics';
import type { FitReports, FitSettings } from './fitSources';
import { hardwareMenuCommand, refreshHardwareCommand } from './hardware/hardwareCommands';
import { HardwareService, type HardwareSettings } from './hardware/hardwareService';
import { HardwareStatusBar, type StatusBarSettings } from './hardware/statusBar';
import { showMultiGpuPlanCommand } from './multiGpuPlan';
import { selectTargetDevices } from './targets';

/** The settings these features read: a subset of the settings reader's ProfilerConfig. */
export type FitFeatureSettings = FitSettings & ExactSettings & HardwareSettings & StatusBarSettings;

/** The analysis service as these features use it. */
export interface FitAnalysis extends FitReports {
  config(scope?: vscode.Uri): FitFeatureSettings;
  setDeviceProvider(provider: { devices(): DeviceSpec[]; readonly onDidChange: vscode.Event<void>; freeDiskBytes?(): number | undefined }): vscode.Disposable;
}

/** What the extension's API exposes of these features (tests read the status bar through it). */
export interface FitFeaturesApi {
  readonly hardware: HardwareService;
  readonly diagnostics: FitDiagnostics;
  /** The status-bar text without its icon; undefined while the item is hidden. */
  statusBarText(): string | undefined;
}

type ProbeModule = typeof import('../node/hardware/probe');

/**
 * The probe and systeminformation are a bundle of their own (dist/hardwareProbe.js, see
 * esbuild.mjs), required when the first probe runs, after activation: loading the extension
 * never parses them.
 */
const probe = async (options: ProbeOptions) => (require(path.join(__dirname, 'hardwareProbe.js')) as ProbeModule).probeHardware(options);
const runExactCount = (options: ExactCountOptions) => import('../node/exactMode').then((m) => m.runExactCount(options));

export function registerFitFeatures(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  analysis: FitAnalysis,
): { handlers: CommandHandlers; api: FitFeaturesApi } {
  const settings = () => analysis.config();
  const hardware = new HardwareService(settings, probe, log);
  // The analysis subscribes to device changes first, so it has invalidated its reports by the
  // time the diagnostics ask for them again.
  context.subscriptions.push(hardware, analysis.setDeviceProvider(hardware));
  const statusBar = new HardwareStatusBar(hardware, settings);
  const diagnostics = new FitDiagnostics(analysis, hardware);
  context.subscriptions.push(
    statusBar,
    diagnostics,
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, new FitCodeActions(diagnostics), FitCodeActions.metadata),
  );
  hardware.start();

  const handlers: CommandHandlers = {
    'modelProfiler.checkFits': checkFitsCommand({ reports: analysis, hardware, diagnostics, log }),
    'modelProfiler.refreshHardware': refreshHardwareCommand(hardware),
    'modelProfiler.hardwareMenu': hardwareMenuCommand(hardware),
    'modelProfiler.selectTargets': () => selectTargetDevices(settings().devices.targetDevices),
    'modelProfiler.showMultiGpuPlan': showMultiGpuPlanCommand(analysis),
    'modelProfiler.exactCount': exactCountCommand({ reports: analysis, settings: (scope) => analysis.config(scope), run: runExactCount, log }),
  };
  return { handlers, api: { hardware, diagnostics, statusBarText: () => statusBar.text } };
}
