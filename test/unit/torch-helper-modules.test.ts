/**
 * Helper modules (a Block used by GPTMini, a BasicBlock used by ResNet, a Decoder used by
 * Seq2Seq) are profiled at the first call their parent model makes, on the submodule it
 * calls. Expected figures: test/fixtures/pytorch/expected_helpers.json, measured with torch
 * 1.13 by `/usr/bin/python3 scripts/torch_helper_calls.py` (the call caught by wrapping the
 * submodules' forward in the parent's training-mode forward, then the submodule run alone on
 * those arguments under forward hooks and a MAC-counting dispatch mode).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelReport } from '../../src/core/estimate/index';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import { walkLayers, type LayerNode, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { initParserFromDisk } from '../../src/node/wasm';
import { torchFixtureHost as host, TORCH_FIXTURES as FIXTURES } from './helpers/torchCorpus';

const ROOT = join(__dirname, '..', '..');

interface ExpectedHelper {
  file: string;
  helper: string;
  parent: string;
  path: string;
  line: number;
  inputShapes: number[][];
  params: { total: number; trainable: number; nonTrainable: number; buffers: number };
  macs: number;
  layers: Record<string, { type: string; params: number; buffers: number; calls?: number; outputShapes?: number[][] }>;
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected_helpers.json'), 'utf8')) as { torch: string; helpers: ExpectedHelper[] };

const analysed = new Map<string, ModelGraph[]>();

function graphs(rel: string, source?: string): ModelGraph[] {
  const key = source ?? rel;
  let hit = analysed.get(key);
  if (!hit) {
    const file = join(ROOT, rel).replace(/\\/g, '/');
    hit = evaluateModels(source ?? readFileSync(file, 'utf8'), { file, host, options: DEFAULT_OPTIONS }).graphs;
    analysed.set(key, hit);
  }
  return hit;
}

function find(rel: string, name: string, source?: string): ModelGraph {
  const all = graphs(rel, source);
  const g = all.find((x) => x.name === name && x.framework === 'pytorch');
  assert.ok(g, `${name} not found in ${rel}: ${all.map((x) => x.name).join(', ')}`);
  return g;
}

function modules(root: LayerNode): Map<string, LayerNode> {
  const map = new Map<string, LayerNode>();
  for (const { node } of walkLayers(root)) if (!node.functional) map.set(node.path, node);
  return map;
}

describe('helper modules profiled at their parent model\'s call (scripts/torch_helper_calls.py)', function () {
  this.timeout(120_000);

  before(async () => {
    await initParserFromDisk();
  });

  it('covers the helpers of examples/gpt_mini.py and of the fixtures', () => {
    const names = new Set(expected.helpers.map((h) => `${h.file}:${h.helper}`));
    for (const want of ['examples/gpt_mini.py:Block', 'examples/gpt_mini.py:CausalSelfAttention', 'test/fixtures/pytorch/seq2seq_gru.py:Decoder', 'test/fixtures/pytorch/resnet.py:BasicBlock', 'test/fixtures/pytorch/resnet.py:Bottleneck']) {
      assert.ok(names.has(want), `${want} has no torch measurement`);
    }
  });

  for (const h of expected.helpers) {
    describe(`${h.file}: ${h.helper} as called by ${h.parent}.${h.path}`, () => {
      it(`is traced at the call on line ${h.line}: ${JSON.stringify(h.inputShapes)}`, () => {
        const g = find(h.file, h.helper);
        assert.equal(g.kind, 'class');
        assert.equal(g.input?.source, 'parent');
        assert.deepEqual(g.input?.shapes, h.inputShapes);
        assert.ok(g.input?.description.startsWith(`as called by ${h.parent}.${h.path}, line ${h.line}`), g.input?.description);
      });

      it('has no warnings and is not partial', () => {
        const g = find(h.file, h.helper);
        assert.deepEqual(g.findings.filter((f) => f.severity !== 'info').map((f) => f.message), []);
        assert.equal(g.partial, false);
      });

      it('counts the submodule\'s parameters and buffers as torch does', () => {
        assert.deepEqual(find(h.file, h.helper).params, h.params);
      });

      it("has torch's module tree and output shapes", () => {
        const mods = modules(find(h.file, h.helper).root);
        const mismatches: string[] = [];
        for (const [p, layer] of Object.entries(h.layers)) {
          const node = mods.get(p);
          if (!node) {
            mismatches.push(`missing '${p}' (${layer.type})`);
            continue;
          }
          if (node.type !== layer.type) mismatches.push(`'${p}': type ${node.type}, torch ${layer.type}`);
          if (node.ownParams !== layer.params) mismatches.push(`'${p}': ${node.ownParams} own params, torch ${layer.params}`);
          if (layer.outputShapes && JSON.stringify(node.outputShapes ?? null) !== JSON.stringify(layer.outputShapes)) {
            mismatches.push(`'${p}': ${JSON.stringify(node.outputShapes ?? null)}, torch ${JSON.stringify(layer.outputShapes)}`);
          }
        }
        for (const p of mods.keys()) if (!(p in h.layers)) mismatches.push(`extra module '${p}'`);
        assert.deepEqual(mismatches, []);
      });

      it(`has forward MACs within 1% of torch's ${h.macs.toLocaleString('en-US')}`, () => {
        let macs = 0;
        for (const { node } of walkLayers(find(h.file, h.helper).root)) macs += node.macs;
        const error = h.macs === 0 ? macs : Math.abs(macs - h.macs) / h.macs;
        assert.ok(error <= 0.01, `${macs} MACs, torch ${h.macs}`);
      });
    });
  }

  it("estimates a helper at its parent's batch unless a person chose one", () => {
    const block = find('examples/gpt_mini.py', 'Block');
    // GPTMini's `# profile: batch=16` made the call: x is [16, 256, 256].
    assert.equal(block.input?.batch, 16);
    assert.equal(block.input?.seq, 256);
    assert.equal(buildModelReport(block, DEFAULT_OPTIONS, []).options.batch, 16);
    // torch: Block's forward at batch 16 is 3,758,096,384 MACs; at batch 4 a quarter of it.
    const r = buildModelReport(block, { ...DEFAULT_OPTIONS, batch: 4, batchFromUser: true }, []);
    assert.equal(r.macs.forward, 3_758_096_384 / 4);
  });

  it('keeps a helper\'s own # profile: comment and example call ahead of its parent\'s call', () => {
    const source = [
      'import torch',
      'from torch import nn',
      '',
      'class Block(nn.Module):  # profile: input=(10, 32) batch=3',
      '    def __init__(self, d=32):',
      '        super().__init__()',
      '        self.fc = nn.Linear(d, d)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'class Tail(nn.Module):',
      '    def __init__(self, d=32):',
      '        super().__init__()',
      '        self.fc = nn.Linear(d, 2)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'class Net(nn.Module):  # profile: input=(7, 32) batch=5',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.block = Block()',
      '        self.tail = Tail()',
      '    def forward(self, x):',
      '        return self.tail(self.block(x))',
      '',
      'tail_example = Tail()(torch.randn(6, 32))',
      '',
    ].join('\n');
    const block = find('examples/inline_helpers.py', 'Block', source);
    assert.equal(block.input?.source, 'comment');
    assert.deepEqual(block.input?.shapes, [[3, 10, 32]]);
    const tail = find('examples/inline_helpers.py', 'Tail', source);
    assert.equal(tail.input?.source, 'example');
    assert.deepEqual(tail.input?.shapes, [[6, 32]]);
    // Net calls block at [5, 7, 32]: a class no other model uses is profiled on its own input.
    const net = find('examples/inline_helpers.py', 'Net', source);
    assert.equal(net.input?.source, 'comment');
    assert.deepEqual(net.root.children.find((c) => c.path === 'block')?.outputShapes, [[5, 7, 32]]);
  });

  it('falls back to inference for classes no other model calls', () => {
    // inheritance.py: BaseNet is a base class, not a submodule of WideNet or GrayNet.
    const g = find('test/fixtures/pytorch/inheritance.py', 'BaseNet');
    assert.equal(g.input?.source, 'inferred');
  });
});
