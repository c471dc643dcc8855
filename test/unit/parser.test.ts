import { strict as assert } from 'node:assert';
import { parsePython } from '../../src/core/python/parser';
import { initParserFromDisk } from '../../src/node/wasm';

describe('python parser', () => {
  before(async () => {
    await initParserFromDisk();
  });

  it('parses a class with a base class', () => {
    const tree = parsePython('class Net(nn.Module):\n    pass\n');
    const cls = tree.rootNode.namedChildren[0]!;
    assert.equal(cls.type, 'class_definition');
    assert.equal(cls.childForFieldName('name')?.text, 'Net');
  });

  it('marks a half-typed line as an error', () => {
    const tree = parsePython('x = nn.Linear(3,\n');
    assert.ok(tree.rootNode.hasError);
  });

  it('counts columns in UTF-16 code units, as the editor does', () => {
    const tree = parsePython('\u00e9 = 1\n');
    assert.equal(tree.rootNode.namedChildren[0]!.endPosition.column, 5);
  });
});
