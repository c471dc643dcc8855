/**
 * What the analysis reads from an editor document: its text (a notebook's code
 * cells joined in order), a key that changes whenever that text changes, and how
 * the worker should resolve imports.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { concatCells, type CellSpan } from '../../core/notebook';
import type { HostConfig } from '../../node/analysisProtocol';
import type { CellLayout } from './cellView';

/** URI schemes whose documents are analysed (a diff's `git:` side or an output pane are not). */
const SCHEMES = new Set(['file', 'untitled', 'vscode-notebook-cell', 'vscode-remote', 'vscode-vfs']);
const CELL_SCHEME = 'vscode-notebook-cell';

export interface DocumentSnapshot {
  /** The cache entry: the document's URI, or the notebook's for a cell. */
  cacheKey: string;
  /** Changes whenever the analysed text changes. */
  versionKey: string;
  text: string;
  /** What the engine calls the file: a path (forward slashes) on disk, else the URI string. */
  file: string;
  host: HostConfig | null;
  /** Set for notebooks. */
  notebook?: { document: vscode.NotebookDocument; layout: CellLayout; cellUris: string[] };
}

/** True for Python documents the profiler analyses: files, unsaved buffers, notebook cells. */
export function isAnalysable(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && SCHEMES.has(document.uri.scheme);
}

/** The notebook a cell document belongs to. */
export function notebookOf(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== CELL_SCHEME) return undefined;
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
}

/** Python code cells of a notebook, in order. */
export function pythonCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
}

function slashed(p: string): string {
  return p.replace(/\\/g, '/');
}

function fileOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? slashed(uri.fsPath) : uri.toString();
}

/** Import roots: the workspace folders on disk, or the file's own folder when it is outside them. */
function hostFor(uri: vscode.Uri, resolveInstalledPackages: boolean): HostConfig | null {
  if (uri.scheme !== 'file') return null;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => slashed(f.uri.fsPath));
  const file = slashed(uri.fsPath);
  if (!folders.some((f) => file.startsWith(f.endsWith('/') ? f : `${f}/`))) folders.push(slashed(path.dirname(uri.fsPath)));
  return { workspaceFolders: folders, resolveInstalledPackages };
}

export function snapshotOf(document: vscode.TextDocument, resolveInstalledPackages: boolean): DocumentSnapshot | undefined {
  if (!isAnalysable(document)) return undefined;
  if (document.uri.scheme !== CELL_SCHEME) {
    return {
      cacheKey: document.uri.toString(),
      versionKey: String(document.version),
      text: document.getText(),
      file: fileOf(document.uri),
      host: hostFor(document.uri, resolveInstalledPackages),
    };
  }
  const notebook = notebookOf(document);
  return notebook ? snapshotOfNotebook(notebook, resolveInstalledPackages) : undefined;
}

export function snapshotOfNotebook(notebook: vscode.NotebookDocument, resolveInstalledPackages: boolean): DocumentSnapshot {
  const cells = pythonCells(notebook);
  const joined = concatCells(cells.map((c) => [c.index, c.document.getText()]));
  const cellUris = new Map<number, string>();
  for (const c of cells) cellUris.set(c.index, c.document.uri.toString());
  const spans: CellSpan[] = joined.spans;
  return {
    cacheKey: notebook.uri.toString(),
    // Cell versions change with their text; the notebook's with cells added, moved or removed.
    versionKey: `${notebook.version}/${cells.map((c) => `${c.index}:${c.document.version}`).join(',')}`,
    text: joined.text,
    file: fileOf(notebook.uri),
    host: hostFor(notebook.uri, resolveInstalledPackages),
    notebook: { document: notebook, layout: { spans, cellUris }, cellUris: [...cellUris.values()] },
  };
}
