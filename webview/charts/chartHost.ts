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
    const full = { ...config, options: { ...config.options, animation: false as const, responsive: true, maintainAspectRatio: false } };
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
    const band = Math.round((style.subtitle ? 44 : 28) * scale);
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + band;
    const ctx = out.getContext('2d');
    if (!ctx) return undefined;
    ctx.fillStyle = style.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'top';
    ctx.font = `600 ${Math.round(14 * scale)}px ${style.font}`;
    ctx.fillText(style.title, Math.round(8 * scale), Math.round(6 * scale));
    if (style.subtitle) {
      ctx.globalAlpha = 0.75;
      ctx.font = `${Math.round(11 * scale)}px ${style.font}`;
      ctx.fillText(style.subtitle, Math.round(8 * scale), Math.round(26 * scale));
      ctx.globalAlpha = 1;
    }
    ctx.drawImage(src, 0, band);
    return out.toDataURL('image/png');
  }
}
