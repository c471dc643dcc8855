/**
 * Mutated model files (tokens deleted, duplicated and replaced, numbers swapped, files
 * cut short, stray indentation) through evaluateModels: no exception escapes, no engine
 * defect is reported, every count is finite and non-negative, and each file ends in
 * bounded time. A fixed seed keeps the cases the same on every run.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { walkLayers } from '../../src/core/graph';
import { evaluate, initEngine } from './helpers/engine';

const CASES = 150;

function corpus(): string[] {
  const dirs = [join(__dirname, '..', 'fixtures', 'pytorch'), join(__dirname, 'helpers', 'models')];
  const out: string[] = [];
  for (const d of dirs) for (const f of readdirSync(d).sort()) if (f.endsWith('.py')) out.push(readFileSync(join(d, f), 'utf8'));
  return out;
}

/** A small linear congruential generator: the same cases on every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const REPLACEMENTS = ['(', ')', ':', ',', '*', '**', 'None', '0', '-1', '10**20', '[', 'lambda', 'yield', '@', 'self', '.', '=', 'nn.Linear(', '"', "'''"];

function mutate(src: string, rnd: () => number): string {
  const toks = src.split(/(\s+)/);
  const ops = 1 + Math.floor(rnd() * 6);
  for (let k = 0; k < ops; k++) {
    const r = rnd();
    const j = Math.floor(rnd() * toks.length);
    if (r < 0.3) toks.splice(j, 1);
    else if (r < 0.5) toks.splice(j, 0, toks[Math.floor(rnd() * toks.length)]!);
    else if (r < 0.7) toks[j] = toks[j]!.replace(/\d+/, () => String(Math.floor(rnd() * 5000) - 50));
    else if (r < 0.8) toks.length = Math.max(1, Math.floor(toks.length * rnd()));
    else if (r < 0.92) toks[j] = REPLACEMENTS[Math.floor(rnd() * REPLACEMENTS.length)]!;
    else toks.splice(j, 0, '\n' + '    '.repeat(Math.floor(rnd() * 4)));
  }
  return toks.join('');
}

describe('fuzzing the evaluator with mutated model files', function () {
  this.timeout(300_000);
  before(initEngine);

  it(`survives ${CASES} mutated files with finite, non-negative counts`, () => {
    const files = corpus();
    const rnd = rng(20261122);
    let worst = 0;
    for (let i = 0; i < CASES; i++) {
      const src = mutate(files[Math.floor(rnd() * files.length)]!, rnd);
      const r = evaluate(src, { budgets: { timeMs: 500 } });
      worst = Math.max(worst, r.ms);
      const defect = r.findings.find((f) => f.code === 'internal-error');
      assert.equal(defect, undefined, `case ${i}: ${defect?.message}\n${src}`);
      for (const g of r.graphs) {
        for (const n of [g.params.total, g.params.trainable, g.params.nonTrainable, g.params.buffers]) assert.ok(Number.isFinite(n) && n >= 0, `case ${i}: ${g.name}`);
        for (const { node } of walkLayers(g.root)) {
          for (const n of [node.macs, node.ownParams, node.savedElements, node.savedFixedBytes, node.outputElements]) {
            assert.ok(Number.isFinite(n) && n >= 0, `case ${i}: ${g.name} ${node.path}`);
          }
        }
      }
    }
    // The time budget is 500 ms; allow for a busy machine.
    assert.ok(worst < 5000, `worst case took ${worst.toFixed(0)} ms`);
  });
});
