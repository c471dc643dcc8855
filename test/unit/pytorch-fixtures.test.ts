/**
 * The PyTorch fixture corpus (test/fixtures/pytorch) through `evaluateModels`, against
 * what real torch measured (test/fixtures/pytorch/expected/*.json, written by
 * `/usr/bin/python3 scripts/torch_ground_truth.py` with torch 1.13):
 * - the model is found, under its source name, traced with the input the file states;
 * - parameter counts are exact: total, trainable, non-trainable, buffers;
 * - every named_modules() path exists with torch's type, own parameters and buffers,
 *   and the output shapes of its first call;
 * - forward MACs are within 1% of the MACs torch's matmuls and convolutions performed.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import { walkLayers, type LayerNode, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import type { Finding } from '../../src/core/source';
import { initParserFromDisk } from '../../src/node/wasm';
import { torchFixtureHost as host, expectedFiles, TORCH_FIXTURES as FIXTURES, TORCH_EXPECTED as EXPECTED } from './helpers/torchCorpus';


interface ExpectedLayer {
  type: string;
  params: number;
  buffers: number;
  calls?: number;
  outputShapes?: number[][];
}

interface ExpectedModel {
  name: string;
  kind: string;
  line: number;
  input: { shapes: number[][]; dtypes: Array<'float' | 'int'>; batch: number; source: string };
  params: { total: number; trainable: number; nonTrainable: number; buffers: number };
  layers: Record<string, ExpectedLayer>;
  macs: number;
  notes: string[];
}

interface ExpectedFile {
  file: string;
  torch: string;
  models: ExpectedModel[];
}

function totalMacs(root: LayerNode): number {
  let sum = 0;
  for (const { node } of walkLayers(root)) sum += node.macs;
  return sum;
}

/** Registered modules by path (functional-op nodes are the graph's own addition). */
function modulesByPath(root: LayerNode): Map<string, LayerNode> {
  const map = new Map<string, LayerNode>();
  for (const { node } of walkLayers(root)) if (!node.functional) map.set(node.path, node);
  return map;
}

const analysed = new Map<string, { graphs: ModelGraph[]; findings: Finding[] }>();

/**
 * Analyse a fixture with the batch setting at the batch of its example tensors, if it
 * has any: whether a batch setting overrides an example's batch is a product choice
 * these tests leave open (`# profile:` comments set their own batch either way).
 */
function analyse(rel: string, models: ExpectedModel[] = []) {
  let result = analysed.get(rel);
  if (!result) {
    const file = join(FIXTURES, rel).replace(/\\/g, '/');
    const example = models.find((m) => m.input.source === 'example');
    const options = { ...DEFAULT_OPTIONS, batch: example ? example.input.batch : DEFAULT_OPTIONS.batch };
    result = evaluateModels(readFileSync(file, 'utf8'), { file, host, options });
    analysed.set(rel, result);
  }
  return result;
}

describe('pytorch fixture corpus against torch (scripts/torch_ground_truth.py)', function () {
  this.timeout(120_000);

  before(async () => {
    await initParserFromDisk();
  });

  const files = expectedFiles();

  it('has at least 30 fixture files with ground truth', () => {
    assert.ok(files.length >= 30, `only ${files.length} expected files`);
    for (const f of files) {
      const rel = relative(EXPECTED, f).replace(/\\/g, '/').replace(/\.json$/, '.py');
      assert.ok(existsSync(join(FIXTURES, rel)), `${rel} has expectations but no fixture`);
    }
  });

  for (const path of files) {
    const expected = JSON.parse(readFileSync(path, 'utf8')) as ExpectedFile;
    describe(expected.file, () => {
      for (const model of expected.models) {
        describe(model.name, () => {
          const graph = (): ModelGraph => {
            const found = analyse(expected.file, expected.models).graphs.filter((g) => g.name === model.name && g.framework === 'pytorch');
            assert.ok(found.length > 0, `${model.name} not found; found: ${analyse(expected.file).graphs.map((g) => g.name).join(', ')}`);
            return found[0]!;
          };

          it(`is found as a ${model.kind} on line ${model.line}`, () => {
            const g = graph();
            assert.equal(g.kind, model.kind);
            assert.equal(g.nameRange.start.line + 1, model.line);
          });

          it(`is traced with input ${JSON.stringify(model.input.shapes)} (${model.input.dtypes.join(', ')})`, () => {
            const g = graph();
            assert.ok(g.input, 'no input resolved');
            assert.deepEqual(g.input.shapes, model.input.shapes);
            assert.deepEqual(g.input.dtypes, model.input.dtypes);
          });

          it('counts parameters and buffers exactly', () => {
            assert.deepEqual(graph().params, model.params);
          });

          it("has torch's module tree: paths, types, own parameters and buffers", () => {
            const modules = modulesByPath(graph().root);
            const mismatches: string[] = [];
            for (const [p, layer] of Object.entries(model.layers)) {
              const node = modules.get(p);
              if (!node) {
                mismatches.push(`missing '${p}' (${layer.type})`);
                continue;
              }
              if (node.type !== layer.type) mismatches.push(`'${p}': type ${node.type}, torch ${layer.type}`);
              if (node.ownParams !== layer.params) mismatches.push(`'${p}': ${node.ownParams} own params, torch ${layer.params}`);
              if (node.ownBuffers !== layer.buffers) mismatches.push(`'${p}': ${node.ownBuffers} own buffers, torch ${layer.buffers}`);
            }
            for (const p of modules.keys()) if (!(p in model.layers)) mismatches.push(`extra module '${p}'`);
            assert.deepEqual(mismatches, []);
          });

          it('gives every module the output shapes of its first call', () => {
            const modules = modulesByPath(graph().root);
            const mismatches: string[] = [];
            for (const [p, layer] of Object.entries(model.layers)) {
              if (!layer.outputShapes) continue;
              const node = modules.get(p);
              if (!node) continue; // reported by the module-tree test
              const got = JSON.stringify(node.outputShapes ?? null);
              const want = JSON.stringify(layer.outputShapes);
              if (got !== want) mismatches.push(`'${p}' (${layer.type}): ${got}, torch ${want}`);
            }
            assert.deepEqual(mismatches, []);
          });

          it(`has forward MACs within 1% of torch's ${model.macs.toLocaleString('en-US')}`, () => {
            const macs = totalMacs(graph().root);
            const error = model.macs === 0 ? macs : Math.abs(macs - model.macs) / model.macs;
            assert.ok(error <= 0.01, `${macs.toLocaleString('en-US')} MACs, torch ${model.macs.toLocaleString('en-US')} (${(error * 100).toFixed(2)}% off)`);
          });
        });
      }
    });
  }

  it('reports the half-typed class of broken.py, and only it, and keeps the models around it', () => {
    const { graphs, findings } = analyse('broken.py');
    const lines = readFileSync(join(FIXTURES, 'broken.py'), 'utf8').split('\n');
    const begin = lines.indexOf('# fixture: broken-begin');
    const end = lines.indexOf('# fixture: broken-end');
    const syntax = (findings as Finding[]).filter((f) => f.code === 'syntax-error');
    assert.ok(syntax.length > 0, 'no syntax-error finding');
    for (const f of syntax) {
      assert.ok(f.range, f.message);
      // 0-based lines: the half-typed class sits between the markers.
      assert.ok(f.range.start.line >= begin && f.range.end.line <= end, `${f.message} lies outside lines ${begin + 1}-${end + 1}`);
    }
    const names = graphs.map((g) => g.name);
    for (const name of ['Encoder', 'Head', 'classifier']) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
  });

  it('resolves the package fixture through relative imports', () => {
    const g = analyse('vision_pkg/model.py').graphs.find((x) => x.name === 'TinyNet');
    assert.ok(g);
    assert.ok(!g.findings.some((f) => /import/i.test(f.message)), JSON.stringify(g.findings));
  });
});
