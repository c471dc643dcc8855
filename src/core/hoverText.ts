/**
 * The editor's short texts about a model, built from its report: the hover card over
 * a model, the hover over a layer construction line, and the CodeLens title. Pure
 * text (Markdown for hovers), so every word and number is unit-tested; the editor
 * only wraps it (src/vscode/hover.ts, src/vscode/codeLens.ts).
 *
 * Numbers are for people (124.4M, 13.5 GB, decimal units) with exact values next to
 * them where a person may want to check them (parameter counts).
 */
import type { FitResult, Verdict } from './estimate/types';
import { formatBytes, formatCount, formatExact, formatFlops, formatMacs, formatShape } from './format';
import type { Framework } from './graph';
import type { LayerRow, ModelReport } from './report';

/** Command ids the hover links to (package.json `contributes.commands`). */
export const OPEN_PANEL_COMMAND = 'modelProfiler.openPanel';
export const CHECK_FITS_COMMAND = 'modelProfiler.checkFits';

const FRAMEWORK_NAMES: Record<Framework, string> = { pytorch: 'PyTorch', keras: 'Keras', transformers: 'Transformers' };

const KIND_NAMES: Record<ModelReport['kind'], string> = {
  class: 'class',
  sequential: 'Sequential',
  builder: 'builder function',
  instance: 'instance',
  functional: 'functional model',
  pretrained: 'pretrained model',
  application: 'application',
};

const OPTIMIZER_NAMES: Record<string, string> = {
  sgd: 'SGD',
  'sgd-momentum': 'SGD momentum',
  adam: 'Adam',
  adamw: 'AdamW',
  'adam-8bit': '8-bit Adam',
  adafactor: 'Adafactor',
  lion: 'Lion',
};

/**
 * Markdown-escape text that comes from the user's source (names, messages): no
 * emphasis, code, link, HTML or table cell can start inside it. It never starts a
 * line here, so list and heading markers need no escape.
 */
export function escapeHoverMarkdown(text: string): string {
  return String(text)
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** Inline code span for an identifier-like text; backticks inside are dropped. */
function code(text: string): string {
  return `\`${String(text).replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``;
}

/** `command:` URI with JSON arguments, as VS Code's trusted Markdown runs it. */
export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function isCpu(fit: FitResult): boolean {
  return fit.deviceId === 'local-cpu' || fit.deviceId === 'cpu';
}

const VERDICT_RANK: Record<Verdict, number> = { fits: 0, 'fits-with-changes': 1, 'does-not-fit': 2 };
const VERDICT_SYMBOL: Record<Verdict, string> = { fits: '✓', 'fits-with-changes': '⚠', 'does-not-fit': '✗' };

/**
 * The device whose verdict the compact views show. The best verdict wins; among equals
 * a GPU before the CPU, a local device before a target, then list order. When nothing
 * fits, the device with the most memory (the nearest miss).
 */
export function bestFit(fits: readonly FitResult[]): FitResult | undefined {
  if (fits.length === 0) return undefined;
  const best = Math.min(...fits.map((f) => VERDICT_RANK[f.verdict]));
  const candidates = fits.filter((f) => VERDICT_RANK[f.verdict] === best);
  if (best === VERDICT_RANK['does-not-fit']) {
    return candidates.reduce((a, b) => (b.availableBytes > a.availableBytes ? b : a));
  }
  const order = (f: FitResult): number => (isCpu(f) ? 2 : 0) + (f.local ? 0 : 1);
  return candidates.reduce((a, b) => (order(b) < order(a) ? b : a));
}

/** "✓ fits RTX 4090", "⚠ fits RTX 4090 with changes", "✗ exceeds RTX 4090"; undefined without devices. */
export function verdictText(fits: readonly FitResult[]): string | undefined {
  const fit = bestFit(fits);
  if (!fit) return undefined;
  const symbol = VERDICT_SYMBOL[fit.verdict];
  if (fit.verdict === 'fits') return `${symbol} fits ${fit.device}`;
  if (fit.verdict === 'fits-with-changes') return `${symbol} fits ${fit.device} with changes`;
  return `${symbol} exceeds ${fit.device}`;
}

/** "b=8, bf16-mixed" — the workload in the fewest words. */
function workload(report: ModelReport): string {
  const o = report.options;
  const parts = [`b=${o.batch}`];
  const seq = o.seq ?? report.input?.seq;
  if (seq) parts.push(`seq=${seq}`);
  parts.push(o.fineTuning === 'full' ? o.precision : o.fineTuning);
  if (o.sharding !== 'none' && o.mode === 'train') parts.push(`${o.sharding}×${o.gpuCount}`);
  return parts.join(', ');
}

function modeMemory(report: ModelReport): number {
  return report.options.mode === 'train' ? report.memory.train.totalBytes : report.memory.inference.totalBytes;
}

/** "124.4M params · train 7.9 GB (b=8, bf16-mixed) · ✓ fits RTX 4090". */
export function codeLensTitle(report: ModelReport): string {
  const mode = report.options.mode === 'train' ? 'train' : 'infer';
  const parts = [`${formatCount(report.params.total)} params`, `${mode} ${formatBytes(modeMemory(report))} (${workload(report)})`];
  const verdict = verdictText(report.fit);
  if (verdict) parts.push(verdict);
  const title = parts.join(' · ');
  return report.partial ? `${title} · partial` : title;
}

/** A leaf layer's memory: its weights at the report's precision and the activations it keeps. */
export interface LayerMemory {
  row: LayerRow;
  weightsBytes: number;
  activationBytes: number;
  totalBytes: number;
}

/** Bytes per parameter of the weights the report counts (precision, quantisation and LoRA included). */
function weightBytesPerParam(report: ModelReport): number {
  const total = report.params.total;
  const weights = report.options.mode === 'train' ? report.memory.train.weightsBytes : report.memory.inference.weightsBytes;
  return total > 0 ? weights / total : 0;
}

/** The leaf layers holding the most memory (weights + activations), largest first. */
export function topLayersByMemory(report: ModelReport, count = 3): LayerMemory[] {
  const perParam = weightBytesPerParam(report);
  return report.layers
    .filter((row) => row.depth > 0 && !row.hasChildren)
    .map((row) => {
      const weightsBytes = row.params * perParam;
      return { row, weightsBytes, activationBytes: row.activationBytes, totalBytes: weightsBytes + row.activationBytes };
    })
    .filter((m) => m.totalBytes > 0)
    .sort((a, b) => b.totalBytes - a.totalBytes || a.row.path.localeCompare(b.row.path))
    .slice(0, count);
}

function paramsLine(report: ModelReport): string {
  const p = report.params;
  const total = `**${formatCount(p.total)}** (${formatExact(p.total)})`;
  if (p.trainable === p.total) return `${total}, all trainable`;
  return `${total} · trainable ${formatCount(p.trainable)} (${formatExact(p.trainable)})`;
}

/** "batch 64, seq 256, bf16-mixed, AdamW": what the memory figures assume. */
function setupText(report: ModelReport): string {
  const o = report.options;
  const parts = [`batch ${o.batch}`];
  const seq = o.seq ?? report.input?.seq;
  if (seq) parts.push(`seq ${seq}`);
  parts.push(o.fineTuning === 'full' ? o.precision : `${o.fineTuning}, ${o.precision}`);
  parts.push(OPTIMIZER_NAMES[o.optimizer] ?? o.optimizer);
  if (o.gradientCheckpointing) parts.push('checkpointing');
  if (o.sharding !== 'none') parts.push(`${o.sharding} × ${o.gpuCount}`);
  return parts.join(', ');
}

function memoryLine(report: ModelReport): string {
  const train = formatBytes(report.memory.train.totalBytes);
  const infer = formatBytes(report.memory.inference.totalBytes);
  const training = report.options.mode === 'train';
  return `train ${training ? `**${train}**` : train} · inference ${training ? infer : `**${infer}**`} (${setupText(report)})`;
}

/** "✓ fits RTX 4090: needs 7.9 GB of 25.8 GB", with the change that would make it fit when one does. */
function fitLine(report: ModelReport): string {
  const fit = bestFit(report.fit);
  if (!fit) return 'no device to compare with';
  const verdict = verdictText(report.fit)!;
  const need = formatBytes(fit.requiredBytes);
  const has = formatBytes(fit.availableBytes);
  if (fit.verdict === 'fits') return `${verdict}: needs ${need} of ${has}`;
  const change = fit.recommendations.find((r) => r.fitsAlone);
  const detail = `needs ${need}, has ${has}`;
  return change ? `${verdict}: ${detail}; fits with ${escapeHoverMarkdown(change.title)} (→ ${formatBytes(change.requiredBytes)})` : `${verdict}: ${detail}`;
}

function layerName(row: LayerRow): string {
  return row.path === '' ? row.name : row.path;
}

/** "`fc1` Linear", "`relu` F.relu"; a layer named after its type reads "`relu`" alone. */
function layerLabel(row: LayerRow): string {
  return row.type === row.name ? code(layerName(row)) : `${code(layerName(row))} ${escapeHoverMarkdown(row.type)}`;
}

export interface ModelHoverOptions {
  /** Arguments for the Open Profiler Panel link (the model id); no link when undefined. */
  openPanelArgs?: unknown[];
  /** Arguments for the Check Fits link; no link when undefined. */
  checkFitsArgs?: unknown[];
}

/**
 * The hover card over a model's name, instantiation or builder function. Compact: the
 * hover widget is small, so one table of the headline numbers, the heaviest layers on
 * one line, and links to where the details are.
 */
export function modelHoverMarkdown(report: ModelReport, links: ModelHoverOptions = {}): string {
  const o = report.options;
  const lines: string[] = [];
  const title = `**${escapeHoverMarkdown(report.name)}** · ${FRAMEWORK_NAMES[report.framework] ?? report.framework} ${KIND_NAMES[report.kind] ?? report.kind}`;
  if (report.input) {
    // A hard line break (trailing backslash) keeps the input under the title without a gap.
    lines.push(`${title}\\`);
    lines.push(`Input ${report.input.shapes.map((s) => formatShape(s)).join(', ')} — ${escapeHoverMarkdown(report.input.description)}`);
  } else {
    lines.push(title);
  }
  lines.push('');
  lines.push('| | |');
  lines.push('|:--|:--|');
  lines.push(`| Parameters | ${paramsLine(report)} |`);
  const weights = o.mode === 'train' ? report.memory.train.weightsBytes : report.memory.inference.weightsBytes;
  lines.push(`| Weights | ${formatBytes(weights)} (${o.fineTuning === 'qlora' ? 'nf4' : o.precision}) |`);
  lines.push(`| Memory | ${memoryLine(report)} |`);
  lines.push(`| Forward | ${formatFlops(report.flops.forward)} = ${formatMacs(report.macs.forward)} (1 MAC = 2 FLOPs) |`);
  lines.push(`| Fit | ${fitLine(report)} |`);

  const top = topLayersByMemory(report);
  if (top.length > 0) {
    lines.push('');
    lines.push(`Largest layers (${o.mode === 'train' ? 'training' : 'inference'}): ${top.map((m) => `${layerLabel(m.row)} ${formatBytes(m.totalBytes)}`).join(' · ')}`);
  }

  const notes = report.findings.filter((f) => f.severity !== 'info');
  if (report.partial || notes.length > 0) {
    lines.push('');
    if (report.partial) lines.push('- ⚠ Partial: part of the model could not be evaluated; counts are a lower bound.');
    for (const f of notes.slice(0, 2)) lines.push(`- ${escapeHoverMarkdown(f.message)}`);
    if (notes.length > 2) lines.push(`- …and ${notes.length - 2} more in the panel`);
  }

  const actions: string[] = [];
  if (links.openPanelArgs) actions.push(`[Open Profiler Panel](${commandUri(OPEN_PANEL_COMMAND, links.openPanelArgs)})`);
  if (links.checkFitsArgs) actions.push(`[Check Fits](${commandUri(CHECK_FITS_COMMAND, links.checkFitsArgs)})`);
  if (actions.length > 0) {
    lines.push('');
    lines.push(actions.join(' · '));
  }
  return lines.join('\n');
}

/** Layer rows of `report` constructed on a line (1-based) of the analysed file, in tree order. */
export function layersOnLine(report: ModelReport, line: number): LayerRow[] {
  return report.layers.filter((row) => row.depth > 0 && row.line === line && row.file === undefined && !row.functional);
}

/**
 * The hover over a layer construction line: the layer's params, output shape and MACs.
 * `rows` are the layers built on that line (several when a loop builds them).
 */
export function layerHoverMarkdown(report: ModelReport, rows: readonly LayerRow[]): string {
  const first = rows[0];
  if (!first) return '';
  const lines: string[] = [];
  lines.push(`**${escapeHoverMarkdown(first.type)}** ${code(layerName(first))} in ${escapeHoverMarkdown(report.name)}`);
  lines.push('');
  lines.push('| | |');
  lines.push('|:--|:--|');
  lines.push(`| Parameters | **${formatCount(first.params)}** (${formatExact(first.params)})${first.trainable ? '' : ', frozen'} |`);
  if (first.buffers > 0) lines.push(`| Buffers | ${formatExact(first.buffers)} elements (not parameters) |`);
  // Keras prints the batch dimension as None (model.summary()); so do we for Keras layers.
  const keras = report.framework === 'keras';
  const shape = first.outputShape && first.outputShape.length > 0 ? first.outputShape.map((s) => formatShape(s, keras)).join(', ') : 'not traced';
  lines.push(`| Output | ${shape} |`);
  lines.push(`| Forward | ${formatMacs(first.macs)} = ${formatFlops(first.macs * 2)} at batch ${report.options.batch} |`);
  if (first.activationBytes > 0) lines.push(`| Activations | ${formatBytes(first.activationBytes)} kept for backward |`);
  if (rows.length > 1) {
    const params = rows.reduce((s, r) => s + r.params, 0);
    const macs = rows.reduce((s, r) => s + r.macs, 0);
    lines.push('');
    lines.push(
      `This line builds ${rows.length} layers (${code(layerName(first))} … ${code(layerName(rows[rows.length - 1]!))}): ${formatCount(params)} params (${formatExact(params)}) and ${formatMacs(macs)} together.`,
    );
  }
  if (first.note) {
    lines.push('');
    lines.push(`Note: ${escapeHoverMarkdown(first.note)}`);
  }
  return lines.join('\n');
}
