/**
 * Every case torch measured (test/fixtures/pytorch/expected/layers.json, written by
 * `/usr/bin/python3 scripts/torch_layer_probe.py` with torch 1.13) against the catalog row:
 * parameter/buffer names and shapes, child modules, output shapes, MACs, and what
 * autograd saves for backward.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgValue, LayerSpec, OutTree, SavedRef } from '../../src/core/frameworks/layerSpec';
import { bindArgs, torchLayer } from '../../src/core/frameworks/pytorch/catalog';

interface SavedTorch {
  ref: 'input' | 'output' | 'new';
  index?: number;
  dtype?: string;
  elements?: number;
  bytes: number;
}

interface ProbeCase {
  id: string;
  type: string;
  args: ArgValue[];
  kwargs: Record<string, ArgValue>;
  inputs: number[][];
  intInputs: number[];
  call: Record<string, ArgValue>;
  alias: number[] | null;
  params: Array<{ name: string; shape: number[] }>;
  buffers: Array<{ name: string; shape: number[] }>;
  children: Array<{ name: string; type: string }>;
  outputs: number[][];
  macs: number;
  saved: SavedTorch[];
}

const probe = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'pytorch', 'expected', 'layers.json'), 'utf8'),
) as { torch: string; cases: ProbeCase[] };

/**
 * Cases whose saved tensors differ from torch 1.13 on CPU on purpose: the catalog models
 * what a CUDA training step keeps.
 */
const SAVES_DIFFER: Record<string, string> = {
  // Between stacked layers, the C++ RNN kernels on CPU keep a float noise tensor for
  // dropout; CUDA's fused dropout keeps a bool mask, which the row counts.
  'LSTM-dropout': 'inter-layer dropout mask is bool on CUDA, float on CPU',
};

function flatten(tree: OutTree, out: number[][] = []): number[][] {
  if (tree === null) return out;
  if (Array.isArray(tree)) {
    for (const t of tree) flatten(t, out);
    return out;
  }
  out.push(tree.shape);
  return out;
}

/** Saved tensors summarised: which inputs/outputs, and elements made by the op per byte width. */
interface SavedSummary {
  refs: string[];
  /** 4-byte floats (activations in fp32, fp32 statistics). */
  float: number;
  /** Bytes of one-element tensors: 0-dim scalars such as a Python number an op divides by (float64/int64). */
  scalarBytes: number;
  bool: number;
  int64: number;
}

function summariseTorch(c: ProbeCase): SavedSummary {
  const s: SavedSummary = { refs: [], float: 0, scalarBytes: 0, bool: 0, int64: 0 };
  for (const t of c.saved) {
    if (t.ref === 'input') s.refs.push(`input${t.index}`);
    else if (t.ref === 'output') s.refs.push(`output${t.index}`);
    else if (t.elements === 0) continue;
    // 0-dim tensors (elements 1): 8-byte Python numbers an op divides by, nll_loss's fp32 total weight.
    else if (t.elements === 1) s.scalarBytes += t.bytes;
    else if (t.dtype === 'float32') s.float += t.elements!;
    else if (t.dtype === 'bool') s.bool += t.elements!;
    else if (t.dtype === 'int64') s.int64 += t.elements!;
    else assert.fail(`${c.id}: unexpected saved dtype ${t.dtype}`);
  }
  s.refs.sort();
  return s;
}

function summariseRow(c: ProbeCase, saves: SavedRef[]): SavedSummary {
  const s: SavedSummary = { refs: [], float: 0, scalarBytes: 0, bool: 0, int64: 0 };
  const refs = new Set<string>();
  for (const r of saves) {
    if ('input' in r) refs.add(`input${c.alias ? c.alias[r.input] : r.input}`);
    else if ('output' in r) refs.add(`output${r.output}`);
    else if (r.elements === 0) continue;
    // The probe runs in fp32: an activation element is 4 bytes.
    else if (r.elements === 1) s.scalarBytes += r.dtype === 'bool' ? 1 : r.dtype === 'act' || r.dtype === 'fp32' ? 4 : 8;
    else if (r.dtype === 'act' || r.dtype === 'fp32') s.float += r.elements;
    else if (r.dtype === 'bool') s.bool += r.elements;
    else s.int64 += r.elements;
  }
  s.refs = [...refs].sort();
  return s;
}

function rowFor(c: ProbeCase): LayerSpec {
  const row = torchLayer(c.type);
  assert.ok(row, `no catalog row for ${c.type}`);
  return row;
}

describe(`pytorch catalog against torch ${probe.torch} (scripts/torch_layer_probe.py)`, () => {
  it('has a row for every probed type', () => {
    const missing = [...new Set(probe.cases.map((c) => c.type))].filter((t) => !torchLayer(t));
    assert.deepEqual(missing, []);
  });

  for (const c of probe.cases) {
    describe(c.id, () => {
      const inputs = () => c.inputs.map((s) => s.slice());
      const args = () => bindArgs(c.type, rowFor(c).signature, c.args, c.kwargs);

      it('weights: names, shapes, param/buffer split', () => {
        const row = rowFor(c);
        const lazy = c.type.startsWith('Lazy');
        const weights = row.weights(args(), lazy ? inputs() : undefined);
        assert.ok(weights, 'weights undefined');
        const own = (kind: 'param' | 'buffer') => weights.filter((w) => w.kind === kind).map((w) => ({ name: w.name, shape: w.shape }));
        // torch's named_parameters() lists children too; the row lists its own.
        const childPrefixes = c.children.map((ch) => `${ch.name}.`);
        const torchOwn = (list: Array<{ name: string; shape: number[] }>) =>
          list.filter((p) => !childPrefixes.some((pre) => p.name.startsWith(pre)));
        assert.deepEqual(own('param'), torchOwn(c.params));
        assert.deepEqual(own('buffer'), torchOwn(c.buffers));
      });

      it('children: names, types and their weights', () => {
        const row = rowFor(c);
        const children = row.children?.(args()) ?? [];
        assert.deepEqual(children.map((ch) => ({ name: ch.name, type: ch.type })), c.children);
        for (const ch of children) {
          const childRow = torchLayer(ch.type);
          assert.ok(childRow, `no row for child type ${ch.type}`);
          const got = (childRow.weights(bindArgs(ch.type, childRow.signature, [], ch.args)) ?? []).map((w) => ({
            name: `${ch.name}.${w.name}`,
            shape: w.shape,
          }));
          assert.deepEqual(got, c.params.filter((p) => p.name.startsWith(`${ch.name}.`)));
        }
      });

      it('forward: output shapes and MACs', () => {
        const row = rowFor(c);
        const result = row.forward(args(), inputs(), c.call);
        assert.deepEqual(flatten(result.output), c.outputs);
        assert.equal(result.macs, c.macs);
      });

      it('saves what autograd saves', function () {
        if (SAVES_DIFFER[c.id]) this.skip();
        const row = rowFor(c);
        const result = row.forward(args(), inputs(), c.call);
        assert.deepEqual(summariseRow(c, result.saves), summariseTorch(c));
      });
    });
  }

  it('documents every deliberate difference against a probed case', () => {
    for (const id of Object.keys(SAVES_DIFFER)) assert.ok(probe.cases.some((c) => c.id === id), id);
  });
});
