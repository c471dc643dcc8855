/**
 * Reports as files people share: Markdown (a table to paste into a pull request),
 * CSV (the per-layer table for spreadsheets) and JSON (the CLI's contract).
 */
import { formatBytes, formatCount, formatExact, formatFlops, formatMacs, formatPercent, formatShape } from './format';
import type { MemoryBreakdown } from './estimate/types';
import type { FileReport, ModelReport } from './report';

export type ExportFormat = 'markdown' | 'json' | 'csv';

const MEMORY_TERMS: Array<[keyof MemoryBreakdown, string]> = [
  ['weightsBytes', 'Weights'],
  ['gradientsBytes', 'Gradients'],
  ['optimizerBytes', 'Optimizer state'],
  ['masterWeightsBytes', 'Master weights'],
  ['activationsBytes', 'Activations'],
  ['kvCacheBytes', 'KV cache'],
  ['overheadBytes', 'CUDA / framework overhead'],
  ['fragmentationBytes', 'Fragmentation margin'],
  ['totalBytes', 'Total'],
];

/** Markdown cells: pipes and line breaks in user-derived text would break the table. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function shapeText(report: ModelReport, shapes: number[][] | undefined): string {
  if (!shapes || shapes.length === 0) return '—';
  const keras = report.framework === 'keras';
  return shapes.map((s) => formatShape(s, keras)).join(', ');
}

function workload(report: ModelReport): string {
  const o = report.options;
  return `batch ${o.batch}${report.input?.seq ? `, seq ${report.input.seq}` : ''}, ${o.precision}${o.mode === 'train' ? `, ${o.optimizer}` : ''}`;
}

export function toMarkdown(report: ModelReport): string {
  const p = report.params;
  const lines: string[] = [];
  lines.push(`## ${cell(report.name)} — ${formatCount(p.total)} params`, '');
  lines.push(`${report.framework} ${report.kind}, line ${report.line}. Workload: ${cell(workload(report))}.`, '');
  lines.push('| Quantity | Value |', '|---|---|');
  lines.push(`| Parameters | ${formatExact(p.total)} total · ${formatExact(p.trainable)} trainable · ${formatExact(p.nonTrainable)} non-trainable · ${formatExact(p.buffers)} buffer elements |`);
  if (report.input) lines.push(`| Input | ${cell(report.input.shapes.map((s) => formatShape(s)).join(', '))} (${cell(report.input.description)}) |`);
  lines.push(`| Forward compute | ${formatMacs(report.macs.forward)} = ${formatFlops(report.flops.forward)} |`);
  lines.push(`| Training step compute | ${formatFlops(report.flops.trainStep)} |`);
  lines.push(`| Training memory | ${formatBytes(report.memory.train.totalBytes)} |`);
  lines.push(`| Inference memory | ${formatBytes(report.memory.inference.totalBytes)} |`);
  const ckpt = report.storage.checkpointBytes;
  const formats = ['fp32', 'bf16', 'int8', 'int4'].filter((f) => ckpt[f] !== undefined);
  lines.push(`| Checkpoint | ${formats.map((f) => `${f} ${formatBytes(ckpt[f]!)}`).join(' · ')} |`, '');

  lines.push('### Memory', '', '| Term | Training | Inference |', '|---|---:|---:|');
  for (const [key, label] of MEMORY_TERMS) {
    const t = report.memory.train[key] as number;
    const i = report.memory.inference[key] as number;
    lines.push(`| ${label} | ${formatBytes(t)} | ${formatBytes(i)} |`);
  }
  lines.push('');

  if (report.fit.length > 0) {
    lines.push('### Fit', '', '| Device | Verdict | Needs | Has | Largest batch |', '|---|---|---:|---:|---:|');
    for (const f of report.fit) {
      lines.push(`| ${cell(f.device)} | ${f.verdict} | ${formatBytes(f.requiredBytes)} | ${formatBytes(f.availableBytes)} | ${f.maxBatch} |`);
    }
    lines.push('');
  }

  lines.push('### Layers', '', '| Layer | Type | Output shape | Params | MACs | Activations |', '|---|---|---|---:|---:|---:|');
  for (const row of report.layers) {
    const indent = '&nbsp;&nbsp;'.repeat(row.depth);
    lines.push(
      `| ${indent}${cell(row.path || report.name)} | ${cell(row.type)} | ${cell(shapeText(report, row.outputShape))} | ${formatExact(row.params)} | ${formatMacs(row.macs)} | ${formatBytes(row.activationBytes)} (${formatPercent(row.activationShare)}) |`,
    );
  }
  if (report.findings.length > 0) {
    lines.push('', '### Findings', '');
    for (const f of report.findings) lines.push(`- ${f.severity}: ${cell(f.message)}${f.range ? ` (line ${f.range.start.line + 1})` : ''}`);
  }
  if (report.assumptions.length > 0) {
    lines.push('', '### Assumptions', '');
    for (const a of report.assumptions) lines.push(`- ${cell(a)}`);
  }
  return lines.join('\n') + '\n';
}

/** RFC 4180 quoting. Cells that a spreadsheet would run as a formula are prefixed with a quote. */
function csvField(value: string | number | boolean | undefined): string {
  let s = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(report: ModelReport): string {
  const header = ['path', 'type', 'depth', 'line', 'output_shape', 'params', 'own_params', 'trainable', 'buffers', 'macs', 'activation_bytes', 'activation_share', 'param_share', 'note'];
  const rows = report.layers.map((r) =>
    [
      r.path,
      r.type,
      r.depth,
      r.line,
      r.outputShape?.map((s) => s.join('x')).join(' ') ?? '',
      r.params,
      r.ownParams,
      r.trainable,
      r.buffers,
      r.macs,
      r.activationBytes,
      r.activationShare.toFixed(6),
      r.paramShare.toFixed(6),
      r.note ?? '',
    ]
      .map(csvField)
      .join(','),
  );
  return [header.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The CLI's JSON contract (DESIGN.md): one object per file. */
export function toJson(report: FileReport): string {
  const { timings: _timings, ...contract } = report;
  return JSON.stringify(contract, null, 2) + '\n';
}

export function exportReport(report: ModelReport, format: ExportFormat, file: string): string {
  if (format === 'markdown') return toMarkdown(report);
  if (format === 'csv') return toCsv(report);
  return toJson({ file, models: [report], findings: [] });
}
