/**
 * A chart.js plugin that draws reference lines (device capacities, the training
 * checkpoint, the current batch) across the plot area with a label, and point
 * markers ("largest batch that fits") on top of the datasets.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';

export interface ReferenceLine {
  /** Data value on `axis`. */
  value: number;
  /** 'y': a horizontal line at y = value; 'x': a vertical line at x = value. */
  axis: 'x' | 'y';
  label: string;
  color: string;
  dash: number[];
  width?: number;
}

export interface PointMarker {
  x: number;
  y: number;
  label: string;
  color: string;
}

export interface ReferenceLinesOptions {
  lines: ReferenceLine[];
  markers: PointMarker[];
  /** Label text and its backdrop. */
  font: string;
  textColor: string;
  background: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    referenceLines?: Partial<ReferenceLinesOptions>;
  }
}

const LABEL_PAD = 3;
const LABEL_HEIGHT = 14;

function drawLabel(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, align: CanvasTextAlign, opts: ReferenceLinesOptions, color: string) {
  ctx.font = opts.font;
  const w = ctx.measureText(text).width;
  const left = align === 'right' ? x - w : align === 'center' ? x - w / 2 : x;
  ctx.fillStyle = opts.background;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(left - LABEL_PAD, y - LABEL_HEIGHT + 2, w + 2 * LABEL_PAD, LABEL_HEIGHT);
  ctx.globalAlpha = 1;
  ctx.fillStyle = color;
  ctx.textAlign = align;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(text, x, y - 2);
}

export const referenceLinesPlugin: Plugin<ChartType, Partial<ReferenceLinesOptions>> = {
  id: 'referenceLines',
  afterDatasetsDraw(chart: Chart, _args, raw) {
    const opts = { lines: [], markers: [], font: '11px sans-serif', textColor: 'black', background: 'white', ...raw } as ReferenceLinesOptions;
    const { ctx, chartArea } = chart;
    const xScale = chart.scales.x;
    const yScale = chart.scales.y;
    if (!xScale || !yScale) return;
    ctx.save();
    // Horizontal lines: labels right-aligned above the line; nudge labels that would overlap.
    const taken: number[] = [];
    const horizontal = opts.lines.filter((l) => l.axis === 'y').sort((a, b) => a.value - b.value);
    for (const line of horizontal) {
      const y = yScale.getPixelForValue(line.value);
      if (!Number.isFinite(y) || y < chartArea.top - 1 || y > chartArea.bottom + 1) continue;
      ctx.strokeStyle = line.color;
      ctx.lineWidth = line.width ?? 1.5;
      ctx.setLineDash(line.dash);
      ctx.beginPath();
      ctx.moveTo(chartArea.left, y);
      ctx.lineTo(chartArea.right, y);
      ctx.stroke();
      let labelY = y;
      while (taken.some((t) => Math.abs(t - labelY) < LABEL_HEIGHT)) labelY -= LABEL_HEIGHT;
      if (labelY - LABEL_HEIGHT < chartArea.top) labelY = y + LABEL_HEIGHT;
      taken.push(labelY);
      ctx.setLineDash([]);
      drawLabel(ctx, line.label, chartArea.right - 4, labelY, 'right', opts, line.color);
    }
    for (const line of opts.lines.filter((l) => l.axis === 'x')) {
      const x = xScale.getPixelForValue(line.value);
      if (!Number.isFinite(x) || x < chartArea.left - 1 || x > chartArea.right + 1) continue;
      ctx.strokeStyle = line.color;
      ctx.lineWidth = line.width ?? 1.5;
      ctx.setLineDash(line.dash);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      // Vertical-line labels sit at the bottom: horizontal-line labels own the top right.
      const nearRight = x > chartArea.right - 120;
      drawLabel(ctx, line.label, nearRight ? x - 4 : x + 4, chartArea.bottom - 4, nearRight ? 'right' : 'left', opts, line.color);
    }
    for (const m of opts.markers) {
      const x = xScale.getPixelForValue(m.x);
      const y = yScale.getPixelForValue(m.y);
      if (![x, y].every(Number.isFinite) || x < chartArea.left - 1 || x > chartArea.right + 1) continue;
      ctx.setLineDash([]);
      ctx.fillStyle = opts.background;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, 5, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      // Tick down to the axis so the value can be read off it.
      ctx.setLineDash([2, 2]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, y + 5);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      // Below the point: a marker sits on a capacity line, whose label is above it.
      const alignRight = x > chartArea.right - 100;
      drawLabel(ctx, m.label, alignRight ? x - 8 : x + 8, Math.min(chartArea.bottom - 4, y + LABEL_HEIGHT + 4), alignRight ? 'right' : 'left', opts, m.color);
    }
    ctx.restore();
  },
};
