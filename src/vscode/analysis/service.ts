/**
 * The analysis service: one place that turns editor documents into reports, for
 * every view (hover, CodeLens, fit diagnostics, `# profile:` diagnostics, status
 * bar, panel, commands).
 *
 * API (stable; other features build on it):
 *
 *   service.getReports(document, { onRequest?, afterDebounce? }): Promise<FileReport>
 *       The report of the document's current text and settings. Cached per document
 *       version and settings generation; concurrent calls share one run. For a
 *       notebook cell, the report "as seen from that cell" (the whole notebook is
 *       analysed in order; positions are the cell's own; anything in another cell
 *       carries that cell's URI in `file`). Documents above
 *       modelProfiler.analysis.maxFileSizeKB get a report with no models and a
 *       `file-too-large` finding unless `onRequest` is true (commands pass it).
 *       `afterDebounce`: while the user types, wait for the debounced run instead of
 *       analysing now (what CodeLens and diagnostics want).
 *       Never rejects: engine failures are findings.
 *   service.peek(document, { allowStale? }): FileReport | undefined
 *       Synchronous: the cached report if it matches the current text and settings
 *       (`allowStale`: the last one, even for older text). Hovers answer from here.
 *   service.onDidUpdate: Event<vscode.Uri>
 *       A document's report changed (after an edit, once the debounce has passed and
 *       the analysis finished; after a settings or device change). Fired with the
 *       document's URI; for notebooks once per code cell URI and once for the notebook.
 *   service.onDidChangeConfig: Event<ProfilerConfig>
 *       A `modelProfiler.*` setting changed; reports are recomputed (visible documents
 *       at once, others on their next request).
 *   service.config(scope?): ProfilerConfig          settings, validated (./config.ts)
 *   service.devices(): DeviceSpec[]                 the devices the fit verdict uses
 *   service.setDeviceProvider(provider): Disposable  the hardware service plugs in here
 *   service.analyzeWith(document, { options?, devices? }): Promise<FileReport>
 *       The same document under other options (the panel's what-if controls);
 *       not cached per version beyond a small memo, never debounced.
 *   service.modelAt(document, position): ModelReport | undefined   (from peek)
 *   modelRef(uri, name): ModelRef / readModelRef(arg)
 *       How views name a model to a command (openPanel, checkFits, exportReport):
 *       `{ uri, model }`, which stays valid while the person types above the model.
 *
 * How it stays fast: the engine runs in a worker thread (src/node/analysisWorker.ts)
 * under the wall-time budget modelProfiler.analysis.timeBudgetMs, with a hard stop
 * past it; re-analysis while typing waits modelProfiler.analysis.debounceMs after
 * the last keystroke; the worker (and with it the parser's wasm) starts on the first
 * analysis, never during activation.
 */
import * as vscode from 'vscode';
import type { DeviceSpec } from '../../core/hardware/types';
import type { EstimateOptions } from '../../core/options';
import type { FileReport, ModelReport } from '../../core/report';
import { AnalysisClient } from '../../node/analysisClient';
import type { AnalysisJob } from '../../node/analysisProtocol';
import { CONFIG_SECTION, affectsProfiler, readProfilerConfig, type ProfilerConfig } from '../config';
import { projectToCell } from './cellView';
import { KeyedDebouncer } from './debounce';
import { DefaultDeviceProvider, type DeviceProvider } from './devices';
import { isAnalysable, notebookOf, pythonCells, snapshotOf, snapshotOfNotebook, type DocumentSnapshot } from './documents';

export type { DeviceProvider } from './devices';

export interface ReportRequest {
  /** A person asked for it (a command): analyse even a document above maxFileSizeKB. */
  onRequest?: boolean;
  /**
   * While the document is being edited, wait for the debounced re-analysis instead of
   * starting one now (CodeLens and diagnostics, which VS Code asks for on every edit).
   * Hovers leave it unset: a person is waiting.
   */
  afterDebounce?: boolean;
}

export interface WhatIf {
  /** Options on top of the settings (a `# profile:` comment still overrides them per model, unless `ignoreProfileComments`). */
  options?: Partial<EstimateOptions>;
  /** Devices instead of the provider's. */
  devices?: DeviceSpec[];
  /** The options already hold the comments' values, changed on purpose (the panel's controls): the comments do not override them. */
  ignoreProfileComments?: boolean;
}

export interface AnalysisServiceOptions {
  /** dist/analysisWorker.js. */
  workerPath: string;
  log: vscode.LogOutputChannel;
}

interface CacheEntry {
  versionKey: string;
  /** Run order, so an older run finishing late never replaces a newer result. */
  seq: number;
  report: FileReport;
  tooLarge: boolean;
  snapshot: DocumentSnapshot;
  /** Per-cell projections of a notebook report, made on first use. */
  cells?: Map<string, FileReport>;
}

interface Inflight {
  versionKey: string;
  onRequest: boolean;
  promise: Promise<CacheEntry>;
}

const WHAT_IF_MEMO = 24;

export class AnalysisService implements vscode.Disposable {
  private readonly updateEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly configEmitter = new vscode.EventEmitter<ProfilerConfig>();
  readonly onDidUpdate = this.updateEmitter.event;
  readonly onDidChangeConfig = this.configEmitter.event;

  private readonly client: AnalysisClient;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly debouncer: KeyedDebouncer<CacheEntry>;
  private readonly whatIf = new Map<string, Promise<FileReport>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly defaultDevices: DefaultDeviceProvider;
  private deviceProvider: DeviceProvider;
  private deviceListener: vscode.Disposable | undefined;
  private generationCounter = 0;
  private seq = 0;
  private globalConfig: ProfilerConfig;
  private readonly log: vscode.LogOutputChannel;

  constructor(options: AnalysisServiceOptions) {
    this.log = options.log;
    this.client = new AnalysisClient({ workerPath: options.workerPath, log: (m) => this.log.info(m) });
    this.debouncer = new KeyedDebouncer((e) => this.log.error(`analysis failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    this.globalConfig = this.readConfig();
    this.defaultDevices = new DefaultDeviceProvider(() => this.globalConfig.devices);
    this.deviceProvider = this.defaultDevices;
    this.disposables.push(
      this.defaultDevices,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsProfiler(e)) this.onSettingsChanged();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && isAnalysable(e.document)) this.schedule(e.document, this.globalConfig.analysis.debounceMs);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleVisible(0)),
      vscode.window.onDidChangeVisibleNotebookEditors(() => this.scheduleVisible(0)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        // Cells added, removed or moved (text edits arrive as text document changes).
        if (e.contentChanges.length > 0) this.scheduleNotebook(e.notebook, this.globalConfig.analysis.debounceMs);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb.uri.toString())),
    );
    this.logProblems(this.globalConfig);
    // Documents already open when the extension activates: analysed once activate() has returned.
    const start = setTimeout(() => this.scheduleVisible(0), 0);
    this.disposables.push(new vscode.Disposable(() => clearTimeout(start)));
  }

  /** Settings generation: grows with every settings or device change. */
  get generation(): number {
    return this.generationCounter;
  }

  /** Settings for a document (resource-scoped values apply) or the window. */
  config(scope?: vscode.Uri): ProfilerConfig {
    return scope ? readProfilerConfig(vscode.workspace.getConfiguration(CONFIG_SECTION, scope)) : this.globalConfig;
  }

  devices(): DeviceSpec[] {
    try {
      return this.deviceProvider.devices();
    } catch (e) {
      this.log.warn(`the device list could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return this.defaultDevices.devices();
    }
  }

  /** Use another device list (the hardware service); disposing the result restores the default. */
  setDeviceProvider(provider: DeviceProvider): vscode.Disposable {
    this.deviceListener?.dispose();
    this.deviceProvider = provider;
    this.deviceListener = provider.onDidChange(() => this.invalidate('devices'));
    this.invalidate('devices');
    return new vscode.Disposable(() => {
      if (this.deviceProvider !== provider) return;
      this.deviceListener?.dispose();
      this.deviceListener = undefined;
      this.deviceProvider = this.defaultDevices;
      this.invalidate('devices');
    });
  }

  isSupported(document: vscode.TextDocument): boolean {
    return isAnalysable(document);
  }

  async getReports(document: vscode.TextDocument, request: ReportRequest = {}): Promise<FileReport> {
    const snap = snapshotOf(document, this.globalConfig.analysis.resolveInstalledPackages);
    if (!snap) return { file: document.uri.toString(), models: [], findings: [] };
    const pending = request.afterDebounce && !request.onRequest ? this.debouncer.whenDone(snap.cacheKey) : undefined;
    if (pending) {
      // Typing: wait for the debounced run rather than analysing every keystroke.
      const entry = await pending;
      if (entry) return this.view(entry, document);
    }
    const entry = await this.entryFor(snap, request.onRequest === true);
    return this.view(entry, document);
  }

  peek(document: vscode.TextDocument, options: { allowStale?: boolean } = {}): FileReport | undefined {
    if (!isAnalysable(document)) return undefined;
    const cacheKey = this.cacheKeyOf(document);
    const entry = cacheKey ? this.cache.get(cacheKey) : undefined;
    if (!entry) return undefined;
    if (!options.allowStale && entry.versionKey !== this.versionKeyOf(document)) return undefined;
    return this.view(entry, document);
  }

  modelAt(document: vscode.TextDocument, position: vscode.Position): ModelReport | undefined {
    const report = this.peek(document);
    if (!report) return undefined;
    const inside = report.models.filter((m) => m.range.start.line <= position.line && position.line <= m.range.end.line);
    // The innermost: the one that starts last.
    return inside.sort((a, b) => b.range.start.line - a.range.start.line)[0];
  }

  async analyzeWith(document: vscode.TextDocument, change: WhatIf): Promise<FileReport> {
    const snap = snapshotOf(document, this.globalConfig.analysis.resolveInstalledPackages);
    if (!snap) return { file: document.uri.toString(), models: [], findings: [] };
    const config = this.config(document.uri);
    const options: EstimateOptions = { ...config.options, ...change.options };
    // A batch asked for here is a person's choice: it beats an example call's batch.
    if (change.options?.batch !== undefined) options.batchFromUser = true;
    const devices = change.devices ?? this.devices();
    const ignoreProfileComments = change.ignoreProfileComments === true;
    const memoKey = JSON.stringify([snap.cacheKey, snap.versionKey, this.generationCounter, options, devices.map((d) => [d.id, d.memoryBytes]), ignoreProfileComments]);
    let pending = this.whatIf.get(memoKey);
    if (!pending) {
      const job = this.jobFor(snap, config, options, devices);
      if (ignoreProfileComments) job.ignoreProfileComments = true;
      pending = this.client.analyze(job);
      this.whatIf.set(memoKey, pending);
      if (this.whatIf.size > WHAT_IF_MEMO) this.whatIf.delete(this.whatIf.keys().next().value!);
    }
    const report = await pending;
    return snap.notebook ? this.cellReport(report, snap, document) : report;
  }

  /** For the benchmark and the log: how the worker is doing. */
  stats(): AnalysisClient['stats'] {
    return this.client.stats;
  }

  dispose(): void {
    this.debouncer.dispose();
    this.deviceListener?.dispose();
    for (const d of this.disposables) d.dispose();
    this.client.dispose();
    this.updateEmitter.dispose();
    this.configEmitter.dispose();
  }

  // ---- internals -------------------------------------------------------------------

  private readConfig(): ProfilerConfig {
    return readProfilerConfig(vscode.workspace.getConfiguration(CONFIG_SECTION));
  }

  private logProblems(config: ProfilerConfig): void {
    for (const p of config.problems) this.log.warn(`setting ignored: ${p}`);
  }

  private onSettingsChanged(): void {
    this.globalConfig = this.readConfig();
    this.logProblems(this.globalConfig);
    this.configEmitter.fire(this.globalConfig);
    this.invalidate('settings');
  }

  /** Settings or devices changed: every cached report is out of date; visible documents are redone now. */
  private invalidate(why: string): void {
    this.generationCounter++;
    this.whatIf.clear();
    this.log.debug(`reports invalidated (${why}), generation ${this.generationCounter}`);
    this.scheduleVisible(0);
  }

  private forget(cacheKey: string): void {
    this.debouncer.cancel(cacheKey);
    this.cache.delete(cacheKey);
  }

  private cacheKeyOf(document: vscode.TextDocument): string | undefined {
    if (document.uri.scheme !== 'vscode-notebook-cell') return document.uri.toString();
    return notebookOf(document)?.uri.toString();
  }

  /** The version key without copying the text (peek must stay cheap). */
  private versionKeyOf(document: vscode.TextDocument): string | undefined {
    const gen = this.generationCounter;
    if (document.uri.scheme !== 'vscode-notebook-cell') return `${document.version}#${gen}`;
    const nb = notebookOf(document);
    if (!nb) return undefined;
    return `${nb.version}/${pythonCells(nb).map((c) => `${c.index}:${c.document.version}`).join(',')}#${gen}`;
  }

  private entryFor(snap: DocumentSnapshot, onRequest: boolean): Promise<CacheEntry> {
    const versionKey = `${snap.versionKey}#${this.generationCounter}`;
    // Asked for now: a debounced run waiting for its timer is this one.
    const handOver = this.debouncer.takeOver(snap.cacheKey);
    const result = this.entryNow(snap, versionKey, onRequest);
    if (handOver) void result.then(handOver);
    return result;
  }

  private entryNow(snap: DocumentSnapshot, versionKey: string, onRequest: boolean): Promise<CacheEntry> {
    const cached = this.cache.get(snap.cacheKey);
    if (cached && cached.versionKey === versionKey && !(onRequest && cached.tooLarge)) return Promise.resolve(cached);
    const running = this.inflight.get(snap.cacheKey);
    if (running && running.versionKey === versionKey && (running.onRequest || !onRequest)) return running.promise;
    const promise = this.run(snap, versionKey, onRequest);
    this.inflight.set(snap.cacheKey, { versionKey, onRequest, promise });
    return promise;
  }

  private jobFor(snap: DocumentSnapshot, config: ProfilerConfig, options: EstimateOptions, devices: DeviceSpec[]): AnalysisJob {
    const job: AnalysisJob = {
      file: snap.file,
      text: snap.text,
      kind: 'python',
      options,
      devices,
      timeBudgetMs: config.analysis.timeBudgetMs,
      host: snap.host,
    };
    const free = this.deviceProvider.freeDiskBytes?.();
    if (free !== undefined) job.freeDiskBytes = free;
    return job;
  }

  private async run(snap: DocumentSnapshot, versionKey: string, onRequest: boolean): Promise<CacheEntry> {
    const seq = ++this.seq;
    const scope = snap.notebook?.document.uri ?? vscode.Uri.parse(snap.cacheKey);
    const config = this.config(scope);
    const limitKB = config.analysis.maxFileSizeKB;
    const tooLarge = !onRequest && snap.text.length > limitKB * 1024;
    let report: FileReport;
    if (tooLarge) {
      report = {
        file: snap.file,
        models: [],
        findings: [
          {
            severity: 'info',
            code: 'file-too-large',
            message: `This file is larger than ${limitKB} KB (modelProfiler.analysis.maxFileSizeKB), so it is analysed only on request: run "Model Profiler: Check Fits on This Machine" or "Open Profiler Panel".`,
          },
        ],
      };
    } else {
      const t0 = performance.now();
      report = await this.client.analyze(this.jobFor(snap, config, config.options, this.devices()), snap.cacheKey);
      this.log.debug(`analysed ${snap.file} in ${(performance.now() - t0).toFixed(0)} ms: ${report.models.length} model(s)`);
    }
    const entry: CacheEntry = { versionKey, seq, report, tooLarge, snapshot: snap };
    const current = this.cache.get(snap.cacheKey);
    if (!current || current.seq < seq) this.cache.set(snap.cacheKey, entry);
    const inflight = this.inflight.get(snap.cacheKey);
    if (inflight?.versionKey === versionKey) this.inflight.delete(snap.cacheKey);
    this.fireUpdated(snap);
    return entry;
  }

  private fireUpdated(snap: DocumentSnapshot): void {
    if (!snap.notebook) {
      this.updateEmitter.fire(vscode.Uri.parse(snap.cacheKey));
      return;
    }
    for (const uri of snap.notebook.cellUris) this.updateEmitter.fire(vscode.Uri.parse(uri));
    this.updateEmitter.fire(snap.notebook.document.uri);
  }

  private view(entry: CacheEntry, document: vscode.TextDocument): FileReport {
    if (!entry.snapshot.notebook) return entry.report;
    const key = document.uri.toString();
    entry.cells ??= new Map();
    let projected = entry.cells.get(key);
    if (!projected) {
      projected = this.cellReport(entry.report, entry.snapshot, document);
      entry.cells.set(key, projected);
    }
    return projected;
  }

  private cellReport(report: FileReport, snap: DocumentSnapshot, document: vscode.TextDocument): FileReport {
    const nb = snap.notebook!;
    const cell = nb.document.getCells().find((c) => c.document === document);
    if (!cell) return report;
    return projectToCell(report, nb.layout, cell.index);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    const nb = document.uri.scheme === 'vscode-notebook-cell' ? notebookOf(document) : undefined;
    if (nb) {
      this.scheduleNotebook(nb, delayMs);
      return;
    }
    this.debouncer.schedule(document.uri.toString(), delayMs, async () => {
      const snap = snapshotOf(document, this.globalConfig.analysis.resolveInstalledPackages);
      return snap ? this.entryFor(snap, false) : undefined;
    });
  }

  private scheduleNotebook(notebook: vscode.NotebookDocument, delayMs: number): void {
    this.debouncer.schedule(notebook.uri.toString(), delayMs, async () => {
      const snap = snapshotOfNotebook(notebook, this.globalConfig.analysis.resolveInstalledPackages);
      return snap.notebook!.cellUris.length > 0 ? this.entryFor(snap, false) : undefined;
    });
  }

  private scheduleVisible(delayMs: number): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (isAnalysable(editor.document) && editor.document.uri.scheme !== 'vscode-notebook-cell') this.schedule(editor.document, delayMs);
    }
    for (const editor of vscode.window.visibleNotebookEditors) this.scheduleNotebook(editor.notebook, delayMs);
  }
}
