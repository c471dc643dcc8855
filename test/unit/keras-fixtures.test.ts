/**
 * The Keras fixture corpus through evaluateModels: every model the file defines,
 * its exact count_params() with the trainable / non-trainable split, and per
 * layer its Keras name, type, parameters and output shape. The expectations in
 * test/fixtures/keras/expected/*.json are derived by hand from Keras' weight
 * rules (the formula is written next to every number) and, where keras.io
 * prints the same architecture's summary, quote that total.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { walkLayers, type LayerNode, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import '../../src/core/frameworks/keras';
import { initParserFromDisk } from '../../src/node/wasm';

interface ExpectedLayer {
  path: string;
  type: string;
  output: Array<number | null>;
  params: number;
  nonTrainable?: number;
}

interface ExpectedModel {
  name: string;
  kind: string;
  params: { total: number; trainable: number; nonTrainable: number };
  input?: Array<number | null>;
  inputSource?: string;
  batch?: number;
  layers: ExpectedLayer[];
}

interface ExpectedFile {
  file: string;
  models: ExpectedModel[];
}

const DIR = join(__dirname, '..', 'fixtures', 'keras');
const EXPECTED = readdirSync(join(DIR, 'expected'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, 'expected', f), 'utf8')) as ExpectedFile);

function subtree(node: LayerNode, pick: (n: LayerNode) => number): number {
  let s = 0;
  for (const { node: n } of walkLayers(node)) s += pick(n);
  return s;
}

/** A shape as the expectations write it: the evaluated batch as null. */
function asExpected(shape: number[] | undefined, batch: number, expected: Array<number | null>): Array<number | null> | undefined {
  if (!shape) return undefined;
  return shape.map((d, i) => (i === 0 && expected[0] === null && d === batch ? null : d));
}

describe('keras fixture corpus through evaluateModels', () => {
  before(async () => {
    await initParserFromDisk();
  });

  it('has at least 20 fixture files', () => {
    assert.ok(EXPECTED.length >= 20, `${EXPECTED.length} files`);
  });

  for (const exp of EXPECTED) {
    describe(exp.file, () => {
      let graphs: ModelGraph[] = [];
      let fileFindings: string[] = [];
      before(() => {
        const path = join(DIR, exp.file);
        const r = evaluateModels(readFileSync(path, 'utf8'), { file: path, host: NO_FILES, options: DEFAULT_OPTIONS });
        graphs = r.graphs.filter((g) => g.framework === 'keras');
        fileFindings = r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code}: ${f.message}`);
      });

      it('finds exactly the expected models, with no warnings', () => {
        assert.deepEqual(graphs.map((g) => g.name).sort(), exp.models.map((m) => m.name).sort());
        assert.deepEqual(fileFindings, []);
      });

      for (const m of exp.models) {
        it(`${m.name}: count_params() and the trainable split`, () => {
          const g = graphs.find((x) => x.name === m.name);
          assert.ok(g, `model ${m.name} not found`);
          assert.equal(g.kind, m.kind);
          assert.deepEqual(g.params, { ...m.params, buffers: 0 });
          assert.deepEqual(g.findings.filter((f) => f.severity !== 'info').map((f) => f.message), []);
          assert.equal(g.partial, false);
          if (m.batch !== undefined) assert.equal(g.input?.batch, m.batch);
          if (m.input) {
            assert.ok(g.input);
            assert.deepEqual(asExpected(g.input.shapes[0], g.input.batch, m.input), m.input);
          }
          if (m.inputSource) assert.equal(g.input?.source, m.inputSource);
        });

        it(`${m.name}: per-layer names, types, parameters and output shapes`, () => {
          const g = graphs.find((x) => x.name === m.name);
          assert.ok(g?.input, `model ${m.name} was not profiled`);
          const nodes = new Map<string, LayerNode>();
          for (const { node } of walkLayers(g.root)) nodes.set(node.path, node);
          for (const l of m.layers) {
            const n = nodes.get(l.path);
            assert.ok(n, `${m.name}: no layer '${l.path}' (have ${[...nodes.keys()].filter(Boolean).join(', ')})`);
            assert.equal(n.type, l.type, `${l.path} type`);
            assert.equal(subtree(n, (x) => x.ownParams), l.params, `${l.path} params`);
            const nt = subtree(n, (x) => x.ownParams - x.ownTrainableParams);
            assert.equal(nt, l.nonTrainable ?? 0, `${l.path} non-trainable`);
            assert.deepEqual(asExpected(n.outputShapes?.[0], g.input.batch, l.output), l.output, `${l.path} output shape`);
          }
        });
      }
    });
  }
});
