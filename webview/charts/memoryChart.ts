/** chart.js configuration of the memory chart (stacked bars per mode, capacity lines). */
import type { ChartConfiguration } from 'chart.js';
import { formatBytes, formatBytesBoth } from '../../src/core/format';
import type { MemoryChartModel } from '../../src/shared/viewModel/memoryChart';
import { withAlpha, type ChartTheme } from '../theme';
import { axisStyle, legendStyle, referenceStyle, tooltipStyle } from './common';

export function memoryChartConfig(model: MemoryChartModel, theme: ChartTheme): ChartConfiguration<'bar'> {
  const axis = axisStyle(theme);
  return {
    type: 'bar',
    data: {
      labels: model.categories.map((c) => (c.selected ? `${c.label} (selected)` : c.label)),
      datasets: model.datasets.map((d) => ({
        label: d.label,
        data: [...d.values],
        backgroundColor: withAlpha(theme.color(d.color), theme.highContrast ? 0.6 * d.opacity : d.opacity),
        borderColor: theme.highContrast ? theme.color(d.color) : theme.background,
        borderWidth: theme.highContrast ? 2 : 1,
        stack: 'memory',
        maxBarThickness: 120,
      })),
    },
    options: {
      scales: {
        x: { ...axis, stacked: true, grid: { display: false }, ticks: { ...axis.ticks, color: theme.foreground } },
        y: {
          ...axis,
          stacked: true,
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
            label: (ctx) => `${ctx.dataset.label}: ${formatBytesBoth(Number(ctx.raw))}`,
            footer: (items) => {
              const item = items[0];
              if (!item) return '';
              const explain = model.datasets[item.datasetIndex]?.explain[item.dataIndex];
              const total = model.categories[item.dataIndex]?.total ?? 0;
              return [explain ?? '', `Total: ${formatBytesBoth(total)}`].filter(Boolean);
            },
          },
        },
        referenceLines: {
          ...referenceStyle(theme),
          lines: model.lines.map((l) => ({ value: l.bytes, axis: 'y' as const, label: l.label, color: theme.color(l.color), dash: l.dash })),
          markers: [],
        },
      },
    },
  };
}
