/**
 * The profiler panel in VS Code: creates (or restores after a reload) the webview
 * panel, gives it the strict HTML, and connects a PanelSession to the webview and
 * the editor actions it asks for. What the panel follows (typing, the active editor,
 * settings) reaches the session through the data source's onDidChange.
 *
 * The extension registers it during activate() (src/vscode/panelCommands.ts), so the
 * serializer can restore a panel after a window reload:
 *   const panel = registerProfilerPanel(context, createPanelDataSource(analysis, hardware));
 *   'modelProfiler.openPanel': (arg) => panel.open(panelModelArg(arg))
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, type ControlsPatch, type ThemeKind } from '../../shared/protocol';
import { readViewState } from '../../shared/viewState';
import type { ControlsStore, PanelDataSource } from './dataSource';
import { panelHtml } from './panelHtml';
import { PanelSession, type PanelActions } from './panelSession';
import { revealLine } from './reveal';

export interface ProfilerPanelController extends vscode.Disposable {
  /** Opens the panel beside the editor (or reveals it), on `modelId` when given. */
  open(modelId?: string): Promise<void>;
  /** True while a panel exists (visible or in a background tab). */
  readonly isOpen: boolean;
}

export interface ProfilerPanelOptions {
  /** Where the panel logs rejected messages and failures; the extension's output channel. */
  log?: (message: string) => void;
}

const CONTROLS_KEY = 'modelProfiler.panel.controls';
/** Models whose controls are remembered per workspace; the oldest are forgotten first. */
const REMEMBERED_CONTROLS = 200;

/** Per-model controls in workspaceState, most recently changed last. */
function mementoStore(memento: vscode.Memento): ControlsStore {
  const read = (): Record<string, ControlsPatch> => {
    const v = memento.get<unknown>(CONTROLS_KEY);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, ControlsPatch>) : {};
  };
  return {
    get: (id) => (Object.prototype.hasOwnProperty.call(read(), id) ? read()[id] : undefined),
    set: (id, patch) => {
      const entries = Object.entries(read()).filter(([k]) => k !== id);
      if (patch && Object.keys(patch).length > 0) entries.push([id, patch]);
      return memento.update(CONTROLS_KEY, Object.fromEntries(entries.slice(-REMEMBERED_CONTROLS)));
    },
  };
}

const THEME_KINDS: Record<number, ThemeKind> = {
  [vscode.ColorThemeKind.Light]: 'light',
  [vscode.ColorThemeKind.Dark]: 'dark',
  [vscode.ColorThemeKind.HighContrast]: 'high-contrast',
  // ColorThemeKind.HighContrastLight (4) exists from VS Code 1.63.
  4: 'high-contrast-light',
};

function editorActions(log: (m: string) => void): PanelActions {
  return {
    async reveal(target) {
      await revealLine(target);
    },
    async saveFile(suggestedName, content, filter) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
        filters: { [filter.label]: [filter.extension] },
        saveLabel: 'Save',
      });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, content);
      return vscode.workspace.asRelativePath(uri);
    },
    log,
    themeKind: () => THEME_KINDS[vscode.window.activeColorTheme.kind] ?? 'dark',
  };
}

export function registerProfilerPanel(
  context: vscode.ExtensionContext,
  source: PanelDataSource,
  options: ProfilerPanelOptions = {},
): ProfilerPanelController {
  const log = options.log ?? ((m: string) => console.warn(m));
  const store = mementoStore(context.workspaceState);
  const roots = [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')];
  let current: { panel: vscode.WebviewPanel; session: PanelSession } | undefined;

  const debounceMs = () => vscode.workspace.getConfiguration('modelProfiler').get<number>('analysis.debounceMs', 300);

  function attach(panel: vscode.WebviewPanel, initialModelId: string | undefined): void {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: roots };
    const session = new PanelSession(
      { post: (m) => webview.postMessage(m) },
      source,
      store,
      editorActions(log),
      { initialModelId, refreshDebounceMs: debounceMs() },
    );
    const disposables: vscode.Disposable[] = [
      // Listen before the HTML loads, so the page's `ready` cannot be missed.
      webview.onDidReceiveMessage((m: unknown) => session.handleMessage(m)),
      panel.onDidChangeViewState((e) => session.onVisibilityChanged(e.webviewPanel.visible)),
    ];
    panel.onDidDispose(() => {
      session.dispose();
      for (const d of disposables) d.dispose();
      if (current?.panel === panel) current = undefined;
    });
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...parts)).toString();
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('dist', 'webview.js'),
      styleUri: asset('media', 'panel.css'),
      codiconUri: asset('dist', 'codicon.css'),
    });
    current = { panel, session };
  }

  const serializer = vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      if (current) {
        // One profiler panel at a time: a second restored one would duplicate the first.
        panel.dispose();
        return;
      }
      attach(panel, readViewState(state).selectedModelId);
    },
  });

  return {
    async open(modelId?: string) {
      if (current) {
        current.panel.reveal(undefined, true);
        if (modelId && modelId !== current.session.selectedModelId) await current.session.showModel(modelId);
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        'Model Profiler',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: roots, enableFindWidget: true },
      );
      attach(panel, modelId ?? source.preferredModelId());
    },
    get isOpen() {
      return current !== undefined;
    },
    dispose() {
      serializer.dispose();
      current?.panel.dispose();
    },
  };
}
