/** Helpers the integration suites share: the extension under test and the fixture workspace. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import type { ModelProfilerApi } from '../../../src/extension';

export { manifest };

/** `publisher.name`, the id VS Code knows the extension by. */
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

export function extension(): vscode.Extension<ModelProfilerApi> {
  const ext = vscode.extensions.getExtension<ModelProfilerApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the extension host`);
  return ext;
}

/** A file of the fixture workspace (test/integration/workspace, copied to a temp folder). */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the launcher opens the fixture workspace as a folder');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** Poll `check` until it returns true, failing with `what` after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Open a workspace file in an editor. */
export async function openInEditor(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(doc);
}

/** Open a Python fixture (which activates the extension) and wait until it is active. */
export async function activateWith(relative = 'mlp.py'): Promise<ModelProfilerApi> {
  await openInEditor(relative);
  const ext = extension();
  await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate`);
  return ext.exports;
}
