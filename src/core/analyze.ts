/**
 * The whole pipeline for one document: source text -> parse -> model graphs ->
 * estimates -> reports. Every view (CLI, hover, CodeLens, diagnostics, panel) goes
 * through here, so they all show the same numbers.
 */
import { DEFAULT_BUDGETS, evaluateModels } from './frameworks/evaluate';
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
    const result = evaluateModels(nb.text, { file: req.file, host: req.host, options: req.options, budgets: req.budgets });
    return { graphs: result.graphs, findings: [...nb.findings, ...result.findings] };
  }
  return evaluateModels(req.text, { file: req.file, host: req.host, options: req.options, budgets: req.budgets });
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
  const models: ModelReport[] = [];
  const skipped: ModelGraph[] = [];
  for (const g of graphs) {
    if (wanted && !wanted.has(g.name)) continue;
    if (now() - t0 > timeMs) {
      // Not estimated, but what evaluating it found still stands.
      skipped.push(g);
      findings.push(...g.findings);
      continue;
    }
    try {
      models.push(buildModelReport(g, req.options, req.devices, { freeDiskBytes: req.freeDiskBytes }));
    } catch (e) {
      // A defect of the estimate, not of the user's code: name the model, keep the others.
      findings.push({ severity: 'error', code: 'internal-error', message: `Estimating ${g.name} failed: ${e instanceof Error ? e.message : String(e)}`, range: g.nameRange });
    }
  }
  if (skipped.length > 0) findings.push(skippedFinding(skipped, timeMs));
  const t2 = now();
  const report: FileReport = { file: req.file, models, findings, timings: { parseMs: 0, evaluateMs: t1 - t0, estimateMs: t2 - t1 } };
  guardFiniteNumbers(report);
  return report;
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
