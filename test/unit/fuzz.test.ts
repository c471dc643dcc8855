/**
 * Fuzzing in every `npm test`: a fixed seed, a few thousand mutated model files from the
 * fixture corpora, each through analyzeDocument and the CLI's JSON with the editor's
 * time budget (see fuzzHarness.ts for the mutations and invariants). The long run with
 * any seed is `node scripts/fuzz.mjs`; regenerate a failing case here with
 * `node scripts/fuzz.mjs --seed SEED --from CASE --cases CASE+1`.
 */
import { strict as assert } from 'node:assert';
import { initParserFromDisk } from '../../src/node/wasm';
import manifest from '../../package.json';
import { describeCase, fuzzDevices, loadCorpus, makeCase, runCase, type CorpusFile, type FuzzSettings } from './fuzzHarness';

/** Fixed: the same cases on every machine and every run. */
const SEED = 20_251_122;
const CASES = 3000;
const BATCH = 250;
const SETTINGS: FuzzSettings = {
  // The editor's default budget (modelProfiler.analysis.timeBudgetMs).
  timeBudgetMs: manifest.contributes.configuration.properties['modelProfiler.analysis.timeBudgetMs'].default,
  // This suite shares two cores with other test runs: a case counts as a hang only well past the budget.
  slackMs: 2500,
};

describe(`fuzzing: ${CASES} mutated model files, seed ${SEED}`, function () {
  this.timeout(180_000);
  let corpus: CorpusFile[] = [];
  let worst = { ms: 0, index: -1 };
  let models = 0;

  before(async () => {
    await initParserFromDisk();
    corpus = loadCorpus();
  });

  after(() => {
    console.log(`      ${CASES} cases, ${models} models profiled; worst ${worst.ms.toFixed(0)} ms (case ${worst.index}), budget ${SETTINGS.timeBudgetMs} ms`);
  });

  it('draws from both corpora', () => {
    // test/fixtures/pytorch and test/fixtures/keras, each a few dozen files.
    assert.ok(corpus.filter((f) => f.name.startsWith('pytorch/')).length >= 30);
    assert.ok(corpus.filter((f) => f.name.startsWith('keras/')).length >= 20);
  });

  it('makes the same cases from the same seed, and different ones from another', () => {
    const a = makeCase(SEED, 17, corpus);
    assert.deepEqual(makeCase(SEED, 17, corpus), a);
    assert.notEqual(makeCase(SEED + 1, 17, corpus).text, a.text);
  });

  for (let start = 0; start < CASES; start += BATCH) {
    it(`cases ${start}-${start + BATCH - 1}: no exception, within budget, finite numbers, exact sums, valid JSON`, () => {
      const devices = fuzzDevices();
      const failing: string[] = [];
      for (let i = start; i < start + BATCH; i++) {
        const c = makeCase(SEED, i, corpus);
        const r = runCase(c, SETTINGS, devices);
        models += r.models;
        if (r.ms > worst.ms) worst = { ms: r.ms, index: i };
        if (r.crash || r.violations.length > 0) failing.push(describeCase(SEED, c, r).split('\n').slice(0, 12).join('\n'));
      }
      assert.deepEqual(failing, [], `\n${failing.join('\n\n')}`);
    });
  }
});
