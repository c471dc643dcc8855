/** chart.js configuration of the what-if chart (memory against batch or sequence length). */
import type { ChartConfiguration } from 'chart.js';
import { formatBytes, formatBytesBoth, formatCount, formatExact } from '../../src/core/format';
import type { WhatIfModel } from '../../src/shared/viewModel/whatIf';
import type { ChartTheme } from '../theme';
import { axisStyle, legendStyle, referenceStyle, tooltipStyle } from './common';

export function whatIfChartConfig(model: WhatIfModel, theme: ChartTheme): ChartConfiguration<'line'> {
  const axis = axisStyle(theme);
  const selected = model.series.find((s) => s.selected) ?? model.series[0];
  const xs = selected.points.map((p) => p.x);
  const lineColors = new Map(model.lines.map((l) => [l.deviceId, theme.color(l.color)]));
  return {
    type: 'line',
    data: {
      datasets: model.series.map((s) => ({
        label: s.label,
        data: s.points.map((p) => ({ x: p.x, y: p.y })),
        borderColor: theme.color(s.color),
        backgroundColor: theme.color(s.color),
        borderWidth: s.selected ? 2.5 : 1.5,
        borderDash: s.selected ? [] : [5, 4],
        pointRadius: s.selected ? 3 : 2,
        pointHoverRadius: 5,
        tension: 0,
      })),
    },
    options: {
      parsing: false,
      scales: {
        x: {
          ...axis,
          type: model.logX ? 'logarithmic' : 'linear',
          title: { ...axis.title, display: true, text: model.xLabel },
          ticks: { ...axis.ticks, callback: (v) => formatCount(Number(v)) },
          // Ticks at the curve's own x values (batch 1, 2, 4, …) when there are few of them.
          afterBuildTicks: (scale) => {
            if (xs.length <= 16) scale.ticks = xs.map((value) => ({ value }));
          },
        },
        y: {
          ...axis,
          beginAtZero: true,
          max: model.yMax,
          ticks: { ...axis.ticks, callback: (v) => formatBytes(Number(v)) },
        },
      },
      plugins: {
        legend: legendStyle(theme),
        tooltip: {
          ...tooltipStyle(theme),
          callbacks: {
            title: (items) => (items[0] ? `${model.xLabel} ${formatExact(Number((items[0].raw as { x: number }).x))}` : ''),
            label: (ctx) => `${ctx.dataset.label}: ${formatBytesBoth(Number((ctx.raw as { y: number }).y))}`,
          },
        },
        referenceLines: {
          ...referenceStyle(theme),
          lines: [
            ...model.lines.map((l) => ({ value: l.bytes, axis: 'y' as const, label: l.label, color: theme.color(l.color), dash: l.dash })),
            ...(model.current
              ? [{ value: model.current.x, axis: 'x' as const, label: `now: ${formatExact(model.current.x)}`, color: theme.muted, dash: [3, 3], width: 1 }]
              : []),
          ],
          markers: model.markers
            .filter((m) => m.x > 0 && m.y !== undefined && !m.beyondRange && lineColors.has(m.deviceId))
            .map((m) => ({ x: m.x, y: m.y!, label: `max ${formatExact(m.x)}`, color: lineColors.get(m.deviceId) ?? theme.color(selected.color) })),
        },
      },
    },
  };
}
