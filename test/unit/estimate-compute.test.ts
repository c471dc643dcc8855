import { strict as assert } from 'node:assert';
import { buildModelReport } from '../../src/core/estimate/index';
import { formatFlops, formatMacs } from '../../src/core/format';
import { a100_80, gpt2, llama2_7b, options, resnetGraph, rtx4090, v100_16 } from './estimate-graphs';

describe('estimate: compute and time', () => {
  it('torchvision resnet50: 4.089 GMACs -> 8.18 GFLOPs forward per image, named apart', () => {
    // torchvision's model table lists resnet50 at 4.09 "GFLOPS", which are MACs; measured with forward hooks
    // on Conv2d/Linear (scripts/activation_check.py): 4,089,184,256 MACs at 224×224.
    const r = buildModelReport(resnetGraph('resnet50', 1), options({ batch: 1 }), []);
    assert.equal(r.macs.forward, 4_089_184_256);
    assert.equal(r.flops.forward, 8_178_368_512);
    assert.equal(formatMacs(r.macs.forward), '4.09 GMACs');
    assert.equal(formatFlops(r.flops.forward), '8.18 GFLOPs');
    // resnet18: 1.814 GMACs in torchvision's table.
    const r18 = buildModelReport(resnetGraph('resnet18', 1), options({ batch: 1 }), []);
    assert.equal((r18.macs.forward / 1e9).toFixed(3), '1.814');
  });

  it('scales forward MACs with the batch; backward is 2×; a train step 3×, 4× with checkpointing', () => {
    const graph = resnetGraph('resnet50', 1);
    const r = buildModelReport(graph, options({ batch: 32 }), []);
    assert.equal(r.macs.forward, 32 * 4_089_184_256);
    assert.equal(r.macs.perSample, 4_089_184_256);
    assert.equal(r.macs.backward, 2 * r.macs.forward);
    assert.equal(r.macs.trainStep, 3 * r.macs.forward);
    const ck = buildModelReport(graph, options({ batch: 32, gradientCheckpointing: true }), []);
    assert.equal(ck.macs.trainStep, 4 * ck.macs.forward);
    assert.equal(ck.flops.trainStep, 2 * ck.macs.trainStep);
  });

  it('attention MACs grow with the square of the sequence; the rest linearly', () => {
    const graph = gpt2(1, 1024);
    const at = (seq: number) => buildModelReport(graph, options({ batch: 1, seq }), []).macs.forward;
    const linear = 12 * (4 * 768 * 768 + 2 * 768 * 3072) + 768 * 50257; // Linear in·out MACs per token
    const attention = (s: number) => 12 * 2 * s * s * 768; // Q·Kᵀ and A·V: 2·L·s²·h, masked half counted
    assert.equal(at(1024), 1024 * linear + attention(1024));
    assert.equal(at(2048), 2048 * linear + attention(2048));
  });

  it('decode: ≈ 2·N FLOPs per token plus attention 4·L·H·Q·T at context T (PaLM App. B)', () => {
    const r = buildModelReport(llama2_7b(1, 4096), options({ mode: 'infer', precision: 'bf16', batch: 1 }), []);
    const linear = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 4096 * 32000; // every Linear's in·out
    const attention = 2 * 32 * 32 * 128 * 4096; // MACs of Q·Kᵀ and A·V for one token at T = 4096
    assert.equal(r.macs.perToken, linear + attention);
    assert.equal(r.flops.perToken, 2 * (linear + attention));
    // Kaplan's C_forward ≈ 2N with N the non-embedding params: the Linear MACs are N less the norm weights.
    const nonEmbedding = 6_738_415_616 - 32000 * 4096;
    assert.ok(Math.abs(linear - nonEmbedding) / nonEmbedding < 1e-4);
  });

  it('training FLOPs for D tokens: 6·N·D + 12·L·H·Q·T·D (PaLM App. B), with 6·N·D (Kaplan) beside it', () => {
    const D = 2e12;
    const r = buildModelReport(llama2_7b(1, 4096), options({ precision: 'bf16-mixed', batch: 1, trainingTokens: D }), []);
    const linear = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 4096 * 32000;
    const palm = (6 * linear + 12 * 32 * 32 * 128 * 4096) * D;
    assert.ok(Math.abs(r.flops.training! - palm) / palm < 1e-9);
    assert.equal(r.flops.trainingCheck, 6 * (6_738_415_616 - 32000 * 4096) * D);
  });

  it('time: compute-bound train step at 40% of the dense peak; decode bound by memory bandwidth', () => {
    const r = buildModelReport(llama2_7b(1, 4096), options({ mode: 'infer', precision: 'bf16', batch: 1 }), [a100_80()]);
    const t = r.time[0]!;
    // A100 80GB: 312 TFLOP/s bf16 dense, 2,039 GB/s (NVIDIA datasheet).
    assert.equal(t.trainStepSeconds, r.flops.trainStep / (312e12 * 0.4));
    const read = r.memory.inference.weightsBytes + r.memory.inference.kvCacheBytes;
    assert.equal(t.tokensPerSecond, 1 / (read / 2.039e12));
    assert.equal(t.bound, 'memory');
    assert.match(t.explain, /memory-bound/);
  });

  it('time falls back to the fp32 peak where a device lacks bf16 (V100), and says so', () => {
    const r = buildModelReport(resnetGraph('resnet50', 1), options({ precision: 'bf16-mixed', batch: 64 }), [v100_16(), rtx4090()]);
    const [v100, rtx] = r.time;
    assert.equal(v100!.trainStepSeconds, r.flops.trainStep / (15.7e12 * 0.4));
    assert.match(v100!.explain, /fp32 dense peak/);
    assert.equal(rtx!.trainStepSeconds, r.flops.trainStep / (165.2e12 * 0.4));
    assert.equal(v100!.bound, 'compute');
  });

  it('a whole training run spreads over the GPUs of the plan', () => {
    const one = buildModelReport(resnetGraph('resnet50', 1), options({ batch: 256, trainingTokens: 1.28e6 * 90 }), [a100_80()]);
    const eight = buildModelReport(resnetGraph('resnet50', 1), options({ batch: 256, trainingTokens: 1.28e6 * 90, sharding: 'ddp', gpuCount: 8 }), [a100_80()]);
    // 90 ImageNet epochs: 3 × 4.089 GMACs × 2 FLOPs per image.
    assert.equal(one.flops.training, 1.28e6 * 90 * 3 * 2 * 4_089_184_256);
    assert.ok(Math.abs(one.time[0]!.trainingSeconds! / eight.time[0]!.trainingSeconds! - 8) < 1e-9);
  });

  it('a device with no figures gets no times and an explanation, not an error', () => {
    const device = { ...a100_80(), peakTflops: {}, bandwidthBytesPerSec: undefined };
    const r = buildModelReport(gpt2(1, 128), options(), [device]);
    assert.equal(r.time[0]!.trainStepSeconds, undefined);
    assert.match(r.time[0]!.explain, /no peak FLOP\/s figure/);
  });
});
