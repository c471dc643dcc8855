/**
 * The panel's engine adapter (src/vscode/panel/modelEstimator.ts) on the shipped
 * examples: model ids, the controls a model starts with, reports at the panel's
 * controls (which outrank `# profile:` comments), and the what-if curves, each
 * checked against the engine run directly or against torch.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { buildModelReport, memoryAtBatch } from '../../src/core/estimate';
import { findDevice } from '../../src/core/hardware/catalog';
import type { DeviceSpec } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import { mergeControls, optionsWithControls } from '../../src/shared/controls';
import {
  batchValues,
  documentUriOf,
  ModelEstimator,
  modelDefaultControls,
  panelModelId,
  seqValues,
  withModelIds,
  type EstimateEnvironment,
  type PanelDocument,
} from '../../src/vscode/panel/modelEstimator';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const MNIST_URI = 'file:///work/examples/mnist_cnn.py';
const GPT_URI = 'file:///work/examples/gpt_mini.py';

function doc(uri: string, name: string, version = 1, text = readFileSync(join(EXAMPLES, name), 'utf8')): PanelDocument {
  return { uri, file: `/work/examples/${name}`, version, text, kind: 'python' };
}

const RTX_4090: DeviceSpec = { ...findDevice('RTX 4090')!, local: true };
const settings: EstimateOptions = { ...DEFAULT_OPTIONS };
const env = (devices: DeviceSpec[] = [RTX_4090]): EstimateEnvironment => ({ host: NO_FILES, settings, devices, timeBudgetMs: 10_000 });

describe('panel model estimator', () => {
  before(async () => {
    await initParserFromDisk();
  });

  describe('model ids', () => {
    it('are the document URI and the model name, numbered from the second of a name', () => {
      assert.equal(panelModelId('file:///a/b.py', 'Net'), 'file:///a/b.py#Net');
      assert.equal(panelModelId('file:///a/b.py', 'Net', 2), 'file:///a/b.py#Net~2');
      // Notebook cell URIs carry a fragment of their own; the model is after the last '#'.
      assert.equal(documentUriOf('vscode-notebook-cell:/n.ipynb#W1sZmlsZQ%3D%3D#Net'), 'vscode-notebook-cell:/n.ipynb#W1sZmlsZQ%3D%3D');
      assert.equal(documentUriOf('no-hash'), undefined);
    });

    it('number repeated names in source order', () => {
      const graph = (name: string) => ({ name }) as Parameters<typeof withModelIds>[1][number];
      assert.deepEqual(
        withModelIds('u', [graph('A'), graph('B'), graph('A')]).map((m) => m.id),
        ['u#A', 'u#B', 'u#A~2'],
      );
    });

    it('stay the same when lines are added above the model', () => {
      const estimator = new ModelEstimator();
      const text = readFileSync(join(EXAMPLES, 'gpt_mini.py'), 'utf8');
      const before = estimator.models(doc(GPT_URI, 'gpt_mini.py', 1, text), env()).map((m) => m.id);
      const after = estimator.models(doc(GPT_URI, 'gpt_mini.py', 2, `# a new comment\n\n${text}`), env());
      assert.deepEqual(after.map((m) => m.id), before);
      assert.deepEqual(before, [`${GPT_URI}#CausalSelfAttention`, `${GPT_URI}#MLP`, `${GPT_URI}#Block`, `${GPT_URI}#GPTMini`, `${GPT_URI}#model`]);
      // GPTMini's name is on line 71 of the file; two lines were added above it.
      assert.equal(after[3]!.graph.nameRange.start.line + 1, 73);
    });
  });

  describe('default controls', () => {
    it("start from the model's # profile: comment (mnist_cnn.py: input=1,28,28 batch=64)", () => {
      const estimator = new ModelEstimator();
      const [model] = estimator.models(doc(MNIST_URI, 'mnist_cnn.py'), env());
      assert.equal(model!.graph.name, 'MnistCNN');
      const controls = modelDefaultControls(model!.graph, settings, ['a100-80gb-sxm']);
      assert.equal(controls.batch, 64);
      assert.deepEqual(controls.input, [1, 28, 28]);
      assert.equal(controls.precision, 'fp32');
      assert.deepEqual(controls.targetDevices, ['a100-80gb-sxm']);
    });

    it('take the settings where the comment is silent', () => {
      const estimator = new ModelEstimator();
      const models = estimator.models(doc(GPT_URI, 'gpt_mini.py'), env());
      const gpt = models.find((m) => m.graph.name === 'GPTMini')!;
      const mlp = models.find((m) => m.graph.name === 'MLP')!;
      // `# profile: batch=16 seq=256` sits above GPTMini only.
      assert.deepEqual([modelDefaultControls(gpt.graph, settings, []).batch, modelDefaultControls(gpt.graph, settings, []).seq], [16, 256]);
      assert.deepEqual([modelDefaultControls(mlp.graph, settings, []).batch, modelDefaultControls(mlp.graph, settings, []).seq], [settings.batch, null]);
    });
  });

  describe('reports', () => {
    it('count the parameters torch counts (421,834 for MnistCNN, 5,322,240 for GPTMini)', () => {
      const estimator = new ModelEstimator();
      const mnist = estimator.models(doc(MNIST_URI, 'mnist_cnn.py'), env())[0]!;
      const gpt = estimator.models(doc(GPT_URI, 'gpt_mini.py'), env()).find((m) => m.graph.name === 'GPTMini')!;
      // sum(p.numel() for p in model.parameters()) with torch 1.13; GPTMini ties lm_head to wte.
      const mnistReport = estimator.report(doc(MNIST_URI, 'mnist_cnn.py'), mnist.id, modelDefaultControls(mnist.graph, settings, []), env());
      const gptReport = estimator.report(doc(GPT_URI, 'gpt_mini.py'), gpt.id, modelDefaultControls(gpt.graph, settings, []), env());
      assert.equal(mnistReport?.params.total, 421_834);
      assert.equal(gptReport?.params.total, 5_322_240);
    });

    it("equal the engine's report for the same document at the comment's values", () => {
      const estimator = new ModelEstimator();
      const d = doc(MNIST_URI, 'mnist_cnn.py');
      const model = estimator.models(d, env())[0]!;
      const ours = estimator.report(d, model.id, modelDefaultControls(model.graph, settings, []), env())!;
      const engine = analyzeDocument({ file: d.file, text: d.text, host: NO_FILES, options: settings, devices: [RTX_4090], budgets: { timeMs: 10_000 } }).models[0]!;
      assert.deepEqual(ours.memory, engine.memory);
      assert.deepEqual(ours.macs, engine.macs);
      assert.deepEqual(ours.fit.map((f) => [f.deviceId, f.requiredBytes, f.maxBatch]), engine.fit.map((f) => [f.deviceId, f.requiredBytes, f.maxBatch]));
      assert.deepEqual(ours.layers.map((r) => [r.path, r.params, r.macs, r.activationBytes]), engine.layers.map((r) => [r.path, r.params, r.macs, r.activationBytes]));
    });

    it("use the panel's batch over the comment's batch=64", () => {
      const estimator = new ModelEstimator();
      const d = doc(MNIST_URI, 'mnist_cnn.py');
      const model = estimator.models(d, env())[0]!;
      const controls = mergeControls(modelDefaultControls(model.graph, settings, []), { batch: 128 });
      const report = estimator.report(d, model.id, controls, env())!;
      assert.equal(report.options.batch, 128);
      assert.deepEqual(report.input?.shapes, [[128, 1, 28, 28]]);
      // torch: Conv2d(1, 32, kernel_size=3, padding=1) on a [128, 1, 28, 28] input gives [128, 32, 28, 28].
      assert.deepEqual(report.layers.find((r) => r.path === 'conv1')?.outputShape, [[128, 32, 28, 28]]);
      // The engine run with the same options and no comment gives the same memory.
      const engine = analyzeDocument({
        file: d.file,
        text: d.text,
        host: NO_FILES,
        options: optionsWithControls(settings, controls),
        devices: [RTX_4090],
        budgets: { timeMs: 10_000 },
        ignoreProfileComments: true,
      }).models[0]!;
      assert.deepEqual(report.memory.train, engine.memory.train);
      assert.ok(report.memory.train.activationsBytes > 0);
    });

    it('are undefined for a model the document no longer has', () => {
      const estimator = new ModelEstimator();
      const d = doc(MNIST_URI, 'mnist_cnn.py');
      const model = estimator.models(d, env())[0]!;
      const emptied = doc(MNIST_URI, 'mnist_cnn.py', 2, 'import torch\n');
      assert.equal(estimator.report(emptied, model.id, modelDefaultControls(model.graph, settings, []), env()), undefined);
      assert.deepEqual(estimator.models(emptied, env()), []);
    });
  });

  describe('what-if curves', () => {
    it('batch values: powers of two past the largest batch that fits, and the current batch', () => {
      assert.deepEqual(batchValues({ options: { ...settings, batch: 12 }, fit: [] }), [1, 2, 4, 8, 12, 16, 32]);
      const fit = [{ maxBatch: 100 }, { maxBatch: 3 }] as Parameters<typeof batchValues>[0]['fit'];
      assert.deepEqual(batchValues({ options: { ...settings, batch: 8 }, fit }), [1, 2, 4, 8, 16, 32, 64, 128]);
    });

    it('sequence values: from an eighth of the current length up to the context', () => {
      assert.deepEqual(seqValues(256, 256), [32, 64, 128, 256]);
      assert.deepEqual(seqValues(1000, 4096), [128, 256, 512, 1000, 1024, 2048, 4096]);
      assert.deepEqual(seqValues(512), [64, 128, 256, 512, 1024, 2048, 4096]);
    });

    it('memory against batch is the report at each batch', () => {
      const estimator = new ModelEstimator();
      const d = doc(MNIST_URI, 'mnist_cnn.py');
      const model = estimator.models(d, env())[0]!;
      const controls = modelDefaultControls(model.graph, settings, []);
      const report = estimator.report(d, model.id, controls, env())!;
      const points = estimator.curve(d, model.id, controls, 'batch', env());
      assert.deepEqual(points.map((p) => p.x), batchValues(report));
      const at64 = points.find((p) => p.x === 64)!;
      assert.deepEqual([at64.trainBytes, at64.inferBytes], [report.memory.train.totalBytes, report.memory.inference.totalBytes]);
      const at8 = points.find((p) => p.x === 8)!;
      assert.equal(at8.trainBytes, memoryAtBatch(report, 8, 'train'));
      // A full re-estimate at batch 8 agrees up to the rounding of the scaled terms.
      const graph = estimator.models(d, env())[0]!.graph;
      const fresh = buildModelReport({ ...graph, profile: undefined }, { ...optionsWithControls(settings, controls), batch: 8 }, [RTX_4090]);
      assert.ok(Math.abs(fresh.memory.train.totalBytes - at8.trainBytes) <= 4, `${fresh.memory.train.totalBytes} vs ${at8.trainBytes}`);
    });

    it('memory against sequence length evaluates the model at each length, up to its context', () => {
      const estimator = new ModelEstimator();
      const d = doc(GPT_URI, 'gpt_mini.py');
      const gpt = estimator.models(d, env()).find((m) => m.graph.name === 'GPTMini')!;
      const controls = modelDefaultControls(gpt.graph, settings, []);
      const points = estimator.curve(d, gpt.id, controls, 'seq', env());
      // block_size = 256 is GPTMini's context; the comment asks for seq=256.
      assert.deepEqual(points.map((p) => p.x), [32, 64, 128, 256]);
      for (const p of points) {
        const engine = analyzeDocument({
          file: d.file,
          text: d.text,
          host: NO_FILES,
          options: { ...optionsWithControls(settings, controls), seq: p.x },
          devices: [RTX_4090],
          models: ['GPTMini'],
          budgets: { timeMs: 10_000 },
          ignoreProfileComments: true,
        }).models[0]!;
        assert.deepEqual(engine.input?.shapes, [[16, p.x]]);
        assert.deepEqual([p.trainBytes, p.inferBytes], [engine.memory.train.totalBytes, engine.memory.inference.totalBytes], `seq ${p.x}`);
      }
      for (let i = 1; i < points.length; i++) assert.ok(points[i]!.trainBytes > points[i - 1]!.trainBytes);
    });

    it('is empty against sequence length for a model without one', () => {
      const estimator = new ModelEstimator();
      const d = doc(MNIST_URI, 'mnist_cnn.py');
      const model = estimator.models(d, env())[0]!;
      assert.deepEqual(estimator.curve(d, model.id, modelDefaultControls(model.graph, settings, []), 'seq', env()), []);
    });
  });
});
