/**
 * Notebooks are analysed like one file: code cells concatenated in order, so a config
 * in cell 2 feeds a class in cell 5. The line map turns positions back into cells.
 */
import type { Finding } from './source';

export interface CellSpan {
  /** Index of the cell among all cells of the notebook (markdown included). */
  cell: number;
  /** First line of the cell in the concatenated text (0-based). */
  startLine: number;
  lineCount: number;
}

export interface ConcatenatedCells {
  text: string;
  spans: CellSpan[];
}

/** IPython magics and shell escapes are not Python: keep the line (positions stay), comment it out. */
function neutraliseMagics(source: string): string {
  return source
    .split('\n')
    .map((line) => (/^\s*(%|!)/.test(line) ? line.replace(/^(\s*)/, '$1#') : line))
    .join('\n');
}

/** Join code cells (given as `[cellIndex, source]`) into one text with a line map. */
export function concatCells(cells: Array<[number, string]>): ConcatenatedCells {
  const parts: string[] = [];
  const spans: CellSpan[] = [];
  let line = 0;
  for (const [cell, source] of cells) {
    const body = neutraliseMagics(source.replace(/\r\n?/g, '\n')).replace(/\n$/, '');
    const lineCount = body.split('\n').length;
    spans.push({ cell, startLine: line, lineCount });
    parts.push(body);
    line += lineCount;
  }
  return { text: parts.join('\n') + (parts.length ? '\n' : ''), spans };
}

/** Which cell and line within it a line of the concatenated text belongs to. */
export function cellOfLine(spans: readonly CellSpan[], line: number): { cell: number; line: number } | undefined {
  for (const s of spans) {
    if (line >= s.startLine && line < s.startLine + s.lineCount) return { cell: s.cell, line: line - s.startLine };
  }
  return undefined;
}

export interface NotebookSource extends ConcatenatedCells {
  findings: Finding[];
}

/** Parse .ipynb JSON (nbformat 4) and concatenate its Python code cells. Broken JSON is a finding, not a throw. */
export function notebookToSource(json: string): NotebookSource {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { text: '', spans: [], findings: [{ severity: 'error', code: 'notebook-json', message: `Notebook is not valid JSON: ${reason}` }] };
  }
  const cells = (doc as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) {
    return { text: '', spans: [], findings: [{ severity: 'error', code: 'notebook-format', message: 'Notebook has no "cells" list (expected nbformat 4).' }] };
  }
  const code: Array<[number, string]> = [];
  cells.forEach((c: unknown, i: number) => {
    const cell = c as { cell_type?: unknown; source?: unknown };
    if (cell?.cell_type !== 'code') return;
    const src = Array.isArray(cell.source) ? cell.source.filter((s) => typeof s === 'string').join('') : typeof cell.source === 'string' ? cell.source : '';
    code.push([i, src]);
  });
  return { ...concatCells(code), findings: [] };
}
