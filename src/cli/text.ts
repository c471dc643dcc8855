/**
 * The terminal rendering of a report: a per-layer table like torchinfo's, with the
 * source line of each layer, then the estimates with every term named.
 */
import { formatBytes, formatCount, formatExact, formatFlops, formatMacs, formatShape, formatDuration } from '../core/format';
import type { FileReport, LayerRow, ModelReport } from '../core/report';

const RULE_WIDTH = 100;

function pad(s: string, width: number, right = false): string {
  if (s.length >= width) return s;
  return right ? ' '.repeat(width - s.length) + s : s + ' '.repeat(width - s.length);
}

function clip(s: string, width: number): string {
  return s.length <= width ? s : s.slice(0, width - 1) + '…';
}

/** Tree prefixes ("│ ├─") from the depth sequence of a depth-first row list. */
function treePrefixes(rows: LayerRow[]): string[] {
  const isLast = rows.map((row, i) => {
    for (let j = i + 1; j < rows.length; j++) {
      if (rows[j]!.depth < row.depth) return true;
      if (rows[j]!.depth === row.depth) return false;
    }
    return true;
  });
  const open: boolean[] = [];
  return rows.map((row, i) => {
    if (row.depth === 0) return '';
    let prefix = '';
    for (let d = 1; d < row.depth; d++) prefix += open[d] ? '│ ' : '  ';
    prefix += isLast[i] ? '└─' : '├─';
    open[row.depth] = !isLast[i];
    return prefix;
  });
}

function layerTable(report: ModelReport, maxDepth: number): string[] {
  const rows = report.layers.filter((r) => r.depth <= maxDepth);
  const prefixes = treePrefixes(rows);
  const keras = report.framework === 'keras';
  const out: string[] = [];
  const header = `${pad('Layer (type)', 44)}${pad('Line', 6, true)}  ${pad('Output shape', 22)}${pad('Params', 14, true)}${pad('MACs', 14, true)}`;
  out.push('='.repeat(RULE_WIDTH), header, '='.repeat(RULE_WIDTH));
  rows.forEach((r, i) => {
    const label = r.depth === 0 ? `${report.name} (${r.type})` : `${prefixes[i]}${r.name} (${r.type})`;
    const shape = r.outputShape && r.outputShape.length > 0 ? r.outputShape.map((s) => formatShape(s, keras)).join(' ') : '—';
    const line = r.line !== undefined ? String(r.line) : '';
    const flag = r.note ? ' !' : '';
    out.push(
      `${pad(clip(label, 43), 44)}${pad(line, 6, true)}  ${pad(clip(shape, 21), 22)}${pad(formatExact(r.params), 14, true)}${pad(r.macs > 0 ? formatMacs(r.macs) : '—', 14, true)}${flag}`,
    );
  });
  out.push('='.repeat(RULE_WIDTH));
  const hidden = report.layers.length - rows.length;
  if (hidden > 0) out.push(`(${hidden} deeper layers hidden; use --depth ${maxDepth + 1} or more to show them)`);
  return out;
}

function memoryLine(label: string, m: ModelReport['memory']['train']): string {
  const terms: Array<[string, number]> = [
    ['weights', m.weightsBytes],
    ['gradients', m.gradientsBytes],
    ['optimizer', m.optimizerBytes],
    ['master weights', m.masterWeightsBytes],
    ['activations', m.activationsBytes],
    ['KV cache', m.kvCacheBytes],
    ['overhead', m.overheadBytes],
    ['fragmentation', m.fragmentationBytes],
  ];
  const parts = terms.filter(([, v]) => v > 0).map(([k, v]) => `${k} ${formatBytes(v)}`);
  return `${label}: ${formatBytes(m.totalBytes)} = ${parts.join(' + ')}`;
}

/** The formats people choose between most; --json lists every one. */
const CHECKPOINT_FORMATS = ['fp32', 'bf16', 'int8', 'int4', 'nf4', 'gguf-q4_k', 'gguf-q8_0'];

const VERDICT_MARK = { fits: '✓', 'fits-with-changes': '~', 'does-not-fit': '✗' } as const;

export function renderModel(report: ModelReport, maxDepth: number): string {
  const o = report.options;
  const p = report.params;
  const out: string[] = [];
  out.push(`${report.name} — ${report.framework} ${report.kind}, line ${report.line}${report.partial ? ' (partial: see findings)' : ''}`);
  if (report.input) out.push(`Input ${report.input.shapes.map((s) => formatShape(s)).join(', ')} — ${report.input.description}`);
  out.push(...layerTable(report, maxDepth));
  out.push(
    `Params: ${formatExact(p.total)} total (${formatCount(p.total)}) · ${formatExact(p.trainable)} trainable · ${formatExact(p.nonTrainable)} non-trainable · ${formatExact(p.buffers)} buffer elements`,
  );
  out.push(
    `Compute: forward ${formatMacs(report.macs.forward)} = ${formatFlops(report.flops.forward)} at batch ${o.batch} · training step ${formatFlops(report.flops.trainStep)} (1 MAC = 2 FLOPs)`,
  );
  const workload = `${o.precision}${o.gradientCheckpointing ? ', checkpointing' : ''}, batch ${o.batch}`;
  out.push(memoryLine(`Memory, training (${workload}, ${o.optimizer})`, report.memory.train));
  out.push(memoryLine(`Memory, inference (${workload})`, report.memory.inference));
  const ckpt = report.storage.checkpointBytes;
  const shown = CHECKPOINT_FORMATS.filter((f) => ckpt[f] !== undefined).map((f) => `${f} ${formatBytes(ckpt[f]!)}`);
  out.push(`Checkpoint: ${shown.join(' · ')} · training checkpoint ${formatBytes(report.storage.trainingCheckpointBytes)} (all formats: --json)`);
  const disk = report.storage.explain['freeDiskBytes'];
  if (disk) out.push(`Disk: ${disk}`);
  for (const t of report.time) {
    const parts: string[] = [];
    if (t.trainStepSeconds !== undefined) parts.push(`train step ${formatDuration(t.trainStepSeconds)}`);
    if (t.inferenceSeconds !== undefined) parts.push(`forward ${formatDuration(t.inferenceSeconds)}`);
    if (t.tokensPerSecond !== undefined) parts.push(`${Math.round(t.tokensPerSecond).toLocaleString('en-US')} tokens/s decode`);
    if (parts.length) out.push(`Time on ${t.deviceName}: ${parts.join(' · ')} (${t.bound}-bound, ${Math.round(t.utilization * 100)}% utilisation)`);
  }
  if (report.fit.length > 0) {
    out.push(`Fit (${o.mode === 'train' ? 'training' : 'inference'}):`);
    for (const f of report.fit) out.push(`  ${VERDICT_MARK[f.verdict]} ${f.reason}`);
  }
  if (report.findings.length > 0) {
    out.push('Findings:');
    for (const f of report.findings) out.push(`  ${f.severity}${f.range ? ` line ${f.range.start.line + 1}` : ''}: ${f.message}`);
  }
  return out.join('\n');
}

export function renderFile(report: FileReport, maxDepth: number): string {
  const out: string[] = [];
  if (report.models.length === 0) out.push(`No models found in ${report.file}.`);
  for (const m of report.models) out.push(renderModel(m, maxDepth), '');
  if (report.findings.length > 0) {
    out.push('File findings:');
    for (const f of report.findings) out.push(`  ${f.severity}${f.range ? ` line ${f.range.start.line + 1}` : ''}: ${f.message}`);
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
