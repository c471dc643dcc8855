/**
 * "Model Profiler: Export Report": a model's report as Markdown (a table to paste into
 * a pull request), JSON or CSV (the layer table), written where the user chooses.
 *
 * Called from the palette it asks: which model (when the file has several; the one
 * under the cursor first), which format, and where (a save dialog). Called
 * programmatically it asks nothing it is told:
 *
 *   vscode.commands.executeCommand('modelProfiler.exportReport', {
 *     uri?: string | vscode.Uri,       // the document; default: the active editor's
 *     model?: string,                  // a model name in it (or a panel model id `<uri>#<name>`)
 *     format?: 'markdown' | 'json' | 'csv',
 *     target?: vscode.Uri | string,    // the file to write
 *   }) -> Promise<vscode.Uri | undefined>  // the file written, undefined when cancelled
 */
import * as vscode from 'vscode';
import { formatBytes, formatCount } from '../core/format';
import type { ModelReport } from '../core/report';
import { EXPORTERS, safeFileStem } from '../shared/exportReport';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/protocol';
import { readModelRef, type AnalysisService } from './analysis';

export interface ExportRequest {
  uri?: string;
  model?: string;
  format?: ExportFormat;
  target?: vscode.Uri | string;
}

function asRequest(arg: unknown): ExportRequest {
  if (arg instanceof vscode.Uri) return { uri: arg.toString() };
  if (typeof arg === 'string') {
    const id = readModelRef(arg);
    return id ?? { model: arg };
  }
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Record<string, unknown>;
  const out: ExportRequest = {};
  const ref = readModelRef(arg) ?? (typeof a.model === 'string' && a.model.includes('#') ? readModelRef(a.model) : undefined);
  if (ref) {
    out.uri = ref.uri;
    out.model = ref.model;
  } else {
    if (a.uri instanceof vscode.Uri) out.uri = a.uri.toString();
    else if (typeof a.uri === 'string') out.uri = a.uri;
    if (typeof a.model === 'string') out.model = a.model;
  }
  if (typeof a.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(a.format)) out.format = a.format as ExportFormat;
  if (a.target instanceof vscode.Uri || typeof a.target === 'string') out.target = a.target;
  return out;
}

function targetUri(target: vscode.Uri | string): vscode.Uri {
  if (target instanceof vscode.Uri) return target;
  return /^[a-z][a-z0-9+.-]*:/i.test(target) && !/^[a-z]:[\\/]/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target);
}

/** The document to export from: the one named, else the active editor's. */
async function documentFor(request: ExportRequest): Promise<vscode.TextDocument | undefined> {
  if (request.uri) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === request.uri);
    return open ?? vscode.workspace.openTextDocument(vscode.Uri.parse(request.uri)).then((d) => d, () => undefined);
  }
  return vscode.window.activeTextEditor?.document;
}

async function pickModel(models: ModelReport[], request: ExportRequest, analysis: AnalysisService, document: vscode.TextDocument): Promise<ModelReport | undefined> {
  const wanted = request.model;
  if (wanted !== undefined) return models.find((m) => m.name === wanted || m.id === wanted);
  if (models.length === 1) return models[0];
  const editor = vscode.window.activeTextEditor;
  const atCursor = editor?.document === document ? analysis.modelAt(document, editor.selection.active) : undefined;
  const ordered = atCursor ? [atCursor, ...models.filter((m) => m !== atCursor)] : models;
  const picked = await vscode.window.showQuickPick(
    ordered.map((m) => ({
      label: m.name,
      description: `${m.framework} ${m.kind}, line ${m.line}`,
      detail: `${formatCount(m.params.total)} params · train ${formatBytes(m.memory.train.totalBytes)} · inference ${formatBytes(m.memory.inference.totalBytes)}`,
      model: m,
    })),
    { title: 'Export Report: which model?', placeHolder: 'Model to export' },
  );
  return picked?.model;
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: EXPORTERS[f].label, description: `.${EXPORTERS[f].extension}`, format: f })),
    { title: 'Export Report: format', placeHolder: 'Markdown for a pull request, JSON for scripts, CSV for a spreadsheet' },
  );
  return picked?.format;
}

function defaultTarget(document: vscode.TextDocument, model: ModelReport, format: ExportFormat): vscode.Uri | undefined {
  const name = `${safeFileStem(model.name)}.profile.${EXPORTERS[format].extension}`;
  const uri = document.uri;
  if (uri.scheme === 'file') return vscode.Uri.joinPath(uri, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}

export async function exportReport(analysis: AnalysisService, arg?: unknown): Promise<vscode.Uri | undefined> {
  const request = asRequest(arg);
  const document = await documentFor(request);
  if (!document || !analysis.isSupported(document)) {
    void vscode.window.showInformationMessage('Export Report: open a Python file or notebook with a model first.');
    return undefined;
  }
  const report = await analysis.getReports(document, { onRequest: true });
  if (report.models.length === 0) {
    void vscode.window.showInformationMessage(`Export Report: no model found in ${vscode.workspace.asRelativePath(document.uri)}.`);
    return undefined;
  }
  const model = await pickModel(report.models, request, analysis, document);
  if (!model) {
    if (request.model !== undefined) void vscode.window.showWarningMessage(`Export Report: no model named "${request.model}" in this file.`);
    return undefined;
  }
  const format = request.format ?? (await pickFormat());
  if (!format) return undefined;
  let target = request.target !== undefined ? targetUri(request.target) : undefined;
  if (!target) {
    const exporter = EXPORTERS[format];
    target = await vscode.window.showSaveDialog({
      title: `Export ${model.name} as ${exporter.label}`,
      defaultUri: defaultTarget(document, model, format),
      filters: { [exporter.label]: [exporter.extension] },
    });
    if (!target) return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(EXPORTERS[format].render(model)));
  if (request.target === undefined) {
    void vscode.window.showInformationMessage(`Exported ${model.name} to ${vscode.workspace.asRelativePath(target)}.`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.window.showTextDocument(target);
    });
  }
  return target;
}
