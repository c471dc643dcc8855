/**
 * What the panel asks of the engine, on the shipped examples: reports where the
 * panel's controls outrank `# profile:` comments (through the analysis worker's job
 * too), where the comment is, and the what-if curves, each checked against the engine
 * re-run at that point, or against torch.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { memoryAtBatch } from '../../src/core/estimate';
import { findDevice } from '../../src/core/hardware/catalog';
import type { DeviceSpec } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import type { ModelReport } from '../../src/core/report';
import { NO_FILES } from '../../src/core/sourceHost';
import { prepareEngine, runAnalysisJob } from '../../src/node/analysisJob';
import { batchCurve, batchValues, reportSeq, seqCurve, seqValues } from '../../src/vscode/panel/whatIfCurve';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const MNIST = { file: '/work/examples/mnist_cnn.py', text: readFileSync(join(EXAMPLES, 'mnist_cnn.py'), 'utf8') };
const GPT = { file: '/work/examples/gpt_mini.py', text: readFileSync(join(EXAMPLES, 'gpt_mini.py'), 'utf8') };
const RTX_4090: DeviceSpec = { ...findDevice('RTX 4090')!, local: true };

function report(source: { file: string; text: string }, name: string, options: Partial<EstimateOptions>, ignoreProfileComments = false): ModelReport {
  const file = analyzeDocument({
    ...source,
    host: NO_FILES,
    options: { ...DEFAULT_OPTIONS, ...options },
    devices: [RTX_4090],
    budgets: { timeMs: 10_000 },
    ignoreProfileComments,
  });
  const model = file.models.find((m) => m.name === name);
  assert.ok(model, `no ${name} in ${source.file}: ${file.models.map((m) => m.name).join(', ')}`);
  return model;
}

describe('panel what-if', () => {
  before(async () => {
    await prepareEngine();
  });

  describe('reports at the panel controls', () => {
    it("take the # profile: comment's batch=64 and input=1,28,28 by default, and say where the comment is", () => {
      const r = report(MNIST, 'MnistCNN', {});
      assert.equal(r.options.batch, 64);
      assert.deepEqual(r.options.input, [1, 28, 28]);
      // The comment is line 13 of examples/mnist_cnn.py, right above `class MnistCNN`.
      assert.equal(r.profile?.range.start.line, 12);
      assert.deepEqual([r.profile?.batch, r.profile?.input], [64, [1, 28, 28]]);
      // torch 1.13: sum(p.numel() for p in MnistCNN().parameters()) = 421,834.
      assert.equal(r.params.total, 421_834);
    });

    it('with the comments left out, take the batch the panel chose over batch=64', () => {
      const r = report(MNIST, 'MnistCNN', { batch: 128, input: [1, 28, 28] }, true);
      assert.equal(r.options.batch, 128);
      assert.equal(r.profile, undefined);
      assert.deepEqual(r.input?.shapes, [[128, 1, 28, 28]]);
      // torch: Conv2d(1, 32, kernel_size=3, padding=1) on a [128, 1, 28, 28] input gives [128, 32, 28, 28].
      assert.deepEqual(r.layers.find((l) => l.path === 'conv1')?.outputShape, [[128, 32, 28, 28]]);
    });

    it('with the comments left out at their own values, equal the report with the comments', () => {
      const withComment = report(MNIST, 'MnistCNN', {});
      const controls = report(MNIST, 'MnistCNN', { batch: 64, input: [1, 28, 28] }, true);
      assert.deepEqual(controls.memory, withComment.memory);
      assert.deepEqual(controls.macs, withComment.macs);
      assert.deepEqual(controls.fit, withComment.fit);
    });

    it('do not take a graph the comments shaped from the model cache when the same options come without them', () => {
      const options = { batch: 8, input: [1, 28, 28] };
      const withComment = report(MNIST, 'MnistCNN', options);
      const controls = report(MNIST, 'MnistCNN', options, true);
      // torch: Conv2d(1, 32, kernel_size=3, padding=1) keeps 28x28; the batch is the comment's 64, then the panel's 8.
      assert.deepEqual(withComment.layers.find((l) => l.path === 'conv1')?.outputShape, [[64, 32, 28, 28]]);
      assert.deepEqual(controls.layers.find((l) => l.path === 'conv1')?.outputShape, [[8, 32, 28, 28]]);
    });

    it('leave the comments out in the analysis worker job too', () => {
      const job = { ...MNIST, kind: 'python' as const, options: { ...DEFAULT_OPTIONS, batch: 32, input: [1, 28, 28] }, devices: [], timeBudgetMs: 10_000, host: null };
      const honoured = runAnalysisJob(job).models.find((m) => m.name === 'MnistCNN')!;
      const ignored = runAnalysisJob({ ...job, ignoreProfileComments: true }).models.find((m) => m.name === 'MnistCNN')!;
      assert.equal(honoured.options.batch, 64);
      assert.equal(ignored.options.batch, 32);
    });
  });

  describe('memory against batch size', () => {
    it('uses powers of two past the largest batch that fits, and the current batch', () => {
      assert.deepEqual(batchValues({ options: { ...DEFAULT_OPTIONS, batch: 12 }, fit: [] }), [1, 2, 4, 8, 12, 16, 32]);
      const fit = [{ maxBatch: 100 }, { maxBatch: 3 }] as Parameters<typeof batchValues>[0]['fit'];
      assert.deepEqual(batchValues({ options: { ...DEFAULT_OPTIONS, batch: 8 }, fit }), [1, 2, 4, 8, 16, 32, 64, 128]);
    });

    it("is the report's own memory at its batch, and a re-estimate's elsewhere (up to rounding)", () => {
      const r = report(MNIST, 'MnistCNN', { batch: 64, input: [1, 28, 28] }, true);
      const points = batchCurve(r);
      assert.deepEqual(points.map((p) => p.x), batchValues(r));
      const at64 = points.find((p) => p.x === 64)!;
      assert.deepEqual([at64.trainBytes, at64.inferBytes], [r.memory.train.totalBytes, r.memory.inference.totalBytes]);
      const at8 = points.find((p) => p.x === 8)!;
      assert.equal(at8.trainBytes, memoryAtBatch(r, 8, 'train'));
      // A full re-estimate at batch 8 agrees to a few parts in a million: memoryAtBatch scales the
      // activations linearly, and a few saved tensors (under a kilobyte here) do not grow with the batch.
      const fresh = report(MNIST, 'MnistCNN', { batch: 8, input: [1, 28, 28] }, true);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * a;
      assert.ok(close(fresh.memory.train.totalBytes, at8.trainBytes), `${fresh.memory.train.totalBytes} vs ${at8.trainBytes}`);
      assert.ok(close(fresh.memory.inference.totalBytes, at8.inferBytes), `${fresh.memory.inference.totalBytes} vs ${at8.inferBytes}`);
    });
  });

  describe('memory against sequence length', () => {
    it('uses powers of two from an eighth of the current length up to the context', () => {
      assert.deepEqual(seqValues(256, 256), [32, 64, 128, 256]);
      assert.deepEqual(seqValues(1000, 4096), [128, 256, 512, 1000, 1024, 2048, 4096]);
      assert.deepEqual(seqValues(512), [64, 128, 256, 512, 1024, 2048, 4096]);
    });

    it("estimates GPTMini at each length up to its block_size of 256, the engine's figure at each", async () => {
      const base = { batch: 16, seq: 256 };
      const r = report(GPT, 'GPTMini', base, true);
      assert.equal(reportSeq(r), 256);
      // torch 1.13: GPTMini(GPTConfig()) has 5,322,240 parameters (lm_head tied to wte).
      assert.equal(r.params.total, 5_322_240);
      const asked: number[] = [];
      const points = await seqCurve(r, async (seq) => {
        asked.push(seq);
        return report(GPT, 'GPTMini', { ...base, seq }, true);
      });
      assert.deepEqual(points.map((p) => p.x), [32, 64, 128, 256]);
      assert.deepEqual(asked, [32, 64, 128]);
      for (const p of points) {
        const engine = report(GPT, 'GPTMini', { ...base, seq: p.x }, true);
        assert.deepEqual(engine.input?.shapes, [[16, p.x]]);
        assert.deepEqual([p.trainBytes, p.inferBytes], [engine.memory.train.totalBytes, engine.memory.inference.totalBytes], `seq ${p.x}`);
      }
      for (let i = 1; i < points.length; i++) assert.ok(points[i]!.trainBytes > points[i - 1]!.trainBytes);
    });

    it('is empty for a model without a sequence', async () => {
      const r = report(MNIST, 'MnistCNN', {});
      assert.equal(reportSeq(r), undefined);
      assert.deepEqual(await seqCurve(r, async () => assert.fail('no estimate is needed')), []);
    });
  });
});
