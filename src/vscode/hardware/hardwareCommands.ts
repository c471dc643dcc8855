/**
 * The hardware commands: "Refresh Hardware" (probe again, with progress) and the hardware
 * menu the status-bar item opens (refresh, choose target GPUs, open the panel).
 */
import * as vscode from 'vscode';
import { describeHardware, summarizeHardware } from '../../core/hardware/devices';
import type { HardwareProfile } from '../../core/hardware/types';
import type { HardwareService } from './hardwareService';

/** Probe again with a progress notification; resolves to the hardware the views now describe. */
export function refreshHardwareCommand(hardware: HardwareService): () => Promise<HardwareProfile | undefined> {
  return async () => {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Model Profiler: detecting GPUs, RAM and disk…' },
      () => hardware.refresh(),
    );
    const profile = hardware.profile();
    if (profile) {
      // The first line says where detection ran (this machine, the SSH host, the container...).
      const [where] = describeHardware(profile);
      void vscode.window.showInformationMessage(`Hardware: ${summarizeHardware(profile)}. ${where}`);
    }
    return profile;
  };
}

export interface MenuItem extends vscode.QuickPickItem {
  command: string;
}

/** The rows of the hardware menu. */
export function hardwareMenuItems(): MenuItem[] {
  return [
    { label: '$(refresh) Refresh Hardware', description: 'detect GPUs, RAM and disk again', command: 'modelProfiler.refreshHardware' },
    { label: '$(server) Select Target GPUs', description: 'accelerators to check besides this machine', command: 'modelProfiler.selectTargets' },
    { label: '$(graph) Open Profiler Panel', description: 'charts, layers and what-if controls', command: 'modelProfiler.openPanel' },
  ];
}

/** The status-bar item's click: a quick pick of the hardware actions; resolves to the command run. */
export function hardwareMenuCommand(hardware: HardwareService): () => Promise<string | undefined> {
  return async () => {
    const profile = hardware.profile();
    const picked = await vscode.window.showQuickPick(hardwareMenuItems(), {
      title: profile ? `Model Profiler: ${summarizeHardware(profile)}` : 'Model Profiler: hardware',
      placeHolder: profile ? describeHardware(profile)[0] : 'Hardware detection is running',
    });
    if (!picked) return undefined;
    await vscode.commands.executeCommand(picked.command);
    return picked.command;
  };
}
