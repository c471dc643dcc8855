/**
 * The engine's front door for Python sources: parse (with error recovery),
 * execute the document with the abstract interpreter, then let each framework
 * plug-in find its models and build their graphs.
 *
 * Never throws and never hangs: every model is evaluated under step, depth and
 * time budgets, and anything that goes wrong becomes a finding.
 *
 * Budgets. Measured on the fixture corpus (test/fixtures/pytorch and the models
 * under test/unit/helpers/models, up to Llama-2-7B and Llama-3-8B written as plain
 * PyTorch): the most expensive model (a 32-layer Llama, built and traced) takes
 * 3,600 interpreter steps (statements and calls) and 4 nested Python calls, and
 * the slowest file (two 7B models and their parts) about 100 ms on an idle 2-core
 * machine. The defaults keep wide headroom (about 50x the steps, 25x the depth,
 * 15x the time) while `while True` or `range(10**12)` still stops in a fraction
 * of a second. test/unit/hostile-budgets.test.ts takes the measurement again over
 * the PyTorch and Keras corpora and keeps the headroom.
 * The time budget is the whole document's (analyze.ts keeps estimation within it);
 * the CLI passes 10 s, the editor modelProfiler.analysis.timeBudgetMs (500 ms by
 * default). A model evaluated while others wait may use half the time left, and so
 * may the document's top level, so one runaway constructor cannot starve the rest.
 */
import { registerCache } from '../caches';
import type { ModelGraph, ProfileOverrides } from '../graph';
import type { EstimateOptions } from '../options';
import { hasProfileComment, parseProfileComment } from '../profileComment';
import type { Loc } from '../python/ast';
import type { Budgets } from '../python/interp';
import { newSink } from '../python/interp';
import { strongHash } from '../python/dependencies';
import { isParserReady } from '../python/parser';
import { parseModule } from '../python/parseModule';
import { PySession } from '../python/session';
import type { ModuleFactory } from '../python/stdlib';
import { BudgetExceeded, PyRaise, type ModuleV, type Value } from '../python/values';
import type { Finding } from '../source';
import type { SourceHost } from '../sourceHost';
import './keras/index';
import { PYTORCH_PLUGIN } from './pytorch/discover';
import { TRANSFORMERS_PLUGIN } from './transformers/plugin';
import { torchPackage } from './pytorch/package';
import { ModelCacheScope } from './modelCache';
import { registerFramework, registeredFrameworks, registryVersion, type DiscoveryContext, type Guarded } from './registry';

export interface EvaluateContext {
  /** Absolute path of the document (forward slashes). */
  file: string;
  /** Reads imported files. */
  host: SourceHost;
  /** batch, seq and input drive the shapes. */
  options: EstimateOptions;
  budgets?: Partial<{ steps: number; depth: number; timeMs: number }>;
  /**
   * Leave `# profile:` comments out of the models' options (their errors are still reported):
   * for callers whose `options` already hold the comment's values, changed on purpose (the panel's controls).
   */
  ignoreProfileComments?: boolean;
  /** Only these models are wanted (CLI --model): plug-ins may skip evaluating the others. */
  models?: string[];
}

/** Share of the time left that running the document's top level may take (withTimeShare). */
const MODULE_TIME_SHARE = 0.5;

/** Defaults; see the measurement in the header comment. */
export const DEFAULT_BUDGETS: Budgets = { steps: 200_000, depth: 100, timeMs: 1500 };

registerFramework(PYTORCH_PLUGIN);
registerFramework(TRANSFORMERS_PLUGIN);

let session: PySession | undefined;
let sessionVersion = -1;
// Evaluated imports are cached by content in the session's loader.
registerCache(() => session?.loader.dropFileCache());

function getSession(budgets: Budgets): PySession {
  if (!session || sessionVersion !== registryVersion()) {
    const modules = new Map<string, ModuleFactory>();
    for (const p of registeredFrameworks()) for (const [k, f] of p.modules?.() ?? []) modules.set(k, f);
    session = new PySession({ ...budgets }, modules);
    sessionVersion = registryVersion();
  }
  return session;
}

function toRange(loc: Loc): ModelGraph['range'] {
  return { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } };
}

const BUDGET_NAMES: Record<BudgetExceeded['budget'], string> = { steps: 'step', depth: 'call-depth', time: 'time' };

function budgetFinding(e: BudgetExceeded, what: string): Finding {
  const unit =
    e.budget === 'time'
      ? e.of !== undefined
        ? ` (its share, ${e.limit} of ${e.of} ms)`
        : ` (${e.limit} ms)`
      : e.budget === 'steps'
        ? ` (${e.limit.toLocaleString('en-US')} steps)`
        : ` (${e.limit} nested calls)`;
  const f: Finding = {
    severity: 'warning',
    code: `budget-${e.budget}`,
    message: `${what}: the ${BUDGET_NAMES[e.budget]} budget${unit} ran out at line ${e.loc.sl + 1}; results are partial`,
    range: toRange(e.loc),
  };
  if (e.file) f.file = e.file;
  return f;
}

/** A host that notes every question asked and its answer: what the evaluation read of other files. */
function recordingHost(host: SourceHost, queries: Map<string, string>): SourceHost {
  return {
    importRoots: host.importRoots,
    readFile(path) {
      const text = host.readFile(path);
      queries.set(`read ${path}`, text === undefined ? '-' : strongHash(text));
      return text;
    },
    isFile(path) {
      const yes = host.isFile(path);
      queries.set(`file ${path}`, String(yes));
      return yes;
    },
    isDirectory(path) {
      const yes = host.isDirectory(path);
      queries.set(`dir ${path}`, String(yes));
      return yes;
    },
  };
}

/** Inputs of the evaluation besides the document's statements: profile comments and what was read of other files. */
function evaluationContext(profiles: Map<number, ProfileOverrides>, queries: Map<string, string>): string {
  const parts = [JSON.stringify([...profiles])];
  for (const [q, a] of [...queries].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) parts.push(`${q}=${a}`);
  return parts.join('\n');
}

export function evaluateModels(text: string, ctx: EvaluateContext): { graphs: ModelGraph[]; findings: Finding[] } {
  const findings: Finding[] = [];
  try {
    return run(text, ctx, findings);
  } catch (e) {
    // A defect of the engine, not of the user's code: say so plainly, keep the editor alive.
    findings.push({ severity: 'error', code: 'internal-error', message: `Model analysis failed: ${e instanceof Error ? e.message : String(e)}` });
    return { graphs: [], findings };
  }
}

function run(text: string, ctx: EvaluateContext, fileFindings: Finding[]): { graphs: ModelGraph[]; findings: Finding[] } {
  if (!isParserReady()) {
    fileFindings.push({ severity: 'error', code: 'parser-not-ready', message: 'The Python parser is not initialised' });
    return { graphs: [], findings: fileFindings };
  }
  const budgets: Budgets = { ...DEFAULT_BUDGETS, ...ctx.budgets };
  const s = getSession(budgets);
  const interp = s.interp;
  const queries = new Map<string, string>();
  s.begin(ctx.file, recordingHost(ctx.host, queries), budgets);
  torchPackage(interp); // built once, before the clock starts
  const start = Date.now();
  interp.startClock(start);
  const fileSink = interp.sink;

  // Reading may use half of the time budget; running and profiling the models get the rest.
  const ast = parseModule(text, start + budgets.timeMs / 2, true);
  if (ast.truncatedAtLine !== undefined) {
    fileFindings.push({
      severity: 'warning',
      code: 'budget-time',
      message: `File too large to read within the time budget (${budgets.timeMs} ms): analysed lines 1-${ast.truncatedAtLine} only`,
      range: { start: { line: ast.truncatedAtLine, character: 0 }, end: { line: ast.truncatedAtLine, character: 0 } },
    });
  }
  for (const b of ast.brokenChunks) {
    fileFindings.push({
      severity: 'warning',
      code: 'syntax-error',
      message: `Syntax error at line${b.endLine - b.startLine > 1 ? `s ${b.startLine + 1}-${b.endLine}` : ` ${b.startLine + 1}`}: that part is skipped, the rest of the file is analysed`,
      range: { start: { line: b.startLine, character: 0 }, end: { line: Math.max(b.startLine, b.endLine - 1), character: 0 } },
    });
  }
  if (ast.tooDeep) {
    fileFindings.push({ severity: 'warning', code: 'too-deep', message: `Nesting too deep to analyse at line ${ast.tooDeep.sl + 1}`, range: toRange(ast.tooDeep) });
  }

  // # profile: comments, parsed once; errors are reported on the comment whether or not a model uses it.
  const lines = text.split('\n');
  const profiles = new Map<number, ProfileOverrides>();
  lines.forEach((line, i) => {
    if (!hasProfileComment(line)) return;
    const r = parseProfileComment(line, i);
    fileFindings.push(...r.errors);
    if (r.overrides) profiles.set(i, r.overrides);
  });
  // The comments the models see: none when the caller ignores them (options.overridesProfile,
  // keys a person set for this run, is applied where the options are resolved).
  const applied = ctx.ignoreProfileComments ? new Map<number, ProfileOverrides>() : profiles;
  const isCommentLine = (i: number): boolean => /^\s*#/.test(lines[i] ?? '');
  const profileFor = (startLine: number, nameLine: number, endLine?: number): ProfileOverrides | undefined => {
    if (applied.has(nameLine)) return applied.get(nameLine);
    if (applied.has(startLine)) return applied.get(startLine);
    for (let l = startLine + 1; endLine !== undefined && l <= endLine; l++) if (applied.has(l)) return applied.get(l);
    for (let l = startLine - 1; l >= 0 && isCommentLine(l); l--) if (applied.has(l)) return applied.get(l);
    return undefined;
  };

  const main: ModuleV = { t: 'module', name: '__main__', dict: new Map(), file: ctx.file };
  main.dict.set('__name__', { t: 'str', v: '__main__' });
  main.dict.set('__package__', { t: 'str', v: '' });
  const claims = new Set<Value>();
  const dctx: DiscoveryContext = {
    interp,
    file: ctx.file,
    text,
    main,
    ast,
    options: ctx.options,
    host: ctx.host,
    profileFor,
    claim: (v) => claims.add(v),
    claimed: (v) => claims.has(v),
    guarded: <T>(what: string, fn: () => T, timeShare = 1): Guarded<T> => {
      const saved = interp.sink;
      const sink = newSink();
      interp.sink = sink;
      interp.resetSteps();
      interp.depth = 0;
      let result: T | undefined;
      try {
        result = interp.withTimeShare(timeShare, fn);
      } catch (e) {
        if (e instanceof BudgetExceeded) {
          sink.findings.push(budgetFinding(e, what));
          sink.partial = true;
          s.loader.dropFileCache();
        } else if (e instanceof PyRaise) {
          sink.findings.push({ severity: 'warning', code: 'python-raise', message: `${what}: the code raises ${e.message} (line ${e.loc.sl + 1})`, range: toRange(e.loc) });
          sink.partial = true;
        } else if (e instanceof RangeError) {
          sink.findings.push({ severity: 'warning', code: 'budget-depth', message: `${what}: evaluation nested too deeply; results are partial` });
          sink.partial = true;
        } else throw e;
      } finally {
        interp.sink = saved;
        interp.depth = 0;
      }
      const out: Guarded<T> = { findings: sink.findings, partial: sink.partial };
      if (result !== undefined) out.result = result;
      return out;
    },
    timeLeft: () => interp.timeLeft(),
    range: toRange,
  };

  for (const p of registeredFrameworks()) p.prepare?.(dctx);
  try {
    // A loop at module level may take half the time left; the models get the rest.
    interp.withTimeShare(MODULE_TIME_SHARE, () => interp.runModule(main, ast.body));
  } catch (e) {
    if (e instanceof BudgetExceeded) {
      fileSink.findings.push(budgetFinding(e, 'Running the file'));
      s.loader.dropFileCache();
    } else if (e instanceof RangeError) {
      fileSink.findings.push({ severity: 'warning', code: 'budget-depth', message: 'Running the file: evaluation nested too deeply; results are partial' });
    } else throw e;
  } finally {
    interp.depth = 0;
  }

  // Models whose source did not change are not evaluated again (see modelCache.ts).
  // The key holds the comments as applied: ignored comments do not shape the models.
  dctx.modelCache = new ModelCacheScope(ctx.file, text, ast.body, ctx.options, evaluationContext(applied, queries));
  dctx.hostQueries = () => queries.size;
  if (ctx.models && ctx.models.length > 0) dctx.only = new Set(ctx.models);

  const graphs: ModelGraph[] = [];
  for (const p of registeredFrameworks()) {
    if (!p.discover) continue;
    interp.sink = fileSink;
    try {
      graphs.push(...p.discover(dctx));
    } catch (e) {
      if (e instanceof BudgetExceeded) fileSink.findings.push(budgetFinding(e, `Finding ${p.id} models`));
      else throw e;
    }
  }
  interp.sink = fileSink;
  // A model whose source has a syntax error was read only in part.
  for (const g of graphs) {
    if (ast.brokenChunks.some((b) => b.startLine <= g.range.end.line && g.range.start.line < b.endLine)) g.partial = true;
  }
  graphs.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  fileFindings.push(...fileSink.findings);
  // Findings name a file only when it is not the analysed one.
  const localize = (list: Finding[]): void => {
    for (const f of list) if (f.file === ctx.file) delete f.file;
  };
  localize(fileFindings);
  for (const g of graphs) localize(g.findings);
  return { graphs, findings: fileFindings };
}
