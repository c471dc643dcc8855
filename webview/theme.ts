/**
 * Colours for the charts, read from the `--vscode-*` CSS variables VS Code sets on
 * the page, and a watch on theme changes (VS Code swaps the body class between
 * vscode-light, vscode-dark and vscode-high-contrast and rewrites the variables).
 */
import { PALETTE, type ChartColor } from '../src/shared/viewModel/palette';

export type ThemeClass = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function cssVar(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

/** The first of the variables that the theme defines. */
function firstVar(...names: string[]): string {
  for (const n of names) {
    const v = cssVar(n);
    if (v) return v;
  }
  return '';
}

export function themeClass(): ThemeClass {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export interface ChartTheme {
  kind: ThemeClass;
  highContrast: boolean;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  border: string;
  focus: string;
  fontFamily: string;
  fontSize: number;
  color(c: ChartColor): string;
}

/** A snapshot of the theme for drawing; take a new one after each theme change. */
export function readChartTheme(): ChartTheme {
  const kind = themeClass();
  const foreground = firstVar('--vscode-foreground', '--vscode-editor-foreground') || 'CanvasText';
  const cache = new Map<ChartColor, string>();
  return {
    kind,
    highContrast: kind === 'high-contrast' || kind === 'high-contrast-light',
    foreground,
    muted: firstVar('--vscode-descriptionForeground') || foreground,
    grid: firstVar('--vscode-charts-lines', '--vscode-panel-border', '--vscode-widget-border') || foreground,
    background: firstVar('--vscode-editor-background', '--vscode-panel-background') || 'Canvas',
    border: firstVar('--vscode-contrastBorder', '--vscode-panel-border') || foreground,
    focus: firstVar('--vscode-focusBorder') || foreground,
    fontFamily: firstVar('--vscode-font-family') || 'sans-serif',
    fontSize: parseFloat(firstVar('--vscode-font-size')) || 13,
    color(c) {
      let v = cache.get(c);
      if (v === undefined) {
        v = firstVar(PALETTE[c].cssVar, PALETTE[c].fallbackVar) || foreground;
        cache.set(c, v);
      }
      return v;
    },
  };
}

/**
 * Calls `onChange` (once per frame at most) when the body class or the variables
 * on the root element change. Returns a function that stops watching.
 */
export function watchTheme(onChange: () => void): () => void {
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange();
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

/** The colour with an alpha, for fills: works for #rgb, #rrggbb and rgb() values. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color);
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = h.split('').map((c) => c + c).join('');
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color);
  if (rgb) {
    const [r, g, b] = rgb[1].split(/[\s,/]+/).filter(Boolean);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}
