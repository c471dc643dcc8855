/**
 * modelProfiler.applyRecommendation: makes a recommendation's option changes stick.
 * Values a `# profile:` comment can hold go into the model's comment when it has one
 * (the comment outranks the settings, so a setting alone would change nothing);
 * everything else goes into the `modelProfiler.*` settings (where the setting is already
 * set, else the workspace's).
 *
 * Called by quick fixes, notifications and hovers with one argument:
 *   { uri: "<document URI>", model: "<model name as written>", apply: Recommendation.apply, title?: "…" }
 */
import * as vscode from 'vscode';
import { PROFILE_COMMENT_KEYS, type ProfileCommentKey } from '../core/profileComment';
import { readModelRef } from './analysis';
import type { ControlsPatch, PanelControls } from '../shared/protocol';
import { sanitizeControlsPatch } from '../shared/validate';
import { panelModelId, type ProfilerDataSource } from './panelSource';
import { writeProfileComment, type ProfileCommentValues } from './profileCommentEdit';
import { updateSetting } from './updateSetting';

export interface ApplyRecommendationArgs {
  /** URI (string) of the document that defines the model. */
  uri: string;
  /** The model's name as written in the source (ModelReport.name). */
  model: string;
  /** The option changes (Recommendation.apply). */
  apply: Record<string, unknown>;
  /** The recommendation's title, for the confirmation. */
  title?: string;
}

/** Where each option was written, by option name. */
export interface AppliedRecommendation {
  comment: string[];
  settings: string[];
}

/** Each option the command can write, with its setting and how the setting spells the value. */
const SETTINGS: Partial<Record<keyof PanelControls, { key: string; value?: (v: unknown) => unknown }>> = {
  mode: { key: 'mode' },
  batch: { key: 'batchSize' },
  seq: { key: 'seqLength' },
  input: { key: 'inputShape', value: (v) => (Array.isArray(v) ? v.join(',') : '') },
  precision: { key: 'precision' },
  optimizer: { key: 'optimizer' },
  gradientCheckpointing: { key: 'gradientCheckpointing' },
  attention: { key: 'attention' },
  fineTuning: { key: 'fineTuning' },
  loraRank: { key: 'loraRank' },
  sharding: { key: 'sharding' },
  gpuCount: { key: 'gpuCount' },
  cpuOffload: { key: 'cpuOffload' },
};

function readArgs(raw: unknown): ApplyRecommendationArgs | undefined {
  // The model as every view names it to a command; then what to apply.
  const ref = readModelRef(raw);
  if (!ref) return undefined;
  const { apply, title } = raw as Record<string, unknown>;
  if (typeof apply !== 'object' || apply === null) return undefined;
  return { uri: ref.uri, model: ref.model, apply: apply as Record<string, unknown>, title: typeof title === 'string' ? title : undefined };
}

const isCommentKey = (key: string): key is ProfileCommentKey => (PROFILE_COMMENT_KEYS as readonly string[]).includes(key);

async function writeComment(uri: vscode.Uri, line: number, values: ProfileCommentValues): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (line >= doc.lineCount) return false;
  const current = doc.lineAt(line);
  const next = writeProfileComment(current.text, values);
  if (next === undefined) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, current.range, next);
  return vscode.workspace.applyEdit(edit);
}

async function writeSettings(uri: vscode.Uri, patch: ControlsPatch): Promise<string[]> {
  const written: string[] = [];
  for (const [option, value] of Object.entries(patch)) {
    const setting = SETTINGS[option as keyof PanelControls];
    if (!setting) continue;
    await updateSetting(setting.key, setting.value ? setting.value(value) : value, uri);
    written.push(option);
  }
  return written;
}

/** Applies the changes and tells the person where they went; undefined (and an error message) when the arguments are unusable. */
export async function applyRecommendation(source: ProfilerDataSource, raw: unknown): Promise<AppliedRecommendation | undefined> {
  const args = readArgs(raw);
  // The same checks as a message from the panel: only known options with sane values.
  const patch = args ? sanitizeControlsPatch(args.apply) : {};
  delete patch.targetDevices;
  delete patch.curveAxis;
  if (!args || Object.keys(patch).length === 0) {
    void vscode.window.showErrorMessage('Apply Recommendation: nothing to apply (the recommendation names no option this version knows).');
    return undefined;
  }
  const uri = vscode.Uri.parse(args.uri, true);
  const profile = (await source.modelReport(panelModelId(args.uri, args.model)))?.profile;

  const commentValues: ProfileCommentValues = {};
  const settingsPatch: ControlsPatch = {};
  for (const [key, value] of Object.entries(patch)) {
    if (profile && isCommentKey(key)) (commentValues as Record<string, unknown>)[key] = value;
    else (settingsPatch as Record<string, unknown>)[key] = value;
  }
  const comment = Object.keys(commentValues);
  if (comment.length > 0 && !(await writeComment(uri, profile!.range.start.line, commentValues))) {
    // The comment is not where the report says (the document changed, or a notebook cell): the settings take the values.
    Object.assign(settingsPatch, commentValues);
    comment.length = 0;
  }
  const settings = await writeSettings(uri, settingsPatch);

  const where = [
    comment.length > 0 ? `${comment.join(', ')} in the # profile: comment of ${args.model}` : '',
    settings.length > 0 ? `${settings.join(', ')} in the settings` : '',
  ].filter(Boolean);
  void vscode.window.showInformationMessage(`Applied${args.title ? ` "${args.title}"` : ''}: ${where.join('; ')}.`);
  return { comment, settings };
}
