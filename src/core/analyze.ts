/**
 * The whole pipeline for one document: source text -> parse -> model graphs ->
 * estimates -> reports. Every view (CLI, hover, CodeLens, diagnostics, panel) goes
 * through here, so they all show the same numbers.
 */
import { evaluateModels, type EvaluateContext } from './frameworks/evaluate';
import { analyzeConfigJson } from './hf';
import { buildModelReport } from './estimate';
import { notebookToSource } from './notebook';
import type { ModelGraph } from './graph';
import type { DeviceSpec } from './hardware/types';
import type { EstimateOptions } from './options';
import type { FileReport, ModelReport } from './report';
import type { Finding } from './source';
import type { SourceHost } from './sourceHost';

export type DocumentKind = 'python' | 'notebook' | 'hf-config';

export interface AnalyzeRequest {
  /** Absolute path (forward slashes) or a URI string for unsaved documents. */
  file: string;
  text: string;
  kind?: DocumentKind;
  host: SourceHost;
  options: EstimateOptions;
  devices: DeviceSpec[];
  freeDiskBytes?: number;
  budgets?: Partial<{ steps: number; depth: number; timeMs: number }>;
  /** Only these model names (CLI --model). */
  models?: string[];
  /** `# profile:` comments do not override `options` (see EvaluateContext.ignoreProfileComments). */
  ignoreProfileComments?: boolean;
}

/** What a path's extension says the document is. */
export function documentKind(file: string): DocumentKind {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ipynb')) return 'notebook';
  if (lower.endsWith('.json')) return 'hf-config';
  return 'python';
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Graphs for a document of any supported kind, with the findings that are not tied to a model. */
export function evaluateDocument(req: AnalyzeRequest): { graphs: ModelGraph[]; findings: Finding[] } {
  const kind = req.kind ?? documentKind(req.file);
  if (kind === 'hf-config') return analyzeConfigJson(req.text, req.file, req.options);
  if (kind === 'notebook') {
    const nb = notebookToSource(req.text);
    const result = evaluateModels(nb.text, evaluateContext(req));
    return { graphs: result.graphs, findings: [...nb.findings, ...result.findings] };
  }
  return evaluateModels(req.text, evaluateContext(req));
}

function evaluateContext(req: AnalyzeRequest): EvaluateContext {
  return {
    file: req.file,
    host: req.host,
    options: req.options,
    budgets: req.budgets,
    models: req.models,
    ignoreProfileComments: req.ignoreProfileComments,
  };
}

/**
 * Reports of graphs that came back unchanged from the evaluation's model cache, for the
 * same options and devices: the estimate is not made again. Reports are read-only.
 */
const reports = new WeakMap<ModelGraph, { key: string; report: ModelReport }>();

function reportFor(graph: ModelGraph, req: AnalyzeRequest, key: string): ModelReport {
  const hit = reports.get(graph);
  if (hit && hit.key === key) return hit.report;
  const report = buildModelReport(graph, req.options, req.devices, { freeDiskBytes: req.freeDiskBytes });
  reports.set(graph, { key, report });
  return report;
}

export function analyzeDocument(req: AnalyzeRequest): FileReport {
  const t0 = now();
  const { graphs, findings } = evaluateDocument(req);
  const t1 = now();
  const wanted = req.models && req.models.length > 0 ? new Set(req.models) : undefined;
  const estimateKey = JSON.stringify([req.options, req.devices, req.freeDiskBytes ?? null]);
  const models = graphs.filter((g) => !wanted || wanted.has(g.name)).map((g) => reportFor(g, req, estimateKey));
  const t2 = now();
  return { file: req.file, models, findings, timings: { parseMs: 0, evaluateMs: t1 - t0, estimateMs: t2 - t1 } };
}
