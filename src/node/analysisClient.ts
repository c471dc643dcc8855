/**
 * The extension host's side of the analysis worker: a queue of jobs sent one at a
 * time to a worker thread, with a hard time limit and restart.
 *
 * - Jobs with the same key (one per document) supersede each other while queued:
 *   only the newest text is analysed, and every caller waiting on an older one gets
 *   that newest report.
 * - A job that runs past its budget plus a grace period stops the worker (a hang in
 *   the engine can never pin a CPU for good); the caller gets a report with an
 *   `analysis-timeout` finding and the next job starts a fresh worker.
 * - Nothing here rejects: failures become reports with an error finding.
 * - Without the worker bundle (running from sources) or when it fails to start three
 *   times in a row, jobs run in this thread instead (`loadInThread`), which is slower
 *   for the UI but correct.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FileReport } from '../core/report';
import type { Finding } from '../core/source';
import type { AnalysisJob, FromWorker, ToWorker } from './analysisProtocol';

/** The engine for the in-thread fallback: ready to run jobs once the promise resolves. */
export type InThreadEngine = () => Promise<(job: AnalysisJob) => FileReport>;

export interface AnalysisClientOptions {
  /** Path of dist/analysisWorker.js. */
  workerPath: string;
  /**
   * Loads the engine for the in-thread fallback. Default: the worker bundle itself,
   * loaded with `require` (it exports the engine when not run as a worker), so the
   * extension's bundle never carries the engine.
   */
  loadInThread?: InThreadEngine;
  /** Time past the job's own budget before the worker is stopped: parsing and the estimate are outside the budget. */
  graceMs?: number;
  log?: (message: string) => void;
}

export interface AnalysisClientStats {
  mode: 'worker' | 'in-process';
  jobs: number;
  superseded: number;
  timeouts: number;
  restarts: number;
  /** Worker start-up (parser load and warm-up), ms, once known. */
  workerInitMs?: number;
  /** Engine time of the last job, ms. */
  lastJobMs?: number;
}

interface QueuedJob {
  key: string | undefined;
  job: AnalysisJob;
  waiters: Array<(report: FileReport) => void>;
}

const DEFAULT_GRACE_MS = 10_000;
const MAX_START_FAILURES = 3;
const WORKER_HEAP_MB = 2048;

/** A report with no models and one finding, for failures. */
export function failureReport(file: string, finding: Finding): FileReport {
  return { file, models: [], findings: [finding] };
}

/** The engine exported by the worker bundle, loaded on this thread. */
export function loadEngineFromBundle(workerPath: string): InThreadEngine {
  return async () => {
    // A run-time path: the bundler leaves this require alone, so the engine stays out of the extension's bundle.
    const engine = require(workerPath) as { prepareEngine(): Promise<void>; runAnalysisJob(job: AnalysisJob): FileReport };
    await engine.prepareEngine();
    return (job) => engine.runAnalysisJob(job);
  };
}

export class AnalysisClient {
  private worker: Worker | undefined;
  private readonly queue: QueuedJob[] = [];
  private running: { id: number; entry: QueuedJob; timer: ReturnType<typeof setTimeout> } | undefined;
  private nextId = 1;
  private failuresInARow = 0;
  private workerReady = false;
  private inThread: Promise<(job: AnalysisJob) => FileReport> | undefined;
  private disposed = false;
  readonly stats: AnalysisClientStats;

  constructor(private readonly opts: AnalysisClientOptions) {
    this.stats = { mode: existsSync(opts.workerPath) ? 'worker' : 'in-process', jobs: 0, superseded: 0, timeouts: 0, restarts: 0 };
    if (this.stats.mode === 'in-process') this.log(`analysis worker not found at ${opts.workerPath}; analysing in the extension host's thread`);
  }

  /** Analyse a document; `key` (the document) lets a newer job replace an older queued one. */
  analyze(job: AnalysisJob, key?: string): Promise<FileReport> {
    if (this.disposed) return Promise.resolve(failureReport(job.file, { severity: 'info', code: 'analysis-stopped', message: 'The analysis service has stopped' }));
    return new Promise((resolve) => {
      const queued = key === undefined ? undefined : this.queue.find((q) => q.key === key);
      if (queued) {
        queued.job = job;
        queued.waiters.push(resolve);
        this.stats.superseded++;
      } else {
        this.queue.push({ key, job, waiters: [resolve] });
      }
      this.pump();
    });
  }

  /** True while a job runs or waits. */
  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  dispose(): void {
    this.disposed = true;
    const pending = [...this.queue.splice(0), ...(this.running ? [this.running.entry] : [])];
    if (this.running) clearTimeout(this.running.timer);
    this.running = undefined;
    for (const q of pending) this.settle(q, failureReport(q.job.file, { severity: 'info', code: 'analysis-stopped', message: 'The analysis service has stopped' }));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }

  private settle(entry: QueuedJob, report: FileReport): void {
    for (const w of entry.waiters) w(report);
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.stats.jobs++;
    if (this.stats.mode === 'in-process') {
      void this.runInProcess(entry);
      return;
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const limit = entry.job.timeBudgetMs + (this.opts.graceMs ?? DEFAULT_GRACE_MS);
    const timer = setTimeout(() => this.onTimeout(id, limit), limit);
    this.running = { id, entry, timer };
    const message: ToWorker = { type: 'analyze', id, job: entry.job };
    worker.postMessage(message);
  }

  private async runInProcess(entry: QueuedJob): Promise<void> {
    const marker = { id: 0, entry, timer: setTimeout(() => undefined, 0) };
    this.running = marker;
    let report: FileReport;
    try {
      this.inThread ??= (this.opts.loadInThread ?? loadEngineFromBundle(this.opts.workerPath))();
      const run = await this.inThread;
      const t0 = performance.now();
      report = run(entry.job);
      this.stats.lastJobMs = performance.now() - t0;
    } catch (e) {
      report = failureReport(entry.job.file, { severity: 'error', code: 'internal-error', message: `Model analysis failed: ${e instanceof Error ? e.message : String(e)}` });
    }
    if (this.running === marker) this.running = undefined;
    this.settle(entry, report);
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A runaway evaluation dies in the worker, with its own heap limit, never in the extension host.
    const worker = new Worker(this.opts.workerPath, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.workerReady = false;
    worker.unref();
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    worker.on('error', (e) => this.onWorkerGone(worker, `the analysis worker failed: ${e.message}`));
    worker.on('exit', (code) => this.onWorkerGone(worker, `the analysis worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (worker !== this.worker) return;
    if (m.type === 'ready') {
      this.workerReady = true;
      this.failuresInARow = 0;
      this.stats.workerInitMs = m.initMs;
      this.log(`analysis worker ready in ${m.initMs.toFixed(0)} ms`);
      return;
    }
    const running = this.running;
    if (!running || running.id !== m.id) return;
    clearTimeout(running.timer);
    this.running = undefined;
    if (m.type === 'result') {
      this.stats.lastJobMs = m.ms;
      this.settle(running.entry, m.report);
    } else {
      this.settle(running.entry, failureReport(running.entry.job.file, { severity: 'error', code: 'internal-error', message: `Model analysis failed: ${m.message}` }));
    }
    this.pump();
  }

  /** The worker crashed or exited: fail the running job, start afresh on the next. */
  private onWorkerGone(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    void worker.terminate();
    if (this.disposed) return;
    this.stats.restarts++;
    // Only a worker that never got ready counts towards giving up on it: a crash on one
    // document (out of memory) is that document's, and the next one gets a fresh worker.
    if (!this.workerReady) this.failuresInARow++;
    this.log(why);
    const running = this.running;
    if (running) {
      clearTimeout(running.timer);
      this.running = undefined;
      this.settle(running.entry, failureReport(running.entry.job.file, { severity: 'error', code: 'internal-error', message: `Model analysis failed: ${why}` }));
    }
    if (this.failuresInARow >= MAX_START_FAILURES) {
      this.stats.mode = 'in-process';
      this.log(`the analysis worker failed ${this.failuresInARow} times in a row; analysing in the extension host's thread from now on`);
    }
    this.pump();
  }

  private onTimeout(id: number, limit: number): void {
    const running = this.running;
    if (!running || running.id !== id) return;
    this.running = undefined;
    this.stats.timeouts++;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    this.log(`analysis of ${running.entry.job.file} passed ${limit} ms; the worker was stopped and will restart`);
    this.settle(
      running.entry,
      failureReport(running.entry.job.file, {
        severity: 'warning',
        code: 'analysis-timeout',
        message: `Analysis stopped after ${(limit / 1000).toFixed(1)} s (the time budget is ${running.entry.job.timeBudgetMs} ms, modelProfiler.analysis.timeBudgetMs); the file is too expensive to analyse while typing`,
      }),
    );
    this.pump();
  }
}
