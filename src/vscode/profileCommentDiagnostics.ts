/**
 * Errors in `# profile:` comments (an unknown key, a bad value, a key given twice)
 * as diagnostics on the comment itself, in their own collection so they never mix
 * with the fit diagnostics. The engine parses the comments strictly
 * (src/core/profileComment.ts) and reports the errors as findings with exact ranges;
 * valid keys on the same comment still apply.
 */
import * as vscode from 'vscode';
import type { FileReport } from '../core/report';
import type { Finding } from '../core/source';
import type { AnalysisService } from './analysis';
import { toRange } from './hover';

/** Finding codes that concern a `# profile:` comment. */
const PROFILE_CODES = new Set(['profile-comment', 'estimate/profile-invalid']);

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The comment findings of a report that lie in its own document, each once. */
export function profileCommentFindings(report: FileReport): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of [...report.findings, ...report.models.flatMap((m) => m.findings)]) {
    if (!PROFILE_CODES.has(f.code) || !f.range || f.file) continue;
    const key = `${f.range.start.line}:${f.range.start.character}:${f.range.end.character}:${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range!), f.message, SEVERITY[f.severity]);
  d.source = 'Model Profiler';
  d.code = f.code;
  return d;
}

export function registerProfileCommentDiagnostics(analysis: AnalysisService): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('modelProfiler.profileComments');
  const refresh = (document: vscode.TextDocument): void => {
    const report = analysis.peek(document, { allowStale: true });
    if (!report) return;
    collection.set(document.uri, profileCommentFindings(report).map(toDiagnostic));
  };
  const byUri = (uri: vscode.Uri): vscode.TextDocument | undefined => {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  };
  return vscode.Disposable.from(
    collection,
    analysis.onDidUpdate((uri) => {
      const document = byUri(uri);
      if (document && analysis.isSupported(document)) refresh(document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
  );
}
