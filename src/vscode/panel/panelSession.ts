/**
 * The host side of one profiler panel, without `vscode`: the ready/init handshake,
 * validation of every message from the webview, per-model controls, re-estimation
 * when the data changes, and the actions (reveal, export, save PNG) it asks the
 * editor for. profilerPanel.ts connects it to a real WebviewPanel.
 *
 * Ordering rules:
 * - Nothing is posted before the webview says `ready`; changes meanwhile only mark
 *   the state dirty, and `init` then carries the newest state (no blank panel, no
 *   stale update after init). Notices raised before `ready` are queued and follow init.
 * - One estimate runs at a time; requests during it coalesce into one more run, and
 *   a result that a newer request overtook is dropped rather than posted.
 */
import type { ModelReport } from '../../core/report';
import { diffControls, mergeControls } from '../../shared/controls';
import { EXPORTERS, safeFileStem } from '../../shared/exportReport';
import {
  PROTOCOL_VERSION,
  type ChartId,
  type ControlsPatch,
  type CurveAxis,
  type ExportFormat,
  type HostToWebview,
  type InitMessage,
  type ModelSummary,
  type NoticeMessage,
  type PanelControls,
  type ThemeKind,
  type WebviewToHost,
  type WhatIfCurve,
} from '../../shared/protocol';
import { sanitizeControlsPatch, validateWebviewMessage } from '../../shared/validate';
import type { ControlsStore, PanelChange, PanelDataSource, PanelDisposable } from './dataSource';
import { decodePngDataUrl } from './pngData';

/** The webview as the session sees it. */
export interface PanelView {
  post(message: HostToWebview): unknown;
}

/** Editor-side effects the session asks for; profilerPanel.ts implements them with vscode. */
export interface PanelActions {
  /** Shows `line` (1-based) of a file: `file` is an absolute path, else the model's document. */
  reveal(target: { documentUri?: string; file?: string; line: number }): Promise<void>;
  /** Asks where to save and writes the file; resolves to the name saved, or undefined when cancelled. */
  saveFile(suggestedName: string, content: Uint8Array, filter: { label: string; extension: string }): Promise<string | undefined>;
  log(message: string): void;
  themeKind(): ThemeKind;
}

export interface PanelSessionOptions {
  /** The model to show first (from the serializer's state, or the command's argument). */
  initialModelId?: string;
  /** Delay that coalesces bursts of changes (typing, settings) into one re-estimate. */
  refreshDebounceMs?: number;
}

const CHART_FILE_NAMES: Record<ChartId, string> = { memory: 'memory', whatif: 'what-if', formats: 'formats' };

export class PanelSession {
  private ready = false;
  private disposed = false;
  private models: ModelSummary[] = [];
  private selectedId: string | undefined;
  private report: ModelReport | undefined;
  private readonly pendingNotices: NoticeMessage[] = [];
  private readonly subscriptions: PanelDisposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingChange: PanelChange['kind'] | undefined;
  private computing: Promise<void> | undefined;
  private computeAgain = false;
  private readonly debounceMs: number;
  /** Remembered controls read or written this session: the store may persist asynchronously. */
  private readonly patches = new Map<string, ControlsPatch>();

  constructor(
    private readonly view: PanelView,
    private readonly source: PanelDataSource,
    private readonly store: ControlsStore,
    private readonly actions: PanelActions,
    options: PanelSessionOptions = {},
  ) {
    this.selectedId = options.initialModelId;
    this.debounceMs = options.refreshDebounceMs ?? 150;
    this.subscriptions.push(source.onDidChange((e) => this.notifyChange(e.kind)));
  }

  /** The model shown, for the command that opens the panel on another one. */
  get selectedModelId(): string | undefined {
    return this.selectedId;
  }

  dispose(): void {
    this.disposed = true;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
  }

  /** The webview was hidden (its page is destroyed without retainContextWhenHidden) or shown. */
  onVisibilityChanged(visible: boolean): void {
    // A hidden webview loses its page; the next page says `ready` again and gets a fresh init.
    if (!visible) this.ready = false;
  }

  /** Shows another model (the open command with an argument). */
  async showModel(modelId: string): Promise<void> {
    this.selectedId = modelId;
    if (!this.ready) return;
    await this.refreshModels(undefined);
    await this.requestCompute();
  }

  /** Data changed: re-list models and re-estimate, debounced. */
  notifyChange(kind: PanelChange['kind']): void {
    if (this.disposed) return;
    // Following the active editor wins over a plain edit within the same burst.
    if (this.pendingChange !== 'activeEditor') this.pendingChange = kind;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const change = this.pendingChange;
      this.pendingChange = undefined;
      void this.refresh(change);
    }, this.debounceMs);
  }

  /** Resolves once no refresh or estimate is pending (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.refreshTimer !== undefined || this.computing) {
      if (this.computing) await this.computing;
      else await new Promise((r) => setTimeout(r, this.debounceMs + 1));
    }
  }

  // ------------------------------------------------------------ messages from the webview

  async handleMessage(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.actions.log(`Profiler panel: rejected a message: ${checked.reason}`);
      return;
    }
    if (checked.adjusted.length > 0) this.actions.log(`Profiler panel: clamped ${checked.adjusted.join(', ')}`);
    try {
      await this.dispatch(checked.value);
    } catch (e) {
      this.actions.log(`Profiler panel: ${checked.value.type} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      this.notice('error', `Could not ${checked.value.type === 'export' ? 'export the report' : 'do that'}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async dispatch(msg: WebviewToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        await this.sendInit();
        return;
      case 'selectModel':
        return this.onSelectModel(msg.modelId);
      case 'setControls':
        if (msg.modelId !== this.selectedId) return;
        return this.changeControls(msg.modelId, msg.controls);
      case 'resetControls':
        if (msg.modelId !== this.selectedId) return;
        this.patches.set(msg.modelId, {});
        await this.store.set(msg.modelId, undefined);
        return this.requestCompute();
      case 'applyRecommendation':
        return this.onApplyRecommendation(msg.modelId, msg.deviceId, msg.recommendationId);
      case 'revealLayer':
        return this.onReveal(msg);
      case 'export':
        return this.onExport(msg.modelId, msg.format);
      case 'savePng':
        return this.onSavePng(msg.modelId, msg.chartId, msg.dataUrl);
      case 'error':
        this.actions.log(`Profiler panel (webview): ${msg.message}`);
        return;
    }
  }

  private async onSelectModel(modelId: string): Promise<void> {
    if (!this.models.some((m) => m.id === modelId)) {
      // The list may have moved on since the webview drew its picker.
      this.models = await this.source.listModels();
      if (!this.models.some((m) => m.id === modelId)) {
        // Put the picker back on the model shown, and show it again (the page cleared it).
        this.chooseSelection(undefined);
        this.post({ type: 'modelsChanged', models: this.models, selectedModelId: this.selectedId, emptyReason: this.emptyReason() });
        await this.requestCompute();
        return;
      }
    }
    this.selectedId = modelId;
    await this.requestCompute();
  }

  private async changeControls(modelId: string, patch: ControlsPatch): Promise<void> {
    const defaults = this.source.defaultControls(modelId);
    const next = mergeControls(this.effectiveControls(modelId, defaults), patch);
    const remembered = diffControls(defaults, next);
    this.patches.set(modelId, remembered);
    await this.store.set(modelId, remembered);
    await this.requestCompute();
  }

  private async onApplyRecommendation(modelId: string, deviceId: string, recommendationId: string): Promise<void> {
    if (modelId !== this.selectedId || !this.report) return;
    // The webview names the recommendation; what it changes comes from the host's own report.
    const rec = this.report.fit.find((f) => f.deviceId === deviceId)?.recommendations.find((r) => r.id === recommendationId);
    const patch = rec ? sanitizeControlsPatch(rec.apply) : {};
    if (!rec || Object.keys(patch).length === 0) {
      this.notice('error', 'That recommendation no longer applies: the estimate has changed.');
      return;
    }
    await this.changeControls(modelId, patch);
    this.notice('info', `Applied: ${rec.title}`);
  }

  private async onReveal(msg: Extract<WebviewToHost, { type: 'revealLayer' }>): Promise<void> {
    if (msg.modelId !== this.selectedId || !this.report) return;
    const report = this.report;
    const documentUri = this.source.documentUri(msg.modelId);
    // A known layer path: use the host's own line and file for it.
    const row = msg.layerPath !== undefined ? report.layers.find((r) => r.path === msg.layerPath) : undefined;
    if (row && typeof row.line === 'number') {
      await this.actions.reveal({ documentUri, file: row.file, line: row.line });
      return;
    }
    // Otherwise only files the report itself names, and lines inside them.
    const files = new Set<string>();
    for (const r of report.layers) if (r.file) files.add(r.file);
    for (const f of report.findings) if (f.file) files.add(f.file);
    if (msg.file !== undefined && !files.has(msg.file)) {
      this.actions.log(`Profiler panel: refused to reveal a file the report does not name: ${msg.file.slice(0, 200)}`);
      return;
    }
    await this.actions.reveal({ documentUri, file: msg.file, line: msg.line });
  }

  private async onExport(modelId: string, format: ExportFormat): Promise<void> {
    if (modelId !== this.selectedId || !this.report) return;
    const exporter = EXPORTERS[format];
    const text = exporter.render(this.report);
    const name = `${safeFileStem(this.report.name)}.${exporter.extension}`;
    const saved = await this.actions.saveFile(name, new TextEncoder().encode(text), { label: exporter.label, extension: exporter.extension });
    if (saved) this.notice('info', `Saved ${saved}`);
  }

  private async onSavePng(modelId: string, chartId: ChartId, dataUrl: string): Promise<void> {
    if (modelId !== this.selectedId) return;
    const bytes = decodePngDataUrl(dataUrl);
    if (!bytes) {
      this.actions.log('Profiler panel: refused a chart image that is not a PNG');
      this.notice('error', 'The chart image could not be read.');
      return;
    }
    const stem = safeFileStem(this.report?.name ?? 'model');
    const saved = await this.actions.saveFile(`${stem}-${CHART_FILE_NAMES[chartId]}.png`, bytes, { label: 'PNG image', extension: 'png' });
    if (saved) this.notice('info', `Saved ${saved}`);
  }

  // ------------------------------------------------------------ state and estimates

  private effectiveControls(modelId: string, defaults = this.source.defaultControls(modelId)): PanelControls {
    let patch = this.patches.get(modelId);
    if (!patch) {
      // Stored by an earlier session, maybe an older version: checked like a message.
      patch = sanitizeControlsPatch(this.store.get(modelId) ?? {});
      this.patches.set(modelId, patch);
    }
    return mergeControls(defaults, patch);
  }

  private post(message: HostToWebview): void {
    if (this.disposed || !this.ready) return;
    this.view.post(message);
  }

  private notice(level: NoticeMessage['level'], message: string): void {
    const m: NoticeMessage = { type: 'notice', level, message };
    if (this.ready) this.post(m);
    else this.pendingNotices.push(m);
  }

  /** Keeps the selection when it still exists; else the preferred model, else the first. */
  private chooseSelection(change: PanelChange['kind'] | undefined): void {
    const ids = new Set(this.models.map((m) => m.id));
    const preferred = this.source.preferredModelId(this.selectedId);
    if (change === 'activeEditor' && preferred && ids.has(preferred)) this.selectedId = preferred;
    else if (!this.selectedId || !ids.has(this.selectedId)) {
      this.selectedId = preferred && ids.has(preferred) ? preferred : this.models[0]?.id;
    }
  }

  private async refreshModels(change: PanelChange['kind'] | undefined): Promise<boolean> {
    const before = JSON.stringify([this.models, this.selectedId]);
    this.models = await this.source.listModels();
    this.chooseSelection(change);
    const changed = JSON.stringify([this.models, this.selectedId]) !== before;
    if (changed) {
      this.post({ type: 'modelsChanged', models: this.models, selectedModelId: this.selectedId, emptyReason: this.emptyReason() });
    }
    return changed;
  }

  private emptyReason(): string | undefined {
    return this.models.length === 0 ? 'No PyTorch or Keras models in the open editors. Open a Python file with a model.' : undefined;
  }

  private async refresh(change: PanelChange['kind'] | undefined): Promise<void> {
    // Until the webview is ready there is nobody to tell; init will carry the newest state.
    if (this.disposed || !this.ready) return;
    try {
      await this.refreshModels(change);
      await this.requestCompute();
    } catch (e) {
      this.actions.log(`Profiler panel: refresh failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  /** Runs an estimate for the selected model, or queues one more after the running one. */
  private requestCompute(): Promise<void> {
    if (this.computing) {
      this.computeAgain = true;
      return this.computing;
    }
    this.computing = (async () => {
      try {
        do {
          this.computeAgain = false;
          await this.computeOnce();
        } while (this.computeAgain && !this.disposed);
      } finally {
        this.computing = undefined;
      }
    })();
    return this.computing;
  }

  private async estimate(modelId: string): Promise<{ report?: ModelReport; curve?: WhatIfCurve; controls: PanelControls; error?: string }> {
    const controls = this.effectiveControls(modelId);
    const axis: CurveAxis = controls.curveAxis;
    try {
      const [report, points] = await Promise.all([
        this.source.report(modelId, controls),
        this.source.curve(modelId, controls, axis).catch((e: unknown) => {
          this.actions.log(`Profiler panel: what-if curve failed: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }),
      ]);
      return { report, curve: points ? { axis, points } : undefined, controls };
    } catch (e) {
      this.actions.log(`Profiler panel: estimate failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return { controls, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private async computeOnce(): Promise<void> {
    const modelId = this.selectedId;
    if (!modelId || !this.ready) return;
    this.post({ type: 'busy', busy: true });
    const { report, curve, controls, error } = await this.estimate(modelId);
    const devices = await this.source.devices(controls);
    // A newer request (another model, more edits) overtook this one: its run posts instead.
    if (this.disposed || this.computeAgain || modelId !== this.selectedId) return;
    if (!report) {
      this.report = undefined;
      this.post({ type: 'busy', busy: false });
      this.post({
        type: 'modelsChanged',
        models: this.models,
        selectedModelId: this.selectedId,
        emptyReason: error ? `Could not estimate this model: ${error}` : 'This model is no longer in the open editors.',
      });
      return;
    }
    this.report = report;
    this.post({ type: 'update', modelId, report, curve, controls, devices });
  }

  private async sendInit(): Promise<void> {
    let init: InitMessage;
    try {
      this.models = await this.source.listModels();
      this.chooseSelection(undefined);
      const base = {
        type: 'init' as const,
        protocolVersion: PROTOCOL_VERSION,
        models: this.models,
        selectedModelId: this.selectedId,
        targetChoices: this.source.targetChoices(),
        hardware: this.source.hardware(),
        theme: this.actions.themeKind(),
      };
      if (!this.selectedId) {
        init = { ...base, devices: await this.source.devices(this.source.defaultControls('')), emptyReason: this.emptyReason() };
      } else {
        const { report, curve, controls, error } = await this.estimate(this.selectedId);
        this.report = report;
        init = {
          ...base,
          report,
          curve,
          controls,
          devices: await this.source.devices(controls),
          emptyReason: report ? undefined : error ? `Could not estimate this model: ${error}` : 'This model is no longer in the open editors.',
        };
      }
    } catch (e) {
      this.actions.log(`Profiler panel: init failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      init = {
        type: 'init',
        protocolVersion: PROTOCOL_VERSION,
        models: this.models,
        selectedModelId: this.selectedId,
        devices: [],
        targetChoices: [],
        theme: this.actions.themeKind(),
        emptyReason: `The profiler could not start: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    // The page may have gone (hidden) while the estimate ran: the next `ready` sends again.
    if (!this.ready || this.disposed) return;
    this.view.post(init);
    for (const n of this.pendingNotices.splice(0)) this.view.post(n);
  }
}
