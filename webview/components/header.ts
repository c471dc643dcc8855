/** The panel's top bar: model picker, export buttons, progress and notices. */
import { EXPORT_FORMATS, type ExportFormat, type ModelSummary } from '../../src/shared/protocol';
import { button, h, icon, replaceChildren } from '../dom';

const EXPORT_BUTTONS: Record<ExportFormat, { label: string; icon: string }> = {
  markdown: { label: 'Markdown', icon: 'markdown' },
  json: { label: 'JSON', icon: 'json' },
  csv: { label: 'CSV', icon: 'table' },
};

export class Header {
  readonly el: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly progress: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly exportButtons: HTMLButtonElement[];
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(onSelect: (modelId: string) => void, onExport: (format: ExportFormat) => void) {
    this.picker = h('select', { id: 'model-picker', 'data-testid': 'model-picker', class: 'model-picker', disabled: true });
    this.picker.addEventListener('change', () => onSelect(this.picker.value));
    this.exportButtons = EXPORT_FORMATS.map((f) =>
      button(
        { label: EXPORT_BUTTONS[f].label, icon: EXPORT_BUTTONS[f].icon, title: `Export the report as ${EXPORT_BUTTONS[f].label}`, 'data-testid': `export-${f}`, class: 'secondary' },
        () => onExport(f),
      ),
    );
    this.progress = h('div', { class: 'progress', id: 'busy', 'data-testid': 'busy', role: 'progressbar', 'aria-label': 'Estimating', hidden: true });
    this.notice = h('div', { class: 'notice', id: 'notice', 'data-testid': 'notice', role: 'status', 'aria-live': 'polite' });
    this.el = h(
      'header',
      { class: 'panel-header' },
      this.progress,
      h(
        'div',
        { class: 'header-row' },
        h('label', { for: 'model-picker', class: 'picker-label' }, icon('symbol-class'), h('span', {}, 'Model')),
        this.picker,
        h('div', { class: 'spacer' }),
        h('div', { class: 'export-group', role: 'group', 'aria-label': 'Export report' }, h('span', { class: 'group-label' }, 'Export'), ...this.exportButtons),
      ),
      this.notice,
    );
  }

  setModels(models: readonly ModelSummary[], selectedId: string | undefined): void {
    const options = models.map((m) => {
      const text = `${m.name} — ${m.kind} · ${m.file}:${m.line}${m.detail ? ` · ${m.detail}` : ''}`;
      return h('option', { value: m.id, selected: m.id === selectedId }, text);
    });
    if (models.length === 0) options.push(h('option', { value: '' }, 'No models in the open editors'));
    replaceChildren(this.picker, ...options);
    this.picker.disabled = models.length === 0;
    if (selectedId !== undefined) this.picker.value = selectedId;
    for (const b of this.exportButtons) b.disabled = selectedId === undefined;
  }

  setBusy(busy: boolean): void {
    this.progress.hidden = !busy;
  }

  showNotice(level: 'info' | 'error', message: string): void {
    this.notice.className = `notice ${level}`;
    this.notice.setAttribute('role', level === 'error' ? 'alert' : 'status');
    replaceChildren(this.notice, icon(level === 'error' ? 'error' : 'info'), h('span', {}, message));
    if (this.noticeTimer !== undefined) clearTimeout(this.noticeTimer);
    // Info fades after a while; errors stay until the next notice.
    if (level === 'info') this.noticeTimer = setTimeout(() => replaceChildren(this.notice), 6000);
  }
}
