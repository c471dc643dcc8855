/**
 * The whole pipeline for one document: source text -> parse -> model graphs ->
 * estimates -> reports. Every view (CLI, hover, CodeLens, diagnostics, panel) goes
 * through here, so they all show the same numbers.
 */
import { DEFAULT_BUDGETS, evaluateModels, type EvaluateContext } from './frameworks/evaluate';
import { guardFiniteNumbers } from './finiteNumbers';
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

/**
 * Share of a document's time budget that reading and evaluating may use; estimating
 * gets the rest. Measured on the fixture corpus: estimating a file's models takes 5 to
 * 27% of evaluating them (the most for llama.py's eight transformer models).
 */
export const EVALUATE_SHARE = 0.75;

/**
 * The whole analysis of one document, within `budgets.timeMs` (default
 * DEFAULT_BUDGETS.timeMs) of wall time: evaluation stops at its share of the budget,
 * and models left when the budget is spent are named in a finding rather than
 * estimated late. Never throws for anything the document holds.
 */
export function analyzeDocument(req: AnalyzeRequest): FileReport {
  const t0 = now();
  const timeMs = req.budgets?.timeMs ?? DEFAULT_BUDGETS.timeMs;
  const { graphs, findings } = evaluateDocument({ ...req, budgets: { ...req.budgets, timeMs: Math.max(1, Math.floor(timeMs * EVALUATE_SHARE)) } });
  const t1 = now();
  const wanted = req.models && req.models.length > 0 ? new Set(req.models) : undefined;
  const estimateKey = JSON.stringify([req.options, req.devices, req.freeDiskBytes ?? null]);
  // Smallest graphs first: estimating costs time in proportion to the layers, so one
  // huge model (a loop a budget cut short) cannot leave the small ones unestimated.
  // Reports keep the order of the source.
  const order = graphs
    .map((g, index) => ({ g, index, size: layerCount(g) }))
    .filter(({ g }) => !wanted || wanted.has(g.name))
    .sort((a, b) => a.size - b.size || a.index - b.index);
  const estimated: Array<{ index: number; report: ModelReport }> = [];
  const skipped: Array<{ index: number; g: ModelGraph }> = [];
  for (const { g, index } of order) {
    if (now() - t0 > timeMs) {
      // Not estimated, but what evaluating it found still stands.
      skipped.push({ index, g });
      findings.push(...g.findings);
      continue;
    }
    try {
      estimated.push({ index, report: reportFor(g, req, estimateKey) });
    } catch (e) {
      // A defect of the estimate, not of the user's code: name the model, keep the others.
      findings.push({ severity: 'error', code: 'internal-error', message: `Estimating ${g.name} failed: ${e instanceof Error ? e.message : String(e)}`, range: g.nameRange });
    }
  }
  const models = estimated.sort((a, b) => a.index - b.index).map((e) => e.report);
  if (skipped.length > 0) findings.push(skippedFinding(skipped.sort((a, b) => a.index - b.index).map((s) => s.g), timeMs));
  const t2 = now();
  const report: FileReport = { file: req.file, models, findings, timings: { parseMs: 0, evaluateMs: t1 - t0, estimateMs: t2 - t1 } };
  guardFiniteNumbers(report);
  return report;
}

/** Nodes of a graph's module tree: what estimating it costs. */
function layerCount(g: ModelGraph): number {
  let n = 0;
  const stack = [g.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    n++;
    for (const c of node.children) stack.push(c);
  }
  return n;
}

function skippedFinding(skipped: ModelGraph[], timeMs: number): Finding {
  const names = skipped.slice(0, 5).map((g) => `${g.name} (line ${g.nameRange.start.line + 1})`).join(', ') + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : '');
  return {
    severity: 'warning',
    code: 'budget-time',
    message: `The time budget (${timeMs} ms) ran out before ${skipped.length === 1 ? 'this model was' : `${skipped.length} models were`} estimated: ${names}`,
    range: skipped[0]!.nameRange,
  };
}
