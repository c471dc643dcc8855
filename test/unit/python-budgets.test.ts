/**
 * Hostile and runaway input (issue 9): every case ends quickly, names the budget
 * that stopped it and where, keeps what was evaluated before, and never produces
 * NaN, Infinity or an exception.
 */
import { strict as assert } from 'node:assert';
import { walkLayers, type ModelGraph } from '../../src/core/graph';
import { evaluate, graphNamed, initEngine, type Evaluated } from './helpers/engine';

const HEADER = 'import torch\nimport torch.nn as nn\n';
// A generous time budget: these cases must stop on the step or depth budget even on a busy machine.
const TIGHT = { steps: 50_000, depth: 60, timeMs: 20_000 };

function allFinite(g: ModelGraph): void {
  const nums: number[] = [g.params.total, g.params.trainable, g.params.nonTrainable, g.params.buffers];
  for (const { node } of walkLayers(g.root)) {
    nums.push(node.ownParams, node.ownTrainableParams, node.ownBuffers, node.macs, node.savedElements, node.savedFixedBytes, node.outputElements, node.calls);
    for (const s of node.outputShapes ?? []) nums.push(...s);
  }
  for (const n of nums) assert.ok(Number.isFinite(n) && n >= 0, `${g.name}: ${n} is not a finite count`);
}

function findingsOf(r: Evaluated): Array<{ code: string; message: string; line?: number }> {
  return [...r.findings, ...r.graphs.flatMap((g) => g.findings)].map((f) => ({ code: f.code, message: f.message, line: f.range?.start.line }));
}

function modelWithInit(body: string): string {
  return `${HEADER}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n${body
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n    def forward(self, x):\n        return self.fc(x)\n`;
}

describe('budgets and hostile input', () => {
  before(initEngine);

  it('while True in __init__ stops at the step budget, naming the loop line, with a partial model', () => {
    const r = evaluate(modelWithInit('n = 0\nwhile True:\n    n += 1'), { budgets: TIGHT });
    const g = graphNamed(r, 'Net');
    assert.equal(g.partial, true);
    const f = g.findings.find((x) => x.code === 'budget-steps');
    assert.ok(f, JSON.stringify(findingsOf(r)));
    assert.match(f!.message, /step budget \(50,000 steps\) ran out at line [89];/);
    // nn.Linear(4, 4): 4*4 + 4 = 20 parameters, registered before the loop.
    assert.equal(g.params.total, 20);
    allFinite(g);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
  });

  it('for i in range(10**12) stops at the step budget without building the range', () => {
    const r = evaluate(modelWithInit('for i in range(10**12):\n    pass'), { budgets: TIGHT });
    const g = graphNamed(r, 'Net');
    assert.ok(g.findings.some((x) => x.code === 'budget-steps'));
    assert.equal(g.params.total, 20);
    assert.ok(r.ms < 10_000);
  });

  it('exponential helper recursion stops at the step budget', () => {
    const src = `${HEADER}def width(n):\n    return 1 if n == 0 else width(n - 1) + width(n - 1)\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, width(40))\n`;
    const r = evaluate(src, { budgets: TIGHT });
    const f = findingsOf(r).find((x) => x.code === 'budget-steps');
    assert.ok(f, JSON.stringify(findingsOf(r)));
    assert.equal(f!.line, 3, 'points into the recursive helper');
    assert.ok(r.ms < 10_000);
  });

  it('unbounded recursion stops at the depth budget', () => {
    const src = `${HEADER}def deeper(n):\n    return deeper(n + 1)\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, deeper(0))\n`;
    const r = evaluate(src, { budgets: TIGHT });
    const f = findingsOf(r).find((x) => x.code === 'budget-depth');
    assert.ok(f, JSON.stringify(findingsOf(r)));
    assert.match(f!.message, /call-depth budget \(60 nested calls\)/);
  });

  it('mutually recursive module classes end with a depth finding', () => {
    const src = `${HEADER}class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 2)\n        self.b = B()\n\nclass B(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = A()\n`;
    const r = evaluate(src, { budgets: TIGHT });
    assert.ok(findingsOf(r).some((x) => x.code === 'budget-depth'), JSON.stringify(findingsOf(r)));
    for (const g of r.graphs) allFinite(g);
    assert.ok(r.ms < 10_000);
  });

  it('3000-deep nested parentheses are reported, not overflowed', () => {
    const src = `${HEADER}x = ${'('.repeat(3000)}1${')'.repeat(3000)}\nmodel = nn.Linear(3, 5)\n`;
    const r = evaluate(src);
    assert.ok(r.findings.some((f) => f.code === 'too-deep'));
    // nn.Linear(3, 5): 3*5 + 5 = 20 parameters; the rest of the file is still analysed.
    assert.equal(graphNamed(r, 'model').params.total, 20);
  });

  it('absurd, negative and fractional sizes are findings, never garbage', () => {
    const src = `${HEADER}class Huge(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.big = nn.Linear(10**100, 10**100)\n        self.neg = nn.Linear(-5, 3)\n        self.frac = nn.Linear(2.5, 3)\n        self.ok = nn.Linear(3, 3)\n`;
    const r = evaluate(src);
    const g = graphNamed(r, 'Huge');
    allFinite(g);
    // Only nn.Linear(3, 3) is real: 3*3 + 3 = 12.
    assert.equal(g.params.total, 12);
    const codes = g.findings.map((f) => f.code);
    assert.ok(codes.includes('absurd-size'), JSON.stringify(g.findings));
    assert.equal(codes.filter((c) => c === 'layer-error').length, 3, JSON.stringify(g.findings));
    assert.ok(g.findings.some((f) => /in_features.*non-negative|must be non-negative/.test(f.message)));
    assert.equal(g.partial, true);
  });

  it('empty, whitespace-only and binary files give no models and no crash', () => {
    assert.deepEqual(evaluate('').graphs, []);
    assert.deepEqual(evaluate('\n\n   \n').graphs, []);
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_v, i) => (i * 7919) % 256));
    const r = evaluate(binary);
    assert.ok(Array.isArray(r.graphs));
    assert.ok(!r.findings.some((f) => f.code === 'internal-error'), JSON.stringify(r.findings));
  });

  it('a time budget stops a long evaluation and says so', () => {
    const r = evaluate(modelWithInit('n = 0\nwhile True:\n    n += 1'), { budgets: { steps: 1e12, depth: 60, timeMs: 150 } });
    const g = graphNamed(r, 'Net');
    assert.ok(g.findings.some((f) => f.code === 'budget-time' && /time budget \(150 ms\)/.test(f.message)), JSON.stringify(g.findings));
    assert.ok(r.ms < 5000, `${r.ms} ms`);
  });

  it('a 5 MB file of 30,000 classes ends within the time budget with what it reached', () => {
    const parts = [HEADER];
    for (let i = 0; i < 30000; i++) {
      parts.push(`class M${i}(nn.Module):\n    def __init__(self, d=${(i % 64) + 1}):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n    def forward(self, x):\n        return self.fc(x)  # ${'-'.repeat(40)}\n`);
    }
    const src = parts.join('\n');
    assert.ok(src.length > 5_000_000);
    const r = evaluate(src, { budgets: { timeMs: 400 } });
    assert.ok(r.ms < 6000, `${r.ms.toFixed(0)} ms`);
    assert.ok(r.findings.some((f) => f.code === 'budget-time'));
    // The classes it reached are exact: M0 is nn.Linear(1, 1) = 2 parameters.
    if (r.graphs.length) assert.equal(graphNamed(r, 'M0').params.total, 2);
  });

  it('an unknown name or library makes the model partial but still counted', () => {
    const src = `${HEADER}import timm\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.backbone = timm.create_model('resnet50')\n        self.head = nn.Linear(2048, 10)\n        self.extra = nn.Linear(width, 4)\n`;
    const r = evaluate(src);
    const g = graphNamed(r, 'Net');
    // nn.Linear(2048, 10): 20490 parameters.
    assert.equal(g.params.total, 20490);
    assert.equal(g.partial, true);
    assert.ok(r.findings.some((f) => f.code === 'unknown-library' && /'timm'/.test(f.message)));
    assert.ok(g.findings.some((f) => f.code === 'unknown-submodule' && /self\.backbone/.test(f.message)));
    assert.ok(g.findings.some((f) => f.code === 'unknown-name' && /'width'/.test(f.message) && f.range?.start.line === 8));
    assert.ok([...r.findings, ...g.findings].every((f) => f.file === undefined), 'findings in the analysed file name no file');
  });

  it('an example tensor of absurd size is a finding, and the model is still counted', () => {
    const src = `${HEADER}net = nn.Linear(4, 2)\nnet(torch.randn(10**30, 4))\n`;
    const r = evaluate(src);
    const g = graphNamed(r, 'net');
    assert.equal(g.params.total, 10);
    allFinite(g);
    assert.ok(r.findings.some((f) => f.code === 'absurd-size'), JSON.stringify(r.findings));
  });
});
