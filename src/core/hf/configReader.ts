/**
 * Typed reads from a transformers config dictionary. A missing key takes the
 * default of the family's config class (what transformers itself does); a key
 * with a value of the wrong kind also takes the default, with a finding, so a
 * bad config.json never crashes the analysis.
 */
import type { Finding, SourceRange } from '../source';

/**
 * Largest integer a config value may hold. Real configs stay far below (vocab 262,144,
 * context 10,485,760); larger values are typos or hostile, and the product of two
 * allowed values (2^24 · 2^24) is still an exact double.
 */
export const MAX_CONFIG_INT = 2 ** 24;

/**
 * Counts that each build a subtree of the model, with their own ceiling: the layer tree
 * holds one node per layer (and per expert), so `num_hidden_layers: 1e9` must not be
 * built. The largest published model has 126 (Llama-3.1-405B); a 256-layer Llama takes
 * about 0.3 s to build and estimate on a busy 2-core machine. Experts: families/llama.ts.
 */
const STRUCTURAL_MAX: ReadonlyMap<string, number> = new Map([
  ['num_hidden_layers', 256],
  ['n_layer', 256],
  ['num_layers', 256],
  ['num_decoder_layers', 256],
]);

function maxFor(key: string): number {
  return STRUCTURAL_MAX.get(key) ?? MAX_CONFIG_INT;
}

export class ConfigReader {
  readonly findings: Finding[] = [];

  constructor(
    readonly raw: Record<string, unknown>,
    private readonly range: SourceRange,
    private readonly file?: string,
  ) {}

  /** The first key present (not undefined/null) among aliases, in order. */
  private pick(keys: string | string[]): { key: string; value: unknown } | undefined {
    for (const key of Array.isArray(keys) ? keys : [keys]) {
      const value = this.raw[key];
      if (value !== undefined && value !== null) return { key, value };
    }
    return undefined;
  }

  has(keys: string | string[]): boolean {
    return this.pick(keys) !== undefined;
  }

  private bad(key: string, value: unknown, expected: string, fallback: unknown): void {
    const finding: Finding = {
      severity: 'warning',
      code: 'hf-bad-config-value',
      message: `Config value ${key}=${JSON.stringify(value)} is not ${expected}; using ${JSON.stringify(fallback)}.`,
      range: this.range,
    };
    if (this.file) finding.file = this.file;
    this.findings.push(finding);
  }

  /**
   * The value of the first key present when `accept` takes it; else the fallback, and a
   * finding for a value of the wrong kind (`shown` is what the finding says is used instead).
   */
  private read<T>(keys: string | string[], fallback: T, accept: (v: unknown) => boolean, expected: string, shown: unknown = fallback): T {
    const found = this.pick(keys);
    if (!found) return fallback;
    if (accept(found.value)) return found.value as T;
    this.bad(found.key, found.value, expected, shown);
    return fallback;
  }

  /** A positive integer (sizes, counts), at most maxFor() its key. */
  int(keys: string | string[], fallback: number, min = 1): number {
    const max = maxFor(this.pick(keys)?.key ?? '');
    return this.read(keys, fallback, isIntIn(min, max), `an integer from ${min} to ${max}`);
  }

  /** An optional positive integer: undefined when absent. */
  optInt(keys: string | string[], min = 1): number | undefined {
    const max = maxFor(this.pick(keys)?.key ?? '');
    return this.read<number | undefined>(keys, undefined, isIntIn(min, max), `an integer from ${min} to ${max}`, null);
  }

  /** A finite number (probabilities, factors). */
  num(keys: string | string[], fallback: number): number {
    return this.read(keys, fallback, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  }

  bool(keys: string | string[], fallback: boolean): boolean {
    return this.read(keys, fallback, (v) => typeof v === 'boolean', 'true or false');
  }

  str(keys: string | string[], fallback: string): string {
    return this.read(keys, fallback, (v) => typeof v === 'string', 'a string');
  }

  /** A nested dictionary (rope_scaling, quantization_config), or undefined. */
  dict(key: string): Record<string, unknown> | undefined {
    const v = this.raw[key];
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  }

  /** Record a finding about the config itself (inconsistent sizes, unsupported options). */
  warn(code: string, message: string, severity: Finding['severity'] = 'warning'): void {
    const finding: Finding = { severity, code, message, range: this.range };
    if (this.file) finding.file = this.file;
    this.findings.push(finding);
  }
}

const isIntIn =
  (min: number, max: number) =>
  (v: unknown): boolean =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
