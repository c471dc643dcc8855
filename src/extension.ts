/**
 * Extension entry point. Activation is triggered by a Python file, a notebook or
 * a restored profiler panel (package.json `activationEvents`), and it stays cheap:
 * nothing here loads the parser or probes the hardware; features do that lazily
 * on first use.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnalysisService } from './vscode/analysis';
import { trackHasModels } from './vscode/analysis/contextKey';
import { registerCodeLens } from './vscode/codeLens';
import { registerCommands, type CommandHandlers } from './vscode/commands';
import { exportReport } from './vscode/exportReport';
import { registerFitFeatures, type FitFeaturesApi } from './vscode/fitFeatures';
import { registerHover } from './vscode/hover';
import { registerPanelCommands } from './vscode/panelCommands';
import { registerProfileCommentDiagnostics } from './vscode/profileCommentDiagnostics';

/** What `activate` returns; tests read it through `vscode.extensions.getExtension(...).exports`. */
export interface ModelProfilerApi {
  /** Wall time `activate` took, in milliseconds. */
  readonly activationMs: number;
  /** Reports of open documents (tests and the benchmark read them; features share it). */
  readonly analysis: AnalysisService;
  /** Hardware, status bar and fit diagnostics (tests read the status-bar text through it). */
  readonly fit: FitFeaturesApi;
}

export function activate(context: vscode.ExtensionContext): ModelProfilerApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Model Resource Profiler', { log: true });
  context.subscriptions.push(log);

  // Starts nothing heavy: the worker thread and the parser load on the first analysis.
  const analysis = new AnalysisService({ workerPath: path.join(__dirname, 'analysisWorker.js'), log });
  context.subscriptions.push(
    analysis,
    registerHover(analysis),
    registerCodeLens(analysis),
    registerProfileCommentDiagnostics(analysis),
    trackHasModels(analysis),
  );

  // The hardware probe is scheduled for after activation; nothing here waits for it.
  const fit = registerFitFeatures(context, log, analysis);

  // Features add their handlers here as they land; the rest answer "not available".
  const handlers: CommandHandlers = {
    'modelProfiler.exportReport': (arg) => exportReport(analysis, arg),
    ...fit.handlers,
    // The panel's serializer must be registered during activation to restore a panel after a reload.
    ...registerPanelCommands(context, log, analysis, fit.api.hardware),
  };
  registerCommands(context, log, handlers);

  const activationMs = performance.now() - started;
  const version = String(context.extension.packageJSON?.version ?? '');
  log.info(`Model Resource Profiler ${version} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, analysis, fit: fit.api };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
