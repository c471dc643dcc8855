/**
 * The what-if chart: memory against batch size (or sequence length), from curve
 * points the engine computed on the host, with the capacity lines and, per device,
 * the largest value that still fits.
 */
import type { FitResult } from '../../core/estimate/types';
import type { DeviceSpec } from '../../core/hardware/types';
import type { Mode } from '../../core/options';
import { formatBytes, formatBytesBoth, formatExact } from '../../core/format';
import type { CurveAxis, CurvePoint, WhatIfCurve } from '../protocol';
import { capacityLines, scaleForLines, type CapacityLine } from './capacity';
import type { DataTable } from './dataTable';
import type { ChartColor } from './palette';

export interface XY {
  x: number;
  y: number;
}

export interface WhatIfSeries {
  id: Mode;
  label: string;
  color: ChartColor;
  points: XY[];
  selected: boolean;
}

/** The largest x that fits a device, for the selected mode. */
export interface FitMarker {
  deviceId: string;
  name: string;
  /** 0 when not even the smallest x fits. */
  x: number;
  /** Memory at x on the selected curve (undefined when x is 0). */
  y?: number;
  /** True when every point of the curve fits: the largest fitting value lies beyond it. */
  beyondRange: boolean;
  /** Where x comes from: the engine's fit result, or the curve itself. */
  source: 'fit' | 'curve';
}

export interface WhatIfModel {
  axis: CurveAxis;
  xLabel: string;
  /** Log scale when the points span a factor of 16 or more (batch 1..1024). */
  logX: boolean;
  series: [WhatIfSeries, WhatIfSeries];
  lines: CapacityLine[];
  offScaleLines: CapacityLine[];
  markers: FitMarker[];
  /** The current batch / sequence length, when known. */
  current?: XY;
  yMax: number;
  ariaLabel: string;
  table: DataTable;
}

const AXIS_LABELS: Record<CurveAxis, { label: string; noun: string }> = {
  batch: { label: 'Batch size', noun: 'batch' },
  seq: { label: 'Sequence length', noun: 'sequence length' },
};

/** Curve points that are finite and positive, sorted by x, one per x. */
export function cleanPoints(points: readonly CurvePoint[]): CurvePoint[] {
  const ok = points.filter(
    (p) =>
      p &&
      [p.x, p.trainBytes, p.inferBytes].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) &&
      p.x > 0,
  );
  ok.sort((a, b) => a.x - b.x);
  return ok.filter((p, i) => i === 0 || p.x !== ok[i - 1].x);
}

/** y at x by linear interpolation between neighbouring points (clamped to the ends). */
export function interpolate(points: readonly XY[], x: number): number | undefined {
  if (points.length === 0) return undefined;
  if (x <= points[0].x) return points[0].y;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (x <= b.x) return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  }
  return points[points.length - 1].y;
}

/**
 * The largest integer x whose memory is within `capacity`, reading the curve as
 * piecewise linear. 0 when the first point already exceeds it.
 */
export function largestFitting(points: readonly XY[], capacity: number): { x: number; beyondRange: boolean } {
  if (points.length === 0 || points[0].y > capacity) return { x: 0, beyondRange: false };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (b.y > capacity) {
      // The crossing lies between a and b; memory grows with x on this segment.
      const x = a.x + ((capacity - a.y) * (b.x - a.x)) / (b.y - a.y);
      return { x: Math.max(a.x, Math.floor(x)), beyondRange: false };
    }
  }
  return { x: points[points.length - 1].x, beyondRange: true };
}

export interface WhatIfInput {
  mode: Mode;
  fit: FitResult[];
  /** The current batch and sequence length of the report. */
  batch: number;
  seq?: number;
}

export function whatIfModel(
  curve: WhatIfCurve | undefined,
  report: WhatIfInput,
  devices: readonly DeviceSpec[],
): WhatIfModel | undefined {
  if (!curve) return undefined;
  const points = cleanPoints(curve.points);
  if (points.length === 0) return undefined;
  const axis = curve.axis;
  const series: [WhatIfSeries, WhatIfSeries] = [
    { id: 'train', label: 'Training', color: 'blue', points: points.map((p) => ({ x: p.x, y: p.trainBytes })), selected: report.mode === 'train' },
    { id: 'infer', label: 'Inference', color: 'green', points: points.map((p) => ({ x: p.x, y: p.inferBytes })), selected: report.mode === 'infer' },
  ];
  const selected = series[0].selected ? series[0] : series[1];
  const allLines = capacityLines(devices, report.fit);
  const fitById = new Map(report.fit.map((f) => [f.deviceId, f]));

  const markers: FitMarker[] = allLines.map((line) => {
    const fit = fitById.get(line.deviceId);
    const engineX = fit ? (axis === 'batch' ? fit.maxBatch : fit.maxSeq) : undefined;
    if (typeof engineX === 'number' && Number.isFinite(engineX) && engineX >= 0) {
      const x = Math.floor(engineX);
      const last = selected.points[selected.points.length - 1].x;
      return { deviceId: line.deviceId, name: line.name, x, y: x > 0 ? interpolate(selected.points, x) : undefined, beyondRange: x > last, source: 'fit' };
    }
    const found = largestFitting(selected.points, line.bytes);
    return {
      deviceId: line.deviceId,
      name: line.name,
      x: found.x,
      y: found.x > 0 ? interpolate(selected.points, found.x) : undefined,
      beyondRange: found.beyondRange,
      source: 'curve',
    };
  });

  const currentX = axis === 'batch' ? report.batch : report.seq;
  const current =
    typeof currentX === 'number' && currentX > 0 ? { x: currentX, y: interpolate(selected.points, currentX) ?? 0 } : undefined;

  const peak = Math.max(...series.flatMap((s) => s.points.map((p) => p.y)));
  // The curve's interesting part is low down, where it crosses the smaller devices:
  // a distant ceiling is left off sooner than on the memory chart.
  const scale = scaleForLines(peak, allLines, 2);
  const xs = points.map((p) => p.x);
  return {
    axis,
    xLabel: AXIS_LABELS[axis].label,
    logX: xs[xs.length - 1] / xs[0] >= 16,
    series,
    lines: scale.visible,
    offScaleLines: scale.offScale,
    markers,
    current,
    yMax: scale.max,
    ariaLabel: whatIfAriaLabel(axis, selected, markers),
    table: whatIfTable(axis, points, markers),
  };
}

function markerText(m: FitMarker, noun: string): string {
  if (m.x === 0) return `does not fit at any ${noun}`;
  return m.beyondRange ? `fits at least ${formatExact(m.x)}` : `largest ${noun} that fits: ${formatExact(m.x)}`;
}

/** The chart's subtitle: "largest batch that fits: RTX 4090 24 · RAM 653", or that none does. */
export function whatIfFitText(model: Pick<WhatIfModel, 'axis' | 'markers'>): string {
  const { noun } = AXIS_LABELS[model.axis];
  if (model.markers.length === 0) return '';
  const fitting = model.markers.filter((m) => m.x > 0);
  if (fitting.length === 0) return `no device fits at any ${noun}`;
  return `largest ${noun} that fits: ${fitting.map((m) => `${m.name} ${m.beyondRange ? '≥ ' : ''}${formatExact(m.x)}`).join(' · ')}`;
}

function whatIfAriaLabel(axis: CurveAxis, selected: WhatIfSeries, markers: FitMarker[]): string {
  const { noun } = AXIS_LABELS[axis];
  const first = selected.points[0];
  const last = selected.points[selected.points.length - 1];
  const range = `${selected.label} memory grows from ${formatBytes(first.y)} at ${noun} ${formatExact(first.x)} to ${formatBytes(last.y)} at ${formatExact(last.x)}`;
  const fits = markers.map((m) => `${m.name}: ${markerText(m, noun)}`);
  return `What-if chart. ${[range, ...fits].join('; ')}.`;
}

function whatIfTable(axis: CurveAxis, points: CurvePoint[], markers: FitMarker[]): DataTable {
  const { label, noun } = AXIS_LABELS[axis];
  const rows = points.map((p) => [formatExact(p.x), formatBytesBoth(p.trainBytes), formatBytesBoth(p.inferBytes)]);
  for (const m of markers) rows.push([`${m.name}`, markerText(m, noun), '']);
  return { caption: `Memory against ${noun}, and the largest ${noun} that fits each device`, columns: [label, 'Training', 'Inference'], rows };
}
