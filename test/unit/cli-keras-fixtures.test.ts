/**
 * Issue "TensorFlow/Keras models from source", done-when: every Keras fixture reports its
 * exact total, trainable and non-trainable counts and its per-layer output shapes in
 * `model-profiler profile FILE --json`. The expectations are the corpus' own
 * (test/fixtures/keras/expected/*.json, derived from Keras' weight rules with the formula
 * next to every number); this test reads them through the real command line.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'test', 'fixtures', 'keras');

interface ExpectedLayer {
  path: string;
  output: Array<number | null>;
}

interface ExpectedFile {
  file: string;
  models: Array<{ name: string; kind: string; params: { total: number; trainable: number; nonTrainable: number }; layers: ExpectedLayer[] }>;
}

interface JsonModel {
  name: string;
  kind: string;
  framework: string;
  params: { total: number; trainable: number; nonTrainable: number; buffers: number };
  layers: Array<{ path: string; outputShape?: number[][] }>;
  macs: { forward: number };
  flops: { forward: number };
  input?: { batch: number };
}

function profileJson(file: string): JsonModel[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'profile', file, '--json', '--no-detect'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { models: JsonModel[] }).models;
}

/** The CLI's shape with the evaluated batch written as Keras' None, where the expectation has None. */
function asKeras(shape: number[] | undefined, batch: number | undefined, expected: Array<number | null>): Array<number | null> | undefined {
  return shape?.map((d, i) => (i === 0 && expected[0] === null && d === batch ? null : d));
}

describe('model-profiler profile --json on the Keras fixture corpus', function () {
  this.timeout(300_000);

  const files = readdirSync(join(DIR, 'expected'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DIR, 'expected', f), 'utf8')) as ExpectedFile);

  for (const exp of files) {
    it(`${exp.file}: counts, trainable split and per-layer output shapes`, () => {
      const models = profileJson(join('test', 'fixtures', 'keras', exp.file)).filter((m) => m.framework === 'keras');
      const problems: string[] = [];
      for (const m of exp.models) {
        const got = models.find((x) => x.name === m.name);
        if (!got) {
          problems.push(`${m.name}: missing (have ${models.map((x) => x.name).join(', ')})`);
          continue;
        }
        if (got.kind !== m.kind) problems.push(`${m.name}: kind ${got.kind}, expected ${m.kind}`);
        const want = { ...m.params, buffers: 0 };
        if (JSON.stringify(got.params) !== JSON.stringify(want)) problems.push(`${m.name}: params ${JSON.stringify(got.params)}, expected ${JSON.stringify(want)}`);
        for (const l of m.layers) {
          const row = got.layers.find((x) => x.path === l.path);
          const shape = asKeras(row?.outputShape?.[0], got.input?.batch, l.output);
          if (JSON.stringify(shape) !== JSON.stringify(l.output)) problems.push(`${m.name}.${l.path}: output ${JSON.stringify(shape)}, expected ${JSON.stringify(l.output)}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  it('gives the MNIST convnet forward MACs by the conv and dense rules, FLOPs twice that', () => {
    const model = profileJson('test/fixtures/keras/mnist_convnet.py').find((m) => m.name === 'model');
    assert.ok(model?.input);
    // Keras' "Simple MNIST convnet" (keras.io/examples/vision/mnist_convnet), per sample:
    // Conv2D(32, 3) on 28×28×1 -> 26×26×32: 26·26·32·(3·3·1) MACs;
    // Conv2D(64, 3) on 13×13×32 -> 11×11×64: 11·11·64·(3·3·32);
    // Dense(10) on the 5·5·64 = 1600 flattened features: 1600·10. Pooling and dropout: none.
    const perSample = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 9 * 32 + 1600 * 10;
    assert.equal(model.macs.forward, model.input.batch * perSample);
    assert.equal(model.flops.forward, 2 * model.macs.forward);
  });
});
