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

  /** A positive integer (sizes, counts). */
  int(keys: string | string[], fallback: number, min = 1): number {
    const found = this.pick(keys);
    if (!found) return fallback;
    const v = found.value;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= maxFor(found.key)) return v;
    this.bad(found.key, v, `an integer from ${min} to ${maxFor(found.key)}`, fallback);
    return fallback;
  }

  /** An optional positive integer: undefined when absent. */
  optInt(keys: string | string[], min = 1): number | undefined {
    const found = this.pick(keys);
    if (!found) return undefined;
    const v = found.value;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= maxFor(found.key)) return v;
    this.bad(found.key, v, `an integer from ${min} to ${maxFor(found.key)}`, null);
    return undefined;
  }

  /** A finite number (probabilities, factors). */
  num(keys: string | string[], fallback: number): number {
    const found = this.pick(keys);
    if (!found) return fallback;
    const v = found.value;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.bad(found.key, v, 'a number', fallback);
    return fallback;
  }

  bool(keys: string | string[], fallback: boolean): boolean {
    const found = this.pick(keys);
    if (!found) return fallback;
    if (typeof found.value === 'boolean') return found.value;
    this.bad(found.key, found.value, 'true or false', fallback);
    return fallback;
  }

  str(keys: string | string[], fallback: string): string {
    const found = this.pick(keys);
    if (!found) return fallback;
    if (typeof found.value === 'string') return found.value;
    this.bad(found.key, found.value, 'a string', fallback);
    return fallback;
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
