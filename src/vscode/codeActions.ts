/**
 * Quick fixes on fit diagnostics, one per change that saves memory on the device the
 * diagnostic names: switch precision, enable gradient checkpointing, use an 8-bit
 * optimizer, set the batch size to the largest that fits (each applied by
 * modelProfiler.applyRecommendation, which writes the model's `# profile:` comment when it
 * has one and the settings otherwise), and show the multi-GPU plan. Each title states the
 * memory the change saves.
 */
import * as vscode from 'vscode';
import type { QuickFix } from '../core/fitCheck';
import { FIT_SOURCE, type FitDiagnostics, type FitEntry } from './fitDiagnostics';

export const APPLY_RECOMMENDATION_COMMAND = 'modelProfiler.applyRecommendation';
export const SHOW_PLAN_COMMAND = 'modelProfiler.showMultiGpuPlan';

/** The argument of modelProfiler.applyRecommendation: the model and the option changes. */
export interface ApplyArgs {
  uri: string;
  model: string;
  apply: Record<string, unknown>;
  title: string;
}

/** The argument of modelProfiler.showMultiGpuPlan. */
export interface PlanArgs {
  uri: string;
  model: string;
}

/** The command that applies a fix: the recommendation's option changes, or the plan document. */
export function fixCommand(uri: vscode.Uri, model: string, fix: QuickFix): vscode.Command {
  if (fix.kind === 'plan') {
    const args: PlanArgs = { uri: uri.toString(), model };
    return { command: SHOW_PLAN_COMMAND, title: fix.title, arguments: [args] };
  }
  const args: ApplyArgs = { uri: uri.toString(), model, apply: { ...fix.apply }, title: fix.title };
  return { command: APPLY_RECOMMENDATION_COMMAND, title: fix.title, arguments: [args] };
}

function actionsFor(entry: FitEntry, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  // The first change that alone makes the model fit is the one a person most likely wants.
  const preferred = entry.check.fixes.find((f) => f.fitsAlone && f.kind !== 'plan');
  return entry.check.fixes.map((fix) => {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.command = fixCommand(entry.uri, entry.model.name, fix);
    if (fix === preferred) action.isPreferred = true;
    return action;
  });
}

export class FitCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: FitDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== FIT_SOURCE) continue;
      const entry = this.diagnostics.entryFor(document.uri, diagnostic);
      if (entry) actions.push(...actionsFor(entry, diagnostic));
    }
    return actions;
  }
}
