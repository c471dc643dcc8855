/**
 * The fuzzer behind test/unit/fuzz.test.ts (a fixed seed, a few thousand cases in
 * `npm test`) and scripts/fuzz.mjs (long runs with any seed).
 *
 * It mutates real model files from the fixture corpora (delete, duplicate and swap
 * tokens, put 0, -1 or absurd numbers in place of numbers, truncate, splice lines
 * across files), runs the whole pipeline on each (analyzeDocument, then the CLI's JSON)
 * and checks the invariants every view relies on:
 *   no exception escapes; the analysis ends within its time budget (plus slack);
 *   every number is finite; parameter counts are non-negative integers; each memory
 *   total is exactly the sum of its terms; the JSON is valid and round-trips.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import type { MemoryBreakdown } from '../../src/core/estimate/types';
import { findDevice } from '../../src/core/hardware/catalog';
import type { DeviceSpec } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import type { FileReport } from '../../src/core/report';
import type { SourceHost } from '../../src/core/sourceHost';
import { createNodeSourceHost } from '../../src/node/sourceHost';

export const FIXTURES = join(__dirname, '..', 'fixtures');
/** The corpora the mutations start from. */
export const CORPUS_DIRS = ['pytorch', 'keras'];

// ------------------------------------------------------------------ random numbers

/**
 * Marsaglia's xorshift32 (G. Marsaglia, "Xorshift RNGs", Journal of Statistical
 * Software 8(14), 2003; shift triple 13, 17, 5). Small, fast and the same sequence on
 * every machine for a given seed, which is all a reproducible fuzzer needs.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // A zero state would stay zero forever.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }
}

// ------------------------------------------------------------------ the corpus

export interface CorpusFile {
  /** Absolute path with forward slashes: relative imports resolve next to it. */
  path: string;
  /** Path under test/fixtures, for messages. */
  name: string;
  text: string;
}

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry !== 'expected' && entry !== '__pycache__') out.push(...pythonFiles(full));
    } else if (entry.endsWith('.py')) out.push(full);
  }
  return out;
}

export function loadCorpus(dirs: readonly string[] = CORPUS_DIRS): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const d of dirs) {
    for (const full of pythonFiles(join(FIXTURES, d))) {
      files.push({ path: full.replace(/\\/g, '/'), name: relative(FIXTURES, full).replace(/\\/g, '/'), text: readFileSync(full, 'utf8') });
    }
  }
  return files;
}

// ------------------------------------------------------------------ mutations

/** Identifiers, numbers, strings, comments, runs of spaces, newlines, single characters: joined they give the text back. */
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|[ \t]+|\n|[\s\S]/g;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const isNumber = (t: string): boolean => /^\d/.test(t);
const isSignificant = (t: string): boolean => !/^[ \t]+$/.test(t) && t !== '\n';

/** Numbers that break naive arithmetic: zero, negatives, fractions, overflow, huge exponents. */
export const HOSTILE_NUMBERS = ['0', '-1', '1', '2.5', '-0.5', '10**100', '2**63', '2**64 - 1', '1e308', '1e309', '10**12', '99999999999', '0.0', '1e-320', '-(10**30)'];

const PUNCTUATION = ['(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '*', '**', '@', '\\', '"', "'", '"""', 'lambda', 'yield', 'await', 'None', 'self', '\t', '    '];

export interface Mutator {
  name: string;
  apply(text: string, rng: Rng, corpus: readonly CorpusFile[]): string;
}

function significantIndexes(tokens: string[], keep: (t: string) => boolean = isSignificant): number[] {
  const out: number[] = [];
  tokens.forEach((t, i) => {
    if (keep(t)) out.push(i);
  });
  return out;
}

export const MUTATORS: readonly Mutator[] = [
  {
    name: 'delete-token',
    apply(text, rng) {
      const tokens = tokenize(text);
      const idx = significantIndexes(tokens);
      if (!idx.length) return text;
      const at = rng.pick(idx);
      tokens.splice(at, 1 + (rng.chance(0.2) ? rng.int(4) : 0));
      return tokens.join('');
    },
  },
  {
    name: 'duplicate-token',
    apply(text, rng) {
      const tokens = tokenize(text);
      const idx = significantIndexes(tokens);
      if (!idx.length) return text;
      const at = rng.pick(idx);
      tokens.splice(at, 0, tokens[at]!);
      return tokens.join('');
    },
  },
  {
    name: 'swap-tokens',
    apply(text, rng) {
      const tokens = tokenize(text);
      const idx = significantIndexes(tokens);
      if (idx.length < 2) return text;
      const a = rng.pick(idx);
      const b = rng.pick(idx);
      [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
      return tokens.join('');
    },
  },
  {
    name: 'swap-number',
    apply(text, rng) {
      const tokens = tokenize(text);
      const idx = significantIndexes(tokens, isNumber);
      if (!idx.length) return text;
      const at = rng.pick(idx);
      tokens[at] = rng.chance(0.8) ? rng.pick(HOSTILE_NUMBERS) : String(rng.next());
      return tokens.join('');
    },
  },
  {
    name: 'insert-punctuation',
    apply(text, rng) {
      const tokens = tokenize(text);
      if (!tokens.length) return rng.pick(PUNCTUATION);
      tokens.splice(rng.int(tokens.length + 1), 0, rng.pick(PUNCTUATION));
      return tokens.join('');
    },
  },
  {
    name: 'truncate',
    apply(text, rng) {
      return text.slice(0, rng.int(text.length + 1));
    },
  },
  {
    name: 'delete-lines',
    apply(text, rng) {
      const lines = text.split('\n');
      const at = rng.int(lines.length);
      lines.splice(at, 1 + rng.int(3));
      return lines.join('\n');
    },
  },
  {
    name: 'duplicate-lines',
    apply(text, rng) {
      const lines = text.split('\n');
      const at = rng.int(lines.length);
      const n = 1 + rng.int(4);
      lines.splice(at, 0, ...lines.slice(at, at + n));
      return lines.join('\n');
    },
  },
  {
    name: 'reindent-line',
    apply(text, rng) {
      const lines = text.split('\n');
      const at = rng.int(lines.length);
      const body = lines[at]!.trimStart();
      lines[at] = rng.pick(['', '  ', '    ', '        ', '\t', '            ']) + body;
      return lines.join('\n');
    },
  },
  {
    name: 'splice-lines',
    apply(text, rng, corpus) {
      const other = rng.pick(corpus).text.split('\n');
      const from = rng.int(other.length);
      const piece = other.slice(from, from + 1 + rng.int(12));
      const lines = text.split('\n');
      lines.splice(rng.int(lines.length + 1), rng.chance(0.5) ? rng.int(6) : 0, ...piece);
      return lines.join('\n');
    },
  },
];

export interface FuzzCase {
  /** Index within the run: with the seed, enough to regenerate it. */
  index: number;
  base: CorpusFile;
  mutations: string[];
  text: string;
}

/** Case `index` of a run: each case has its own generator, so any one can be regenerated alone. */
export function makeCase(seed: number, index: number, corpus: readonly CorpusFile[]): FuzzCase {
  const rng = new Rng((Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  // Warm the generator: nearby seeds start from nearby states.
  for (let i = 0; i < 8; i++) rng.next();
  const base = rng.pick(corpus);
  let text = base.text;
  const mutations: string[] = [];
  const count = 1 + rng.int(rng.chance(0.15) ? 8 : 3);
  for (let i = 0; i < count; i++) {
    const m = rng.pick(MUTATORS);
    text = m.apply(text, rng, corpus);
    mutations.push(m.name);
  }
  return { index, base, mutations, text };
}

// ------------------------------------------------------------------ invariants

/** Paths of every number in a value that is not finite (NaN, ±Infinity), and of BigInts (JSON cannot hold them). */
export function nonFiniteNumbers(value: unknown, path = '$', out: string[] = [], seen = new Set<object>()): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path} = ${value}`);
  } else if (typeof value === 'bigint') out.push(`${path} is a BigInt`);
  else if (value && typeof value === 'object') {
    if (seen.has(value)) return out;
    seen.add(value);
    if (Array.isArray(value)) value.forEach((v, i) => nonFiniteNumbers(v, `${path}[${i}]`, out, seen));
    else for (const [k, v] of Object.entries(value)) nonFiniteNumbers(v, `${path}.${k}`, out, seen);
  }
  return out;
}

/** The terms `totalBytes` adds up (types.ts: "totalBytes is exactly the sum of the other terms"). */
const MEMORY_TERMS = [
  'weightsBytes',
  'gradientsBytes',
  'optimizerBytes',
  'masterWeightsBytes',
  'activationsBytes',
  'kvCacheBytes',
  'overheadBytes',
  'fragmentationBytes',
] as const satisfies ReadonlyArray<keyof MemoryBreakdown>;

function memoryViolations(where: string, b: MemoryBreakdown): string[] {
  const out: string[] = [];
  let sum = 0;
  for (const t of MEMORY_TERMS) {
    const v = b[t];
    if (!(v >= 0)) out.push(`${where}.${t} = ${v} is negative`);
    sum += v;
  }
  if (sum !== b.totalBytes) out.push(`${where}.totalBytes = ${b.totalBytes} but its terms add up to ${sum}`);
  return out;
}

/** The CLI's JSON contract (src/cli.ts): the report without its timings. */
export function reportJson(report: FileReport): string {
  const { timings: _timings, ...contract } = report;
  return JSON.stringify(contract);
}

/** Every invariant a report breaks, as sentences (empty when it keeps them all). */
export function reportViolations(report: FileReport): string[] {
  const out = nonFiniteNumbers(report).map((p) => `not a finite number: ${p}`);
  // The engine turns its own defects into this finding instead of throwing: still a defect.
  for (const f of [...report.findings, ...report.models.flatMap((m) => m.findings)]) {
    if (f.code === 'internal-error') out.push(`internal error caught by the engine: ${f.message}`);
  }
  for (const m of report.models) {
    const where = `model ${m.name}`;
    for (const [k, v] of Object.entries(m.params)) {
      if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0)) out.push(`${where}: params.${k} = ${v} is not a non-negative integer`);
    }
    if (m.params.trainable + m.params.nonTrainable !== m.params.total) out.push(`${where}: trainable + non-trainable != total (${JSON.stringify(m.params)})`);
    out.push(...memoryViolations(`${where}: memory.train`, m.memory.train), ...memoryViolations(`${where}: memory.inference`, m.memory.inference));
    for (const l of m.layers) {
      if (!(l.params >= 0 && l.macs >= 0 && l.activationBytes >= 0)) out.push(`${where}: layer ${l.path} has a negative count`);
    }
    if (!(m.macs.forward >= 0) || m.flops.forward !== 2 * m.macs.forward) out.push(`${where}: flops.forward ${m.flops.forward} is not 2 × macs.forward ${m.macs.forward}`);
  }
  try {
    const back = JSON.parse(reportJson(report)) as { models: unknown[] };
    if (back.models.length !== report.models.length) out.push('the JSON lost models');
  } catch (e) {
    out.push(`the JSON is not valid: ${(e as Error).message}`);
  }
  return out;
}

// ------------------------------------------------------------------ one run

export interface FuzzSettings {
  /** The document's time budget handed to the engine (ms). */
  timeBudgetMs: number;
  /** How far past the budget a whole analysis may run before it counts as a violation (ms). */
  slackMs: number;
}

export interface CaseResult {
  ms: number;
  models: number;
  violations: string[];
  /** The exception that escaped, if one did. */
  crash?: string;
}

/** Devices the fit check runs against: a consumer card and a datacenter card from the catalog. */
export function fuzzDevices(): DeviceSpec[] {
  return ['RTX 4090', 'A100 80GB'].map((n) => ({ ...findDevice(n)!, local: false }));
}

/** Options vary with the case too: batch sizes and modes that stress other code paths. */
export function optionsFor(c: FuzzCase): EstimateOptions {
  const variants: Array<Partial<EstimateOptions>> = [
    {},
    { mode: 'infer', batch: 1 },
    { batch: 1024, precision: 'bf16-mixed' },
    { fineTuning: 'lora', precision: 'fp16-mixed', gradientCheckpointing: true },
    { sharding: 'zero3', gpuCount: 8, optimizer: 'adam-8bit' },
  ];
  return { ...DEFAULT_OPTIONS, ...variants[c.index % variants.length] };
}

const hosts = new Map<string, SourceHost>();

/** A file-system host rooted at the case's corpus folder, so its imports resolve as they would in a workspace. */
function hostFor(c: FuzzCase): SourceHost {
  const root = join(FIXTURES, c.base.name.split('/')[0]!).replace(/\\/g, '/');
  let h = hosts.get(root);
  if (!h) hosts.set(root, (h = createNodeSourceHost({ workspaceFolders: [root], resolveInstalledPackages: false })));
  return h;
}

export function runCase(c: FuzzCase, settings: FuzzSettings, devices: DeviceSpec[]): CaseResult {
  const t0 = performance.now();
  let report: FileReport;
  try {
    report = analyzeDocument({
      file: c.base.path,
      text: c.text,
      host: hostFor(c),
      options: optionsFor(c),
      devices,
      budgets: { timeMs: settings.timeBudgetMs },
    });
  } catch (e) {
    return { ms: performance.now() - t0, models: 0, violations: [], crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  const ms = performance.now() - t0;
  const violations = reportViolations(report);
  if (ms > settings.timeBudgetMs + settings.slackMs) violations.push(`took ${ms.toFixed(0)} ms, budget ${settings.timeBudgetMs} ms`);
  return { ms, models: report.models.length, violations };
}

/** A failing case as a self-describing Python file: the header says how to regenerate it. */
export function describeCase(seed: number, c: FuzzCase, result: CaseResult): string {
  const why = result.crash ? [`crash: ${result.crash.split('\n')[0]}`] : result.violations;
  const header = [`# fuzz seed ${seed}, case ${c.index}: ${c.base.name} after ${c.mutations.join(', ')}`, ...why.map((w) => `# ${w.replace(/\n/g, ' ')}`)];
  return `${header.join('\n')}\n${c.text}`;
}
