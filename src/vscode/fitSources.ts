/**
 * What the fit check, its diagnostics and quick fixes need from the rest of the extension,
 * as narrow interfaces: the analysis service (src/vscode/analysis) and the hardware service
 * (./hardware) satisfy them, and tests can stand in for them.
 */
import type * as vscode from 'vscode';
import type { FileReport } from '../core/report';

/** The settings the fit features read (a subset of the settings reader's ProfilerConfig). */
export interface FitSettings {
  diagnostics: { enabled: boolean; severity: 'auto' | 'error' | 'warning' | 'information' | 'hint' };
}

/** The analysis service, as far as the fit features use it. */
export interface FitReports {
  /** The report of the document's current text and settings; never rejects. */
  getReports(document: vscode.TextDocument, request?: { onRequest?: boolean; afterDebounce?: boolean }): Promise<FileReport>;
  /** The cached report when it matches the document's current text and settings. */
  peek(document: vscode.TextDocument): FileReport | undefined;
  /** A document's report changed (edit, settings, devices). */
  readonly onDidUpdate: vscode.Event<vscode.Uri>;
  /** True for the documents the profiler analyses (Python files, notebook cells). */
  isSupported(document: vscode.TextDocument): boolean;
  /** Settings for a document (resource-scoped values apply) or the window. */
  config(scope?: vscode.Uri): FitSettings;
}

/** The hardware service, as far as the fit features use it. */
export interface FitHardware {
  /** Resolves once the first detection has finished. */
  ready(): Promise<unknown>;
  readonly isReady: boolean;
  readonly onDidChange: vscode.Event<void>;
}
