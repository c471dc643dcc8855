/**
 * The one place where commands are registered. Every command the manifest
 * contributes gets a handler here, so none is ever missing from the registry:
 * a feature's own handler when it passes one to `registerCommands`, otherwise
 * one that tells the user honestly that the feature is not in this build.
 */
import * as vscode from 'vscode';

/** Every command id in package.json `contributes.commands` (the integration suite checks both ways). */
export const COMMAND_IDS = [
  'modelProfiler.checkFits',
  'modelProfiler.openPanel',
  'modelProfiler.refreshHardware',
  'modelProfiler.selectTargets',
  'modelProfiler.exportReport',
  'modelProfiler.exactCount',
  'modelProfiler.hardwareMenu',
  'modelProfiler.applyRecommendation',
  'modelProfiler.revealLayer',
  'modelProfiler.showMultiGpuPlan',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandHandlers = Partial<Record<CommandId, CommandHandler>>;

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

/** "Model Profiler: Check Fits on This Machine", from the manifest, as the palette shows it. */
function paletteTitle(extension: vscode.Extension<unknown>, id: CommandId): string {
  const commands = (extension.packageJSON?.contributes?.commands ?? []) as ManifestCommand[];
  const entry = commands.find((c) => c.command === id);
  if (!entry) return id;
  return entry.category ? `${entry.category}: ${entry.title}` : entry.title;
}

function notAvailable(title: string, log: vscode.LogOutputChannel): CommandHandler {
  return () => {
    log.info(`"${title}" was run; it is not available in this build.`);
    // Not awaited: the promise settles only when the user dismisses the message.
    void vscode.window.showInformationMessage(`${title} is not available in this build of Model Resource Profiler.`);
  };
}

/** Register every contributed command; ids without a handler in `handlers` get the honest fallback. */
export function registerCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  handlers: CommandHandlers,
): void {
  for (const id of COMMAND_IDS) {
    const handler = handlers[id] ?? notAvailable(paletteTitle(context.extension, id), log);
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}
