/** The three charts: memory by term, what-if curve, checkpoint size by format. */
import type { DeviceSpec } from '../../src/core/hardware/types';
import type { ModelReport } from '../../src/core/report';
import { formatBytes, formatExact } from '../../src/core/format';
import type { ChartId, WhatIfCurve } from '../../src/shared/protocol';
import { formatChartModel } from '../../src/shared/viewModel/formats';
import { memoryChartModel } from '../../src/shared/viewModel/memoryChart';
import { whatIfFitText, whatIfModel } from '../../src/shared/viewModel/whatIf';
import type { CapacityLine } from '../../src/shared/viewModel/capacity';
import { formatChartConfig } from '../charts/formatChart';
import { memoryChartConfig } from '../charts/memoryChart';
import { whatIfChartConfig } from '../charts/whatIfChart';
import { h } from '../dom';
import type { ChartTheme } from '../theme';
import { ChartCard } from './chartCard';

function offScaleText(lines: CapacityLine[]): string {
  return lines.length === 0 ? '' : `Above the scale: ${lines.map((l) => l.label).join(', ')}`;
}

export class ChartsSection {
  readonly el: HTMLElement;
  readonly cards: Record<ChartId, ChartCard>;

  constructor(opts: { shownTables: readonly ChartId[]; onSave: (id: ChartId) => void; onToggleTable: (id: ChartId, shown: boolean) => void }) {
    const card = (id: ChartId, title: string, iconName: string) =>
      new ChartCard(id, title, iconName, { tableShown: opts.shownTables.includes(id), onSave: opts.onSave, onToggleTable: opts.onToggleTable });
    this.cards = {
      memory: card('memory', 'Memory', 'graph'),
      whatif: card('whatif', 'What if', 'graph-line'),
      formats: card('formats', 'Precision and format', 'file-binary'),
    };
    this.el = h(
      'section',
      { id: 'charts', class: 'section charts', 'aria-label': 'Charts' },
      this.cards.memory.el,
      this.cards.whatif.el,
      this.cards.formats.el,
    );
  }

  render(report: ModelReport, curve: WhatIfCurve | undefined, devices: readonly DeviceSpec[], theme: ChartTheme): void {
    const o = report.options;
    const setup = `batch ${formatExact(o.batch)}${o.seq ? ` × ${formatExact(o.seq)}` : ''} · ${o.precision} · ${o.mode === 'train' ? o.optimizer : 'inference'}`;

    const memory = memoryChartModel({ memory: report.memory, fit: report.fit, mode: o.mode }, devices);
    this.cards.memory.render(
      {
        config: memoryChartConfig(memory, theme),
        ariaLabel: memory.ariaLabel,
        table: memory.table,
        subtitle: [setup, offScaleText(memory.offScaleLines)].filter(Boolean).join(' · '),
      },
      'No memory estimate.',
    );

    const whatIf = whatIfModel(curve, { mode: o.mode, fit: report.fit, batch: o.batch, seq: o.seq }, devices);
    this.cards.whatif.render(
      whatIf && {
        config: whatIfChartConfig(whatIf, theme),
        ariaLabel: whatIf.ariaLabel,
        table: whatIf.table,
        subtitle: [whatIfFitText(whatIf), offScaleText(whatIf.offScaleLines)].filter(Boolean).join(' · '),
      },
      curve ? 'The what-if curve has no points to draw.' : 'No what-if curve for this model.',
    );

    const formats = formatChartModel(report);
    this.cards.formats.render(
      formats && {
        config: formatChartConfig(formats, theme),
        ariaLabel: formats.ariaLabel,
        table: formats.table,
        subtitle: formats.freeDiskBytes ? `${formatBytes(formats.freeDiskBytes)} free on disk · ● current precision` : '● current precision',
      },
      'No storage estimate.',
    );
  }
}
