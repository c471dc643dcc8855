/**
 * Writing a `modelProfiler.*` setting where it takes effect and where the person will find
 * it: at the most specific level that already sets it (folder, workspace, user), or, when
 * none does, in the workspace when a folder is open and in the user settings otherwise.
 */
import * as vscode from 'vscode';

export function settingTarget(section: vscode.WorkspaceConfiguration, key: string): vscode.ConfigurationTarget {
  const inspected = section.inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  if (inspected?.globalValue !== undefined) return vscode.ConfigurationTarget.Global;
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** Set `modelProfiler.<key>` for the document `scope` belongs to; resolves once written. */
export async function updateSetting(key: string, value: unknown, scope?: vscode.Uri): Promise<void> {
  const section = vscode.workspace.getConfiguration('modelProfiler', scope);
  await section.update(key, value, settingTarget(section, key));
}
