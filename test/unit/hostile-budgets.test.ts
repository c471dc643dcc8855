/**
 * The evaluator's budgets rest on a measurement: this test takes it again over the
 * fixture corpora (the most steps one model evaluation takes, the deepest chain of
 * Python calls, the wall time of each file) and checks that the step and depth defaults
 * keep their headroom over it, so that a growing corpus cannot creep up on them
 * unnoticed. The figures are printed (the wall time only printed: on a shared machine it
 * measures the load as much as the work); src/core/frameworks/evaluate.ts writes them down.
 */
import { strict as assert } from 'node:assert';
import { dirname } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { DEFAULT_BUDGETS } from '../../src/core/frameworks/evaluate';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { Interp } from '../../src/core/python/interp';
import { createNodeSourceHost } from '../../src/node/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import { loadCorpus, type CorpusFile } from './fuzzHarness';

interface Measured {
  file: string;
  /** Most steps one evaluation (the top level, or one model) took. */
  steps: number;
  /** Deepest chain of nested Python calls. */
  depth: number;
  /** Warm wall time of the whole analysis, ms. */
  ms: number;
  budgetFindings: string[];
}

/** Watch the interpreter: the most steps one evaluation counted, and the call depth. */
function instrument(): { take(): { steps: number; depth: number }; restore(): void } {
  const proto = Interp.prototype as unknown as {
    charge(this: Interp, steps: number, ...rest: unknown[]): void;
    callFunction(this: Interp, ...args: unknown[]): unknown;
  };
  const { charge, callFunction } = proto;
  let steps = 0;
  let depth = 0;
  proto.charge = function (this: Interp, n: number, ...rest: unknown[]) {
    charge.call(this, n, ...rest);
    if (this.steps > steps) steps = this.steps;
  };
  proto.callFunction = function (this: Interp, ...args: unknown[]) {
    depth = Math.max(depth, this.depth + 1);
    return callFunction.apply(this, args);
  };
  return {
    take() {
      const out = { steps, depth };
      steps = 0;
      depth = 0;
      return out;
    },
    restore() {
      proto.charge = charge;
      proto.callFunction = callFunction;
    },
  };
}

function analyseFile(f: CorpusFile) {
  return analyzeDocument({
    file: f.path,
    text: f.text,
    host: createNodeSourceHost({ workspaceFolders: [dirname(f.path)], resolveInstalledPackages: false }),
    options: DEFAULT_OPTIONS,
    devices: [],
  });
}

describe('budgets: the defaults keep their headroom over the fixture corpora', function () {
  this.timeout(300_000);
  const measured: Measured[] = [];

  before(async () => {
    await initParserFromDisk();
    const probe = instrument();
    try {
      for (const f of loadCorpus()) {
        analyseFile(f); // cold: parse caches, JIT
        probe.take();
        const t0 = performance.now();
        const report = analyseFile(f);
        const ms = performance.now() - t0;
        const { steps, depth } = probe.take();
        const budgetFindings = [...report.findings, ...report.models.flatMap((m) => m.findings)].filter((x) => x.code.startsWith('budget-')).map((x) => x.message);
        measured.push({ file: f.name, steps, depth, ms, budgetFindings });
      }
    } finally {
      probe.restore();
    }
    const top = (key: 'steps' | 'depth' | 'ms') => measured.slice().sort((a, b) => b[key] - a[key])[0]!;
    console.log(
      `      ${measured.length} files: most steps ${top('steps').steps} (${top('steps').file}), deepest ${top('depth').depth} calls (${top('depth').file}), ` +
        `slowest ${top('ms').ms.toFixed(0)} ms warm (${top('ms').file})`,
    );
  });

  it('measured every corpus file', () => {
    assert.ok(measured.length >= 50, `${measured.length} files`);
  });

  it('no corpus file meets the step or call-depth budget', () => {
    // The time budget is left out: on a shared machine the clock measures the load as much as the work.
    assert.deepEqual(
      measured.filter((m) => m.budgetFindings.some((f) => !/time budget/.test(f))).map((m) => `${m.file}: ${m.budgetFindings.join('; ')}`),
      [],
    );
  });

  it('the step budget is at least 50 times the most expensive evaluation', () => {
    const most = Math.max(...measured.map((m) => m.steps));
    assert.ok(most > 100, `the measurement saw ${most} steps: is the interpreter still counted?`);
    assert.ok(DEFAULT_BUDGETS.steps >= 50 * most, `${DEFAULT_BUDGETS.steps} steps against ${most} measured`);
  });

  it('the call-depth budget is at least 20 times the deepest chain, and below Python\'s own limit of 1,000', () => {
    const deepest = Math.max(...measured.map((m) => m.depth));
    assert.ok(deepest >= 2, `the measurement saw depth ${deepest}`);
    assert.ok(DEFAULT_BUDGETS.depth >= 20 * deepest, `${DEFAULT_BUDGETS.depth} against ${deepest} measured`);
    assert.ok(DEFAULT_BUDGETS.depth < 1000);
  });
});
