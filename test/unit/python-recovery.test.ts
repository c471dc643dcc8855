/**
 * Files being typed: a half-written line must not cost the other models of the file.
 * tree-sitter folds a later class into an ERROR node after `x = nn.Linear(3,`;
 * the evaluator re-reads the file in top-level chunks and keeps every chunk that parses.
 */
import { strict as assert } from 'node:assert';
import { parsePython } from '../../src/core/python/parser';
import { chunkStarts } from '../../src/core/python/parseModule';
import { evaluate, graphNamed, initEngine } from './helpers/engine';

const BEFORE = `import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 16)

    def forward(self, x):
        return self.fc(x)
`;

const AFTER = `
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        return self.out(x)

model = nn.Sequential(Encoder(), Head())
`;

describe('error recovery while typing', () => {
  before(initEngine);

  it('tree-sitter alone loses the class after a half-typed line', () => {
    const tree = parsePython(`${BEFORE}\nx = nn.Linear(3,\n${AFTER}`);
    const classes = tree.rootNode.namedChildren.filter((n) => n?.type === 'class_definition').map((n) => n!.childForFieldName('name')?.text);
    assert.ok(!classes.includes('Head'), 'this is the failure the chunked re-parse repairs');
  });

  it('still yields every other model, with a finding naming the broken line', () => {
    const r = evaluate(`${BEFORE}\nx = nn.Linear(3,\n${AFTER}`);
    // nn.Linear(8, 16) = 144 and nn.Linear(16, 2) = 34 parameters.
    assert.equal(graphNamed(r, 'Encoder').params.total, 144);
    assert.equal(graphNamed(r, 'Head').params.total, 34);
    assert.equal(graphNamed(r, 'model').params.total, 178);
    const f = r.findings.find((x) => x.code === 'syntax-error');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f!.range!.start.line, 10, 'the half-typed line (0-based)');
    assert.match(f!.message, /line 11/);
  });

  it('keeps the parts of a broken class that parse and reports positions in the whole file', () => {
    const src = `${BEFORE}
class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Conv2d(3, 
${AFTER}`;
    const r = evaluate(src);
    assert.equal(graphNamed(r, 'Head').params.total, 34);
    assert.equal(graphNamed(r, 'Head').nameRange.start.line, src.split('\n').findIndex((l) => l.startsWith('class Head')));
  });

  it('splits top-level chunks at column-0 statements, keeping decorators and else/except with theirs', () => {
    const lines = ['import a', '@dec', 'class A:', '    x = 1', 'if b:', '    pass', 'else:', '    pass', 'y = (1,', '     2)', 'def f():', '    return 1'];
    assert.deepEqual(chunkStarts(lines), [0, 1, 4, 8, 10]);
  });
});
