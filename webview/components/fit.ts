/** Fit verdicts per device, with ranked recommendations and their "Apply" buttons. */
import type { ModelReport } from '../../src/core/report';
import type { DeviceSpec, HardwareProfile } from '../../src/core/hardware/types';
import { formatBytes } from '../../src/core/format';
import { fitCards, usageTitle } from '../../src/shared/viewModel/fitView';
import { CAPACITY_ROLES } from '../../src/shared/viewModel/capacity';
import { button, h, icon, replaceChildren, srOnly } from '../dom';

export class FitSection {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly machine: HTMLElement;

  constructor(private readonly onApply: (deviceId: string, recommendationId: string) => void) {
    this.list = h('div', { class: 'fit-list' });
    this.machine = h('div', { class: 'muted machine', 'data-testid': 'machine' });
    this.el = h(
      'section',
      { id: 'fit', class: 'section', 'aria-labelledby': 'fit-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'fit-title' }, icon('server-process'), 'Does it fit?')),
      this.machine,
      this.list,
    );
  }

  render(report: ModelReport, devices: readonly DeviceSpec[], hardware?: HardwareProfile): void {
    replaceChildren(this.machine, ...machineLines(hardware));
    const cards = fitCards(report.fit, devices);
    if (cards.length === 0) {
      replaceChildren(this.list, h('p', { class: 'muted' }, 'No devices to check. Pick target devices under What if.'));
      return;
    }
    replaceChildren(
      this.list,
      ...cards.map((c) => {
        const bar = h('div', { class: 'usage-fill' });
        // Width via CSSOM: inline style attributes are refused by the CSP, property writes are not.
        bar.style.width = `${Math.min(100, Math.max(0, c.usage * 100)).toFixed(1)}%`;
        const recs = c.recommendations.map((r) =>
          h(
            'li',
            { class: 'recommendation', 'data-testid': `recommendation-${c.deviceId}-${r.id}` },
            h('span', { class: 'rank', 'aria-hidden': 'true' }, `${r.rank}.`),
            h(
              'div',
              { class: 'rec-text' },
              h('span', { class: 'rec-title' }, r.title),
              r.fitsAlone ? h('span', { class: 'badge ok' }, 'fits alone') : null,
              h('div', { class: 'muted' }, `${r.effect} · ${r.cost}`),
            ),
            r.applicable
              ? button(
                  {
                    label: 'Apply',
                    icon: 'check',
                    class: 'secondary small',
                    title: `Apply: ${r.title}`,
                    'aria-label': `Apply ${r.title} for ${c.device}`,
                    'data-testid': `apply-${c.deviceId}-${r.id}`,
                  },
                  () => this.onApply(c.deviceId, r.id),
                )
              : null,
          ),
        );
        return h(
          'article',
          { class: `fit-card tone-${c.style.tone}`, 'data-testid': `fit-${c.deviceId}`, 'data-verdict': c.verdict, 'aria-label': `${c.device}: ${c.style.label}` },
          h(
            'div',
            { class: 'fit-head' },
            icon(c.style.icon, `verdict-icon tone-${c.style.tone}`),
            h('span', { class: 'fit-device' }, c.device),
            c.device === CAPACITY_ROLES[c.role].title ? null : h('span', { class: 'badge' }, CAPACITY_ROLES[c.role].title),
            h('div', { class: 'spacer' }),
            h('span', { class: `verdict tone-${c.style.tone}` }, c.style.label),
          ),
          h(
            'div',
            { class: 'usage', title: usageTitle(c) },
            h('div', { class: `usage-bar${c.usage > 1 ? ' over' : ''}` }, bar),
            h('span', { class: 'usage-text' }, c.usageText),
            srOnly(usageTitle(c)),
          ),
          h('div', { class: 'muted fit-reason' }, [c.reason, c.maxBatchText, c.minGpusText].filter(Boolean).join(' · ')),
          recs.length > 0 ? h('ol', { class: 'recommendations', 'aria-label': `Recommendations for ${c.device}` }, ...recs) : null,
        );
      }),
    );
  }
}

/** "This machine: AMD Ryzen 7 5800X (8 cores) · 34.4 GB RAM · NVIDIA GeForce GTX 1650", and the probe's notes. */
function machineLines(hw: HardwareProfile | undefined): HTMLElement[] {
  if (!hw) return [];
  const gpus = hw.gpus.map((g) => `${g.model}${g.memoryTotalBytes > 0 ? ` ${formatBytes(g.memoryTotalBytes)}` : ''}`);
  const parts = [`${hw.cpu.model} (${hw.cpu.cores} cores)`, `${formatBytes(hw.ram.totalBytes)} RAM`, ...(gpus.length > 0 ? gpus : ['no GPU found'])];
  return [
    h('div', {}, icon('vm'), ` This machine: ${parts.join(' · ')}${hw.remote && hw.remote !== 'local' ? ` (${hw.remote})` : ''}`),
    ...hw.notes.map((n) => h('div', { class: 'machine-note' }, icon('info'), ` ${n}`)),
  ];
}
