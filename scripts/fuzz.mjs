#!/usr/bin/env node
// The long fuzz run: the same mutations and invariants as test/unit/fuzz.test.ts
// (test/unit/fuzzHarness.ts), for as many cases as you like, from any seed. Every
// case that breaks an invariant is written to the output folder as a Python file whose
// header says how it was made; the case in flight is kept in `in-flight.py`, so even an
// input that kills the process is not lost.
//
//   node scripts/fuzz.mjs [--seed N] [--cases N] [--from N] [--out DIR] [--budget MS] [--slack MS]
//
//   --seed    seed of the run (default: from the clock, printed)
//   --cases   how many cases (default 20000); --from skips the first ones (regenerate one case
//             with --from I --cases I+1)
//   --out     where failing inputs go (default test-results/fuzz)
//   --budget  the time budget each analysis gets (default 500 ms, the editor's default)
//   --slack   how far past the budget an analysis may end before it counts (default 1000 ms)
// Exit code 0 when every case kept every invariant, 1 otherwise.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as tsxRequire } from 'tsx/cjs/api';
import { RESULTS } from './lib/paths.mjs';

const USAGE = 'usage: node scripts/fuzz.mjs [--seed N] [--cases N] [--from N] [--out DIR] [--budget MS] [--slack MS]';

function parseArgs(argv) {
  const opts = { seed: Date.now() % 0x1_0000_0000, cases: 20_000, from: 0, out: join(RESULTS, 'fuzz'), budget: 500, slack: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[++i];
    if (!(key in opts) || value === undefined) throw new Error(USAGE);
    opts[key] = key === 'out' ? value : Number(value);
    if (key !== 'out' && !Number.isSafeInteger(opts[key])) throw new Error(`--${key} must be a whole number\n${USAGE}`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const here = fileURLToPath(import.meta.url);
  const harness = tsxRequire('../test/unit/fuzzHarness.ts', here);
  const wasm = tsxRequire('../src/node/wasm.ts', here);
  await wasm.initParserFromDisk();

  const corpus = harness.loadCorpus();
  const devices = harness.fuzzDevices();
  const settings = { timeBudgetMs: opts.budget, slackMs: opts.slack };
  mkdirSync(opts.out, { recursive: true });
  const inFlight = join(opts.out, 'in-flight.py');
  console.log(`fuzz: seed ${opts.seed}, cases ${opts.from}..${opts.cases - 1}, ${corpus.length} corpus files, budget ${opts.budget} ms; failing inputs go to ${opts.out}`);

  const started = Date.now();
  let worst = { ms: 0, index: -1 };
  let failures = 0;
  let models = 0;
  for (let i = opts.from; i < opts.cases; i++) {
    const c = harness.makeCase(opts.seed, i, corpus);
    writeFileSync(inFlight, harness.describeCase(opts.seed, c, { ms: 0, models: 0, violations: ['in flight: if the process died, this input killed it'] }));
    const r = harness.runCase(c, settings, devices);
    models += r.models;
    if (r.ms > worst.ms) worst = { ms: r.ms, index: i };
    if (r.crash || r.violations.length > 0) {
      failures++;
      const file = join(opts.out, `seed-${opts.seed}-case-${i}.py`);
      writeFileSync(file, harness.describeCase(opts.seed, c, r));
      console.log(`case ${i} (${c.base.name} after ${c.mutations.join(', ')}): ${r.crash ? r.crash.split('\n')[0] : r.violations[0]} -> ${file}`);
    }
    if ((i + 1 - opts.from) % 1000 === 0) console.log(`  ${i + 1 - opts.from} cases, ${failures} failing, worst ${worst.ms.toFixed(0)} ms, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  rmSync(inFlight, { force: true });
  const cases = Math.max(0, opts.cases - opts.from);
  console.log(`fuzz: ${cases} cases (${models} models) in ${((Date.now() - started) / 1000).toFixed(1)} s; worst ${worst.ms.toFixed(0)} ms (case ${worst.index}); ${failures} failing`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
