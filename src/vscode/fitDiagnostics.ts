/**
 * Fit diagnostics on each model's name: an error when the configured workload needs more
 * memory than every detected and target device has, a warning when it fits only by eating
 * into the headroom (modelProfiler.headroomPercent). They follow the analysis service's
 * reports, so they update as the person types (after its debounce), and when settings or
 * devices change. Related information points at the layer that dominates memory.
 * modelProfiler.diagnostics.enabled and .severity are honoured.
 */
import * as vscode from 'vscode';
import { checkFit, type FitCheck, type FitStatus } from '../core/fitCheck';
import type { FileReport, ModelReport } from '../core/report';
import type { SourceRange } from '../core/source';
import type { FitHardware, FitReports, FitSettings } from './fitSources';

/** The `source` of every fit diagnostic, as the Problems panel shows it. */
export const FIT_SOURCE = 'Model Profiler';

/** Diagnostic codes by status; quick fixes key on them. */
export const FIT_CODES: Partial<Record<FitStatus, string>> = { exceeds: 'fit-exceeds', tight: 'fit-tight' };

/** A published diagnostic with what it was computed from. */
export interface FitEntry {
  uri: vscode.Uri;
  diagnostic: vscode.Diagnostic;
  model: ModelReport;
  check: FitCheck;
}

const SEVERITIES: Record<Exclude<FitSettings['diagnostics']['severity'], 'auto'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A report's `file`: a path on disk (forward slashes) or a URI string (notebook cells, unsaved files). */
export function uriOfFile(file: string): vscode.Uri {
  return /^[a-z][\w+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}

function severityOf(status: FitStatus, setting: FitSettings['diagnostics']['severity']): vscode.DiagnosticSeverity {
  if (setting !== 'auto') return SEVERITIES[setting];
  return status === 'exceeds' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
}

/** The diagnostic for one model, or undefined when it fits (or there is nothing to compare with). */
export function fitDiagnostic(uri: vscode.Uri, model: ModelReport, settings: FitSettings): FitEntry | undefined {
  const check = checkFit(model);
  const code = FIT_CODES[check.status];
  if (!code) return undefined;
  const message = check.note ? `${check.message}. ${check.note}` : check.message;
  const diagnostic = new vscode.Diagnostic(toRange(model.nameRange), message, severityOf(check.status, settings.diagnostics.severity));
  diagnostic.source = FIT_SOURCE;
  diagnostic.code = code;
  if (check.dominant) {
    const where = check.dominant.file ? uriOfFile(check.dominant.file) : uri;
    const line = Math.max(0, check.dominant.line - 1);
    diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(where, new vscode.Range(line, 0, line, 0)), check.dominant.reason)];
  }
  return { uri, diagnostic, model, check };
}

export class FitDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('modelProfiler.fit');
  private readonly entries = new Map<string, FitEntry[]>();
  private readonly subscriptions: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly reports: FitReports,
    private readonly hardware: FitHardware,
  ) {
    this.subscriptions.push(
      reports.onDidUpdate((uri) => this.onReportUpdated(uri)),
      // Devices changed: the service redoes visible documents; the others are asked for here.
      hardware.onDidChange(() => this.refreshOpenDocuments()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('modelProfiler.diagnostics')) this.refreshOpenDocuments();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
    );
  }

  /** Publish the diagnostics of a document from its report; returns what was published. */
  publish(document: vscode.TextDocument, report: FileReport): FitEntry[] {
    const settings = this.reports.config(document.uri);
    // Nothing is judged against a machine not yet detected.
    if (!settings.diagnostics.enabled || !this.hardware.isReady) {
      this.clear(document.uri);
      return [];
    }
    const found = report.models.map((m) => fitDiagnostic(document.uri, m, settings)).filter((e): e is FitEntry => e !== undefined);
    const key = document.uri.toString();
    if (found.length === 0) this.clear(document.uri);
    else {
      this.entries.set(key, found);
      this.collection.set(document.uri, found.map((e) => e.diagnostic));
    }
    return found;
  }

  /** Analyse a document (sharing a run in progress) and publish its diagnostics. */
  async update(document: vscode.TextDocument): Promise<FitEntry[]> {
    if (!this.reports.isSupported(document)) return [];
    const version = document.version;
    const report = await this.reports.getReports(document, { afterDebounce: true });
    if (document.isClosed || document.version !== version) return this.entriesOf(document.uri);
    return this.publish(document, report);
  }

  /** The entries now published for a document. */
  entriesOf(uri: vscode.Uri): FitEntry[] {
    return this.entries.get(uri.toString()) ?? [];
  }

  /** The entry a diagnostic handed back by the editor (a copy, not the object published) stands for. */
  entryFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): FitEntry | undefined {
    return this.entriesOf(uri).find(
      (e) => e.diagnostic.message === diagnostic.message && e.diagnostic.range.isEqual(diagnostic.range) && e.diagnostic.code === diagnostic.code,
    );
  }

  clear(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
    this.collection.delete(uri);
  }

  private onReportUpdated(uri: vscode.Uri): void {
    const key = uri.toString();
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!document) {
      this.clear(uri);
      return;
    }
    // Undefined when the text moved on since: the debounced run will report again.
    const report = this.reports.peek(document);
    if (report) this.publish(document, report);
  }

  private refreshOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (this.reports.isSupported(document)) void this.update(document);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.entries.clear();
  }
}
