/**
 * Handlers of the panel's commands: open the profiler panel (on a model when the
 * CodeLens or a link names one), apply a recommendation, reveal a layer's line.
 */
import * as vscode from 'vscode';
import { readModelRef } from './analysis';
import { applyRecommendation } from './applyRecommendation';
import type { CommandHandlers } from './commands';
import { registerProfilerPanel } from './panel/profilerPanel';
import { revealArgs, revealLine } from './panel/reveal';
import { createPanelDataSource, panelModelId, type PanelAnalysis, type PanelHardware } from './panelSource';

/**
 * openPanel's argument: `{ uri, model }` as the CodeLens and hovers pass it, or a panel
 * model id. Anything else, such as the document Uri that editor menus pass, opens the
 * panel on the model under the cursor.
 */
export function panelModelArg(arg: unknown): string | undefined {
  const ref = readModelRef(arg);
  return ref ? panelModelId(ref.uri, ref.model) : undefined;
}

/** Creates the panel's data source and registers the panel (its serializer too); returns the command handlers. */
export function registerPanelCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  analysis: PanelAnalysis,
  hardware: PanelHardware,
): CommandHandlers {
  const source = createPanelDataSource(analysis, hardware);
  const panel = registerProfilerPanel(context, source, { log: (m) => log.warn(m) });
  context.subscriptions.push(source, panel);
  return {
    'modelProfiler.openPanel': (arg?: unknown) => panel.open(panelModelArg(arg)),
    'modelProfiler.applyRecommendation': (arg?: unknown) => applyRecommendation(source, arg),
    'modelProfiler.revealLayer': async (...args: unknown[]) => {
      const target = revealArgs(args);
      if (!target) {
        log.warn(`revealLayer: no line to reveal in ${JSON.stringify(args).slice(0, 200)}`);
        return undefined;
      }
      return revealLine(target);
    },
  };
}
