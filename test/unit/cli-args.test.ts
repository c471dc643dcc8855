import { strict as assert } from 'node:assert';
import { parseArgs, parseShape, UsageError } from '../../src/cli/args';
import { DEFAULT_OPTIONS } from '../../src/core/options';

describe('cli arguments', () => {
  it('parses the documented profile flags', () => {
    const a = parseArgs(['profile', 'm.py', '--json', '--batch', '32', '--seq=1024', '--input', '3,224,224', '--precision', 'bf16-mixed', '--optimizer', 'adam-8bit', '--mode', 'infer', '--device', 'A100 80GB', '--device', 'RTX 4090']);
    assert.equal(a.command, 'profile');
    assert.equal(a.file, 'm.py');
    assert.equal(a.json, true);
    assert.equal(a.options.batch, 32);
    assert.equal(a.options.seq, 1024);
    assert.deepEqual(a.options.input, [3, 224, 224]);
    assert.equal(a.options.precision, 'bf16-mixed');
    assert.equal(a.options.optimizer, 'adam-8bit');
    assert.equal(a.options.mode, 'infer');
    assert.deepEqual(a.devices, ['A100 80GB', 'RTX 4090']);
    assert.deepEqual([...a.explicit].sort(), ['batch', 'input', 'mode', 'optimizer', 'precision', 'seq']);
  });

  it('keeps the defaults when no flag is given', () => {
    const a = parseArgs(['fits', 'm.py']);
    assert.equal(a.command, 'fits');
    assert.deepEqual(a.options, DEFAULT_OPTIONS);
    assert.equal(a.explicit.size, 0);
  });

  it('rejects bad values with a one-line reason', () => {
    assert.throws(() => parseArgs(['profile', 'm.py', '--batch', '0']), /--batch must be between 1/);
    assert.throws(() => parseArgs(['profile', 'm.py', '--batch', 'x']), /positive integer/);
    assert.throws(() => parseArgs(['profile', 'm.py', '--precision', 'fp12']), /--precision must be one of fp32/);
    assert.throws(() => parseArgs(['profile', 'm.py', '--frobnicate']), /unknown option "--frobnicate"/);
    assert.throws(() => parseArgs(['profile']), /profile needs a FILE/);
    assert.throws(() => parseArgs(['profile', 'a.py', 'b.py']), /one file at a time/);
    assert.throws(() => parseArgs(['profile', 'a.py', '--batch']), /--batch needs a value/);
    assert.throws(() => parseArgs(['explode']), UsageError);
  });

  it('reads shapes in the spellings people type', () => {
    assert.deepEqual(parseShape('--input', '(3, 32, 32)'), [3, 32, 32]);
    assert.deepEqual(parseShape('--input', '3x224x224'), [3, 224, 224]);
    assert.throws(() => parseShape('--input', '3,-1'), /dimensions like/);
  });

  it('answers help and version', () => {
    assert.equal(parseArgs([]).command, 'help');
    assert.equal(parseArgs(['--help']).command, 'help');
    assert.equal(parseArgs(['profile', 'x.py', '-h']).command, 'help');
    assert.equal(parseArgs(['--version']).command, 'version');
  });

  it('turns --headroom percent into a fraction', () => {
    assert.equal(parseArgs(['fits', 'm.py', '--headroom', '20']).options.headroom, 0.2);
  });
});
