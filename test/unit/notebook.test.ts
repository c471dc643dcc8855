import { strict as assert } from 'node:assert';
import { cellOfLine, concatCells, notebookToSource } from '../../src/core/notebook';

describe('notebooks', () => {
  it('joins code cells in order and maps lines back to cells', () => {
    const nb = JSON.stringify({
      nbformat: 4,
      cells: [
        { cell_type: 'markdown', source: ['# Title\n'] },
        { cell_type: 'code', source: ['import torch\n', 'HIDDEN = 64\n'] },
        { cell_type: 'code', source: '%matplotlib inline\nclass Net:\n    pass\n' },
      ],
    });
    const src = notebookToSource(nb);
    assert.deepEqual(src.findings, []);
    assert.equal(src.text, 'import torch\nHIDDEN = 64\n#%matplotlib inline\nclass Net:\n    pass\n');
    assert.deepEqual(cellOfLine(src.spans, 3), { cell: 2, line: 1 });
    assert.deepEqual(cellOfLine(src.spans, 0), { cell: 1, line: 0 });
    assert.equal(cellOfLine(src.spans, 99), undefined);
  });

  it('reports broken notebook JSON as a finding', () => {
    const src = notebookToSource('{"cells": [');
    assert.equal(src.text, '');
    assert.equal(src.findings[0]?.code, 'notebook-json');
  });

  it('reports JSON that is not a notebook', () => {
    assert.equal(notebookToSource('[1, 2]').findings[0]?.code, 'notebook-format');
  });

  it('keeps an empty cell as one line so later cells stay aligned', () => {
    const joined = concatCells([
      [0, ''],
      [1, 'x = 1'],
    ]);
    assert.deepEqual(joined.spans, [
      { cell: 0, startLine: 0, lineCount: 1 },
      { cell: 1, startLine: 1, lineCount: 1 },
    ]);
  });
});
