/**
 * The panel: holds what the host sent, renders the sections, and turns what the
 * person does into protocol messages. View state (selection, collapsed rows, sort,
 * shown tables, scroll) is kept with setState so a reload restores it.
 */
import type { DeviceSpec, HardwareProfile } from '../src/core/hardware/types';
import type { ModelReport } from '../src/core/report';
import {
  PROTOCOL_VERSION,
  type ChartId,
  type DeviceChoice,
  type HostToWebview,
  type ModelSummary,
  type PanelControls,
  type WhatIfCurve,
} from '../src/shared/protocol';
import { buildLayerTree, defaultCollapsed } from '../src/shared/viewModel/layerTable';
import { readViewState, withCollapsed, type PanelViewState } from '../src/shared/viewState';
import { ChartsSection } from './components/charts';
import { ControlsSection } from './components/controls';
import { FindingsSection } from './components/findings';
import { FitSection } from './components/fit';
import { Header } from './components/header';
import { LayerTableSection } from './components/layerTable';
import { SummarySection } from './components/summary';
import { debounce, h, icon, replaceChildren } from './dom';
import { readChartTheme, watchTheme } from './theme';
import type { HostChannel } from './vscodeApi';

const HOST_MESSAGE_TYPES = new Set<HostToWebview['type']>(['init', 'update', 'modelsChanged', 'busy', 'notice']);

export class App {
  private state: PanelViewState;
  private models: ModelSummary[] = [];
  private selectedId: string | undefined;
  private report: ModelReport | undefined;
  private curve: WhatIfCurve | undefined;
  private controls: PanelControls | undefined;
  private devices: DeviceSpec[] = [];
  private targetChoices: DeviceChoice[] = [];
  private hardware: HardwareProfile | undefined;
  private emptyReason: string | undefined;
  private initialised = false;

  private readonly header: Header;
  private readonly summary: SummarySection;
  private readonly controlsSection: ControlsSection;
  private readonly fit: FitSection;
  private readonly charts: ChartsSection;
  private readonly layers: LayerTableSection;
  private readonly findings: FindingsSection;
  private readonly content: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly saveState = debounce(() => this.channel.setState(this.state), 200);

  constructor(
    private readonly root: HTMLElement,
    private readonly channel: HostChannel<PanelViewState>,
  ) {
    this.state = readViewState(channel.getState());
    this.header = new Header(
      (id) => this.selectModel(id),
      (format) => this.selectedId && this.channel.post({ type: 'export', modelId: this.selectedId, format }),
    );
    this.summary = new SummarySection((deviceId) => {
      this.update({ timeDeviceId: deviceId });
      if (this.report) this.summary.render(this.report, deviceId);
    });
    this.controlsSection = new ControlsSection(
      (patch) => this.selectedId && this.channel.post({ type: 'setControls', modelId: this.selectedId, controls: patch }),
      () => this.selectedId && this.channel.post({ type: 'resetControls', modelId: this.selectedId }),
    );
    this.fit = new FitSection(
      (deviceId, recommendationId) =>
        this.selectedId && this.channel.post({ type: 'applyRecommendation', modelId: this.selectedId, deviceId, recommendationId }),
    );
    this.charts = new ChartsSection({
      shownTables: this.state.shownTables,
      onSave: (id) => this.savePng(id),
      onToggleTable: (id, shown) =>
        this.update({ shownTables: shown ? [...new Set([...this.state.shownTables, id])] : this.state.shownTables.filter((t) => t !== id) }),
    });
    this.layers = new LayerTableSection({
      onReveal: (row) =>
        this.selectedId &&
        row.line !== undefined &&
        this.channel.post({
          type: 'revealLayer',
          modelId: this.selectedId,
          line: row.line,
          layerPath: row.path,
          ...(row.file ? { file: row.file } : {}),
        }),
      onCollapsedChange: (collapsed) => this.selectedId && this.update(withCollapsed(this.state, this.selectedId, collapsed)),
      onSortChange: (sort) => this.update({ sort }),
    });
    this.findings = new FindingsSection(
      (line, file) => this.selectedId && this.channel.post({ type: 'revealLayer', modelId: this.selectedId, line, ...(file ? { file } : {}) }),
    );

    this.empty = h('div', { class: 'empty', id: 'empty', 'data-testid': 'empty' });
    this.content = h(
      'div',
      { class: 'content', hidden: true },
      this.summary.el,
      h('div', { class: 'two-columns' }, this.controlsSection.el, this.fit.el),
      this.charts.el,
      this.layers.el,
      this.findings.el,
    );
    replaceChildren(root, this.header.el, this.empty, this.content);
    this.showEmpty('Loading the profile…', 'loading');
    root.setAttribute('data-state', 'loading');

    watchTheme(() => this.renderCharts());
    window.addEventListener('scroll', debounce(() => this.update({ scrollY: Math.round(window.scrollY) }), 150), { passive: true });
    // Edits still waiting for the debounce go out before the page is torn down (panel hidden).
    window.addEventListener('pagehide', () => {
      this.controlsSection.flush();
      this.saveState.flush();
    });
  }

  /** Starts the handshake: the host answers `ready` with `init`. */
  start(): void {
    window.addEventListener('message', (event: MessageEvent) => this.onMessage(event.data));
    this.channel.post({ type: 'ready' });
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const type = (data as { type?: unknown }).type;
    if (typeof type !== 'string' || !HOST_MESSAGE_TYPES.has(type as HostToWebview['type'])) return;
    try {
      this.handle(data as HostToWebview);
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.channel.post({ type: 'error', message: message.slice(0, 2000) });
      this.header.showNotice('error', 'The panel could not show this report. Details are in the extension log.');
    }
  }

  handle(msg: HostToWebview): void {
    switch (msg.type) {
      case 'init': {
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          this.showEmpty('This panel is from another version of the extension. Close it and open it again.', 'warning');
          return;
        }
        this.initialised = true;
        this.models = msg.models;
        this.selectedId = msg.selectedModelId;
        this.report = msg.report;
        this.curve = msg.curve;
        this.controls = msg.controls;
        this.devices = msg.devices;
        this.targetChoices = msg.targetChoices;
        this.hardware = msg.hardware;
        this.emptyReason = msg.emptyReason;
        this.header.setBusy(false);
        this.update({ selectedModelId: this.selectedId });
        this.renderAll();
        if (this.state.scrollY > 0) requestAnimationFrame(() => window.scrollTo(0, this.state.scrollY));
        return;
      }
      case 'update': {
        if (!this.initialised || msg.modelId !== this.selectedId) return;
        this.report = msg.report;
        this.curve = msg.curve;
        this.controls = msg.controls;
        this.devices = msg.devices;
        this.header.setBusy(false);
        this.renderAll();
        return;
      }
      case 'modelsChanged': {
        if (!this.initialised) return;
        this.models = msg.models;
        this.emptyReason = msg.emptyReason;
        if (msg.selectedModelId !== this.selectedId) {
          this.selectedId = msg.selectedModelId;
          this.report = undefined;
          this.curve = undefined;
          this.update({ selectedModelId: this.selectedId });
        }
        this.renderAll();
        return;
      }
      case 'busy':
        this.header.setBusy(msg.busy);
        this.root.setAttribute('aria-busy', String(msg.busy));
        return;
      case 'notice':
        this.header.showNotice(msg.level, msg.message);
        return;
    }
  }

  private selectModel(id: string): void {
    if (!id || id === this.selectedId) return;
    this.controlsSection.flush();
    this.selectedId = id;
    this.update({ selectedModelId: id });
    this.header.setBusy(true);
    this.channel.post({ type: 'selectModel', modelId: id });
  }

  private update(patch: Partial<PanelViewState>): void {
    this.state = { ...this.state, ...patch };
    this.saveState();
  }

  private showEmpty(text: string, iconName: string): void {
    this.content.hidden = true;
    this.empty.hidden = false;
    const spin = iconName === 'loading' ? ' codicon-modifier-spin' : '';
    replaceChildren(this.empty, icon(iconName, `empty-icon${spin}`), h('p', {}, text));
  }

  private renderAll(): void {
    this.header.setModels(this.models, this.selectedId);
    const report = this.report;
    if (!report || !this.selectedId) {
      this.root.setAttribute('data-state', 'empty');
      const text = this.emptyReason ?? (this.models.length === 0 ? 'No PyTorch or Keras models in the open editors.' : 'Estimating…');
      this.showEmpty(text, this.models.length === 0 ? 'info' : 'loading');
      return;
    }
    this.root.setAttribute('data-state', 'ready');
    this.empty.hidden = true;
    this.content.hidden = false;
    this.summary.render(report, this.state.timeDeviceId);
    if (this.controls) this.controlsSection.render(this.controls, this.targetChoices);
    this.fit.render(report, this.devices, this.hardware);
    this.renderCharts();
    let collapsed = this.state.collapsed[this.selectedId];
    if (!collapsed) {
      collapsed = [...defaultCollapsed(buildLayerTree(report))];
      this.update(withCollapsed(this.state, this.selectedId, collapsed));
    }
    this.layers.render(report, new Set(collapsed), this.state.sort);
    this.findings.render(report);
  }

  private renderCharts(): void {
    if (!this.report || this.content.hidden) return;
    this.charts.render(this.report, this.curve, this.devices, readChartTheme());
  }

  private savePng(id: ChartId): void {
    if (!this.selectedId) return;
    const dataUrl = this.charts.cards[id].toPng(readChartTheme(), this.report?.name ?? '');
    if (!dataUrl) {
      this.header.showNotice('error', 'This chart has nothing to save yet.');
      return;
    }
    this.channel.post({ type: 'savePng', modelId: this.selectedId, chartId: id, dataUrl });
  }
}
