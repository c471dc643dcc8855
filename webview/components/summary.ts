/** The summary cards: params, weights, memory, FLOPs and MACs, checkpoint, time. */
import type { ModelReport } from '../../src/core/report';
import { pickTimeEstimate, summaryCards } from '../../src/shared/viewModel/summary';
import { h, icon, replaceChildren } from '../dom';

export class SummarySection {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly device: HTMLSelectElement;

  constructor(onDevice: (deviceId: string) => void) {
    this.grid = h('div', { class: 'cards', id: 'summary-cards' });
    this.device = h('select', { id: 'time-device', 'data-testid': 'time-device', class: 'compact' });
    this.device.addEventListener('change', () => onDevice(this.device.value));
    this.el = h(
      'section',
      { id: 'summary', class: 'section', 'aria-labelledby': 'summary-title' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'summary-title' }, icon('dashboard'), 'Summary'),
        h('div', { class: 'spacer' }),
        h('label', { for: 'time-device', class: 'inline-label' }, 'Time on'),
        this.device,
      ),
      this.grid,
    );
  }

  render(report: ModelReport, deviceId: string | undefined): void {
    const cards = summaryCards(report, { deviceId });
    replaceChildren(
      this.grid,
      ...cards.map((c) =>
        h(
          'div',
          { class: `card${c.tone ? ` tone-${c.tone}` : ''}`, 'data-testid': `summary-${c.id}`, title: c.title },
          h('div', { class: 'card-label' }, icon(c.icon), h('span', {}, c.label)),
          h('div', { class: 'card-value', 'data-testid': `summary-${c.id}-value`, 'data-exact': c.exact === undefined ? undefined : String(c.exact) }, c.value),
          h('div', { class: 'card-detail' }, c.detail),
        ),
      ),
    );
    const chosen = pickTimeEstimate(report, deviceId);
    replaceChildren(this.device, ...report.time.map((t) => h('option', { value: t.deviceId, selected: t.deviceId === chosen?.deviceId }, t.deviceName)));
    this.device.disabled = report.time.length < 2;
  }
}
