/**
 * "Model Profiler: Select Target GPUs": a multi-select quick pick over the accelerator
 * catalog (memory and bandwidth in each row) that writes `modelProfiler.targetDevices`,
 * for people who write on a laptop and train on a cluster.
 */
import * as vscode from 'vscode';
import { targetChoices, targetSetting, type TargetChoice } from './hardware/targetChoices';
import { updateSetting } from './updateSetting';

export type TargetItem = TargetChoice & vscode.QuickPickItem;

/** Shows the items and resolves to the picked ones, or undefined when dismissed. */
export type PickTargets = (items: TargetItem[]) => Thenable<readonly TargetItem[] | undefined>;

const showPicker: PickTargets = (items) =>
  vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Model Profiler: Target GPUs to check besides this machine',
    placeHolder: 'Pick the accelerators your models should fit',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });

/**
 * Show the picker and write the choice. Resolves to the new list, or undefined when the
 * person dismissed the picker (the setting is left alone).
 */
export async function selectTargetDevices(current: readonly string[], pick: PickTargets = showPicker): Promise<string[] | undefined> {
  const picked = await pick(targetChoices(current));
  if (!picked) return undefined;
  const next = targetSetting(current, picked);
  await updateSetting('targetDevices', next);
  return next;
}
