/** chart.js configuration of the precision/format chart (horizontal bars per format). */
import type { ChartConfiguration } from 'chart.js';
import { formatBytes, formatBytesBoth } from '../../src/core/format';
import type { FormatChartModel } from '../../src/shared/viewModel/formats';
import type { ChartColor } from '../../src/shared/viewModel/palette';
import { withAlpha, type ChartTheme } from '../theme';
import { axisStyle, referenceStyle, tooltipStyle } from './common';

/** Bars coloured by family: floating point, integer/NormalFloat, GGUF. */
function familyColor(key: string): ChartColor {
  if (key.startsWith('gguf')) return 'orange';
  if (key.startsWith('int') || key === 'nf4') return 'purple';
  return 'blue';
}

export function formatChartConfig(model: FormatChartModel, theme: ChartTheme): ChartConfiguration<'bar'> {
  const axis = axisStyle(theme);
  const peak = Math.max(...model.bars.map((b) => b.bytes), model.trainingCheckpointBytes ?? 0);
  return {
    type: 'bar',
    data: {
      labels: model.bars.map((b) => (b.current ? `${b.label} ●` : b.label)),
      datasets: [
        {
          label: 'Weights-only checkpoint',
          data: model.bars.map((b) => b.bytes),
          backgroundColor: model.bars.map((b) => {
            const c = theme.color(familyColor(b.key));
            return b.current || theme.highContrast ? c : withAlpha(c, 0.7);
          }),
          borderColor: model.bars.map((b) => (b.current ? theme.foreground : theme.color(familyColor(b.key)))),
          borderWidth: model.bars.map((b) => (b.current ? 2 : theme.highContrast ? 1 : 0)),
          barPercentage: 0.8,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: {
          ...axis,
          beginAtZero: true,
          max: peak * 1.12,
          ticks: { ...axis.ticks, maxRotation: 0, autoSkipPadding: 12, callback: (v) => formatBytes(Number(v)) },
        },
        y: { ...axis, grid: { display: false }, ticks: { ...axis.ticks, color: theme.foreground, autoSkip: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipStyle(theme),
          callbacks: {
            label: (ctx) => {
              const bar = model.bars[ctx.dataIndex];
              const bits = bar?.bitsPerParam === undefined ? '' : ` · ${bar.bitsPerParam.toFixed(2)} bits/param`;
              return `${formatBytesBoth(Number(ctx.raw))}${bits}`;
            },
          },
        },
        referenceLines: {
          ...referenceStyle(theme),
          lines: model.trainingCheckpointBytes
            ? [{ value: model.trainingCheckpointBytes, axis: 'x' as const, label: `training checkpoint ${formatBytes(model.trainingCheckpointBytes)}`, color: theme.color('red'), dash: [6, 3] }]
            : [],
          markers: [],
        },
      },
    },
  };
}
