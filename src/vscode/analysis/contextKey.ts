/**
 * The `modelProfiler.hasModels` context key: true while the active editor shows a
 * document with at least one model. The manifest's editor title and context menus
 * show the profiler's commands only then.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './service';

export const HAS_MODELS_KEY = 'modelProfiler.hasModels';

export function trackHasModels(analysis: AnalysisService): vscode.Disposable {
  let last: boolean | undefined;
  const update = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    const report = document ? analysis.peek(document, { allowStale: true }) : undefined;
    const has = (report?.models.length ?? 0) > 0;
    if (has === last) return;
    last = has;
    void vscode.commands.executeCommand('setContext', HAS_MODELS_KEY, has);
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(update),
    analysis.onDidUpdate((uri) => {
      if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) update();
    }),
  );
}
