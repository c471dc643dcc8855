/**
 * modelProfiler.showMultiGpuPlan (the quick fix "Show the multi-GPU plan"): opens a
 * Markdown document with the plan the fit verdict found for the model, the fewest GPUs
 * per strategy, a DeepSpeed config and a PyTorch FSDP snippet, computed from the model's
 * current report.
 */
import * as vscode from 'vscode';
import { checkFit, multiGpuPlanMarkdown } from '../core/fitCheck';
import type { FitReports } from './fitSources';

/** Resolves to the opened document, or undefined (with a message) when there is no plan to show. */
export function showMultiGpuPlanCommand(reports: FitReports): (arg?: unknown) => Promise<vscode.TextDocument | undefined> {
  return async (arg?: unknown) => {
    const { uri, model } = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
    if (typeof uri !== 'string' || typeof model !== 'string') {
      void vscode.window.showErrorMessage('Show the multi-GPU plan: no model was named.');
      return undefined;
    }
    const target = vscode.Uri.parse(uri, true);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString()) ?? (await vscode.workspace.openTextDocument(target));
    const report = (await reports.getReports(document, { onRequest: true })).models.find((m) => m.name === model);
    const fit = report ? checkFit(report).target : undefined;
    const markdown = report && fit ? multiGpuPlanMarkdown(report, fit) : undefined;
    if (!markdown) {
      void vscode.window.showInformationMessage(`${model}: no multi-GPU plan is needed or none fits with the current settings.`);
      return undefined;
    }
    const plan = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(plan, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return plan;
  };
}
