/**
 * The status-bar item with this machine's hardware in short ("RTX 4090 24 GB · 64 GB RAM",
 * "No GPU · 24 GB RAM"), the details in its tooltip, and a click that opens the hardware
 * menu. Hidden when `modelProfiler.statusBar.enabled` is off.
 */
import * as vscode from 'vscode';
import { describeHardware, summarizeHardware, unmatchedTargets, type DeviceSettings } from '../../core/hardware/devices';
import { formatBytes } from '../../core/format';
import type { HardwareService } from './hardwareService';

export const HARDWARE_MENU_COMMAND = 'modelProfiler.hardwareMenu';

export interface StatusBarSettings {
  statusBar: { enabled: boolean };
  devices: DeviceSettings;
}

/** Markdown special characters in detected names (a GPU model, a path) shown as text. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

export class HardwareStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private shownText: string | undefined;

  constructor(
    private readonly hardware: HardwareService,
    private readonly settings: () => StatusBarSettings,
  ) {
    this.item = vscode.window.createStatusBarItem('modelProfiler.hardware', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Model Profiler: Hardware';
    this.item.command = HARDWARE_MENU_COMMAND;
    this.subscriptions.push(
      this.item,
      hardware.onDidChange(() => this.update()),
      hardware.onDidChangeProbing(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('modelProfiler.statusBar.enabled')) this.update();
      }),
    );
    this.update();
  }

  /** The text now shown, without its icon; undefined while hidden. Read by the tests and the hardware menu. */
  get text(): string | undefined {
    return this.shownText;
  }

  update(): void {
    const settings = this.settings();
    if (!settings.statusBar.enabled) {
      this.shownText = undefined;
      this.item.hide();
      return;
    }
    const profile = this.hardware.profile();
    if (!profile || this.hardware.isProbing) {
      this.shownText = profile ? summarizeHardware(profile) : 'Detecting hardware…';
      this.item.text = `$(loading~spin) ${this.shownText}`;
      this.item.tooltip = 'Model Profiler is detecting this machine’s GPUs and memory.';
    } else {
      this.shownText = summarizeHardware(profile);
      this.item.text = `$(chip) ${this.shownText}`;
      this.item.tooltip = this.tooltip(settings.devices);
    }
    this.item.show();
  }

  private tooltip(devices: DeviceSettings): vscode.MarkdownString {
    const profile = this.hardware.profile()!;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['modelProfiler.refreshHardware', 'modelProfiler.selectTargets'] };
    md.appendMarkdown(`**${escapeMarkdown(summarizeHardware(profile))}**\n\n`);
    for (const line of describeHardware(profile)) md.appendMarkdown(`- ${escapeMarkdown(line)}\n`);
    const targets = devices.targetDevices;
    if (targets.length > 0) {
      const unknown = new Set(unmatchedTargets(targets));
      const known = this.hardware.devices().filter((d) => !d.local);
      md.appendMarkdown(`\nTarget devices: ${known.map((d) => `${escapeMarkdown(d.name)} (${formatBytes(d.memoryBytes)})`).join(', ') || 'none'}\n`);
      if (unknown.size > 0) md.appendMarkdown(`\nNot in the catalog: ${[...unknown].map(escapeMarkdown).join(', ')}\n`);
    }
    md.appendMarkdown('\n$(refresh) [Refresh](command:modelProfiler.refreshHardware) · $(server) [Select Target GPUs](command:modelProfiler.selectTargets)');
    return md;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
