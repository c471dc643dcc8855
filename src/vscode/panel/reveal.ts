/**
 * Showing a line of a model's file in the editor, with the line selected: the panel's
 * table rows and findings, and the modelProfiler.revealLayer command, come here.
 */
import * as vscode from 'vscode';

/** A finding's or layer's file: an absolute path, or a URI string. */
export function fileUri(file: string): vscode.Uri {
  const isWindowsPath = /^[a-zA-Z]:[\\/]/.test(file);
  return !isWindowsPath && /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) ? vscode.Uri.parse(file, true) : vscode.Uri.file(file);
}

export interface RevealTarget {
  /** URI (string) of the model's document, used when `file` is absent. */
  documentUri?: string;
  /** Absolute path or URI string of the file, when the line lives in another file than the model. */
  file?: string;
  /** 1-based line; clamped to the document. */
  line: number;
}

/**
 * Opens the file (in the editor group that already shows it, else the first) and
 * selects the line from its first non-blank character to its end. Resolves to the
 * editor, or undefined when there is no file to show.
 */
export async function revealLine(target: RevealTarget): Promise<vscode.TextEditor | undefined> {
  const uri = target.file ? fileUri(target.file) : target.documentUri ? vscode.Uri.parse(target.documentUri, true) : undefined;
  if (!uri) return undefined;
  const doc = await vscode.workspace.openTextDocument(uri);
  const index = Math.min(Math.max(0, Math.floor(target.line) - 1), Math.max(0, doc.lineCount - 1));
  const text = doc.lineAt(index);
  const range = new vscode.Range(index, text.firstNonWhitespaceCharacterIndex, index, text.range.end.character);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
    selection: range,
    preserveFocus: false,
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/**
 * The modelProfiler.revealLayer command's arguments: `{ uri, line, file? }` (hover and
 * diagnostic links pass one object) or `(uri, line)`, where `uri` is a string or a Uri
 * and `line` is 1-based. Undefined when they name no line.
 */
export function revealArgs(args: readonly unknown[]): RevealTarget | undefined {
  const [first, second] = args;
  const uriText = (u: unknown): string | undefined => (typeof u === 'string' ? u : u instanceof vscode.Uri ? u.toString() : undefined);
  const lineOf = (l: unknown): number | undefined => (typeof l === 'number' && Number.isFinite(l) && l >= 1 ? Math.floor(l) : undefined);
  if (typeof first === 'object' && first !== null && !(first instanceof vscode.Uri)) {
    const { uri, line, file } = first as Record<string, unknown>;
    const documentUri = uriText(uri);
    const at = lineOf(line);
    if (at === undefined || (documentUri === undefined && typeof file !== 'string')) return undefined;
    return { documentUri, line: at, ...(typeof file === 'string' ? { file } : {}) };
  }
  const documentUri = uriText(first);
  const at = lineOf(second);
  return documentUri !== undefined && at !== undefined ? { documentUri, line: at } : undefined;
}
