import { strict as assert } from 'node:assert';
import { hasProfileComment, parseProfileComment } from '../../src/core/profileComment';
import { evaluate, graphNamed, initEngine } from './helpers/engine';

describe('# profile: comments', () => {
  it('reads every key', () => {
    const line = '# profile: batch=64 input=(3,32,32) seq=1024 precision=bf16-mixed optimizer=adamw mode=train';
    const r = parseProfileComment(line, 4);
    assert.deepEqual(r.errors, []);
    const { range, ...o } = r.overrides!;
    assert.deepEqual(o, { batch: 64, input: [3, 32, 32], seq: 1024, precision: 'bf16-mixed', optimizer: 'adamw', mode: 'train' });
    assert.deepEqual(range, { start: { line: 4, character: 0 }, end: { line: 4, character: line.length } });
  });

  it('accepts a trailing comment and the shape spellings people write', () => {
    const line = 'class Net(nn.Module):  # profile: input=[1, 28, 28] batch=16';
    const r = parseProfileComment(line, 0);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.overrides!.input, [1, 28, 28]);
    assert.equal(r.overrides!.batch, 16);
    assert.equal(r.overrides!.range.start.character, line.indexOf('#'));
    assert.deepEqual(parseProfileComment('# profile: input=3,224,224', 0).overrides!.input, [3, 224, 224]);
    assert.deepEqual(parseProfileComment('# profile: input=3x64x64', 0).overrides!.input, [3, 64, 64]);
  });

  it('rejects an unknown key with the exact range of the key', () => {
    const line = '# profile: batch=8 bacth=4';
    const r = parseProfileComment(line, 2);
    assert.equal(r.errors.length, 1);
    const e = r.errors[0]!;
    assert.equal(e.severity, 'error');
    assert.equal(e.code, 'profile-comment');
    assert.match(e.message, /Unknown key 'bacth'/);
    const start = line.indexOf('bacth');
    assert.deepEqual(e.range, { start: { line: 2, character: start }, end: { line: 2, character: start + 5 } });
    assert.equal(r.overrides!.batch, 8, 'valid keys still apply');
  });

  it('rejects bad values with the range of the value', () => {
    const cases: Array<[string, string]> = [
      ['# profile: batch=0', '0'],
      ['# profile: batch=-3', '-3'],
      ['# profile: batch=2.5', '2.5'],
      ['# profile: seq=lots', 'lots'],
      ['# profile: input=(3,,32)', '(3,,32)'],
      ['# profile: input=(3,0,32)', '(3,0,32)'],
      ['# profile: precision=fp64', 'fp64'],
      ['# profile: optimizer=adamm', 'adamm'],
      ['# profile: mode=training', 'training'],
    ];
    for (const [line, value] of cases) {
      const r = parseProfileComment(line, 0);
      assert.equal(r.errors.length, 1, line);
      const start = line.indexOf(value, line.indexOf('='));
      assert.deepEqual(r.errors[0]!.range, { start: { line: 0, character: start }, end: { line: 0, character: start + value.length } }, line);
      assert.match(r.errors[0]!.message, /^Bad value for/, line);
    }
  });

  it('rejects repeated keys, empty comments and text that is not key=value', () => {
    assert.match(parseProfileComment('# profile: batch=1 batch=2', 0).errors[0]!.message, /given twice/);
    assert.match(parseProfileComment('# profile:', 0).errors[0]!.message, /no settings/);
    const r = parseProfileComment('# profile: fast', 0);
    assert.match(r.errors[0]!.message, /Expected key=value/);
    assert.deepEqual(r.errors[0]!.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 15 } });
  });

  it('ignores lines without the marker', () => {
    assert.deepEqual(parseProfileComment('x = 1  # a comment', 0), { errors: [] });
  });

  describe('in evaluateModels', () => {
    before(initEngine);

    it('applies the comment above a class and reports errors on other comments', () => {
      const r = evaluate(
        [
          'import torch.nn as nn',
          '# profile: input=(3,32,32) batch=4',
          'class Net(nn.Module):',
          '    def __init__(self):',
          '        super().__init__()',
          '        self.conv = nn.Conv2d(3, 8, 3)',
          '    def forward(self, x):',
          '        return self.conv(x)',
          'net = Net()  # profile: batch=2 colour=red',
        ].join('\n'),
      );
      const g = graphNamed(r, 'Net');
      assert.equal(g.input?.source, 'comment');
      assert.deepEqual(g.input?.shapes, [[4, 3, 32, 32]]);
      // torch 1.13: nn.Conv2d(3, 8, 3)(torch.randn(4, 3, 32, 32)).shape == (4, 8, 30, 30)
      assert.deepEqual(g.root.outputShapes, [[4, 8, 30, 30]]);
      assert.equal(g.profile?.batch, 4);
      const err = r.findings.find((f) => f.code === 'profile-comment');
      assert.ok(err, 'the unknown key is reported');
      assert.equal(err!.range!.start.line, 8);
      const inst = graphNamed(r, 'net');
      assert.equal(inst.input?.batch, 2);
    });
  });
});

describe('# profile: comments among other comments', () => {
  it('only counts a comment that opens with profile:', () => {
    assert.equal(hasProfileComment('# Set the batch with a # profile: comment above the class.'), false);
    assert.deepEqual(parseProfileComment('# see the # profile: batch=oops note', 0).errors, []);
    assert.equal(hasProfileComment('x = "# profile: batch=2"  # a string, not a comment'), false);
    assert.equal(hasProfileComment('model = Net()  # profile: batch=2'), true);
    assert.equal(parseProfileComment("name = 'a#b'  # profile: batch=4", 3).overrides?.batch, 4);
  });
});
