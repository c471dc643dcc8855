/**
 * Exact mode: runs the user's Python with torch to count parameters exactly
 * (exact_count.py, shipped next to the bundle). It executes the user's code, so
 * it is opt-in and, in VS Code, offered only in trusted workspaces; that check is
 * the caller's. Here: no shell, fixed arguments, a time limit that kills the
 * interpreter and what it started, and an answer that is always a result.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runTool } from './hardware/runTool';

export interface ExactModel {
  name: string;
  params: number;
  trainable: number;
  buffers: number;
  /** "instance": a module-level nn.Module; "class": a subclass built without arguments. */
  kind?: 'instance' | 'class';
}

export interface ExactCountResult {
  models: ExactModel[];
  error?: string;
  /** Classes that could not be built, and why. */
  skipped?: { name: string; reason: string }[];
  /** Where the models were built: "meta" (torch >= 2.0) or "cpu". */
  device?: string;
  torchVersion?: string;
}

export interface ExactCountOptions {
  /** The interpreter, e.g. "python3" or a virtual environment's bin/python. */
  python: string;
  file: string;
  timeoutMs: number;
  cwd: string;
}

const MARKER = '@@MODEL_PROFILER_EXACT@@';
const SCRIPT = 'exact_count.py';
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** exact_count.py next to the bundle (dist/) or, when running from sources, next to this file. */
export function exactCountScriptPath(): string | undefined {
  const candidates = [join(__dirname, SCRIPT), join(__dirname, '..', 'dist', SCRIPT), join(__dirname, '..', '..', 'src', 'node', SCRIPT)];
  return candidates.find((p) => existsSync(p));
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const text = (v: unknown, max = 500): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);

/** The result line of exact_count.py, checked field by field; undefined when there is none. */
export function parseExactOutput(stdout: string): ExactCountResult | undefined {
  const line = String(stdout ?? '')
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.startsWith(MARKER));
  if (line === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line.slice(MARKER.length));
  } catch {
    return { models: [], error: 'exact mode printed a result that is not valid JSON' };
  }
  if (data === null || typeof data !== 'object') return { models: [], error: 'exact mode printed no result object' };
  const raw = data as Record<string, unknown>;
  const models: ExactModel[] = [];
  for (const m of Array.isArray(raw.models) ? raw.models : []) {
    const r = (m ?? {}) as Record<string, unknown>;
    const name = text(r.name, 200);
    if (!name || !count(r.params) || !count(r.trainable) || !count(r.buffers) || r.trainable > r.params) continue;
    const model: ExactModel = { name, params: r.params, trainable: r.trainable, buffers: r.buffers };
    if (r.kind === 'instance' || r.kind === 'class') model.kind = r.kind;
    models.push(model);
  }
  const result: ExactCountResult = { models };
  const error = text(raw.error);
  if (error) result.error = error;
  if (Array.isArray(raw.skipped)) {
    result.skipped = raw.skipped
      .map((s) => s as Record<string, unknown>)
      .filter((s) => s && text(s.name) && text(s.reason))
      .map((s) => ({ name: text(s.name, 200) as string, reason: text(s.reason) as string }));
  }
  const device = text(raw.device, 20);
  if (device) result.device = device;
  const torch = text(raw.torch, 50);
  if (torch) result.torchVersion = torch;
  return result;
}

function tail(s: string, n = 400): string {
  const t = s.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}

/** Counts the parameters of the models in `file` with the user's Python and torch. */
export async function runExactCount(opts: ExactCountOptions): Promise<ExactCountResult> {
  if (typeof opts.python !== 'string' || opts.python.trim().length === 0) {
    return { models: [], error: 'No Python interpreter configured (modelProfiler.pythonPath)' };
  }
  const file = resolve(opts.file);
  if (!existsSync(file) || !statSync(file).isFile()) return { models: [], error: `No such file: ${file}` };
  const script = exactCountScriptPath();
  if (!script) return { models: [], error: `${SCRIPT} is missing from the extension` };
  const timeoutMs = Number.isFinite(opts.timeoutMs) ? Math.max(1000, opts.timeoutMs) : 60_000;
  const cwd = opts.cwd && existsSync(opts.cwd) ? opts.cwd : dirname(file);

  const r = await runTool(opts.python, ['-B', script, file], {
    timeoutMs,
    cwd,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
  });
  if (r.status === 'missing') return { models: [], error: `Python interpreter not found: ${opts.python}` };
  if (r.status === 'timeout') {
    return { models: [], error: `Exact mode stopped after ${Math.round(timeoutMs / 1000)} s (modelProfiler.exactMode.timeoutSeconds)` };
  }
  if (r.status === 'too-much-output') return { models: [], error: 'Exact mode stopped: the model file printed too much output' };
  const parsed = parseExactOutput(r.stdout);
  if (parsed) return parsed;
  const why = tail(r.stderr) || tail(r.stdout) || r.message;
  return { models: [], error: `Python ended without a result (${r.status === 'ok' ? 'exit code 0' : r.message}): ${why}` };
}
