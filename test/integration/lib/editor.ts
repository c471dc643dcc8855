/** Helpers of the editor suites (hover, CodeLens, notebooks, `# profile:` comments, export). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Poll an async check until it returns a value that is not undefined, failing with `what` after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Position of the `occurrence`-th match of `text` in the document, plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, text: string, offset = 0, occurrence = 1): vscode.Position {
  const all = document.getText();
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = all.indexOf(text, at + 1);
    assert.ok(at >= 0, `"${text}" (occurrence ${i + 1}) is not in ${document.uri.toString()}`);
  }
  return document.positionAt(at + offset);
}

function hoverContentText(c: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof c === 'string') return c;
  return c.value;
}

/** All hover text every provider gives at a position, joined. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return (hovers ?? []).flatMap((h) => h.contents.map(hoverContentText)).join('\n---\n');
}

/** CodeLens titles of a document, top to bottom, with their commands. */
export async function codeLenses(uri: vscode.Uri): Promise<Array<{ line: number; title: string; tooltip: string; command: string; args: unknown[] }>> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? [])
    .filter((l) => l.command)
    .map((l) => ({ line: l.range.start.line, title: l.command!.title, tooltip: l.command!.tooltip ?? '', command: l.command!.command, args: l.command!.arguments ?? [] }))
    .sort((a, b) => a.line - b.line);
}

/** Set a `modelProfiler.*` setting in the workspace (undefined removes it). */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('modelProfiler').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/**
 * The suites check what the views show, not the time budget: with other suites and
 * builds running on the same small machine, a 500 ms budget can run out before a file
 * is evaluated. Give each suite room (`before`), and take it back (`after`).
 */
export const GENEROUS_BUDGET_MS = 5000;

export async function useGenerousBudget(): Promise<void> {
  await setSetting('analysis.timeBudgetMs', GENEROUS_BUDGET_MS);
}

export async function restoreBudget(): Promise<void> {
  await setSetting('analysis.timeBudgetMs', undefined);
}
