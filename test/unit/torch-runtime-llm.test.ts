/**
 * Language models written as plain PyTorch (helpers/models/gpt2.py, llama.py) evaluate
 * to the published parameter counts, torch's MACs and saved tensors, and the
 * transformer facts the estimator needs. Expected numbers: torch 1.13 running the same
 * files through helpers/models/measure.py (the 7B/8B MACs on the meta device), and the
 * published counts in reference/estimation.md.
 */
import { strict as assert } from 'node:assert';
import { evaluate, graphNamed, initEngine, layer, modelSource, savedBytesFp32, totalMacs } from './helpers/engine';

describe('torch runtime: GPT-2 and Llama from source', () => {
  before(initEngine);

  it('GPT-2 small: 124,439,808 parameters with the LM head tied, torch MACs and saved bytes', () => {
    const r = evaluate(modelSource('gpt2.py'), { options: { batch: 1 } });
    const g = graphNamed(r, 'GPT');
    // reference/estimation.md and torch 1.13: sum(p.numel() for p in GPT().parameters()) == 124439808
    assert.equal(g.params.total, 124_439_808);
    // torch 1.13: the tril masks, 12 x 1024 x 1024
    assert.equal(g.params.buffers, 12_582_912);
    assert.deepEqual(g.input?.shapes, [[1, 1024]], 'block_size is the sequence');
    // torch 1.13 at [1, 1024]: 145824153600 MACs, output [1, 1024, 50257], 1227055200 saved bytes
    assert.equal(totalMacs(g), 145_824_153_600);
    assert.deepEqual(g.root.outputShapes, [[1, 1024, 50257]]);
    assert.equal(savedBytesFp32(g), 1_227_055_200);
    assert.equal(g.partial, false);
    // The attention matmuls are counted under the attention module: QK^T and AV, 12 heads x 1024 x 1024 x 64 each.
    assert.equal(layer(g, 'transformer.h.0.attn.matmul').macs, 12 * 1024 * 1024 * 64);
    assert.equal(layer(g, 'transformer.h.0.attn.matmul_1').macs, 12 * 1024 * 1024 * 64);
    assert.deepEqual(g.transformer, {
      layers: 12,
      hidden: 768,
      heads: 12,
      kvHeads: 12,
      headDim: 64,
      ffn: 3072,
      mlp: 'gelu',
      decoder: true,
      causal: true,
      vocab: 50257,
      maxSeq: 1024,
      tiedEmbeddings: true,
    });
  });

  it('Llama-2-7B: 6,738,415,616 parameters; Llama-3-8B: 8,030,261,248 with 8 KV heads', () => {
    const r = evaluate(modelSource('llama.py'), { options: { batch: 1, seq: 256 } });
    const l2 = graphNamed(r, 'Transformer');
    const l3 = graphNamed(r, 'llama3_8b');
    // reference/estimation.md; torch 1.13 on the meta device agrees.
    assert.equal(l2.params.total, 6_738_415_616);
    assert.equal(l3.params.total, 8_030_261_248);
    // torch 1.13 (meta device) at [1, 256]: 1708591677440 and 1938372427776 MACs
    assert.equal(totalMacs(l2), 1_708_591_677_440);
    assert.equal(totalMacs(l3), 1_938_372_427_776);
    assert.deepEqual(l2.transformer, {
      layers: 32,
      hidden: 4096,
      heads: 32,
      kvHeads: 32,
      headDim: 128,
      ffn: 11008,
      mlp: 'swiglu',
      decoder: true,
      causal: true,
      vocab: 32000,
      maxSeq: 4096,
      tiedEmbeddings: false,
    });
    assert.equal(l3.transformer?.kvHeads, 8);
    assert.equal(l3.transformer?.ffn, 14336);
    assert.equal(l3.transformer?.vocab, 128256);
    assert.equal(l3.transformer?.maxSeq, 8192);
  });

  it('a small grouped-query Llama: exact MACs and saved tensors', () => {
    const r = evaluate(modelSource('llama.py'), { options: { batch: 2, seq: 128 } });
    const g = graphNamed(r, 'llama_tiny');
    // torch 1.13: llama_tiny() at [2, 128] -> 1922304 params, 459800576 MACs, 15211536 saved bytes
    assert.equal(g.params.total, 1_922_304);
    assert.equal(totalMacs(g), 459_800_576);
    assert.equal(savedBytesFp32(g), 15_211_536);
    assert.deepEqual(g.root.outputShapes, [[2, 128, 1000]]);
    assert.equal(g.transformer?.kvHeads, 2);
    assert.equal(g.transformer?.heads, 8);
  });

  it('stays fast on a 7B model file once warm', () => {
    const src = modelSource('llama.py');
    evaluate(src);
    const r = evaluate(src);
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
  });
});
