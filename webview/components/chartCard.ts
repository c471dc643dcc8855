/**
 * One chart with its toolbar (data table toggle, save as PNG), an accessible
 * description on the canvas, and the data table behind it (visually hidden until
 * toggled, always there for screen readers).
 */
import type { ChartConfiguration, ChartType } from 'chart.js';
import type { ChartId } from '../../src/shared/protocol';
import type { DataTable } from '../../src/shared/viewModel/dataTable';
import { ChartHost } from '../charts/chartHost';
import { button, h, icon, replaceChildren } from '../dom';

export interface ChartCardContent {
  config: ChartConfiguration<ChartType>;
  ariaLabel: string;
  table: DataTable;
  /** A line under the title: "batch 8 · bf16-mixed", off-scale devices. */
  subtitle?: string;
}

export class ChartCard {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly host: ChartHost;
  private readonly subtitle: HTMLElement;
  private readonly tableWrap: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly frame: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly save: HTMLButtonElement;
  private tableShown: boolean;

  constructor(
    readonly id: ChartId,
    private readonly title: string,
    iconName: string,
    opts: { tableShown: boolean; onSave: (id: ChartId) => void; onToggleTable: (id: ChartId, shown: boolean) => void },
  ) {
    this.tableShown = opts.tableShown;
    this.canvas = h('canvas', { id: `chart-${id}`, 'data-testid': `chart-${id}`, role: 'img', 'aria-describedby': `data-table-${id}` });
    this.host = new ChartHost(this.canvas);
    this.subtitle = h('div', { class: 'chart-subtitle muted' });
    this.empty = h('div', { class: 'chart-empty muted', hidden: true });
    this.frame = h('div', { class: `chart-frame chart-frame-${id}` }, this.canvas);
    this.tableWrap = h('div', { class: 'data-table-wrap', id: `data-table-${id}`, 'data-testid': `data-table-${id}` });
    this.toggle = button(
      { label: 'Data table', icon: 'table', iconOnly: true, class: 'toggle', 'aria-pressed': String(this.tableShown), 'data-testid': `table-toggle-${id}`, 'aria-controls': `data-table-${id}` },
      () => {
        this.tableShown = !this.tableShown;
        this.applyTableShown();
        opts.onToggleTable(id, this.tableShown);
      },
    );
    this.save = button({ label: `Save ${title} chart as PNG`, icon: 'device-camera', iconOnly: true, 'data-testid': `save-png-${id}` }, () => opts.onSave(id));
    const titleId = `chart-title-${id}`;
    this.el = h(
      'section',
      { class: 'chart-card', id: `card-${id}`, 'aria-labelledby': titleId },
      h('div', { class: 'chart-head' }, h('h3', { id: titleId }, icon(iconName), title), h('div', { class: 'spacer' }), this.toggle, this.save),
      this.subtitle,
      this.frame,
      this.empty,
      this.tableWrap,
    );
    this.applyTableShown();
  }

  private applyTableShown(): void {
    this.tableWrap.classList.toggle('visually-hidden', !this.tableShown);
    this.toggle.setAttribute('aria-pressed', String(this.tableShown));
    this.toggle.classList.toggle('pressed', this.tableShown);
  }

  render(content: ChartCardContent | undefined, emptyText: string): void {
    if (!content) {
      this.host.destroy();
      this.frame.hidden = true;
      this.empty.hidden = false;
      replaceChildren(this.empty, icon('info'), h('span', {}, emptyText));
      replaceChildren(this.tableWrap);
      this.subtitle.textContent = '';
      this.save.disabled = true;
      return;
    }
    this.frame.hidden = false;
    this.empty.hidden = true;
    this.save.disabled = false;
    this.canvas.setAttribute('aria-label', content.ariaLabel);
    this.subtitle.textContent = content.subtitle ?? '';
    this.host.render(content.config);
    replaceChildren(this.tableWrap, renderTable(content.table));
  }

  /** The chart as a PNG data URL in the theme's colours, or undefined when there is none. */
  toPng(theme: { background: string; foreground: string; fontFamily: string }, modelName: string): string | undefined {
    return this.host.toPng({
      background: theme.background,
      color: theme.foreground,
      font: theme.fontFamily,
      title: `${modelName}: ${this.title}`,
      subtitle: this.subtitle.textContent ?? undefined,
    });
  }
}

export function renderTable(table: DataTable): HTMLTableElement {
  return h(
    'table',
    { class: 'data-table' },
    h('caption', {}, table.caption),
    h('thead', {}, h('tr', {}, ...table.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...table.rows.map((r) => h('tr', {}, ...r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))),
  );
}
