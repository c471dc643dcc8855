/**
 * Owns one chart.js instance on a canvas: creates it on first render, updates it in
 * place afterwards (no animation, so screenshots and tests see the final frame).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import { referenceLinesPlugin } from './referenceLines';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
  referenceLinesPlugin,
);

export class ChartHost {
  private chart: Chart | undefined;

  constructor(readonly canvas: HTMLCanvasElement) {}

  render(config: ChartConfiguration<ChartType>): void {
    // At least 2 device pixels per CSS pixel: crisp on any screen, and saved PNGs stay legible.
    const devicePixelRatio = Math.max(2, window.devicePixelRatio || 1);
    const full = {
      ...config,
      options: { ...config.options, animation: false as const, responsive: true, maintainAspectRatio: false, devicePixelRatio },
    };
    if (this.chart && (this.chart.config as { type?: string }).type === config.type) {
      this.chart.data = full.data;
      this.chart.options = full.options;
      this.chart.update('none');
      return;
    }
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, full);
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  get hasChart(): boolean {
    return this.chart !== undefined;
  }

  /**
   * The chart as a PNG data URL on the theme's background (a bare canvas is
   * transparent, which reads badly once saved), with its title above it.
   */
  toPng(style: { background: string; color: string; font: string; title: string; subtitle?: string }): string | undefined {
    if (!this.chart) return undefined;
    const src = this.canvas;
    const scale = src.width / Math.max(1, src.clientWidth || src.width);
    const pad = Math.round(8 * scale);
    const measure = document.createElement('canvas').getContext('2d');
    if (!measure) return undefined;
    const titleFont = `600 ${Math.round(14 * scale)}px ${style.font}`;
    const subFont = `${Math.round(11 * scale)}px ${style.font}`;
    measure.font = subFont;
    const lines = style.subtitle ? wrap(measure, style.subtitle, src.width - 2 * pad) : [];
    const lineHeight = Math.round(15 * scale);
    const band = Math.round(28 * scale) + lines.length * lineHeight;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + band;
    const ctx = out.getContext('2d');
    if (!ctx) return undefined;
    ctx.fillStyle = style.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'top';
    ctx.font = titleFont;
    ctx.fillText(style.title, pad, Math.round(6 * scale));
    ctx.font = subFont;
    ctx.globalAlpha = 0.75;
    lines.forEach((line, i) => ctx.fillText(line, pad, Math.round(26 * scale) + i * lineHeight));
    ctx.globalAlpha = 1;
    ctx.drawImage(src, 0, band);
    return out.toDataURL('image/png');
  }
}

/** Greedy word wrap to a pixel width. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
