/** Helpers the hardware and fit suites share. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../../src/extension';
import { activateWith, openInEditor, waitFor } from './extension';

/** The source and codes of the fit diagnostics (other diagnostics of the extension share the source). */
export const FIT_SOURCE = 'Model Profiler';
const FIT_CODES = ['fit-exceeds', 'fit-tight'];

/** Activate with `relative` open, and wait for the first hardware detection to finish. */
export async function activateAndDetect(relative = 'mlp.py'): Promise<ModelProfilerApi> {
  const api = await activateWith(relative);
  await api.fit.hardware.ready();
  await waitFor(() => !api.fit.hardware.isProbing, 'hardware detection to finish');
  return api;
}

/** The fit diagnostics VS Code holds for a document. */
export function fitDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === FIT_SOURCE && FIT_CODES.includes(String(d.code)));
}

/** Wait until the document's fit diagnostics satisfy `check`; returns them. */
export async function waitForDiagnostics(uri: vscode.Uri, check: (d: vscode.Diagnostic[]) => boolean, what: string, ms = 30_000): Promise<vscode.Diagnostic[]> {
  await waitFor(() => check(fitDiagnostics(uri)), what, ms);
  return fitDiagnostics(uri);
}

/** Replace the first match of `pattern` in the document with `text`, as a person typing would (unsaved). */
export async function replaceInDocument(document: vscode.TextDocument, pattern: RegExp, text: string): Promise<void> {
  const match = pattern.exec(document.getText());
  assert.ok(match, `${pattern} is not in ${document.uri.path}`);
  const start = document.positionAt(match.index);
  const end = document.positionAt(match.index + match[0].length);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(start, end), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
}

/** The 0-based line of the first line holding `text`. */
export function lineOf(document: vscode.TextDocument, text: string): number {
  const line = document.getText().split('\n').findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `"${text}" is not in ${document.uri.path}`);
  return line;
}

/** Set `modelProfiler.<key>` in the workspace; undefined removes it. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('modelProfiler').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Remove the workspace values of these `modelProfiler.*` settings. */
export async function resetSettings(...keys: string[]): Promise<void> {
  for (const key of keys) await setSetting(key, undefined);
}

/** Documents a suite edits, with their text before, so later suites see the fixtures as written. */
const originals = new Map<vscode.TextDocument, string>();

/** Open a workspace fixture that the test will edit. */
export async function openToEdit(relative: string): Promise<vscode.TextEditor> {
  const editor = await openInEditor(relative);
  if (!originals.has(editor.document)) originals.set(editor.document, editor.document.getText());
  return editor;
}

/** Put every edited fixture back as it was (saved, so closing asks nothing) and close all editors. */
export async function restoreAndClose(): Promise<void> {
  for (const [doc, text] of originals) {
    if (doc.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
    }
    if (doc.isDirty) await doc.save();
  }
  originals.clear();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
