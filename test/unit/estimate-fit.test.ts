import { strict as assert } from 'node:assert';
import { buildModelReport, fitSummaryLine, memoryAtBatch } from '../../src/core/estimate/index';
import { formatBytes } from '../../src/core/format';
import type { EstimateOptions } from '../../src/core/options';
import { a100_80, cpuDevice, linearStack, llama2_7b, options, resnetGraph, rtx4090, v100_16 } from './estimate-graphs';

const GiB = 2 ** 30;

describe('estimate: fit', () => {
  it('full fine-tuning of Llama-2-7B does not fit one A100 80GB; QLoRA alone would; changes ranked by bytes saved', () => {
    const graph = llama2_7b(1, 2048);
    const r = buildModelReport(graph, options({ precision: 'bf16-mixed', batch: 1, seq: 2048 }), [a100_80()]);
    const fit = r.fit[0]!;
    assert.equal(fit.availableBytes, 80 * GiB);
    assert.equal(fit.requiredBytes, r.memory.train.totalBytes);
    // 18 B/param of model states alone (torch.autocast mixed precision) exceed 80 GiB.
    assert.ok(18 * 6_738_415_616 > 80 * GiB);
    assert.equal(fit.verdict, 'fits-with-changes');
    const recs = fit.recommendations;
    for (let i = 1; i < recs.length; i++) assert.ok(recs[i - 1]!.savesBytes >= recs[i]!.savesBytes);
    assert.equal(recs[0]!.id, 'qlora');
    for (const rec of recs) {
      assert.equal(rec.requiredBytes, fit.requiredBytes - rec.savesBytes);
      assert.equal(rec.fitsAlone, rec.requiredBytes <= fit.availableBytes);
      // Each recommendation is what a full re-estimate with its option changes gives.
      const again = buildModelReport(graph, { ...r.options, ...(rec.apply as Partial<EstimateOptions>) }, [a100_80()]);
      assert.equal(again.fit[0]!.requiredBytes, rec.requiredBytes, rec.id);
    }
    const ids = recs.map((x) => x.id);
    for (const id of ['qlora', 'lora', 'cpu-offload', 'zero3', 'zero2', 'adam-8bit', 'gradient-checkpointing']) assert.ok(ids.includes(id), id);
    assert.match(fit.reason, /^needs 14\d\.\d GB, has 85\.9 GB \(A100 80GB\); fits with: QLoRA/);
  });

  it('the fewest GPUs per strategy is the smallest count that fits', () => {
    const graph = llama2_7b(1, 2048);
    const base = options({ precision: 'bf16-mixed', batch: 1, seq: 2048 });
    const fit = buildModelReport(graph, base, [rtx4090()]).fit[0]!;
    // DDP replicates everything, and ZeRO-2 keeps all 13.5 GB of 16-bit weights on each GPU beside
    // the activations: no count of 24 GiB cards fits. ZeRO-3 and FSDP shard the weights too.
    assert.equal(fit.minGpus['ddp'], undefined);
    assert.equal(fit.minGpus['zero2'], undefined);
    const many = buildModelReport(graph, { ...base, sharding: 'zero2', gpuCount: 1024 }, [rtx4090()]).fit[0]!;
    assert.notEqual(many.verdict, 'fits');
    for (const strategy of ['zero3', 'fsdp'] as const) {
      const n = fit.minGpus[strategy];
      assert.ok(n !== undefined && n > 1, strategy);
      const at = (gpus: number) => buildModelReport(graph, { ...base, sharding: strategy, gpuCount: gpus }, [rtx4090()]).fit[0]!;
      assert.equal(at(n).verdict, 'fits', `${strategy} × ${n}`);
      assert.notEqual(at(n - 1).verdict, 'fits', `${strategy} × ${n - 1}`);
    }
    assert.equal(fit.minGpus['zero3'], fit.minGpus['fsdp']);
  });

  it('the largest batch that fits, and memory at any batch from the report alone', () => {
    const graph = resnetGraph('resnet50', 1);
    const base = options({ precision: 'fp32', batch: 64 });
    const r = buildModelReport(graph, base, [rtx4090()]);
    const max = r.fit[0]!.maxBatch;
    assert.ok(max > 64);
    const at = (batch: number) => buildModelReport(graph, { ...base, batch }, [rtx4090()]);
    assert.ok(at(max).memory.train.totalBytes <= 24 * GiB);
    assert.ok(at(max + 1).memory.train.totalBytes > 24 * GiB);
    assert.equal(memoryAtBatch(r, 64, 'train'), r.memory.train.totalBytes);
    for (const batch of [1, 7, 128, max]) {
      for (const mode of ['train', 'infer'] as const) {
        const full = at(batch).memory[mode === 'train' ? 'train' : 'inference'].totalBytes;
        assert.ok(Math.abs(memoryAtBatch(r, batch, mode) - full) <= 2, `${mode} batch ${batch}`);
      }
    }
  });

  it('the longest sequence that fits, capped by the model context', () => {
    const graph = llama2_7b(1, 4096);
    const base = options({ mode: 'infer', precision: 'bf16', batch: 16, attention: 'flash' });
    const fit = buildModelReport(graph, base, [rtx4090()]).fit[0]!;
    const s = fit.maxSeq!;
    assert.ok(s > 0 && s < 4096);
    const at = (seq: number) => buildModelReport(graph, { ...base, seq }, [rtx4090()]).memory.inference.totalBytes;
    assert.ok(at(s) <= 24 * GiB);
    assert.ok(at(s + 1) > 24 * GiB);
    const roomy = buildModelReport(graph, { ...base, batch: 1 }, [a100_80()]).fit[0]!;
    assert.equal(roomy.maxSeq, 4096); // max_position_embeddings
  });

  it('does not fit when no change does; inference lists the GPUs a layer split needs', () => {
    // 100B parameters: even int4 weights (50 GB) exceed a 24 GiB card.
    const graph = linearStack(100, 10000, 100000);
    const r = buildModelReport(graph, options({ mode: 'infer', precision: 'bf16', batch: 1 }), [rtx4090()]);
    const fit = r.fit[0]!;
    assert.equal(fit.verdict, 'does-not-fit');
    assert.equal(fit.maxBatch, 0);
    const n = fit.minGpus['device-map']!;
    const at = (gpus: number) => buildModelReport(graph, options({ mode: 'infer', precision: 'bf16', batch: 1, gpuCount: gpus }), [rtx4090()]).fit[0]!;
    assert.equal(at(n).verdict, 'fits');
    assert.notEqual(at(n - 1).verdict, 'fits');
    assert.match(fit.reason, /no single change fits; \d+ GPUs with device-map would/);
  });

  it('combines changes when none fits alone (a 16 GiB CPU-only machine)', () => {
    const graph = llama2_7b(1, 2048);
    const r = buildModelReport(graph, options({ precision: 'bf16-mixed', batch: 1, seq: 2048 }), [cpuDevice(16 * GiB)]);
    const fit = r.fit[0]!;
    assert.deepEqual(fit.minGpus, {});
    assert.ok(!fit.recommendations.some((x) => x.id.startsWith('zero') || x.id === 'cpu-offload'));
    const combined = fit.recommendations[0]!;
    assert.equal(combined.id, 'combined');
    assert.ok(combined.requiredBytes <= 16 * GiB);
    const again = buildModelReport(graph, { ...r.options, ...(combined.apply as Partial<EstimateOptions>) }, [cpuDevice(16 * GiB)]);
    assert.equal(again.fit[0]!.verdict, 'fits');
    assert.equal(fit.verdict, 'fits-with-changes');
  });

  it('a multi-GPU plan comes with a DeepSpeed config or an FSDP snippet', () => {
    const graph = llama2_7b(1, 2048);
    const base = options({ precision: 'bf16-mixed', batch: 2, seq: 2048 });
    const z3 = buildModelReport(graph, { ...base, sharding: 'zero3', gpuCount: 8, cpuOffload: true }, [a100_80()]).fit[0]!;
    assert.equal(z3.plan?.strategy, 'zero3');
    assert.deepEqual(z3.plan?.deepspeedConfig, {
      train_micro_batch_size_per_gpu: 2,
      gradient_accumulation_steps: 1,
      bf16: { enabled: true },
      zero_optimization: {
        stage: 3,
        overlap_comm: true,
        contiguous_gradients: true,
        offload_optimizer: { device: 'cpu', pin_memory: true },
        offload_param: { device: 'cpu', pin_memory: true },
      },
    });
    const fsdp = buildModelReport(graph, { ...base, sharding: 'fsdp', gpuCount: 4 }, [a100_80()]).fit[0]!;
    assert.match(fsdp.plan!.fsdpSnippet!, /ShardingStrategy\.FULL_SHARD/);
    assert.match(fsdp.plan!.fsdpSnippet!, /MixedPrecision\(param_dtype=torch\.bfloat16/);
    assert.match(fsdp.plan!.fsdpSnippet!, /--nproc_per_node=4/);
    // A single-GPU plan that fits needs none; on a V100 the recommended precision is fp16 (no bf16 there).
    const small = buildModelReport(resnetGraph('resnet50', 1), options({ precision: 'fp32', batch: 32 }), [v100_16()]).fit[0]!;
    assert.equal(small.plan, undefined);
    assert.ok(small.recommendations.some((x) => x.id === 'fp16-mixed'));
  });

  it('one summary line for the CLI and notifications', () => {
    const graph = llama2_7b(1, 2048);
    const r = buildModelReport(graph, options({ precision: 'bf16-mixed', batch: 1, seq: 2048 }), [rtx4090(), a100_80()]);
    const need = formatBytes(r.memory.train.totalBytes);
    const qlora = r.fit.find((f) => f.device === 'A100 80GB')!.recommendations.find((x) => x.fitsAlone)!;
    assert.equal(
      fitSummaryLine(r),
      `Llama2_7B needs ~${need} to train (batch 1, seq 2,048, bf16-mixed, AdamW); the largest GPU among the targets has 85.9 GB (A100 80GB); fits with: ${qlora.title} (→ ~${formatBytes(qlora.requiredBytes)})`,
    );
    const inf = buildModelReport(graph, options({ mode: 'infer', precision: 'bf16', batch: 1, seq: 2048 }), [rtx4090()]);
    assert.equal(fitSummaryLine(inf), `Llama2_7B needs ~${formatBytes(inf.memory.inference.totalBytes)} for inference (batch 1, seq 2,048, bf16); fits the RTX 4090 (25.8 GB)`);
    const none = buildModelReport(graph, options({ mode: 'infer' }), []);
    assert.match(fitSummaryLine(none), /; no device to compare with$/);
  });

  it('layer rows: depth-first, subtree sums and shares', () => {
    const r = buildModelReport(resnetGraph('resnet50', 1), options({ precision: 'fp32', batch: 1 }), []);
    assert.deepEqual(
      r.layers.map((row) => row.path),
      ['', 'conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc'],
    );
    const root = r.layers[0]!;
    assert.equal(root.name, 'resnet50');
    assert.equal(root.params, 25_557_032); // torchvision resnet50
    assert.equal(root.macs, 4_089_184_256);
    assert.equal(root.activationBytes, r.memory.train.activationsBytes);
    assert.equal(root.paramShare, 1);
    const fc = r.layers.find((row) => row.path === 'fc')!;
    assert.equal(fc.paramShare, 2_049_000 / 25_557_032);
    assert.equal(r.id, 'resnet50@1');
  });

  it('estimates a large model quickly enough to redraw curves on every control change', () => {
    const graph = llama2_7b(1, 4096);
    const devices = [a100_80(), rtx4090()];
    const o = options({ precision: 'bf16-mixed', batch: 1 });
    for (let i = 0; i < 30; i++) buildModelReport(graph, o, devices);
    const start = process.cpuUsage();
    const runs = 100;
    for (let i = 0; i < runs; i++) buildModelReport(graph, o, devices);
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000 / runs;
    // Well under 1 ms of CPU per report (420 layers, two devices, every search) on an idle machine; the bound
    // leaves room for loaded CI machines while catching an accidental quadratic walk.
    assert.ok(ms < 5, `${ms.toFixed(2)} ms per report`);
    const r = buildModelReport(graph, o, devices);
    assert.ok(r.layers.length > 400);
  });
});
