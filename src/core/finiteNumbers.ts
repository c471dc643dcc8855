/**
 * The last line of defence for "no Infinity or NaN in any view": every number of a
 * report is checked before it leaves the engine. The engine keeps counts finite at
 * their source (tensor sizes, layer arguments, safeCount), so this should never fire;
 * when it does, the number shows as 0 and an error finding names it, instead of
 * "Infinity GB" in a hover or `null` in the CLI's JSON.
 */
import type { FileReport } from './report';
import type { Finding } from './source';

/** Reports are trees of plain data a few levels deep; anything deeper is not walked. */
const MAX_DEPTH = 32;

/**
 * Paths of the numbers that are not finite, each replaced by 0 in place. Fast on
 * reports with 100,000 layer rows: no arrays or paths are built unless a number is bad.
 */
export function replaceNonFinite(value: unknown, path: string, out: string[] = [], depth = 0): string[] {
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return out;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
          out.push(`${path}[${i}] (${v})`);
          value[i] = 0;
        }
      } else if (v && typeof v === 'object') replaceNonFinite(v, `${path}[${i}]`, out, depth + 1);
    }
    return out;
  }
  const o = value as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        out.push(`${path}.${key} (${v})`);
        o[key] = 0;
      }
    } else if (v && typeof v === 'object') replaceNonFinite(v, `${path}.${key}`, out, depth + 1);
  }
  return out;
}

/** Check a whole file report; adds one error finding when some number had to be replaced. */
export function guardFiniteNumbers(report: FileReport): void {
  const bad = replaceNonFinite(report.models, 'models');
  if (bad.length === 0) return;
  const shown = bad.slice(0, 3).join(', ') + (bad.length > 3 ? `, and ${bad.length - 3} more` : '');
  const finding: Finding = {
    severity: 'error',
    code: 'internal-error',
    message: `The estimate produced numbers that are not finite, shown as 0: ${shown}. Please report this with the file.`,
  };
  report.findings.push(finding);
}
