/**
 * A notebook is analysed as one text (its code cells in order, src/core/notebook.ts);
 * each cell's editor needs the results in its own coordinates. `projectToCell` turns
 * the notebook's FileReport into the report "as seen from one cell": the models
 * defined in that cell, with every position moved into the cell, and anything that
 * lies in another cell pointing at that cell's URI through `file`.
 *
 * Pure (no runtime `vscode`), so it is unit-tested directly.
 */
import { cellOfLine, type CellSpan } from '../../core/notebook';
import type { FileReport, LayerRow, ModelReport } from '../../core/report';
import type { Finding, SourceRange } from '../../core/source';

export interface CellLayout {
  spans: readonly CellSpan[];
  /** URI string of each code cell's document, by cell index. */
  cellUris: ReadonlyMap<number, string>;
}

interface Located {
  cell: number;
  range: SourceRange;
}

/** A range of the concatenated text, in the coordinates of the cell holding its start. */
function locateRange(layout: CellLayout, range: SourceRange): Located | undefined {
  const start = cellOfLine(layout.spans, range.start.line);
  if (!start) return undefined;
  const span = layout.spans.find((s) => s.cell === start.cell)!;
  const lastLine = span.lineCount - 1;
  const endLine = range.end.line - span.startLine;
  // A range never leaves its cell in practice; clamp so a stray end cannot point past it.
  const end = endLine > lastLine ? { line: lastLine, character: Number.MAX_SAFE_INTEGER } : { line: endLine, character: range.end.character };
  return { cell: start.cell, range: { start: { line: start.line, character: range.start.character }, end } };
}

function moveFinding(layout: CellLayout, f: Finding, cell: number): Finding | undefined {
  if (!f.range || f.file) return f;
  const at = locateRange(layout, f.range);
  if (!at) return f;
  const moved: Finding = { ...f, range: at.range };
  if (at.cell !== cell) {
    const uri = layout.cellUris.get(at.cell);
    if (!uri) return undefined;
    moved.file = uri;
  }
  return moved;
}

function moveLayer(layout: CellLayout, row: LayerRow, cell: number): LayerRow {
  if (row.line === undefined || row.file) return row;
  const at = cellOfLine(layout.spans, row.line - 1);
  if (!at) return row;
  const moved: LayerRow = { ...row, line: at.line + 1 };
  if (at.cell !== cell) {
    const uri = layout.cellUris.get(at.cell);
    if (uri) moved.file = uri;
    else delete moved.line;
  }
  return moved;
}

function moveModel(layout: CellLayout, m: ModelReport, cell: number, nameAt: Located): ModelReport {
  const whole = locateRange(layout, m.range);
  return {
    ...m,
    line: nameAt.range.start.line + 1,
    nameRange: nameAt.range,
    range: whole && whole.cell === cell ? whole.range : nameAt.range,
    layers: m.layers.map((row) => moveLayer(layout, row, cell)),
    findings: m.findings.map((f) => moveFinding(layout, f, cell)).filter((f): f is Finding => f !== undefined),
  };
}

/**
 * The notebook's report as seen from cell `cell`. File-level findings without a
 * position are kept for the first code cell only, so they show once.
 */
export function projectToCell(report: FileReport, layout: CellLayout, cell: number): FileReport {
  const models: ModelReport[] = [];
  for (const m of report.models) {
    if (m.file) continue; // defined in an imported file
    const nameAt = locateRange(layout, m.nameRange);
    if (nameAt?.cell === cell) models.push(moveModel(layout, m, cell, nameAt));
  }
  const first = layout.spans[0]?.cell === cell;
  const findings: Finding[] = [];
  for (const f of report.findings) {
    if (f.file) continue;
    if (!f.range) {
      if (first) findings.push(f);
      continue;
    }
    const at = locateRange(layout, f.range);
    if (at?.cell === cell) findings.push({ ...f, range: at.range });
  }
  const out: FileReport = { file: report.file, models, findings };
  if (report.timings) out.timings = report.timings;
  return out;
}
