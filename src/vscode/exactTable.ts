/**
 * Exact mode's counts next to the static ones: one row per model name found by either,
 * a one-line summary for the notification and a Markdown table for the details.
 * Pure (no `vscode` import), so unit tests run it.
 */
import { formatExact } from '../core/format';
import type { ModelReport } from '../core/report';
import type { ExactCountResult } from '../node/exactMode';

export type ExactMatch = 'same' | 'differs' | 'exact-only' | 'static-only';

export interface ExactRow {
  name: string;
  /** torch's `sum(p.numel() for p in m.parameters())`. */
  exact?: number;
  exactTrainable?: number;
  /** Our static count (params.total). */
  estimated?: number;
  match: ExactMatch;
}

/** Rows in the file's order: the static models first, then those only exact mode found. */
export function compareCounts(result: ExactCountResult, models: readonly ModelReport[]): ExactRow[] {
  const exact = new Map(result.models.map((m) => [m.name, m]));
  const rows: ExactRow[] = [];
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    const e = exact.get(m.name);
    if (!e) {
      rows.push({ name: m.name, estimated: m.params.total, match: 'static-only' });
      continue;
    }
    rows.push({ name: m.name, exact: e.params, exactTrainable: e.trainable, estimated: m.params.total, match: e.params === m.params.total ? 'same' : 'differs' });
  }
  for (const e of result.models) {
    if (seen.has(e.name)) continue;
    seen.add(e.name);
    rows.push({ name: e.name, exact: e.params, exactTrainable: e.trainable, match: 'exact-only' });
  }
  return rows;
}

function where(result: ExactCountResult): string {
  const parts = [result.torchVersion ? `torch ${result.torchVersion}` : 'torch', result.device ? `on ${result.device}` : ''];
  return parts.filter(Boolean).join(' ');
}

function rowText(row: ExactRow): string {
  switch (row.match) {
    case 'same':
      return `${row.name} ${formatExact(row.exact!)} (static: same)`;
    case 'differs':
      return `${row.name} ${formatExact(row.exact!)} (static: ${formatExact(row.estimated!)})`;
    case 'exact-only':
      return `${row.name} ${formatExact(row.exact!)} (not found statically)`;
    case 'static-only':
      return `${row.name}: not built by exact mode (static: ${formatExact(row.estimated!)})`;
  }
}

/** "Exact counts (torch 1.13.1 on cpu): MLP 203,530 (static: same)". */
export function exactSummary(result: ExactCountResult, rows: readonly ExactRow[]): string {
  if (result.error) return `Exact mode could not count: ${result.error}`;
  if (rows.length === 0) return `Exact mode (${where(result)}) found no model it could build without arguments.`;
  return `Exact counts (${where(result)}): ${rows.map(rowText).join('; ')}`;
}

const cell = (n: number | undefined): string => (n === undefined ? '—' : formatExact(n));

/** The details: a table of both counts, then the classes exact mode could not build and why. */
export function exactMarkdown(file: string, result: ExactCountResult, rows: readonly ExactRow[]): string {
  const lines = [`# Exact parameter counts: ${file.split('/').pop()}`, ''];
  if (result.error) lines.push(`Exact mode could not count: ${result.error}`, '');
  lines.push(
    `Counted by running the file with ${where(result)} (\`sum(p.numel() for p in model.parameters())\`, shared tensors once), next to Model Resource Profiler's static count.`,
    '',
    '| Model | Exact (torch) | Trainable (torch) | Static | |',
    '| --- | ---: | ---: | ---: | --- |',
  );
  const marks: Record<ExactMatch, string> = { same: 'same', differs: 'differs', 'exact-only': 'not found statically', 'static-only': 'not built by exact mode' };
  for (const r of rows) lines.push(`| ${r.name.replace(/\|/g, '\\|')} | ${cell(r.exact)} | ${cell(r.exactTrainable)} | ${cell(r.estimated)} | ${marks[r.match]} |`);
  for (const s of result.skipped ?? []) lines.push('', `- ${s.name} was not built: ${s.reason}`);
  lines.push('');
  return lines.join('\n');
}
