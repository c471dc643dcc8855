import { strict as assert } from 'node:assert';
import {
  formatBytes,
  formatBytesBinary,
  formatCount,
  formatExact,
  formatFlops,
  formatMacs,
  formatShape,
} from '../../src/core/format';

describe('format', () => {
  it('formats parameter counts the way model cards write them', () => {
    // GPT-2 small: 124,439,808 params (published count) is "124.4M".
    assert.equal(formatCount(124_439_808), '124.4M');
    assert.equal(formatCount(6_738_415_616), '6.74B');
    assert.equal(formatCount(11_689_512), '11.69M');
    assert.equal(formatCount(512), '512');
    assert.equal(formatExact(124_439_808), '124,439,808');
  });

  it('keeps GB (1e9) and GiB (2^30) apart', () => {
    // Llama-2-7B in bf16: 6,738,415,616 params × 2 bytes = 13,476,831,232 bytes.
    assert.equal(formatBytes(13_476_831_232), '13.5 GB');
    assert.equal(formatBytesBinary(13_476_831_232), '12.6 GiB');
  });

  it('names MACs and FLOPs', () => {
    assert.equal(formatMacs(4_089_184_256), '4.09 GMACs');
    assert.equal(formatFlops(8_178_368_512), '8.18 GFLOPs');
  });

  it('prints shapes, with None for the Keras batch', () => {
    assert.equal(formatShape([8, 3, 224, 224]), '[8, 3, 224, 224]');
    assert.equal(formatShape([8, 10], true), '[None, 10]');
  });

  it('never prints NaN or Infinity', () => {
    assert.equal(formatCount(Number.NaN), '—');
    assert.equal(formatBytes(Number.POSITIVE_INFINITY), '—');
  });
});
