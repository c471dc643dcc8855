/**
 * Writing recommendation values into `# profile:` comments: what is written must be
 * read back by the engine's own parser as exactly the intended values.
 */
import { strict as assert } from 'node:assert';
import { parseProfileComment } from '../../src/core/profileComment';
import { writeProfileComment } from '../../src/vscode/profileCommentEdit';

const readBack = (line: string) => {
  const { overrides, errors } = parseProfileComment(line, 0);
  assert.deepEqual(errors, [], `errors in ${line}`);
  const { range: _range, ...values } = overrides!;
  return values;
};

describe('writing # profile: comments', () => {
  it("changes a value the comment holds and keeps the others (examples/mnist_cnn.py's comment)", () => {
    const line = writeProfileComment('# profile: input=1,28,28 batch=64', { batch: 16 });
    assert.equal(line, '# profile: batch=16 input=(1,28,28)');
    assert.deepEqual(readBack(line!), { batch: 16, input: [1, 28, 28] });
  });

  it('adds keys the comment lacks', () => {
    const line = writeProfileComment('# profile: batch=16 seq=256', { precision: 'bf16-mixed', optimizer: 'adam-8bit' });
    assert.deepEqual(readBack(line!), { batch: 16, seq: 256, precision: 'bf16-mixed', optimizer: 'adam-8bit' });
  });

  it('keeps the code before the comment and a further comment after it', () => {
    const line = writeProfileComment('class Net(nn.Module):  # profile: batch=8  # fits the 4090', { batch: 4 });
    assert.equal(line, 'class Net(nn.Module):  # profile: batch=4  # fits the 4090');
  });

  it('keeps the indentation of an indented comment', () => {
    assert.equal(writeProfileComment('    #profile: mode=infer', { mode: 'train' }), '    # profile: mode=train');
  });

  it('drops values the parser rejects, since they were errors on the comment', () => {
    const line = writeProfileComment('# profile: batch=lots precision=bf16', { batch: 32 });
    assert.deepEqual(readBack(line!), { batch: 32, precision: 'bf16' });
  });

  it('writes nothing into a line without a # profile: comment', () => {
    assert.equal(writeProfileComment('# an ordinary comment', { batch: 2 }), undefined);
  });
});
