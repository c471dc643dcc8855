/**
 * The per-layer table as an ARIA treegrid: rows collapse by module, columns sort,
 * findings are flagged inline, and a row click (or Enter) reveals the layer's line.
 * Keyboard: Up/Down/Home/End move, Right expands or enters, Left collapses or goes
 * to the parent, Enter reveals, Space toggles. One row is tabbable at a time.
 */
import type { ModelReport } from '../../src/core/report';
import {
  LAYER_COLUMNS,
  buildLayerTree,
  expandablePaths,
  visibleLayerRows,
  type LayerColumnId,
  type LayerSort,
  type LayerTreeNode,
  type VisibleLayerRow,
} from '../../src/shared/viewModel/layerTable';
import { button, h, icon, replaceChildren, srOnly } from '../dom';

/** Rows drawn at most; larger models say so and offer collapsing. */
const ROW_LIMIT = 3000;

export interface LayerTableCallbacks {
  onReveal(row: VisibleLayerRow): void;
  onCollapsedChange(collapsed: Set<string>): void;
  onSortChange(sort: LayerSort): void;
}

const NUMERIC = new Set<LayerColumnId>(LAYER_COLUMNS.filter((c) => c.numeric).map((c) => c.id));

export class LayerTableSection {
  readonly el: HTMLElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly status: HTMLElement;
  /** The table's horizontally scrolling box (narrow panels). */
  private readonly scroller: HTMLElement;
  private tree: LayerTreeNode | undefined;
  private rows: VisibleLayerRow[] = [];
  private collapsed = new Set<string>();
  private sort: LayerSort = null;
  private focusedPath: string | undefined;

  constructor(private readonly cb: LayerTableCallbacks) {
    this.thead = h('thead', {});
    this.tbody = h('tbody', {});
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.status = h('span', { class: 'muted', 'data-testid': 'layer-count', 'aria-live': 'polite' });
    const table = h(
      'table',
      { class: 'layer-table', id: 'layer-table', 'data-testid': 'layer-table', role: 'treegrid', 'aria-labelledby': 'layers-title', 'aria-describedby': 'layers-help' },
      this.thead,
      this.tbody,
    );
    this.scroller = h('div', { class: 'table-scroll' }, table);
    this.el = h(
      'section',
      { id: 'layers', class: 'section', 'aria-labelledby': 'layers-title' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'layers-title' }, icon('list-tree'), 'Layers'),
        this.status,
        h('div', { class: 'spacer' }),
        button({ label: 'Expand all', icon: 'expand-all', iconOnly: true, 'data-testid': 'layers-expand-all' }, () => this.setCollapsed(new Set())),
        button({ label: 'Collapse all', icon: 'collapse-all', iconOnly: true, 'data-testid': 'layers-collapse-all' }, () =>
          this.setCollapsed(new Set(expandablePaths(this.tree).filter((p) => p !== ''))),
        ),
      ),
      h('p', { id: 'layers-help', class: 'visually-hidden' }, 'Enter shows the layer in the editor. Arrow keys move; Right and Left expand and collapse modules.'),
      this.scroller,
    );
  }

  render(report: ModelReport, collapsed: Set<string>, sort: LayerSort): void {
    this.tree = buildLayerTree(report);
    this.collapsed = collapsed;
    this.sort = sort;
    this.renderHead();
    this.renderBody();
  }

  private setCollapsed(next: Set<string>): void {
    this.collapsed = next;
    this.cb.onCollapsedChange(next);
    this.renderBody();
  }

  private renderHead(): void {
    replaceChildren(
      this.thead,
      h(
        'tr',
        { role: 'row' },
        ...LAYER_COLUMNS.map((col) => {
          const active = this.sort?.column === col.id ? this.sort.direction : undefined;
          const b = h(
            'button',
            { type: 'button', class: 'sort', 'data-testid': `sort-${col.id}`, title: `Sort by ${col.label}` },
            h('span', {}, col.label),
            icon(active === 'asc' ? 'arrow-up' : active === 'desc' ? 'arrow-down' : 'blank', 'sort-icon'),
          );
          b.addEventListener('click', () => this.cycleSort(col.id));
          return h(
            'th',
            { role: 'columnheader', scope: 'col', class: NUMERIC.has(col.id) ? 'num' : undefined, 'aria-sort': active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none' },
            b,
          );
        }),
      ),
    );
  }

  /** Click cycles: first direction (numbers largest first, text A-Z), the other, then model order. */
  private cycleSort(column: LayerColumnId): void {
    const first = NUMERIC.has(column) ? 'desc' : 'asc';
    const second = first === 'desc' ? 'asc' : 'desc';
    let next: LayerSort;
    if (this.sort?.column !== column) next = { column, direction: first };
    else if (this.sort.direction === first) next = { column, direction: second };
    else next = null;
    this.sort = next;
    this.cb.onSortChange(next);
    this.renderHead();
    this.renderBody();
  }

  private renderBody(): void {
    this.rows = visibleLayerRows(this.tree, this.collapsed, this.sort, ROW_LIMIT);
    const total = this.tree ? countNodes(this.tree) : 0;
    this.status.textContent =
      total === 0 ? 'no layers' : this.rows.length >= ROW_LIMIT ? `first ${ROW_LIMIT} of ${total} rows` : `${this.rows.length} of ${total} rows`;
    if (!this.rows.some((r) => r.path === this.focusedPath)) this.focusedPath = this.rows[0]?.path;
    replaceChildren(this.tbody, ...this.rows.map((r) => this.renderRow(r)));
    if (this.rows.length === 0) {
      this.tbody.appendChild(h('tr', {}, h('td', { colspan: LAYER_COLUMNS.length, class: 'muted' }, 'No layers were found for this model.')));
    }
  }

  private renderRow(r: VisibleLayerRow): HTMLTableRowElement {
    const twisty = r.hasChildren ? icon(r.expanded ? 'chevron-down' : 'chevron-right', 'twisty') : h('span', { class: 'twisty-space', 'aria-hidden': 'true' });
    if (r.hasChildren) {
      twisty.addEventListener('click', (e) => {
        e.stopPropagation();
        this.focusedPath = r.path;
        this.toggle(r);
      });
    }
    const flags = r.flags.map((f) => {
      const flag = icon(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info', `flag tone-${f.severity}`);
      flag.setAttribute('title', f.message);
      return flag;
    });
    const flagText = r.flags.length > 0 ? srOnly(`. ${r.flags.map((f) => `${f.severity}: ${f.message}`).join('. ')}`) : null;
    const nameCell = h(
      'td',
      { role: 'gridcell', class: 'name-cell', title: r.titles.name },
      twisty,
      r.functional ? icon('symbol-method', 'functional') : null,
      h('span', { class: 'layer-name' }, r.cells.name),
      ...flags,
      flagText,
    );
    nameCell.style.paddingLeft = `${4 + r.depth * 16}px`;
    const share = h('span', { class: 'share-fill' });
    share.style.width = `${(r.share * 100).toFixed(1)}%`;
    const cells = LAYER_COLUMNS.filter((c) => c.id !== 'name').map((c) =>
      h(
        'td',
        { role: 'gridcell', class: NUMERIC.has(c.id) ? 'num' : c.id === 'type' ? 'type' : undefined, title: r.titles[c.id] },
        c.id === 'paramShare' ? h('span', { class: 'share' }, h('span', { class: 'share-bar', 'aria-hidden': 'true' }, share), r.cells[c.id]) : r.cells[c.id],
      ),
    );
    const tr = h(
      'tr',
      {
        role: 'row',
        class: `layer-row${r.severity ? ` flagged-${r.severity}` : ''}`,
        'data-testid': 'layer-row',
        'data-path': r.path,
        'data-line': r.line,
        'aria-level': r.depth + 1,
        'aria-posinset': r.posInSet,
        'aria-setsize': r.setSize,
        'aria-expanded': r.hasChildren ? String(r.expanded) : undefined,
        tabindex: r.path === this.focusedPath ? 0 : -1,
      },
      nameCell,
      ...cells,
    );
    tr.addEventListener('click', () => {
      this.focusRow(r.path);
      this.cb.onReveal(r);
    });
    tr.addEventListener('focus', () => {
      this.setFocused(r.path);
      // From the keyboard, show the row's name: Tab through the column headers scrolls a
      // narrow table to its right edge. A click leaves the scroll where the person put it.
      if (tr.matches(':focus-visible')) this.scroller.scrollLeft = 0;
    });
    return tr;
  }

  private toggle(r: VisibleLayerRow): void {
    if (!r.hasChildren) return;
    const next = new Set(this.collapsed);
    if (next.has(r.path)) next.delete(r.path);
    else next.add(r.path);
    this.setCollapsed(next);
    this.focusRow(r.path);
  }

  private rowEl(path: string): HTMLTableRowElement | undefined {
    return Array.from(this.tbody.querySelectorAll<HTMLTableRowElement>('tr.layer-row')).find((tr) => tr.dataset.path === path);
  }

  private setFocused(path: string): void {
    if (this.focusedPath === path) return;
    this.rowEl(this.focusedPath ?? '')?.setAttribute('tabindex', '-1');
    this.focusedPath = path;
    this.rowEl(path)?.setAttribute('tabindex', '0');
  }

  private focusRow(path: string): void {
    this.setFocused(path);
    this.rowEl(path)?.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.rows.findIndex((r) => r.path === this.focusedPath);
    if (i < 0) return;
    const r = this.rows[i];
    const go = (j: number) => {
      const target = this.rows[Math.max(0, Math.min(this.rows.length - 1, j))];
      if (target) this.focusRow(target.path);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(i + 1);
        break;
      case 'ArrowUp':
        go(i - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(this.rows.length - 1);
        break;
      case 'ArrowRight':
        if (r.hasChildren && !r.expanded) this.toggle(r);
        else if (r.hasChildren) go(i + 1);
        break;
      case 'ArrowLeft':
        if (r.hasChildren && r.expanded) this.toggle(r);
        else {
          for (let j = i - 1; j >= 0; j--) {
            if (this.rows[j].depth === r.depth - 1) {
              go(j);
              break;
            }
          }
        }
        break;
      case 'Enter':
        this.cb.onReveal(r);
        break;
      case ' ':
        this.toggle(r);
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}

function countNodes(n: LayerTreeNode): number {
  return 1 + n.children.reduce((a, c) => a + countNodes(c), 0);
}
