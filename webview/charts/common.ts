/** Axis, legend and tooltip settings shared by the panel's charts, from the theme. */
import type { ChartTheme } from '../theme';

export function fontOf(theme: ChartTheme, scale = 0.92): { family: string; size: number } {
  return { family: theme.fontFamily, size: Math.round(theme.fontSize * scale) };
}

export function axisStyle(theme: ChartTheme) {
  return {
    ticks: { color: theme.muted, font: fontOf(theme) },
    grid: { color: theme.grid, lineWidth: theme.highContrast ? 1 : 0.5 },
    border: { color: theme.grid },
    title: { color: theme.muted, font: fontOf(theme) },
  };
}

export function legendStyle(theme: ChartTheme) {
  return {
    position: 'bottom' as const,
    labels: { color: theme.foreground, font: fontOf(theme), boxWidth: 12, boxHeight: 12, padding: 10 },
  };
}

export function tooltipStyle(theme: ChartTheme) {
  return {
    backgroundColor: theme.background,
    titleColor: theme.foreground,
    bodyColor: theme.foreground,
    footerColor: theme.muted,
    borderColor: theme.border,
    borderWidth: 1,
    titleFont: fontOf(theme, 1),
    bodyFont: fontOf(theme),
    footerFont: fontOf(theme, 0.85),
  };
}

export function referenceStyle(theme: ChartTheme) {
  return {
    font: `${Math.round(theme.fontSize * 0.85)}px ${theme.fontFamily}`,
    textColor: theme.foreground,
    background: theme.background,
  };
}
