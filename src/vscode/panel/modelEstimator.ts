/**
 * The engine behind the profiler panel, without `vscode`: a document's models with
 * ids that stay put while the person types, a model's report at the panel's controls,
 * and the what-if curves. Evaluations are cached per document version and options, so
 * the report and the curve of one request, and repeated requests, evaluate once.
 *
 * The panel's controls start from the settings and the model's `# profile:` comment
 * (defaultControls), so its reports are evaluated with the comments switched off:
 * otherwise a comment's `batch=64` would undo the batch the person just chose.
 */
import { evaluateDocument, type DocumentKind } from '../../core/analyze';
import { buildModelReport, effectiveOptions, memoryAtBatch } from '../../core/estimate';
import type { ModelGraph } from '../../core/graph';
import type { DeviceSpec } from '../../core/hardware/types';
import type { EstimateOptions } from '../../core/options';
import type { ModelReport } from '../../core/report';
import type { Finding } from '../../core/source';
import type { SourceHost } from '../../core/sourceHost';
import { controlsFromOptions, optionsWithControls } from '../../shared/controls';
import { LIMITS, type CurveAxis, type CurvePoint, type PanelControls } from '../../shared/protocol';

export interface PanelDocument {
  /** The document's URI as a string: model ids start with it. */
  uri: string;
  /** What the engine calls the file: an absolute path with forward slashes, or the URI of an unsaved document. */
  file: string;
  version: number;
  /** Read only when the document is evaluated (a cache miss). */
  readonly text: string;
  kind: DocumentKind;
}

export interface EstimateEnvironment {
  host: SourceHost;
  /** The options the settings give, before any `# profile:` comment or panel control. */
  settings: EstimateOptions;
  devices: DeviceSpec[];
  freeDiskBytes?: number;
  /** Wall-time budget of one evaluation (`modelProfiler.analysis.timeBudgetMs`). */
  timeBudgetMs?: number;
}

/** A model of a document with its panel id. */
export interface DocumentModel {
  id: string;
  graph: ModelGraph;
}

/**
 * `<document URI>#<model name>`, with `~2`, `~3` for later models of the same name.
 * Lines are left out on purpose: an edit above the model must not make it a new model.
 */
export function panelModelId(documentUri: string, name: string, occurrence = 1): string {
  return `${documentUri}#${name}${occurrence > 1 ? `~${occurrence}` : ''}`;
}

/** The document URI of a panel model id (model names never hold `#`, URIs may). */
export function documentUriOf(modelId: string): string | undefined {
  const i = modelId.lastIndexOf('#');
  return i > 0 ? modelId.slice(0, i) : undefined;
}

/** Ids for a document's graphs, in source order. */
export function withModelIds(documentUri: string, graphs: readonly ModelGraph[]): DocumentModel[] {
  const seen = new Map<string, number>();
  return graphs.map((graph) => {
    const n = (seen.get(graph.name) ?? 0) + 1;
    seen.set(graph.name, n);
    return { id: panelModelId(documentUri, graph.name, n), graph };
  });
}

/** The controls a model starts with: the settings, overridden by its `# profile:` comment. */
export function modelDefaultControls(graph: ModelGraph | undefined, settings: EstimateOptions, targetDevices: readonly string[]): PanelControls {
  return controlsFromOptions(graph ? effectiveOptions(graph, settings) : settings, targetDevices);
}

/**
 * Batch sizes of the what-if curve: powers of two from 1 up to past the largest
 * batch that fits any device (at least 4× the current batch), and the current batch.
 */
export function batchValues(report: Pick<ModelReport, 'options' | 'fit'>): number[] {
  const current = report.options.batch;
  const largestFit = Math.max(0, ...report.fit.map((f) => (Number.isFinite(f.maxBatch) ? f.maxBatch : 0)));
  const top = Math.min(LIMITS.batch.max, Math.max(8, current * 4, largestFit * 2));
  const values = new Set<number>([current]);
  for (let b = 1; b <= top; b *= 2) values.add(b);
  return [...values].sort((a, b) => a - b);
}

/**
 * Sequence lengths of the what-if curve: powers of two from an eighth of the current
 * length up to the model's context (or 8× the current length when the context is
 * unknown), with the current length and the context themselves.
 */
export function seqValues(current: number, context?: number): number[] {
  const top = Math.min(LIMITS.seq.max, context && context >= current ? context : current * 8);
  const bottom = Math.max(1, Math.floor(current / 8));
  const values = new Set<number>([current, top]);
  for (let s = 1; s <= top; s *= 2) if (s >= bottom) values.add(s);
  return [...values].sort((a, b) => a - b);
}

interface Evaluation {
  models: DocumentModel[];
  findings: Finding[];
}

/** Evaluations kept: a few documents, each at the settings and at a few control sets. */
const CACHE_SIZE = 24;

export class ModelEstimator {
  private readonly cache = new Map<string, Evaluation>();

  /** Forget every evaluation: an imported file or the settings changed. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The document's models at the settings, `# profile:` comments applied: the model picker and the defaults. */
  models(doc: PanelDocument, env: EstimateEnvironment): DocumentModel[] {
    return this.evaluate(doc, env, env.settings, false).models;
  }

  /** A model's report at the panel's controls; undefined when the document no longer has it. */
  report(doc: PanelDocument, modelId: string, controls: PanelControls, env: EstimateEnvironment): ModelReport | undefined {
    const options = optionsWithControls(env.settings, controls);
    const graph = this.graphAt(doc, modelId, options, env);
    return graph ? buildModelReport(graph, options, env.devices, { freeDiskBytes: env.freeDiskBytes }) : undefined;
  }

  /**
   * Memory against batch size (from the report's own terms, which are linear in the
   * batch) or sequence length (the document evaluated again at each length, since
   * shapes and attention change with it). Empty for a sequence axis on a model
   * without a sequence.
   */
  curve(doc: PanelDocument, modelId: string, controls: PanelControls, axis: CurveAxis, env: EstimateEnvironment): CurvePoint[] {
    const report = this.report(doc, modelId, controls, env);
    if (!report) return [];
    if (axis === 'batch') {
      return batchValues(report).map((x) => ({ x, trainBytes: memoryAtBatch(report, x, 'train'), inferBytes: memoryAtBatch(report, x, 'infer') }));
    }
    const current = report.input?.seq ?? report.options.seq;
    if (!current) return [];
    const points: CurvePoint[] = [];
    for (const x of seqValues(current, report.transformer?.maxSeq)) {
      const options = { ...optionsWithControls(env.settings, controls), seq: x };
      const graph = this.graphAt(doc, modelId, options, env);
      if (!graph) continue;
      // The devices decide the memory terms (a GPU's CUDA context), so they are passed; no fit is needed here.
      const at = x === current ? report : buildModelReport(graph, options, env.devices);
      points.push({ x, trainBytes: at.memory.train.totalBytes, inferBytes: at.memory.inference.totalBytes });
    }
    return points;
  }

  private graphAt(doc: PanelDocument, modelId: string, options: EstimateOptions, env: EstimateEnvironment): ModelGraph | undefined {
    return this.evaluate(doc, env, options, true).models.find((m) => m.id === modelId)?.graph;
  }

  private evaluate(doc: PanelDocument, env: EstimateEnvironment, options: EstimateOptions, ignoreProfileComments: boolean): Evaluation {
    const key = JSON.stringify([doc.uri, doc.version, ignoreProfileComments, options, env.timeBudgetMs ?? null]);
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last, so the oldest is the one dropped.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const { graphs, findings } = evaluateDocument({
      file: doc.file,
      text: doc.text,
      kind: doc.kind,
      host: env.host,
      options,
      devices: [],
      budgets: env.timeBudgetMs ? { timeMs: env.timeBudgetMs } : undefined,
      ignoreProfileComments,
    });
    const evaluation = { models: withModelIds(doc.uri, graphs), findings };
    this.cache.set(key, evaluation);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return evaluation;
  }
}
