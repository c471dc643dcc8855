/**
 * "Model Profiler: Count Parameters Exactly with Python (torch)": runs the active file with
 * the configured Python and torch (src/node/exactMode.ts: no shell, a time limit) and shows
 * the exact counts next to the static ones. It executes the person's code, so it runs only
 * in trusted workspaces (package.json declares the command `isWorkspaceTrusted`, and the
 * handler checks again, since a command can be run from anywhere).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExactCountOptions, ExactCountResult } from '../node/exactMode';
import { compareCounts, exactMarkdown, exactSummary, type ExactRow } from './exactTable';
import type { FitReports } from './fitSources';

export interface ExactSettings {
  exactMode: { pythonPath: string; timeoutSeconds: number };
}

export type RunExactCount = (options: ExactCountOptions) => Promise<ExactCountResult>;

export interface ExactModeDeps {
  reports: FitReports;
  settings: (scope: vscode.Uri) => ExactSettings;
  run: RunExactCount;
  log: vscode.LogOutputChannel;
}

/** What the command did; returned to callers (tests). */
export interface ExactModeOutcome {
  ran: boolean;
  /** Why it did not run: "untrusted", "no-file". */
  reason?: string;
  message: string;
  result?: ExactCountResult;
  rows?: ExactRow[];
}

const SHOW_TABLE = 'Show Table';
const MANAGE_TRUST = 'Manage Workspace Trust';

export function exactCountCommand(deps: ExactModeDeps): (arg?: unknown) => Promise<ExactModeOutcome> {
  return async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      const message = 'Exact mode runs your Python code, so it is available only in a trusted workspace. The static estimates work without it.';
      void vscode.window.showWarningMessage(message, MANAGE_TRUST).then((choice) => {
        if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return { ran: false, reason: 'untrusted', message };
    }
    const document = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
    if (!document || document.uri.scheme !== 'file' || document.languageId !== 'python') {
      const message = 'Exact mode counts a saved Python file: open one in the editor first.';
      void vscode.window.showWarningMessage(message);
      return { ran: false, reason: 'no-file', message };
    }
    const { exactMode } = deps.settings(document.uri);
    const python = exactMode.pythonPath || 'python3';
    const file = document.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const unsaved = document.isDirty ? ' (the saved file; unsaved changes are not included)' : '';
    const [result, report] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Profiler: counting parameters with ${python}${unsaved}…` },
      () =>
        Promise.all([
          deps.run({ python, file, timeoutMs: exactMode.timeoutSeconds * 1000, cwd: folder?.uri.fsPath ?? path.dirname(file) }),
          deps.reports.getReports(document, { onRequest: true }),
        ]),
    );
    const rows = compareCounts(result, report.models);
    const message = `${exactSummary(result, rows)}${unsaved}`;
    deps.log.info(`Exact mode on ${file} with ${python}: ${message}`);
    const shown = result.error ? vscode.window.showErrorMessage(message, SHOW_TABLE) : vscode.window.showInformationMessage(message, SHOW_TABLE);
    void shown.then(async (choice) => {
      if (choice !== SHOW_TABLE) return;
      const table = await vscode.workspace.openTextDocument({ language: 'markdown', content: exactMarkdown(file, result, rows) });
      await vscode.window.showTextDocument(table, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    });
    return { ran: true, message, result, rows };
  };
}
