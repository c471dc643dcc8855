/**
 * The profiler panel's data source in VS Code: the models of the visible editors, and
 * their reports at the panel's controls, from the analysis service (which runs the
 * engine off the extension host's thread); the devices from the hardware service;
 * the catalog for the target picker. It implements the PanelDataSource contract
 * (src/vscode/panel/dataSource.ts) and says when the panel's data changed: typing,
 * another active editor, settings, detected hardware.
 *
 * A model's id in the panel is `<document URI>#<name>`: it stays put while the person
 * types above the model, and readModelRef (the analysis service's) reads it as a ModelRef.
 */
import * as vscode from 'vscode';
import { formatCount } from '../core/format';
import { GPU_CATALOG, findDevice } from '../core/hardware/catalog';
import { devicesFor } from '../core/hardware/devices';
import type { DeviceSpec, HardwareProfile } from '../core/hardware/types';
import type { FileReport, ModelReport } from '../core/report';
import { controlsFromOptions, optionsWithControls } from '../shared/controls';
import type { CurveAxis, CurvePoint, DeviceChoice, ModelSummary, PanelControls } from '../shared/protocol';
import { readModelRef, type ReportRequest, type WhatIf } from './analysis';
import { notebookOf } from './analysis/documents';
import type { ProfilerConfig } from './config';
import type { PanelChange, PanelDataSource } from './panel/dataSource';
import { batchCurve, seqCurve } from './panel/whatIfCurve';

/** What the panel uses of the analysis service (src/vscode/analysis/service.ts). */
export interface PanelAnalysis {
  isSupported(document: vscode.TextDocument): boolean;
  getReports(document: vscode.TextDocument, request?: ReportRequest): Promise<FileReport>;
  peek(document: vscode.TextDocument, options?: { allowStale?: boolean }): FileReport | undefined;
  modelAt(document: vscode.TextDocument, position: vscode.Position): ModelReport | undefined;
  analyzeWith(document: vscode.TextDocument, change: WhatIf): Promise<FileReport>;
  config(scope?: vscode.Uri): ProfilerConfig;
  readonly onDidChangeConfig: vscode.Event<ProfilerConfig>;
}

/** What the panel uses of the hardware service (src/vscode/hardware/hardwareService.ts). */
export interface PanelHardware {
  /** What detection found, without the settings' declarations; undefined before the first probe ends. */
  readonly detectedProfile: HardwareProfile | undefined;
  /** The hardware as the views describe it (declared hardware in place of the detected). */
  profile(): HardwareProfile | undefined;
  /** The first detection, started if it has not. */
  ready(): Promise<HardwareProfile>;
  readonly onDidChange: vscode.Event<void>;
}

export interface ProfilerDataSource extends PanelDataSource, vscode.Disposable {
  /** A model's report at the settings (its `# profile:` comment applied), for commands. */
  modelReport(modelId: string): Promise<ModelReport | undefined>;
}

/** The panel's id of a model: its document's URI and its name as written. */
export function panelModelId(uri: vscode.Uri | string, name: string): string {
  return `${uri.toString()}#${name}`;
}

/** Catalog ids of the settings' target devices (names people wrote), for the panel's checkboxes. */
function targetIds(config: ProfilerConfig): string[] {
  const ids = config.devices.targetDevices.map((name) => findDevice(name)?.id).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

export function createPanelDataSource(analysis: PanelAnalysis, hardware: PanelHardware): ProfilerDataSource {
  const changed = new vscode.EventEmitter<PanelChange>();

  function openDocument(uri: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri && analysis.isSupported(d));
  }

  /** The active editor's document first, then the other visible editors' (notebook cells each), each once. */
  function shownDocuments(): vscode.TextDocument[] {
    const docs = [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document)];
    const seen = new Set<string>();
    return docs.filter((d): d is vscode.TextDocument => {
      if (!d || !analysis.isSupported(d) || seen.has(d.uri.toString())) return false;
      seen.add(d.uri.toString());
      return true;
    });
  }

  /** The model's document and name, when its document is open. */
  function locate(modelId: string): { doc: vscode.TextDocument; name: string } | undefined {
    const ref = readModelRef(modelId);
    const doc = ref ? openDocument(ref.uri) : undefined;
    return ref && doc ? { doc, name: ref.model } : undefined;
  }

  async function devices(controls: PanelControls): Promise<DeviceSpec[]> {
    const profile = hardware.detectedProfile ?? (await hardware.ready());
    return devicesFor(profile, { ...analysis.config().devices, targetDevices: controls.targetDevices });
  }

  /** The model's report at the controls, which outrank its `# profile:` comment (they started from it). */
  async function reportAt(modelId: string, controls: PanelControls): Promise<ModelReport | undefined> {
    const at = locate(modelId);
    if (!at) return undefined;
    const options = optionsWithControls(analysis.config(at.doc.uri).options, controls);
    const report = await analysis.analyzeWith(at.doc, { options, devices: await devices(controls), ignoreProfileComments: true });
    return report.models.find((m) => m.name === at.name);
  }

  const subscriptions: vscode.Disposable[] = [
    changed,
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && analysis.isSupported(editor.document)) changed.fire({ kind: 'activeEditor' });
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => changed.fire({ kind: 'document' })),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && shownDocuments().includes(e.document)) changed.fire({ kind: 'document' });
    }),
    analysis.onDidChangeConfig(() => changed.fire({ kind: 'settings' })),
    hardware.onDidChange(() => changed.fire({ kind: 'hardware' })),
  ];

  return {
    async listModels(): Promise<ModelSummary[]> {
      const out: ModelSummary[] = [];
      const seen = new Set<string>();
      for (const doc of shownDocuments()) {
        const report = await analysis.getReports(doc, { onRequest: true });
        // A notebook cell is named by its notebook: a cell URI has no workspace-relative path.
        const file = vscode.workspace.asRelativePath(notebookOf(doc)?.uri ?? doc.uri);
        for (const m of report.models) {
          const id = panelModelId(doc.uri, m.name);
          // Two models of one name in a file: the id names the first, as the CodeLens does.
          if (seen.has(id)) continue;
          seen.add(id);
          out.push({ id, name: m.name, kind: m.kind, framework: m.framework, line: m.line, file, detail: `${formatCount(m.params.total)} params` });
        }
      }
      return out;
    },

    preferredModelId(current?: string): string | undefined {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !analysis.isSupported(editor.document)) return undefined;
      const uri = editor.document.uri;
      const under = analysis.modelAt(editor.document, editor.selection.active);
      if (under) return panelModelId(uri, under.name);
      const ids = (analysis.peek(editor.document, { allowStale: true })?.models ?? []).map((m) => panelModelId(uri, m.name));
      return current && ids.includes(current) ? current : ids[0];
    },

    defaultControls(modelId: string): PanelControls {
      const at = modelId ? locate(modelId) : undefined;
      const config = analysis.config(at?.doc.uri);
      // The report at the settings holds the options its comment gave it (batch, seq, input, ...).
      const model = at ? analysis.peek(at.doc, { allowStale: true })?.models.find((m) => m.name === at.name) : undefined;
      return controlsFromOptions(model?.options ?? config.options, targetIds(config));
    },

    report: reportAt,

    async curve(modelId: string, controls: PanelControls, axis: CurveAxis): Promise<CurvePoint[]> {
      const report = await reportAt(modelId, controls);
      if (!report) return [];
      if (axis === 'batch') return batchCurve(report);
      return seqCurve(report, (seq) => reportAt(modelId, { ...controls, seq }));
    },

    devices,

    targetChoices(): DeviceChoice[] {
      return GPU_CATALOG.filter((d) => d.kind !== 'cpu').map((d) => ({ id: d.id, name: d.name, memoryBytes: d.memoryBytes }));
    },

    hardware: () => hardware.profile(),

    documentUri: (modelId: string) => readModelRef(modelId)?.uri,

    async modelReport(modelId: string): Promise<ModelReport | undefined> {
      const at = locate(modelId);
      if (!at) return undefined;
      return (await analysis.getReports(at.doc, { onRequest: true })).models.find((m) => m.name === at.name);
    },

    onDidChange: changed.event,

    dispose() {
      for (const s of subscriptions) s.dispose();
    },
  };
}
