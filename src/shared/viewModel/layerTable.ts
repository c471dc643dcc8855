/**
 * The per-layer table: report.layers (depth-first, parents before children) as a
 * tree that collapses by module and sorts by any column within each parent, with
 * the report's findings attached to the rows they concern.
 */
import type { Finding, FindingSeverity } from '../../core/source';
import type { LayerRow, ModelReport } from '../../core/report';
import { formatBytes, formatBytesBoth, formatCount, formatExact, formatMacs, formatPercent, formatShape } from '../../core/format';

export const LAYER_COLUMNS = [
  { id: 'name', label: 'Layer', numeric: false },
  { id: 'type', label: 'Type', numeric: false },
  { id: 'outputShape', label: 'Output shape', numeric: false },
  { id: 'params', label: 'Params', numeric: true },
  { id: 'macs', label: 'MACs', numeric: true },
  { id: 'activationBytes', label: 'Activations', numeric: true },
  { id: 'paramShare', label: '% params', numeric: true },
] as const;

export type LayerColumnId = (typeof LAYER_COLUMNS)[number]['id'];
export type SortDirection = 'asc' | 'desc';
/** Null keeps the model's own order. */
export type LayerSort = { column: LayerColumnId; direction: SortDirection } | null;

export interface LayerFlag {
  severity: FindingSeverity;
  message: string;
  code?: string;
}

export interface LayerTreeNode {
  row: LayerRow;
  /** Position in report.layers: the model's own order. */
  index: number;
  children: LayerTreeNode[];
  flags: LayerFlag[];
}

/** One rendered row: text per column, plus what the DOM needs for a treegrid. */
export interface VisibleLayerRow {
  path: string;
  depth: number;
  index: number;
  hasChildren: boolean;
  expanded: boolean;
  /** aria-posinset / aria-setsize among siblings in the shown order. */
  posInSet: number;
  setSize: number;
  cells: Record<LayerColumnId, string>;
  /** Exact numbers for tooltips. */
  titles: Partial<Record<LayerColumnId, string>>;
  /** Share of the model's parameters, 0..1, for the inline bar. */
  share: number;
  flags: LayerFlag[];
  /** The worst flag's severity, when there is one. */
  severity?: FindingSeverity;
  line?: number;
  file?: string;
  functional: boolean;
}

const finiteOr0 = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

/** Rebuilds the tree from the flattened rows; a row whose depth jumps attaches to the nearest shallower row. */
export function buildLayerTree(report: Pick<ModelReport, 'layers' | 'findings' | 'file'>): LayerTreeNode | undefined {
  const rows = report.layers ?? [];
  if (rows.length === 0) return undefined;
  const byLine = findingsByLine(report.findings ?? [], report.file);
  const root: LayerTreeNode = { row: rows[0], index: 0, children: [], flags: flagsFor(rows[0], byLine, report.file) };
  const stack: LayerTreeNode[] = [root];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    const node: LayerTreeNode = { row, index: i, children: [], flags: flagsFor(row, byLine, report.file) };
    const depth = Math.max(1, Math.floor(finiteOr0(row.depth)));
    while (stack.length > depth) stack.pop();
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  }
  return root;
}

function lineKey(file: string | undefined, line: number): string {
  return `${file ?? ''}\u0000${line}`;
}

function findingsByLine(findings: Finding[], modelFile: string | undefined): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.range) continue;
    const key = lineKey(f.file ?? modelFile, f.range.start.line + 1);
    map.set(key, [...(map.get(key) ?? []), f]);
  }
  return map;
}

function flagsFor(row: LayerRow, byLine: Map<string, Finding[]>, modelFile: string | undefined): LayerFlag[] {
  const flags: LayerFlag[] = [];
  if (typeof row.line === 'number') {
    for (const f of byLine.get(lineKey(row.file ?? modelFile, row.line)) ?? []) flags.push({ severity: f.severity, message: f.message, code: f.code });
  }
  if (row.note) flags.push({ severity: 'info', message: row.note });
  return flags;
}

/** Findings with a source range that no row's line matches: shown in the findings list only. */
export function findingsWithoutRow(report: Pick<ModelReport, 'layers' | 'findings' | 'file'>): Finding[] {
  const lines = new Set(report.layers.filter((r) => typeof r.line === 'number').map((r) => lineKey(r.file ?? report.file, r.line!)));
  return report.findings.filter((f) => !f.range || !lines.has(lineKey(f.file ?? report.file, f.range.start.line + 1)));
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

function elements(shape: number[] | undefined): number {
  return shape ? shape.reduce((a, b) => a * b, 1) : 0;
}

/** The value a column sorts on. */
function sortValue(row: LayerRow, column: LayerColumnId): number | string {
  switch (column) {
    case 'name':
      return row.name ?? row.path;
    case 'type':
      return row.type;
    case 'outputShape':
      return elements(row.outputShape?.[0]);
    default:
      return finiteOr0(row[column]);
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareNodes(a: LayerTreeNode, b: LayerTreeNode, sort: NonNullable<LayerSort>): number {
  const va = sortValue(a.row, sort.column);
  const vb = sortValue(b.row, sort.column);
  const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
  // Ties keep the model's own order in both directions.
  return (sort.direction === 'asc' ? c : -c) || a.index - b.index;
}

function cellsOf(row: LayerRow): { cells: Record<LayerColumnId, string>; titles: Partial<Record<LayerColumnId, string>> } {
  const shapes = row.outputShape ?? [];
  return {
    cells: {
      name: row.name || row.path || '(model)',
      type: row.type,
      outputShape: shapes.length === 0 ? '—' : shapes.map((s) => formatShape(s)).join(' · '),
      params: formatCount(finiteOr0(row.params)),
      macs: finiteOr0(row.macs) === 0 ? '—' : formatMacs(row.macs),
      activationBytes: finiteOr0(row.activationBytes) === 0 ? '—' : formatBytes(row.activationBytes),
      paramShare: formatPercent(finiteOr0(row.paramShare)),
    },
    titles: {
      name: row.path || row.name,
      params: `${formatExact(finiteOr0(row.params))} parameters (${formatExact(finiteOr0(row.ownParams))} own)`,
      macs: `${formatExact(finiteOr0(row.macs))} MACs`,
      activationBytes: `${formatBytesBoth(finiteOr0(row.activationBytes))} (${formatPercent(finiteOr0(row.activationShare))} of activations)`,
    },
  };
}

/**
 * The rows to show: children of collapsed nodes are hidden; siblings are ordered by
 * `sort`. `limit` caps the output for very large models (the DOM stays responsive).
 */
export function visibleLayerRows(
  root: LayerTreeNode | undefined,
  collapsed: ReadonlySet<string>,
  sort: LayerSort,
  limit = Infinity,
): VisibleLayerRow[] {
  const out: VisibleLayerRow[] = [];
  if (!root) return out;
  const visit = (node: LayerTreeNode, depth: number, posInSet: number, setSize: number) => {
    if (out.length >= limit) return;
    const expanded = node.children.length > 0 && !collapsed.has(node.row.path);
    const { cells, titles } = cellsOf(node.row);
    const severity = node.flags.reduce<FindingSeverity | undefined>(
      (worst, f) => (worst === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst] ? f.severity : worst),
      undefined,
    );
    out.push({
      path: node.row.path,
      depth,
      index: node.index,
      hasChildren: node.children.length > 0,
      expanded,
      posInSet,
      setSize,
      cells,
      titles,
      share: Math.min(1, Math.max(0, finiteOr0(node.row.paramShare))),
      flags: node.flags,
      severity,
      line: node.row.line,
      file: node.row.file,
      functional: node.row.functional === true,
    });
    if (!expanded) return;
    const kids = sort ? [...node.children].sort((a, b) => compareNodes(a, b, sort)) : node.children;
    kids.forEach((k, i) => visit(k, depth + 1, i + 1, kids.length));
  };
  visit(root, 0, 1, 1);
  return out;
}

/** Every path that has children: "collapse all" collapses these. */
export function expandablePaths(root: LayerTreeNode | undefined): string[] {
  const out: string[] = [];
  const visit = (n: LayerTreeNode) => {
    if (n.children.length === 0) return;
    out.push(n.row.path);
    n.children.forEach(visit);
  };
  if (root) visit(root);
  return out;
}

/**
 * What starts collapsed for a model seen the first time: the root stays open, and
 * so does each further depth while the expanded tree fits in `budget` rows; deeper
 * modules start collapsed (a 12-block transformer shows its blocks, not their insides).
 */
export function defaultCollapsed(root: LayerTreeNode | undefined, budget = 60): Set<string> {
  if (!root) return new Set();
  const byDepth: LayerTreeNode[][] = [];
  const visit = (n: LayerTreeNode, d: number) => {
    (byDepth[d] ??= []).push(n);
    n.children.forEach((c) => visit(c, d + 1));
  };
  visit(root, 0);
  // The root is always open (its children are the model's layers); deeper levels open
  // while the rows they reveal stay within budget.
  let open = byDepth.length > 1 ? 1 : 0;
  let shown = 1 + (byDepth[1]?.length ?? 0);
  while (open + 1 < byDepth.length && shown + byDepth[open + 1].length <= budget) {
    shown += byDepth[open + 1].length;
    open++;
  }
  const collapsed = new Set<string>();
  for (let d = open; d < byDepth.length; d++) {
    for (const n of byDepth[d]) if (n.children.length > 0) collapsed.add(n.row.path);
  }
  return collapsed;
}
