/**
 * The engine's share of `npm run bench` (scripts/bench.mjs bundles this file and runs
 * it with --expose-gc): warm analysis per document against tree-sitter's bare parse,
 * incremental re-analysis after typing one character, estimation per model, and
 * memory. Writes its figures as JSON to the path given as the second argument.
 *
 *   node --expose-gc out/bench/engineBench.js <repo root> <out.json> [--quick]
 */
import { writeFileSync } from 'node:fs';
import { analyzeDocument, evaluateDocument } from '../../src/core/analyze';
import { clearEngineCaches } from '../../src/core/caches';
import { buildModelReport } from '../../src/core/estimate';
import type { ModelGraph } from '../../src/core/graph';
import { findDevice } from '../../src/core/hardware/catalog';
import type { DeviceSpec } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import type { FileReport } from '../../src/core/report';
import type { SourceHost } from '../../src/core/sourceHost';
import { parsePython } from '../../src/core/python/parser';
import { createNodeSourceHost } from '../../src/node/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import { fixtureDocuments, syntheticDocument, type BenchDocument } from './corpus';
import { now, round, roundSummary, summarize, type Summary } from './stats';
import { editPoint, syntheticModelFile } from './synthetic';

const args = process.argv.slice(2);
const ROOT = args[0] ?? process.cwd();
const OUT = args[1];
const QUICK = args.includes('--quick');

/** Repetitions: enough for a stable median and a meaningful p95 on a busy 2-core machine. */
const RUNS = QUICK ? 5 : 20;
const LARGE_RUNS = QUICK ? 2 : 6;
const WARMUP = QUICK ? 1 : 3;
const LEAK_ITERATIONS = 1000;

/** Catalog devices every report checks (the fit part of the estimate). */
const DEVICE_NAMES = ['RTX 4090', 'A100 80GB', 'H100 SXM'];
/** Large enough that no document stops early: the benchmark times the whole analysis. */
const BUDGETS = { timeMs: 120_000 };

const devices: DeviceSpec[] = DEVICE_NAMES.map((n) => findDevice(n))
  .filter((d): d is DeviceSpec => d !== undefined)
  .map((d) => ({ ...d, local: false }));

const hosts = new Map<string, SourceHost>();
function hostFor(doc: BenchDocument): SourceHost {
  let h = hosts.get(doc.workspace);
  if (!h) hosts.set(doc.workspace, (h = createNodeSourceHost({ workspaceFolders: [doc.workspace], resolveInstalledPackages: false })));
  return h;
}

function analyze(doc: BenchDocument, text = doc.text): FileReport {
  return analyzeDocument({ file: doc.file, text, kind: doc.kind, host: hostFor(doc), options: DEFAULT_OPTIONS, devices, budgets: BUDGETS });
}

function timed<T>(fn: () => T): [T, number] {
  const t = now();
  const r = fn();
  return [r, now() - t];
}

/** Wall and CPU milliseconds of one call (CPU: this process, user + system; what load on the machine does not inflate). */
function timedWithCpu<T>(fn: () => T): [T, number, number] {
  const c = process.cpuUsage();
  const t = now();
  const r = fn();
  const wall = now() - t;
  const cpu = process.cpuUsage(c);
  return [r, wall, (cpu.user + cpu.system) / 1000];
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export interface DocumentResult {
  name: string;
  kind: string;
  lines: number;
  bytes: number;
  models: number;
  /** Findings naming a budget: the analysis stopped early (should be 0 here). */
  budgetFindings: number;
  /** tree-sitter's parse of the same text, nothing else. */
  parseMs: Summary;
  parseCpuMs: Summary;
  /** The whole analysis with every engine cache emptied first: what a new document version costs. */
  analysisMs: Summary;
  /** CPU time of the same runs (user + system of this process). */
  analysisCpuMs: Summary;
  /** The same text again with the caches kept. */
  cachedMs: Summary;
  /** Split of the uncached analysis (medians): evaluation (parse included) and estimation. */
  evaluateMs: number;
  estimateMs: number;
  /** Bytes analysed per millisecond of CPU. */
  bytesPerMs: number;
  /** analysisCpuMs.median / parseCpuMs.median (CPU time: what load on the machine does not skew); the goal is at most 3. */
  ratioToParse: number;
  /** The same ratio on wall-time medians. */
  ratioToParseWall: number;
}

function measureDocument(doc: BenchDocument, runs: number): DocumentResult {
  const parse: number[] = [];
  const parseCpu: number[] = [];
  const full: number[] = [];
  const fullCpu: number[] = [];
  const cached: number[] = [];
  const evaluate: number[] = [];
  const estimate: number[] = [];
  let last: FileReport | undefined;
  for (let i = 0; i < WARMUP; i++) {
    clearEngineCaches();
    analyze(doc);
  }
  for (let i = 0; i < runs; i++) {
    // Interleaved, so parse and analysis see the same machine load.
    const [tree, p, pc] = timedWithCpu(() => parsePython(doc.text));
    tree.delete();
    parse.push(p);
    parseCpu.push(pc);
    clearEngineCaches();
    const [report, a, cpu] = timedWithCpu(() => analyze(doc));
    full.push(a);
    fullCpu.push(cpu);
    evaluate.push(report.timings?.evaluateMs ?? NaN);
    estimate.push(report.timings?.estimateMs ?? NaN);
    cached.push(timed(() => analyze(doc))[1]);
    last = report;
  }
  const analysisMs = summarize(full);
  const parseMs = summarize(parse);
  const analysisCpuMs = summarize(fullCpu);
  const parseCpuMs = summarize(parseCpu);
  const findings = [...(last?.findings ?? []), ...(last?.models.flatMap((m) => m.findings) ?? [])];
  return {
    name: doc.name,
    kind: doc.kind,
    lines: doc.text.split('\n').length,
    bytes: bytesOf(doc.text),
    models: last?.models.length ?? 0,
    budgetFindings: findings.filter((f) => f.code.startsWith('budget')).length,
    parseMs: roundSummary(parseMs),
    parseCpuMs: roundSummary(parseCpuMs),
    analysisMs: roundSummary(analysisMs),
    analysisCpuMs: roundSummary(analysisCpuMs),
    cachedMs: roundSummary(summarize(cached)),
    evaluateMs: round(summarize(evaluate).median),
    estimateMs: round(summarize(estimate).median),
    bytesPerMs: round(bytesOf(doc.text) / analysisCpuMs.median, 1),
    ratioToParse: round(analysisCpuMs.median / parseCpuMs.median, 2),
    ratioToParseWall: round(analysisMs.median / parseMs.median, 2),
  };
}

/** Type one character at a time inside one class of a 1,000-line file; each keystroke is a new version. */
function measureIncremental(doc: BenchDocument, runs: number) {
  const full = measureDocument(doc, runs);
  clearEngineCaches();
  let text = doc.text;
  analyze(doc, text);
  let at = editPoint(text);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let models = 0;
  for (let i = 0; i < WARMUP + runs; i++) {
    // A flat string, as an editor hands over a document's text.
    text = Buffer.from(text.slice(0, at) + 'x' + text.slice(at), 'utf8').toString('utf8');
    at++;
    const [report, ms, cpu] = timedWithCpu(() => analyze(doc, text));
    if (i >= WARMUP) {
      samples.push(ms);
      cpuSamples.push(cpu);
    }
    models = report.models.length;
  }
  const edit = summarize(samples);
  return {
    name: doc.name,
    lines: full.lines,
    models,
    edit: 'one character typed into the docstring of a class two other models build on',
    fullAnalysisMs: full.analysisMs,
    fullAnalysisCpuMs: full.analysisCpuMs,
    parseMs: full.parseMs,
    reanalysisMs: roundSummary(edit),
    reanalysisCpuMs: roundSummary(summarize(cpuSamples)),
    speedup: round(full.analysisMs.median / edit.median, 1),
  };
}

function measureEstimation(docs: BenchDocument[], runs: number) {
  const rows: Array<{ document: string; model: string; layers: number; ms: Summary }> = [];
  for (const doc of docs) {
    clearEngineCaches();
    const { graphs } = evaluateDocument({ file: doc.file, text: doc.text, kind: doc.kind, host: hostFor(doc), options: DEFAULT_OPTIONS, devices, budgets: BUDGETS });
    for (const g of graphs) rows.push(estimateOne(doc, g, runs));
  }
  const medians = rows.map((r) => r.ms.median);
  return { models: rows.length, perModelMs: roundSummary(summarize(medians)), rows };
}

function countLayers(g: ModelGraph): number {
  let n = 0;
  const walk = (node: ModelGraph['root']): void => {
    n++;
    for (const c of node.children) walk(c);
  };
  walk(g.root);
  return n;
}

function estimateOne(doc: BenchDocument, g: ModelGraph, runs: number) {
  for (let i = 0; i < WARMUP; i++) buildModelReport(g, DEFAULT_OPTIONS, devices);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(timed(() => buildModelReport(g, DEFAULT_OPTIONS, devices))[1]);
  return { document: doc.name, model: g.name, layers: countLayers(g), ms: roundSummary(summarize(samples)) };
}

function memoryNow() {
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** Re-analyse one document 1,000 times as it is edited (a new version each time) and see what stays. */
function measureLeak(doc: BenchDocument) {
  const version = (i: number): string => `${doc.text}\n# edit ${i}\n`;
  for (let i = 0; i < 50; i++) analyze(doc, version(i));
  const before = memoryNow();
  const t = now();
  for (let i = 50; i < 50 + LEAK_ITERATIONS; i++) analyze(doc, version(i));
  const ms = now() - t;
  const after = memoryNow();
  return {
    document: doc.name,
    iterations: LEAK_ITERATIONS,
    meanAnalysisMs: round(ms / LEAK_ITERATIONS),
    before,
    after,
    heapGrowthBytes: after.heapUsed - before.heapUsed,
    externalGrowthBytes: after.external - before.external,
    rssGrowthBytes: after.rss - before.rss,
  };
}

async function main(): Promise<void> {
  const started = now();
  const [, initMs] = await (async () => {
    const t = now();
    await initParserFromDisk();
    return [undefined, now() - t] as const;
  })();

  const fixtures = fixtureDocuments(ROOT);
  const large = syntheticModelFile(5000, 200);
  const typical = syntheticModelFile(300);
  const medium = syntheticModelFile(1000);
  const largeDoc = syntheticDocument(ROOT, `zoo_${large.lines}_lines.py`, large.text);
  const typicalDoc = syntheticDocument(ROOT, `zoo_${typical.lines}_lines.py`, typical.text);
  const mediumDoc = syntheticDocument(ROOT, `zoo_${medium.lines}_lines.py`, medium.text);

  const documents: DocumentResult[] = [];
  for (const doc of fixtures) documents.push(measureDocument(doc, RUNS));
  const corpusMemory = memoryNow();
  const synthetic = {
    large: { ...measureDocument(largeDoc, LARGE_RUNS), classes: large.classes },
    typical: { ...measureDocument(typicalDoc, RUNS), classes: typical.classes },
  };
  const incremental = measureIncremental(mediumDoc, RUNS);
  const incrementalTypical = measureIncremental(typicalDoc, RUNS);
  const estimation = measureEstimation(fixtures, RUNS);
  const leakDoc = fixtures.find((d) => d.name.endsWith('pytorch/resnet.py')) ?? fixtures[0]!;
  const leak = measureLeak(leakDoc);

  const result = {
    parserInitInProcessMs: round(initMs),
    options: { batch: DEFAULT_OPTIONS.batch, precision: DEFAULT_OPTIONS.precision, mode: DEFAULT_OPTIONS.mode, devices: devices.map((d) => d.name) },
    runs: { documents: RUNS, large: LARGE_RUNS, warmup: WARMUP },
    documents,
    synthetic,
    incremental,
    incrementalTypical,
    estimation,
    memory: { afterCorpus: corpusMemory, leak },
    wallSeconds: round((now() - started) / 1000, 1),
  };
  const json = JSON.stringify(result, null, 2) + '\n';
  if (OUT) writeFileSync(OUT, json);
  else process.stdout.write(json);
}

main().catch((e) => {
  process.stderr.write(`engine benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
