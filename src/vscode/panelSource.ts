/**
 * The profiler panel's data source in VS Code: the Python documents of the visible
 * editors, the `modelProfiler.*` settings, this machine's hardware and the catalog,
 * put behind the PanelDataSource contract (src/vscode/panel/dataSource.ts).
 *
 * The engine work itself is ModelEstimator's (no `vscode` there). This file decides
 * which documents count, turns settings and hardware into the engine's inputs, and
 * says when the panel's data changed: typing, another active editor, settings.
 */
import * as vscode from 'vscode';
import { documentKind } from '../core/analyze';
import { formatCount } from '../core/format';
import { GPU_CATALOG } from '../core/hardware/catalog';
import { devicesFor } from '../core/hardware/devices';
import type { DeviceSpec, HardwareProfile } from '../core/hardware/types';
import type { ModelReport } from '../core/report';
import type { SourceHost } from '../core/sourceHost';
import { createNodeSourceHost, slashed } from '../node/sourceHost';
import { isParserReady } from '../core/python/parser';
import { initParserFromDisk } from '../node/wasm';
import type { CurveAxis, CurvePoint, DeviceChoice, ModelSummary, PanelControls } from '../shared/protocol';
import type { PanelChange, PanelDataSource } from './panel/dataSource';
import { localHardware, type HardwareSource } from './panel/localHardware';
import {
  documentUriOf,
  ModelEstimator,
  modelDefaultControls,
  type DocumentModel,
  type EstimateEnvironment,
  type PanelDocument,
} from './panel/modelEstimator';
import { readPanelSettings, type PanelSettings } from './panel/panelSettings';

export { panelModelId } from './panel/modelEstimator';

/** Documents the panel profiles: Python files (notebook cells are analysed with their notebook, not alone). */
export function isProfiledDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'python' && doc.uri.scheme !== 'vscode-notebook-cell' && doc.uri.scheme !== 'output';
}

function panelDocument(doc: vscode.TextDocument): PanelDocument {
  const file = doc.uri.scheme === 'file' ? slashed(doc.uri.fsPath) : doc.uri.toString();
  return {
    uri: doc.uri.toString(),
    file,
    version: doc.version,
    kind: documentKind(file),
    get text() {
      return doc.getText();
    },
  };
}

export interface ProfilerDataSource extends PanelDataSource, vscode.Disposable {
  /** The graph of a model in an open document, at the settings (for commands that edit its `# profile:` comment). */
  model(modelId: string): Promise<DocumentModel | undefined>;
}

export function createPanelDataSource(): ProfilerDataSource {
  const estimator = new ModelEstimator();
  const changed = new vscode.EventEmitter<PanelChange>();
  let settings: PanelSettings = readSettings();
  let host: SourceHost | undefined;
  let parser: Promise<void> | undefined;
  const hardware: HardwareSource = localHardware({
    workspacePath: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    remote: vscode.env.remoteName,
    timeoutMs: () => settings.probeTimeoutMs,
    unifiedMemoryShare: () => settings.devices.unifiedMemoryShare,
  });

  function readSettings(): PanelSettings {
    return readPanelSettings(vscode.workspace.getConfiguration('modelProfiler'));
  }

  function sourceHost(): SourceHost {
    host ??= createNodeSourceHost({
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => slashed(f.uri.fsPath)),
      resolveInstalledPackages: settings.resolveInstalledPackages,
    });
    return host;
  }

  /** The parser loads on first use, not at activation. */
  function ready(): Promise<void> {
    parser ??= initParserFromDisk().catch((e: unknown) => {
      parser = undefined;
      throw e;
    });
    return parser;
  }

  function openDocument(uri: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri && isProfiledDocument(d));
  }

  /** The active editor's document first, then the other visible editors', each once. */
  function shownDocuments(): vscode.TextDocument[] {
    const docs = [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document)];
    const seen = new Set<string>();
    return docs.filter((d): d is vscode.TextDocument => {
      if (!d || !isProfiledDocument(d) || seen.has(d.uri.toString())) return false;
      seen.add(d.uri.toString());
      return true;
    });
  }

  function environment(devices: DeviceSpec[], profile?: HardwareProfile): EstimateEnvironment {
    return {
      host: sourceHost(),
      settings: settings.options,
      devices,
      freeDiskBytes: profile?.disk?.freeBytes,
      timeBudgetMs: settings.timeBudgetMs,
    };
  }

  function modelsOf(doc: vscode.TextDocument): DocumentModel[] {
    return estimator.models(panelDocument(doc), environment([]));
  }

  function findModel(modelId: string): { doc: vscode.TextDocument; model: DocumentModel } | undefined {
    const uri = documentUriOf(modelId);
    const doc = uri ? openDocument(uri) : undefined;
    const model = doc ? modelsOf(doc).find((m) => m.id === modelId) : undefined;
    return doc && model ? { doc, model } : undefined;
  }

  async function devices(controls: PanelControls): Promise<DeviceSpec[]> {
    const profile = await hardware.ready();
    return devicesFor(profile, { ...settings.devices, targetDevices: controls.targetDevices });
  }

  /** Runs `work` with the parser loaded, the document open and the devices for the controls. */
  async function withModel<T>(modelId: string, controls: PanelControls, work: (doc: PanelDocument, env: EstimateEnvironment) => T): Promise<T | undefined> {
    await ready();
    const uri = documentUriOf(modelId);
    const doc = uri ? openDocument(uri) : undefined;
    if (!doc) return undefined;
    const list = await devices(controls);
    return work(panelDocument(doc), environment(list, hardware.current()));
  }

  const subscriptions: vscode.Disposable[] = [
    changed,
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && isProfiledDocument(editor.document)) changed.fire({ kind: 'activeEditor' });
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => changed.fire({ kind: 'document' })),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || !isProfiledDocument(e.document)) return;
      // Another file may be imported by a shown one: its evaluations are stale too.
      estimator.invalidate();
      if (shownDocuments().includes(e.document)) changed.fire({ kind: 'document' });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('modelProfiler')) return;
      settings = readSettings();
      host = undefined;
      estimator.invalidate();
      changed.fire({ kind: 'settings' });
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      host = undefined;
      estimator.invalidate();
      changed.fire({ kind: 'settings' });
    }),
  ];

  return {
    async listModels(): Promise<ModelSummary[]> {
      await ready();
      const out: ModelSummary[] = [];
      for (const doc of shownDocuments()) {
        const file = vscode.workspace.asRelativePath(doc.uri);
        for (const { id, graph } of modelsOf(doc)) {
          out.push({
            id,
            name: graph.name,
            kind: graph.kind,
            framework: graph.framework,
            line: graph.nameRange.start.line + 1,
            file,
            detail: `${formatCount(graph.params.total)} params`,
          });
        }
      }
      return out;
    },

    preferredModelId(): string | undefined {
      const editor = vscode.window.activeTextEditor;
      // Before the parser has loaded there is nothing to prefer; the panel asks again on the next change.
      if (!editor || !isProfiledDocument(editor.document) || !isParserReady()) return undefined;
      const models = modelsOf(editor.document);
      const line = editor.selection.active.line;
      const under = models.find((m) => m.graph.range.start.line <= line && line <= m.graph.range.end.line);
      return (under ?? models[0])?.id;
    },

    defaultControls(modelId: string): PanelControls {
      const found = modelId && isParserReady() ? findModel(modelId) : undefined;
      return modelDefaultControls(found?.model.graph, settings.options, settings.targetIds);
    },

    async report(modelId: string, controls: PanelControls): Promise<ModelReport | undefined> {
      return withModel(modelId, controls, (doc, env) => estimator.report(doc, modelId, controls, env));
    },

    async curve(modelId: string, controls: PanelControls, axis: CurveAxis): Promise<CurvePoint[]> {
      return (await withModel(modelId, controls, (doc, env) => estimator.curve(doc, modelId, controls, axis, env))) ?? [];
    },

    devices,

    targetChoices(): DeviceChoice[] {
      return GPU_CATALOG.filter((d) => d.kind !== 'cpu').map((d) => ({ id: d.id, name: d.name, memoryBytes: d.memoryBytes }));
    },

    hardware: () => hardware.current(),

    documentUri: documentUriOf,

    async model(modelId: string): Promise<DocumentModel | undefined> {
      await ready();
      return findModel(modelId)?.model;
    },

    onDidChange: changed.event,

    dispose() {
      for (const s of subscriptions) s.dispose();
    },
  };
}
