/**
 * A model report as a file: Markdown for people, JSON for scripts, CSV (the layer
 * table) for spreadsheets. User-derived text (model and layer names, findings) is
 * escaped for each format, and CSV cells that a spreadsheet would run as a formula
 * are defused.
 */
import {
  formatBytes,
  formatBytesBoth,
  formatCount,
  formatExact,
  formatFlops,
  formatMacs,
  formatShape,
} from '../core/format';
import type { ModelReport } from '../core/report';
import type { ExportFormat } from './protocol';
import { MEMORY_TERMS, termBytes } from './viewModel/memoryTerms';
import { formatChartModel } from './viewModel/formats';

/** Markdown text of a user-derived string, safe inline and inside a table cell. */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\\`*_{}[\]<>|#!~&]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** One CSV cell (RFC 4180 quoting); a leading = + - @ tab or CR is prefixed with ' (OWASP CSV injection). */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function reportToMarkdown(report: ModelReport): string {
  const o = report.options;
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(report.name)}`);
  out.push('');
  out.push(
    `${escapeMarkdown(report.framework)} ${escapeMarkdown(report.kind)}, line ${report.line}` +
      (report.file ? ` of ${escapeMarkdown(report.file)}` : '') +
      `. Mode ${o.mode}, batch ${formatExact(o.batch)}` +
      (o.seq ? `, sequence ${formatExact(o.seq)}` : '') +
      `, ${o.precision}, ${o.optimizer}` +
      (report.input ? `, input ${report.input.shapes.map((s) => formatShape(s)).join(', ')}` : '') +
      '.',
  );
  if (report.partial) out.push('', '> Partial: some of the model could not be evaluated; the counts are a lower bound.');

  out.push('', '## Summary', '');
  const p = report.params;
  out.push(
    table(
      ['Quantity', 'Value'],
      [
        ['Parameters', `${formatExact(p.total)} (${formatCount(p.total)})`],
        ['Trainable', formatExact(p.trainable)],
        ['Non-trainable', formatExact(p.nonTrainable)],
        ['Buffers', formatExact(p.buffers)],
        ['Forward MACs', `${formatExact(report.macs.forward)} (${formatMacs(report.macs.forward)})`],
        ['Forward FLOPs', `${formatExact(report.flops.forward)} (${formatFlops(report.flops.forward)})`],
        ['Training memory', formatBytesBoth(report.memory.train.totalBytes)],
        ['Inference memory', formatBytesBoth(report.memory.inference.totalBytes)],
      ],
    ),
  );

  out.push('', '## Memory', '');
  out.push(
    table(
      ['Term', 'Training', 'Inference'],
      [
        ...MEMORY_TERMS.map((t) => [
          t.label,
          formatBytes(termBytes(report.memory.train, t.key)),
          formatBytes(termBytes(report.memory.inference, t.key)),
        ]),
        ['**Total**', `**${formatBytes(report.memory.train.totalBytes)}**`, `**${formatBytes(report.memory.inference.totalBytes)}**`],
      ],
    ),
  );

  const formats = formatChartModel(report);
  if (formats) {
    out.push('', '## Storage', '');
    out.push(table(formats.table.columns, formats.table.rows));
  }

  if (report.fit.length > 0) {
    out.push('', '## Fit', '');
    out.push(
      table(
        ['Device', 'Verdict', 'Needs', 'Usable', 'Largest batch'],
        report.fit.map((f) => [
          escapeMarkdown(f.device),
          f.verdict,
          formatBytes(f.requiredBytes),
          formatBytes(f.availableBytes),
          formatExact(f.maxBatch),
        ]),
      ),
    );
    for (const f of report.fit.filter((x) => x.recommendations.length > 0)) {
      out.push('', `Recommendations for ${escapeMarkdown(f.device)}:`, '');
      f.recommendations.forEach((r, i) =>
        out.push(
          `${i + 1}. ${escapeMarkdown(r.title)}: saves ${formatBytes(r.savesBytes)}, needs ${formatBytes(r.requiredBytes)}` +
            `${r.fitsAlone ? ' (fits alone)' : ''}; ${escapeMarkdown(r.cost)}`,
        ),
      );
    }
  }

  if (report.time.length > 0) {
    out.push('', '## Time', '');
    out.push(
      table(
        ['Device', 'Train step (s)', 'Forward (s)', 'Tokens/s'],
        report.time.map((t) => [
          escapeMarkdown(t.deviceName),
          t.trainStepSeconds === undefined ? '—' : t.trainStepSeconds.toPrecision(3),
          t.inferenceSeconds === undefined ? '—' : t.inferenceSeconds.toPrecision(3),
          t.tokensPerSecond === undefined ? '—' : formatExact(t.tokensPerSecond),
        ]),
      ),
    );
  }

  out.push('', '## Layers', '');
  out.push(
    table(
      ['Layer', 'Type', 'Output shape', 'Params', 'MACs', 'Activations'],
      report.layers.map((r) => [
        `${'&nbsp;&nbsp;'.repeat(Math.max(0, r.depth))}${escapeMarkdown(r.path || r.name)}`,
        escapeMarkdown(r.type),
        (r.outputShape ?? []).map((s) => formatShape(s)).join(' '),
        formatExact(r.params),
        formatExact(r.macs),
        formatBytes(r.activationBytes),
      ]),
    ),
  );

  if (report.assumptions.length > 0) {
    out.push('', '## Assumptions', '');
    for (const a of report.assumptions) out.push(`- ${escapeMarkdown(a)}`);
  }
  if (report.findings.length > 0) {
    out.push('', '## Findings', '');
    for (const f of report.findings) {
      const where = f.range ? ` (line ${f.range.start.line + 1})` : '';
      out.push(`- ${f.severity}${where}: ${escapeMarkdown(f.message)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export const CSV_COLUMNS = [
  'path',
  'name',
  'type',
  'depth',
  'line',
  'output_shape',
  'params',
  'own_params',
  'trainable',
  'buffers',
  'macs',
  'activation_bytes',
  'param_share',
  'activation_share',
  'note',
] as const;

/** The layer table as CSV, one row per layer, exact numbers. */
export function reportToCsv(report: ModelReport): string {
  const rows = report.layers.map((r) =>
    [
      r.path,
      r.name,
      r.type,
      r.depth,
      r.line,
      (r.outputShape ?? []).map((s) => s.join('x')).join(' '),
      r.params,
      r.ownParams,
      r.trainable,
      r.buffers,
      r.macs,
      r.activationBytes,
      r.paramShare,
      r.activationShare,
      r.note,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export function reportToJson(report: ModelReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One row per export format: how to render it and what the file is called. */
export const EXPORTERS: Record<ExportFormat, { render: (r: ModelReport) => string; extension: string; label: string }> = {
  markdown: { render: reportToMarkdown, extension: 'md', label: 'Markdown' },
  json: { render: reportToJson, extension: 'json', label: 'JSON' },
  csv: { render: reportToCsv, extension: 'csv', label: 'CSV' },
};

/** A file name from a model name: letters, digits, dot, dash and underscore only. */
export function safeFileStem(name: string): string {
  const stem = String(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return stem.length > 0 ? stem : 'model';
}
