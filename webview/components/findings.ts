/** Assumptions the numbers rest on, and the engine's findings (clickable when they have a line). */
import type { ModelReport } from '../../src/core/report';
import { h, icon, replaceChildren } from '../dom';

const SEVERITY_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;

export class FindingsSection {
  readonly el: HTMLElement;
  private readonly findings: HTMLElement;
  private readonly assumptions: HTMLElement;

  constructor(private readonly onReveal: (line: number, file: string | undefined) => void) {
    this.findings = h('ul', { class: 'findings', id: 'findings', 'data-testid': 'findings' });
    this.assumptions = h('ul', { class: 'assumptions', 'data-testid': 'assumptions' });
    this.el = h(
      'section',
      { id: 'notes', class: 'section', 'aria-labelledby': 'notes-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'notes-title' }, icon('note'), 'Findings and assumptions')),
      this.findings,
      this.assumptions,
    );
  }

  render(report: ModelReport): void {
    replaceChildren(
      this.findings,
      ...report.findings.map((f) => {
        const line = f.range ? f.range.start.line + 1 : undefined;
        const text = h('span', {}, f.message);
        const where =
          line === undefined
            ? null
            : h('button', { type: 'button', class: 'link', title: `Show line ${line} in the editor`, 'data-testid': 'finding-reveal' }, `line ${line}`);
        where?.addEventListener('click', () => this.onReveal(line!, f.file));
        return h('li', { class: `finding ${f.severity}`, 'data-testid': 'finding', 'data-code': f.code }, icon(SEVERITY_ICON[f.severity] ?? 'info', `tone-${f.severity}`), text, where);
      }),
    );
    if (report.partial) {
      this.findings.prepend(h('li', { class: 'finding warning' }, icon('warning', 'tone-warning'), 'Part of the model could not be evaluated: the counts are a lower bound.'));
    }
    if (this.findings.childElementCount === 0) this.findings.appendChild(h('li', { class: 'finding muted' }, icon('pass'), 'No findings: the whole model was evaluated.'));
    replaceChildren(this.assumptions, ...report.assumptions.map((a) => h('li', {}, a)));
  }
}
