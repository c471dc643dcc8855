/**
 * "Model Profiler: Check Fits on This Machine": waits for hardware detection, analyses the
 * active file (or the document a CodeLens, hover or menu names), asks which model when the
 * file has several, answers in a notification with "Open Panel", "Apply Suggestion" (the
 * top recommendation) and "Change Settings", and places the fit diagnostics. Without a GPU
 * it checks against the RAM and says so.
 */
import * as vscode from 'vscode';
import { checkFit, topRecommendation, type FitStatus } from '../core/fitCheck';
import { formatCount } from '../core/format';
import type { ModelReport } from '../core/report';
import { readModelRef } from './analysis';
import { APPLY_RECOMMENDATION_COMMAND, type ApplyArgs } from './codeActions';
import type { FitDiagnostics } from './fitDiagnostics';
import type { FitHardware, FitReports } from './fitSources';

export const OPEN_PANEL = 'Open Panel';
export const APPLY_SUGGESTION = 'Apply Suggestion';
export const CHANGE_SETTINGS = 'Change Settings';

/** What the command did; returned to callers (tests, other commands). */
export interface CheckFitsResult {
  status: FitStatus | 'no-document' | 'no-model' | 'cancelled';
  /** The notification's text. */
  message: string;
  uri?: string;
  model?: string;
  /** Buttons the notification offered. */
  actions?: string[];
}

export interface CheckFitsDeps {
  reports: FitReports;
  hardware: FitHardware;
  diagnostics: FitDiagnostics;
  log: vscode.LogOutputChannel;
}

/** Chooses one model among several; undefined when the person dismissed the choice. */
export type PickModel = (models: ModelReport[], preferred: ModelReport | undefined) => Thenable<ModelReport | undefined>;

/**
 * The command's argument: a document (editor menus pass its Uri), or a model as CodeLens,
 * hover and panel name it (`{ uri, model }` or the panel's model id).
 */
function readArg(arg: unknown): { uri?: vscode.Uri; model?: string } {
  if (arg instanceof vscode.Uri) return { uri: arg };
  const ref = readModelRef(arg);
  return ref ? { uri: vscode.Uri.parse(ref.uri, true), model: ref.model } : {};
}

/**
 * The named document, else the active editor's, else (when the focus is in a panel such as
 * Output, whose text is an editor too) the first visible editor the profiler analyses.
 */
async function documentFor(uri: vscode.Uri | undefined, supported: (d: vscode.TextDocument) => boolean): Promise<vscode.TextDocument | undefined> {
  if (uri) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ?? vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && supported(active)) return active;
  return vscode.window.visibleTextEditors.map((e) => e.document).find(supported) ?? active;
}

/** The model under the cursor in the active editor, when the document is the one checked. */
function modelAtCursor(document: vscode.TextDocument, models: ModelReport[]): ModelReport | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document !== document) return undefined;
  const line = editor.selection.active.line;
  return models.filter((m) => m.range.start.line <= line && line <= m.range.end.line).sort((a, b) => b.range.start.line - a.range.start.line)[0];
}

const showModelPicker: PickModel = async (models, preferred) => {
  const items = models.map((m) => ({
    label: m.name,
    description: `${m.framework} ${m.kind} · line ${m.line} · ${formatCount(m.params.total)} params`,
    detail: checkFit(m).message,
    model: m,
  }));
  const quickPick = vscode.window.createQuickPick<(typeof items)[number]>();
  quickPick.title = 'Model Profiler: which model should be checked?';
  quickPick.placeholder = 'This file defines several models';
  quickPick.items = items;
  const active = items.find((i) => i.model === preferred);
  if (active) quickPick.activeItems = [active];
  return new Promise<ModelReport | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.model ?? quickPick.activeItems[0]?.model);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
};

function show(status: FitStatus, message: string, actions: string[]): Thenable<string | undefined> {
  if (status === 'exceeds') return vscode.window.showErrorMessage(message, ...actions);
  if (status === 'tight') return vscode.window.showWarningMessage(message, ...actions);
  return vscode.window.showInformationMessage(message, ...actions);
}

export function checkFitsCommand(deps: CheckFitsDeps, pick: PickModel = showModelPicker): (arg?: unknown) => Promise<CheckFitsResult> {
  return async (arg?: unknown) => {
    const wanted = readArg(arg);
    const document = await documentFor(wanted.uri, (d) => deps.reports.isSupported(d));
    if (!document || !deps.reports.isSupported(document)) {
      const message = 'Open a Python file or notebook with a model, then run Check Fits on This Machine.';
      void vscode.window.showWarningMessage(message);
      return { status: 'no-document', message };
    }
    const name = document.uri.path.split('/').pop() ?? document.uri.toString();
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Profiler: checking ${name} against this machine…` },
      async (progress) => {
        progress.report({ message: 'detecting hardware' });
        await deps.hardware.ready();
        progress.report({ message: 'analysing the models' });
        return deps.reports.getReports(document, { onRequest: true });
      },
    );
    deps.diagnostics.publish(document, report);

    const models = report.models;
    const uri = document.uri.toString();
    if (models.length === 0) {
      const why = report.findings.find((f) => f.severity !== 'info' || f.code === 'file-too-large');
      const message = `No model found in ${name}${why ? `: ${why.message}` : ''}.`;
      void vscode.window.showInformationMessage(message);
      return { status: 'no-model', message, uri };
    }
    const named = wanted.model ? models.find((m) => m.name === wanted.model) : undefined;
    const model = named ?? (models.length === 1 ? models[0] : await pick(models, modelAtCursor(document, models)));
    if (!model) return { status: 'cancelled', message: 'No model was chosen.', uri };

    const check = checkFit(model);
    const message = check.note ? `${check.message}. ${check.note}.` : `${check.message}.`;
    const suggestion = topRecommendation(check.target);
    const actions = [OPEN_PANEL, ...(suggestion ? [APPLY_SUGGESTION] : []), CHANGE_SETTINGS];
    deps.log.info(`Check Fits: ${message}`);
    // Not awaited: the notification stays until the person answers it.
    void show(check.status, message, actions).then((choice) => {
      if (choice === OPEN_PANEL) void vscode.commands.executeCommand('modelProfiler.openPanel', { uri, model: model.name });
      else if (choice === APPLY_SUGGESTION && suggestion) {
        const args: ApplyArgs = { uri, model: model.name, apply: { ...suggestion.apply }, title: suggestion.title };
        void vscode.commands.executeCommand(APPLY_RECOMMENDATION_COMMAND, args);
      } else if (choice === CHANGE_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'modelProfiler');
    });
    return { status: check.status, message, uri, model: model.name, actions };
  };
}
