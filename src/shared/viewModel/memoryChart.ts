/**
 * The memory chart: a stacked bar per mode (training, inference), one segment per
 * memory term, against the capacity lines of each device.
 */
import type { MemoryEstimate } from '../../core/estimate/types';
import type { FitResult } from '../../core/estimate/types';
import type { DeviceSpec } from '../../core/hardware/types';
import type { Mode } from '../../core/options';
import { formatBytes, formatBytesBoth } from '../../core/format';
import { capacityLines, scaleForLines, type CapacityLine } from './capacity';
import type { DataTable } from './dataTable';
import { MEMORY_TERMS, termBytes, type MemoryTermKey } from './memoryTerms';
import type { ChartColor } from './palette';

export interface MemoryCategory {
  id: Mode;
  label: string;
  total: number;
  selected: boolean;
}

export interface MemoryDataset {
  key: MemoryTermKey;
  label: string;
  color: ChartColor;
  opacity: number;
  /** Bytes for [training, inference]. */
  values: [number, number];
  /** The engine's one-line explanation per category, for tooltips. */
  explain: [string | undefined, string | undefined];
}

export interface MemoryChartModel {
  categories: [MemoryCategory, MemoryCategory];
  /** Terms that are non-zero in at least one mode, in MEMORY_TERMS order (bottom to top). */
  datasets: MemoryDataset[];
  lines: CapacityLine[];
  offScaleLines: CapacityLine[];
  yMax: number;
  ariaLabel: string;
  table: DataTable;
}

export interface MemoryChartInput {
  memory: MemoryEstimate;
  fit: FitResult[];
  mode: Mode;
}

export function memoryChartModel(report: MemoryChartInput, devices: readonly DeviceSpec[]): MemoryChartModel {
  const { train, inference } = report.memory;
  const datasets: MemoryDataset[] = [];
  for (const term of MEMORY_TERMS) {
    const values: [number, number] = [termBytes(train, term.key), termBytes(inference, term.key)];
    if (values[0] === 0 && values[1] === 0) continue;
    datasets.push({
      key: term.key,
      label: term.label,
      color: term.color,
      opacity: term.opacity ?? 1,
      values,
      explain: [train.explain?.[term.key], inference.explain?.[term.key]],
    });
  }
  // Totals are the sum of the drawn segments, so the bar top and the label agree.
  const totals = [0, 1].map((i) => datasets.reduce((a, d) => a + d.values[i], 0)) as [number, number];
  const categories: [MemoryCategory, MemoryCategory] = [
    { id: 'train', label: 'Training', total: totals[0], selected: report.mode === 'train' },
    { id: 'infer', label: 'Inference', total: totals[1], selected: report.mode === 'infer' },
  ];
  const allLines = capacityLines(devices, report.fit);
  const scale = scaleForLines(Math.max(...totals), allLines);
  return {
    categories,
    datasets,
    lines: scale.visible,
    offScaleLines: scale.offScale,
    yMax: scale.max,
    ariaLabel: memoryAriaLabel(categories, allLines),
    table: memoryTable(categories, datasets, allLines),
  };
}

function memoryAriaLabel(categories: MemoryCategory[], lines: CapacityLine[]): string {
  const parts = categories.map((c) => `${c.label} needs ${formatBytes(c.total)}`);
  const selected = categories.find((c) => c.selected) ?? categories[0];
  const over = lines.filter((l) => l.bytes < selected.total).map((l) => l.name);
  const under = lines.filter((l) => l.bytes >= selected.total).map((l) => l.name);
  if (over.length > 0) parts.push(`${selected.label.toLowerCase()} exceeds ${over.join(', ')}`);
  if (under.length > 0) parts.push(`fits ${under.join(', ')}`);
  return `Memory chart. ${parts.join('; ')}.`;
}

function memoryTable(categories: MemoryCategory[], datasets: MemoryDataset[], lines: CapacityLine[]): DataTable {
  const rows = datasets.map((d) => [d.label, formatBytesBoth(d.values[0]), formatBytesBoth(d.values[1])]);
  rows.push(['Total', formatBytesBoth(categories[0].total), formatBytesBoth(categories[1].total)]);
  for (const l of lines) {
    const fits = (total: number) => (total <= l.bytes ? 'fits' : 'does not fit');
    rows.push([`Capacity: ${l.label}`, fits(categories[0].total), fits(categories[1].total)]);
  }
  return { caption: 'Memory by term (bytes) and capacity per device', columns: ['Term', 'Training', 'Inference'], rows };
}
