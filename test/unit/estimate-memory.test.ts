import { strict as assert } from 'node:assert';
import { buildModelReport, effectiveOptions } from '../../src/core/estimate/index';
import type { MemoryBreakdown } from '../../src/core/estimate/types';
import { PRECISIONS, OPTIMIZERS, SHARDING, FINE_TUNING, ATTENTION_KERNELS, MODES } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';
import {
  a100_80,
  bertLargeClassifier,
  cpuDevice,
  gpt2,
  linearStack,
  llama2_7b,
  llama3_8b,
  llamaFamily,
  options,
  resnetGraph,
  rtx4090,
} from './estimate-graphs';

const KiB = 1024;

/** Weights + gradients + optimizer state + master weights: the "model states" of the ZeRO paper. */
function states(m: MemoryBreakdown): number {
  return m.weightsBytes + m.gradientsBytes + m.optimizerBytes + m.masterWeightsBytes;
}

function termSum(m: MemoryBreakdown): number {
  return (
    m.weightsBytes +
    m.gradientsBytes +
    m.optimizerBytes +
    m.masterWeightsBytes +
    m.activationsBytes +
    m.kvCacheBytes +
    m.overheadBytes +
    m.fragmentationBytes
  );
}

describe('estimate: memory', () => {
  it('Llama-2-7B: 6,738,415,616 params, 13,476,831,232 bytes of bf16 weights', () => {
    // Published parameter count of Llama-2-7B (config: 32 layers, 4096, FFN 11008, vocab 32000).
    const graph = llama2_7b();
    assert.equal(graph.params.total, 6_738_415_616);
    const r = buildModelReport(graph, options({ mode: 'infer', precision: 'bf16', batch: 1 }), []);
    assert.equal(r.memory.inference.weightsBytes, 13_476_831_232);
  });

  it('KV cache: 512 KiB per token for Llama-2-7B, 128 KiB for Llama-3-8B (8 KV heads)', () => {
    // 2 · 32 layers · 32 heads · 128 · 2 B = 512 KiB; Llama-3-8B has 8 KV heads: 128 KiB.
    const l2 = buildModelReport(llama2_7b(1, 4096), options({ mode: 'infer', precision: 'bf16', batch: 1 }), []);
    assert.equal(l2.memory.inference.kvCacheBytes, 4096 * 512 * KiB);
    const l3graph = llama3_8b(1, 8192);
    assert.equal(l3graph.params.total, 8_030_261_248); // published Llama-3-8B count
    const l3 = buildModelReport(l3graph, options({ mode: 'infer', precision: 'bf16', batch: 2 }), []);
    assert.equal(l3.memory.inference.kvCacheBytes, 2 * 8192 * 128 * KiB);
  });

  it('sliding-window attention caps the KV cache (Mistral-7B, window 4096)', () => {
    // Mistral-7B-v0.1 config: 32 layers, 4096, 32 heads, 8 KV heads, FFN 14336, vocab 32000, sliding_window 4096.
    const graph = llamaFamily('Mistral7B', { kvHeads: 8, ffn: 14336, vocab: 32000, maxSeq: 32768, slidingWindow: 4096 }, 1, 8192);
    assert.equal(graph.params.total, 7_241_732_096); // published Mistral-7B-v0.1 count
    const r = buildModelReport(graph, options({ mode: 'infer', precision: 'bf16', batch: 1 }), []);
    // 128 KiB per cached token (8 KV heads), 4096 tokens cached, not 8192.
    assert.equal(r.memory.inference.kvCacheBytes, 4096 * 128 * KiB);
  });

  it('mixed-precision Adam: 16 bytes/param with 16-bit gradients (ZeRO §3.1), 18 with fp32 gradients', () => {
    const graph = gpt2();
    const psi = 124_439_808; // published GPT-2 small count (tied head)
    assert.equal(graph.params.total, psi);
    const zero = buildModelReport(graph, options({ precision: 'bf16-mixed', optimizer: 'adamw', fp32Gradients: false }), []);
    assert.equal(states(zero.memory.train), 16 * psi);
    assert.equal(zero.memory.train.masterWeightsBytes, 4 * psi);
    // torch.autocast keeps fp32 parameters and gradients: 2 (16-bit copy) + 4 + 4 + 8 = 18 (HF "model memory anatomy").
    const amp = buildModelReport(graph, options({ precision: 'bf16-mixed', optimizer: 'adamw' }), []);
    assert.equal(states(amp.memory.train), 18 * psi);
  });

  it('bytes per parameter for the other optimizers and precisions (HF "model memory anatomy")', () => {
    const graph = gpt2();
    const psi = graph.params.total;
    const per = (over: Parameters<typeof options>[0]): number => states(buildModelReport(graph, options(over), []).memory.train) / psi;
    assert.equal(per({ precision: 'fp32', optimizer: 'adamw' }), 16); // 4 w + 4 g + 8 Adam
    assert.equal(per({ precision: 'fp32', optimizer: 'sgd-momentum' }), 12); // 4 + 4 + 4 momentum
    assert.equal(per({ precision: 'fp32', optimizer: 'sgd' }), 8);
    assert.equal(per({ precision: 'fp32', optimizer: 'lion' }), 12); // one momentum state
    assert.equal(per({ precision: 'fp32', optimizer: 'adam-8bit' }), 10); // two 1-byte states
    assert.equal(per({ precision: 'bf16', optimizer: 'adamw' }), 8); // torch keeps Adam state in the param dtype
  });

  it('Adafactor keeps a row and a column vector per matrix (Shazeer & Stern 2018)', () => {
    const graph = gpt2();
    const r = buildModelReport(graph, options({ precision: 'fp32', optimizer: 'adafactor' }), []);
    // GPT-2 small, from its shapes: token embedding 50257×768, positions 1024×768; per layer
    // q, k, v, o 768×768 + bias, fc 3072×768 + bias, proj 768×3072 + bias, two LayerNorms (weight + bias);
    // a final LayerNorm. Matrix: rows + cols; vectors in full. fp32 states.
    const perLayer = 4 * (768 + 768 + 768) + (3072 + 768 + 3072) + (768 + 3072 + 768) + 2 * 1536;
    const elements = 50257 + 768 + (1024 + 768) + 12 * perLayer + 1536;
    assert.equal(r.memory.train.optimizerBytes, 4 * elements);
  });

  it('ZeRO over 64 GPUs for a 7.5B model: 120 / 31.4 / 16.6 / 1.9 GB of model states (ZeRO paper, Figure 1)', () => {
    // Ψ = 7.5B (100 layers of 75M), mixed-precision Adam (K = 12), N_d = 64.
    const graph = linearStack(100, 7500, 10000);
    assert.equal(graph.params.total, 7.5e9);
    const run = (sharding: 'none' | 'zero1' | 'zero2' | 'zero3') =>
      buildModelReport(graph, options({ precision: 'fp16-mixed', optimizer: 'adam', sharding, gpuCount: 64, fp32Gradients: false }), []).memory.train;
    assert.equal(states(run('none')), 120e9);
    assert.equal(states(run('zero1')), 2 * 7.5e9 + 2 * 7.5e9 + (12 * 7.5e9) / 64); // 31.4 GB
    assert.equal(states(run('zero2')), 2 * 7.5e9 + (14 * 7.5e9) / 64); // 16.6 GB
    const z3 = run('zero3');
    // 16Ψ/N = 1.875 GB, plus the largest layer gathered: its 16-bit weights and gradients, less the local shard.
    const gathered = 4 * 75e6 * (1 - 1 / 64);
    assert.equal(states(z3), Math.round((16 * 7.5e9) / 64 + gathered));
    assert.equal((16 * 7.5e9) / 64 / 1e9, 1.875);
  });

  it('ZeRO-3 on 8 GPUs for Llama-2-7B: 16Ψ/8 of states plus one decoder layer gathered', () => {
    const graph = llama2_7b(1, 4096);
    const psi = 6_738_415_616;
    const layer = 202_383_360; // one Llama-2-7B decoder layer: 4·4096² + 3·4096·11008 + 2·4096
    const m = buildModelReport(graph, options({ precision: 'bf16-mixed', sharding: 'zero3', gpuCount: 8 }), []).memory.train;
    assert.equal(states(m), Math.round((16 * psi) / 8 + 4 * layer * (7 / 8)));
  });

  it('ZeRO-Offload: 2Ψ on the GPU for ZeRO-2, optimizer state, fp32 weights and gradients in host RAM', () => {
    // DeepSpeed memory docs, estimate_zero2_model_states_mem_needs with offload_optimizer=cpu: gpu 2Ψ; host 16Ψ before its buffer factor.
    const graph = gpt2();
    const psi = graph.params.total;
    const m = buildModelReport(graph, options({ precision: 'bf16-mixed', sharding: 'zero2', gpuCount: 4, cpuOffload: true }), []).memory.train;
    assert.equal(states(m), 2 * psi);
    assert.equal(m.hostBytes, 16 * psi);
  });

  it('DDP keeps a second copy of the gradients in its buckets (gradient_as_bucket_view=False)', () => {
    const graph = gpt2();
    const one = buildModelReport(graph, options({ precision: 'fp32' }), []).memory.train;
    const ddp = buildModelReport(graph, options({ precision: 'fp32', sharding: 'ddp', gpuCount: 4 }), []).memory.train;
    assert.equal(ddp.gradientsBytes, 2 * one.gradientsBytes);
  });

  it('LoRA on Llama-2-7B: 19,988,480 adapters for all linear layers, 4,194,304 for q_proj,v_proj at r=8', () => {
    // PEFT print_trainable_parameters for meta-llama/Llama-2-7b-hf, r=8:
    // all seven projections "trainable params: 19,988,480"; q_proj and v_proj "trainable params: 4,194,304".
    const graph = llama2_7b(1, 512);
    const all = buildModelReport(graph, options({ fineTuning: 'lora', loraRank: 8, loraTargets: ['all-linear'], precision: 'bf16-mixed' }), []);
    assert.equal(all.memory.train.gradientsBytes, 19_988_480 * 4);
    const qv = buildModelReport(graph, options({ fineTuning: 'lora', loraRank: 8, loraTargets: ['q_proj', 'v_proj'], precision: 'bf16-mixed' }), []);
    assert.equal(qv.memory.train.gradientsBytes, 4_194_304 * 4);
    // Frozen base: 16-bit weights for all 6.74B params plus the adapters; master and Adam state for the adapters only.
    assert.equal(qv.memory.train.weightsBytes, 2 * (6_738_415_616 + 4_194_304));
    assert.equal(qv.memory.train.optimizerBytes, 8 * 4_194_304);
    assert.equal(qv.memory.train.masterWeightsBytes, 4 * 4_194_304);
  });

  it('QLoRA: NF4 (4.127 bits) Linear weights, 16-bit embeddings, norms and head', () => {
    const graph = llama2_7b(1, 512);
    const r = buildModelReport(graph, options({ fineTuning: 'qlora', loraRank: 8, loraTargets: ['all-linear'] }), []);
    const linear = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008); // quantized projections
    const rest = 6_738_415_616 - linear; // embeddings, norms, lm_head
    assert.equal(r.memory.train.weightsBytes, Math.round((linear * 4.127) / 8 + rest * 2 + 19_988_480 * 2));
    assert.equal(r.memory.train.gradientsBytes, 19_988_480 * 2);
  });

  it('quantized weights take no gradients: full training becomes LoRA, with a finding', () => {
    const r = buildModelReport(llama2_7b(1, 512), options({ precision: 'int4', fineTuning: 'full' }), []);
    assert.equal(r.memory.train.gradientsBytes, 19_988_480 * 2);
    assert.ok(r.findings.some((f) => f.code === 'estimate/quantized-training'));
  });

  it('LoRA targets that match nothing train nothing and say so', () => {
    const r = buildModelReport(llama2_7b(1, 512), options({ fineTuning: 'lora', loraTargets: ['query_key_value'] }), []);
    assert.equal(r.memory.train.gradientsBytes, 0);
    assert.equal(r.memory.train.activationsBytes, 0);
    assert.ok(r.findings.some((f) => f.code === 'estimate/lora-no-targets'));
  });

  it('frozen layers: gradients and optimizer state only for trainable params, no activations before them', () => {
    const graph = resnetGraph('resnet50', 1);
    // Freeze everything but layer4 and fc (requires_grad_(False) on the backbone).
    let trainable = 0;
    for (const n of graph.root.children) {
      if (n.path !== 'layer4' && n.path !== 'fc') n.ownTrainableParams = 0;
      trainable += n.ownTrainableParams;
    }
    graph.params.trainable = trainable;
    graph.params.nonTrainable = graph.params.total - trainable;
    assert.equal(trainable, 14_964_736 + 2_049_000);
    const r = buildModelReport(graph, options({ precision: 'fp32', optimizer: 'adamw', batch: 1 }), []);
    assert.equal(r.memory.train.gradientsBytes, 4 * trainable);
    assert.equal(r.memory.train.optimizerBytes, 8 * trainable);
    // Saved by layer4 and fc only (measured with torch: 4,796,416 + 8,192 bytes at batch 1).
    assert.equal(r.memory.train.activationsBytes, 4_796_416 + 8_192);
  });

  it('a CPU-only machine: no CUDA context in what the CPU needs', () => {
    const graph = resnetGraph('resnet18', 1);
    const ram = 16 * 2 ** 30;
    const r = buildModelReport(graph, options({ precision: 'fp32', batch: 32 }), [cpuDevice(ram)]);
    assert.equal(r.memory.train.overheadBytes, 0);
    const gpu = buildModelReport(graph, options({ precision: 'fp32', batch: 32 }), [a100_80()]);
    // 287,047,680 B CUDA context (pytorch PR #86509) + 8,519,680 B cuBLAS workspace (2·4 MiB + 8·16 KiB).
    assert.equal(gpu.memory.train.overheadBytes, 287_047_680 + 8_519_680);
    assert.equal(r.fit[0]!.requiredBytes, r.memory.train.totalBytes);
  });

  it('the fragmentation margin leaves the headroom share of the total free', () => {
    const r = buildModelReport(gpt2(), options({ headroom: 0.2 }), []);
    const m = r.memory.train;
    const rest = m.totalBytes - m.fragmentationBytes;
    assert.ok(Math.abs(m.fragmentationBytes - 0.2 * m.totalBytes) <= 1);
    assert.ok(rest > 0);
  });

  it('a `# profile:` comment overrides settings; bad values fall back with a finding', () => {
    const graph = gpt2();
    graph.profile = { batch: 2, precision: 'bf16', range: rangeOf(3, 0, 3, 30) };
    const o = effectiveOptions(graph, options({ batch: 16, precision: 'fp32' }));
    assert.equal(o.batch, 2);
    assert.equal(o.precision, 'bf16');
    graph.profile = { batch: -3, precision: 'fp12', range: rangeOf(3, 0, 3, 30) };
    const r = buildModelReport(graph, options({ batch: 16 }), []);
    assert.equal(r.options.batch, 16);
    assert.equal(r.options.precision, 'fp32');
    assert.equal(r.findings.filter((f) => f.code === 'estimate/profile-invalid').length, 2);
  });

  it('totals are exactly the sum of the terms, and every number is finite and >= 0, for random options', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const graphs = [gpt2(2, 256), resnetGraph('resnet50', 4), llama3_8b(1, 1024), bertLargeClassifier(2, 128), linearStack(3, 64, 64)];
    for (let i = 0; i < 150; i++) {
      const graph = pick(graphs);
      const o = options({
        mode: pick(MODES),
        batch: 1 + Math.floor(rand() * 64),
        seq: rand() < 0.5 ? undefined : 1 + Math.floor(rand() * 8192),
        precision: pick(PRECISIONS),
        optimizer: pick(OPTIMIZERS),
        gradientCheckpointing: rand() < 0.5,
        attention: pick(ATTENTION_KERNELS),
        fineTuning: pick(FINE_TUNING),
        loraRank: 1 + Math.floor(rand() * 64),
        sharding: pick(SHARDING),
        gpuCount: 1 + Math.floor(rand() * 16),
        cpuOffload: rand() < 0.3,
        headroom: rand() * 0.5,
        trainingTokens: rand() < 0.5 ? 0 : 1e9,
      });
      const r = buildModelReport(graph, o, [a100_80(), rtx4090(), cpuDevice(64 * 2 ** 30)], { freeDiskBytes: 1e11 });
      for (const m of [r.memory.train, r.memory.inference]) assert.equal(m.totalBytes, termSum(m), JSON.stringify(o));
      assertFiniteNonNegative(r, 'report');
    }
  });

  it('an empty model, no input shape and a device reporting no memory still give a whole report', () => {
    const graph = linearStack(0, 1, 1);
    delete graph.input;
    const device = { ...a100_80(), memoryBytes: Number.NaN };
    const r = buildModelReport(graph, options({ seq: 0, batch: 0, gpuCount: 0, headroom: 2 }), [device]);
    assert.equal(r.params.total, 0);
    assert.equal(r.memory.train.weightsBytes, 0);
    assert.equal(r.fit[0]!.availableBytes, 0);
    assert.equal(r.fit[0]!.verdict, 'does-not-fit');
    assert.ok(r.findings.filter((f) => f.code === 'estimate/option-invalid').length >= 4);
    assertFiniteNonNegative(r, 'report');
  });

  it('odd counts from a partial evaluation never leak NaN or negative numbers', () => {
    const graph = gpt2(2, 128);
    graph.params.total = Number.NaN;
    graph.params.buffers = -5;
    const leaf = graph.root.children[0]!;
    leaf.savedElements = Number.POSITIVE_INFINITY;
    leaf.macs = -1;
    leaf.outputElements = Number.NaN;
    const r = buildModelReport(graph, options(), [a100_80()]);
    assertFiniteNonNegative(r, 'report');
  });
});

function assertFiniteNonNegative(value: unknown, path: string): void {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value) && value >= 0, `${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertFiniteNonNegative(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // Source positions and option values are inputs, not estimates.
      if (k === 'range' || k === 'nameRange' || k === 'options' || k === 'input' || k === 'transformer') continue;
      assertFiniteNonNegative(v, `${path}.${k}`);
    }
  }
}
