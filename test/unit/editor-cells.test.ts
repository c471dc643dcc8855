/**
 * Notebook reports seen from one cell (src/vscode/analysis/cellView.ts), on the
 * engine's report of the integration fixture notebook. Counts: torch 1.13 running the
 * notebook's code cells in order (NotebookMLP 407,050 parameters).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { notebookToSource } from '../../src/core/notebook';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import type { FileReport } from '../../src/core/report';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import { projectToCell, type CellLayout } from '../../src/vscode/analysis/cellView';

const NOTEBOOK = join(__dirname, '..', 'integration', 'workspace', 'editor', 'notebook.ipynb');

describe('notebook reports per cell', () => {
  let report: FileReport;
  let layout: CellLayout;
  let cells: string[][];

  before(async () => {
    await initParserFromDisk();
    const json = readFileSync(NOTEBOOK, 'utf8');
    const source = notebookToSource(json);
    cells = (JSON.parse(json).cells as Array<{ source: string[] }>).map((c) => c.source.join('').split('\n'));
    layout = { spans: source.spans, cellUris: new Map(source.spans.map((s) => [s.cell, `cell:${s.cell}`])) };
    report = analyzeDocument({ file: '/nb.ipynb', text: source.text, kind: 'python', host: NO_FILES, options: DEFAULT_OPTIONS, devices: [] });
  });

  it('keeps each model in the cell that defines it, at its own line', () => {
    const classCell = projectToCell(report, layout, 4);
    assert.deepEqual(classCell.models.map((m) => m.name), ['NotebookMLP']);
    const m = classCell.models[0]!;
    assert.equal(m.params.total, 407_050); // torch 1.13
    assert.equal(cells[4]![m.nameRange.start.line], 'class NotebookMLP(nn.Module):');
    assert.equal(cells[4]![m.nameRange.start.line]!.slice(m.nameRange.start.character, m.nameRange.end.character), 'NotebookMLP');
    assert.equal(m.line, m.nameRange.start.line + 1);
    assert.equal(m.range.start.line, m.nameRange.start.line);
    assert.ok(m.range.end.line < cells[4]!.length);

    const instanceCell = projectToCell(report, layout, 5);
    assert.deepEqual(instanceCell.models.map((x) => x.name), ['model']);
    assert.equal(cells[5]![instanceCell.models[0]!.nameRange.start.line], 'model = NotebookMLP()');
    assert.deepEqual(projectToCell(report, layout, 1).models, []);
  });

  it('moves layer lines into the cell, and points at the other cell when a layer lives there', () => {
    const own = projectToCell(report, layout, 4).models[0]!;
    const fc1 = own.layers.find((r) => r.path === 'fc1')!;
    assert.equal(fc1.file, undefined);
    assert.match(cells[4]![fc1.line! - 1]!, /self\.fc1 = nn\.Linear\(IN_FEATURES, HIDDEN\)/);

    const instance = projectToCell(report, layout, 5).models[0]!;
    const fc1There = instance.layers.find((r) => r.path === 'fc1')!;
    assert.equal(fc1There.file, 'cell:4');
    assert.equal(fc1There.line, fc1.line);
  });

  it("puts a finding on its own cell's line and leaves it out of the others", () => {
    const instanceCell = projectToCell(report, layout, 5);
    const comment = instanceCell.findings.filter((f) => f.code === 'profile-comment');
    assert.equal(comment.length, 1);
    const r = comment[0]!.range!;
    assert.equal(cells[5]![r.start.line]!.slice(r.start.character, r.end.character), 'lots');
    for (const cell of [1, 3, 4]) assert.deepEqual(projectToCell(report, layout, cell).findings.filter((f) => f.code === 'profile-comment'), [], `cell ${cell}`);
  });

  it('keeps findings without a position for the first code cell only', () => {
    const withGeneral: FileReport = { ...report, findings: [...report.findings, { severity: 'warning', code: 'general', message: 'about the whole notebook' }] };
    assert.equal(projectToCell(withGeneral, layout, 1).findings.filter((f) => f.code === 'general').length, 1);
    assert.equal(projectToCell(withGeneral, layout, 4).findings.filter((f) => f.code === 'general').length, 0);
  });

  it('drops models defined in imported files and positions outside every cell', () => {
    const m = report.models[0]!;
    const imported = { ...m, name: 'Imported', file: '/lib/imported.py' };
    const lost = { ...m, name: 'Lost', nameRange: { start: { line: 999, character: 0 }, end: { line: 999, character: 4 } } };
    const projected = projectToCell({ ...report, models: [imported, lost, m] }, layout, 4);
    assert.deepEqual(projected.models.map((x) => x.name), ['NotebookMLP']);
  });
});
