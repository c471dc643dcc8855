/**
 * The hostile-input list of issue 9, through the whole pipeline the views use:
 * analyzeDocument (parse, evaluate, estimate, report) with the editor's default time
 * budget, then the CLI's JSON. Every case must end quickly with a report (findings
 * and whatever partial results exist), never an exception, a hang, a non-finite
 * number or an invalid JSON. Fixtures: test/fixtures/hostile (the huge ones are
 * generated here). Parameter counts of the models that survive are torch 1.13's
 * `sum(p.numel() for p in m.parameters())`, cited per case.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { DEFAULT_BUDGETS } from '../../src/core/frameworks/evaluate';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import type { FileReport, ModelReport } from '../../src/core/report';
import type { Finding } from '../../src/core/source';
import { NO_FILES, type SourceHost } from '../../src/core/sourceHost';
import { createNodeSourceHost } from '../../src/node/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';
import manifest from '../../package.json';
import { fuzzDevices, reportJson, reportViolations } from './fuzzHarness';

const HOSTILE = join(__dirname, '..', 'fixtures', 'hostile');
/** The editor's default: modelProfiler.analysis.timeBudgetMs. */
const BUDGET_MS = manifest.contributes.configuration.properties['modelProfiler.analysis.timeBudgetMs'].default;
/**
 * How far past the budget a case may end before it counts as a hang. The budget is
 * kept to within a few ms on an idle machine; this suite shares two cores with other
 * test runs, where the clock a budget reads runs far ahead of the work.
 */
const SLACK_MS = 2500;
/**
 * The budget of the second analysis of each case, whose report the assertions read: room
 * for a machine running several test suites at once. Budgets, shares and findings work
 * the same at any size.
 */
const ROOMY_MS = 3000;

interface Analysed {
  report: FileReport;
  ms: number;
  json: { file: string; models: ModelReport[]; findings: Finding[] };
}

/** Worst wall time seen in this file, printed at the end: the measurement the budget rests on. */
const times: Array<{ name: string; ms: number }> = [];

/**
 * Analyse twice: with the editor's budget, which must hold (within the slack) and leave
 * a sound report; then with a roomy budget, whose report the case's assertions read, so
 * that they do not depend on how busy the machine is.
 */
function analyse(name: string, text: string, opts: { file?: string; host?: SourceHost } = {}): Analysed {
  const file = opts.file ?? join(HOSTILE, name).replace(/\\/g, '/');
  let last: Analysed | undefined;
  for (const budget of [BUDGET_MS, ROOMY_MS]) {
    const t0 = performance.now();
    const report = analyzeDocument({ file, text, host: opts.host ?? NO_FILES, options: DEFAULT_OPTIONS, devices: fuzzDevices(), budgets: { timeMs: budget } });
    const ms = performance.now() - t0;
    if (budget === BUDGET_MS) times.push({ name, ms });
    assert.deepEqual(reportViolations(report), [], `${name}: the report breaks an invariant (budget ${budget} ms)`);
    assert.ok(ms < budget + SLACK_MS, `${name}: took ${ms.toFixed(0)} ms, budget ${budget} ms`);
    last = { report, ms, json: JSON.parse(reportJson(report)) };
  }
  return last!;
}

function fixture(name: string, host?: SourceHost): Analysed {
  const path = join(HOSTILE, name);
  return analyse(name, readFileSync(path, 'utf8'), { host: host ?? createNodeSourceHost({ workspaceFolders: [dirname(path)], resolveInstalledPackages: false }) });
}

function model(a: Analysed, name: string): ModelReport {
  const m = a.report.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name}; models: ${a.report.models.map((x) => x.name).join(', ')}; findings: ${JSON.stringify(a.report.findings.map((f) => f.message))}`);
  return m;
}

function allFindings(a: Analysed): Finding[] {
  return [...a.report.findings, ...a.report.models.flatMap((m) => m.findings)];
}

/** 1-based first lines of the findings with this code. */
function linesOf(findings: Finding[], code: string): number[] {
  return [...new Set(findings.filter((f) => f.code === code).map((f) => f.range!.start.line + 1))].sort((x, y) => x - y);
}

/** The finding that says a budget ended the evaluation: it names the budget and the line. */
function budgetFinding(m: ModelReport): Finding {
  const f = m.findings.find((x) => x.code.startsWith('budget-'));
  assert.ok(f, `${m.name} has no budget finding: ${JSON.stringify(m.findings)}`);
  assert.match(f.message, /the (step|call-depth|time) budget \(.+\) ran out at line \d+; results are partial/);
  assert.equal(Number(/at line (\d+)/.exec(f.message)![1]), f.range!.start.line + 1, 'the message and the range name the same line');
  assert.equal(m.partial, true);
  return f;
}

describe('hostile input: every case ends with a report, through analyzeDocument and the JSON', function () {
  this.timeout(60_000);

  before(async () => {
    await initParserFromDisk();
  });

  after(() => {
    const worst = times.slice().sort((a, b) => b.ms - a.ms)[0];
    if (worst) console.log(`      worst case: ${worst.name} in ${worst.ms.toFixed(0)} ms (budget ${BUDGET_MS} ms, ${times.length} analyses)`);
  });

  it('syntax errors and half-typed code: the broken statements are findings, the rest is analysed', () => {
    const a = fixture('half_typed.py');
    // The statements that do not parse start on lines 7, 23, 27 and 45 of the fixture.
    assert.deepEqual(linesOf(a.report.findings, 'syntax-error'), [7, 23, 27, 45]);
    // torch 1.13: Encoder = Linear(32, 64) 2,112 + LayerNorm(64) 128 = 2,240; Head = Linear(64, 10) = 650.
    assert.equal(model(a, 'Encoder').params.total, 2240);
    assert.equal(model(a, 'Encoder').partial, false);
    assert.equal(model(a, 'Head').params.total, 650);
    assert.equal(model(a, 'model').params.total, 2240);
    // Typing and Unclosed lost their layers to the syntax errors: no weights and no forward, not listed.
    assert.deepEqual(a.report.models.map((m) => m.name), ['Encoder', 'Head', 'model']);
  });

  it('empty, whitespace-only and comment-only files: an empty report', () => {
    for (const name of ['empty.py', 'whitespace_only.py', 'comments_only.py']) {
      const a = fixture(name);
      assert.deepEqual(a.json, { file: join(HOSTILE, name).replace(/\\/g, '/'), models: [], findings: [] }, name);
    }
  });

  it('binary content handed over as text: no model, no defect', () => {
    // What an editor holds for a binary file opened as Python: bytes decoded as Latin-1, NULs included.
    const bytes = Buffer.from(Array.from({ length: 64 * 1024 }, (_v, i) => (i * 7919 + (i >> 8)) % 256));
    for (const text of [bytes.toString('latin1'), bytes.toString('utf8'), '\u0000'.repeat(10_000)]) {
      const a = analyse('binary.py', text);
      assert.deepEqual(a.report.models, []);
    }
  });

  it('a 5 MB file with 30,000 classes: ends within the time budget with what it reached, and says where it stopped', () => {
    const parts = ['import torch.nn as nn\n'];
    for (let i = 0; i < 30_000; i++) {
      parts.push(`class M${i}(nn.Module):\n    def __init__(self, d=${(i % 64) + 1}):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n\n    def forward(self, x):\n        return self.fc(x)  # ${'-'.repeat(60)}\n`);
    }
    const text = parts.join('\n');
    assert.ok(text.length > 5_000_000, `${text.length} characters`);
    const a = analyse('30000_classes.py', text);
    const stops = a.report.findings.filter((f) => f.code === 'budget-time');
    assert.ok(stops.length > 0, JSON.stringify(a.report.findings.slice(0, 5)));
    for (const f of stops) {
      assert.match(f.message, /time budget/);
      assert.ok(f.range, 'the finding points at where analysis stopped');
    }
    // What was reached is exact: M0 is Linear(1, 1), 1 + 1 = 2 parameters (torch 1.13).
    const m0 = a.report.models.find((m) => m.name === 'M0');
    if (m0) assert.equal(m0.params.total, 2);
  });

  it('3,000-deep nested parentheses: a finding on that line, the rest of the file analysed', () => {
    const text = `import torch.nn as nn\nx = ${'('.repeat(3000)}1${')'.repeat(3000)}\nmodel = nn.Linear(3, 5)\n`;
    const a = analyse('deep_parentheses.py', text);
    assert.deepEqual(linesOf(a.report.findings, 'too-deep'), [2]);
    // torch 1.13: Linear(3, 5) = 15 + 5 = 20.
    assert.equal(model(a, 'model').params.total, 20);
  });

  it('while True and range(10**12) in __init__: a budget stops each, names itself and the loop line, and the other models are analysed', () => {
    const a = fixture('runaway_loops.py');
    // The loop body of Spin is lines 12-13, of Trillion lines 21-22.
    const spin = model(a, 'Spin');
    assert.ok([12, 13].includes(budgetFinding(spin).range!.start.line + 1));
    // torch 1.13: the Linear(4, 4) registered before the loop, 16 + 4 = 20.
    assert.equal(spin.params.total, 20);
    const trillion = model(a, 'Trillion');
    assert.ok([21, 22].includes(budgetFinding(trillion).range!.start.line + 1));
    // Linear(4, 4) = 20, then as many Linear(8, 8) = 72 as the budget allowed.
    assert.ok(trillion.params.total >= 20 && (trillion.params.total - 20) % 72 === 0, String(trillion.params.total));
    // torch 1.13: Linear(3, 5) = 20.
    assert.equal(model(a, 'Fine').params.total, 20);
    assert.equal(model(a, 'Fine').partial, false);
  });

  it('a model a budget cut short is evaluated again by the next analysis, not kept from the last one', () => {
    const path = join(HOSTILE, 'runaway_loops.py');
    const text = readFileSync(path, 'utf8');
    const trillion = (timeMs: number) => {
      const report = analyzeDocument({ file: path, text, host: NO_FILES, options: DEFAULT_OPTIONS, devices: fuzzDevices(), budgets: { timeMs } });
      return model({ report, ms: 0, json: JSON.parse(reportJson(report)) }, 'Trillion');
    };
    // Warm the interpreter on another text (its own cache entries) so the short budget is not spent starting up.
    analyzeDocument({ file: path, text: `${text}\n# warm-up\n`, host: NO_FILES, options: DEFAULT_OPTIONS, devices: fuzzDevices(), budgets: { timeMs: ROOMY_MS } });
    const short = trillion(BUDGET_MS);
    const long = trillion(ROOMY_MS);
    budgetFinding(short);
    budgetFinding(long);
    // Linear(4, 4) = 20, then as many Linear(8, 8) = 72 as each budget allowed: six
    // times the time gives more of them (the same count would be the first graph again).
    assert.ok(long.params.total > short.params.total, `${short.params.total} then ${long.params.total}`);
  });

  it('mutually recursive module classes: the call-depth budget ends them, the other model is exact', () => {
    const a = fixture('mutual_recursion.py');
    for (const name of ['Ping', 'Pong']) {
      const f = budgetFinding(model(a, name));
      assert.match(f.message, new RegExp(`call-depth budget \\(${DEFAULT_BUDGETS.depth} nested calls\\)`));
      assert.ok([10, 16].includes(f.range!.start.line + 1), f.message);
    }
    // torch 1.13 raises RecursionError for Ping; Fine = Linear(6, 7) = 42 + 7 = 49.
    assert.equal(model(a, 'Fine').params.total, 49);
  });

  it('exponential helper recursion: a budget ends it inside the helper, the other model is exact', () => {
    const a = fixture('exponential_helpers.py');
    assert.equal(budgetFinding(model(a, 'Wide')).range!.start.line + 1, 7);
    assert.equal(budgetFinding(model(a, 'Bushy')).range!.start.line + 1, 11);
    // width(3) = 8, so Fine = Linear(8, 8) = 64 + 8 = 72 (torch 1.13).
    assert.equal(model(a, 'Fine').params.total, 72);
  });

  it('absurd sizes: nn.Linear(10**100, 10**100), negative, fractional and 1e308 sizes are findings; only real layers count', () => {
    const a = fixture('absurd_sizes.py');
    const m = model(a, 'Absurd');
    // torch 1.13 refuses every layer but Linear(3, 3): 9 + 3 = 12.
    assert.equal(m.params.total, 12);
    assert.equal(m.params.buffers, 0);
    assert.equal(m.partial, true);
    const found = allFindings(a);
    // Lines 10 (10**100), 13 (1e308), 14 (10**30), 16 and 17 (tensors of 10**400 and 1e616 elements).
    assert.deepEqual(linesOf(found, 'absurd-size'), [10, 13, 14, 16, 17, 25]);
    assert.ok(found.some((f) => f.code === 'layer-error' && f.range!.start.line === 10 && /non-negative, got -5/.test(f.message)));
    assert.ok(found.some((f) => f.code === 'layer-error' && f.range!.start.line === 11 && /must be an integer, got 2.5/.test(f.message)));
    assert.equal(model(a, 'model').params.total, 12);
    assert.equal(model(a, 'model').partial, true);
  });

  it('statements that would build huge values: each is a finding, and memory stays bounded', () => {
    const a = fixture('heavy_builtins.py');
    const found = a.report.findings.filter((f) => f.code === 'too-large' || f.code === 'arithmetic');
    // 'x' * 10**7, [0] * 10**7, the split, the replace, range(10**9), 7 ** 7 ** 7 and the doubling loop.
    assert.deepEqual(linesOf(found, 'too-large').concat(linesOf(found, 'arithmetic')).sort((x, y) => x - y), [5, 6, 7, 8, 9, 10, 13]);
    for (const f of found) assert.ok(f.message.length <= 500, 'messages quote values only briefly');
    // torch 1.13: Linear(5, 5) = 30.
    assert.equal(model(a, 'Fine').params.total, 30);
  });

  it('circular imports between workspace files, and a module importing itself', () => {
    const circular = join(HOSTILE, 'circular');
    const host = createNodeSourceHost({ workspaceFolders: [circular], resolveInstalledPackages: false });
    // torch 1.13 (python3 model_a.py): Left = Linear(12, 3) = 39, Right = Linear(12, 3) = 39, Loop = Linear(5, 5) = 30.
    assert.equal(model(fixture('circular/model_a.py', host), 'Left').params.total, 39);
    assert.equal(model(fixture('circular/model_b.py', host), 'Right').params.total, 39);
    assert.equal(model(fixture('circular/self_import.py', host), 'Loop').params.total, 30);
  });

  it('broken notebook JSON: one finding, no model; odd cells are skipped, the code cells analysed', () => {
    const broken = fixture('broken_notebook.ipynb');
    assert.deepEqual(broken.report.models, []);
    assert.deepEqual(
      broken.report.findings.map((f) => f.code),
      ['notebook-json'],
    );
    const odd = fixture('odd_notebook.ipynb');
    // torch 1.13: Sequential(Linear(4, 8), ReLU, Linear(8, 2)) = 40 + 18 = 58.
    assert.equal(model(odd, 'model').params.total, 58);
    assert.deepEqual(linesOf(odd.report.findings, 'syntax-error'), [6]);
  });

  it('config.json with absurd, negative and mistyped values: findings, the family defaults, no pollution', () => {
    const absurd = fixture('configs/absurd_llama/config.json');
    const llama = model(absurd, 'absurd_llama');
    // Every absurd value falls back to LlamaConfig's default: Llama-2-7B, 6,738,415,616 (reference/estimation.md).
    assert.equal(llama.params.total, 6_738_415_616);
    assert.deepEqual(llama.findings.filter((f) => f.code === 'hf-bad-config-value').length, 3);

    const wrong = fixture('configs/wrong_types/config.json');
    // GPT2Config defaults: GPT-2 small, 124,439,808 (reference/estimation.md).
    assert.equal(model(wrong, 'wrong_types').params.total, 124_439_808);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);

    // 1,000 layers of 1,000 experts would be a million subtrees: both counts are cut, and say so.
    const moe = fixture('configs/huge_moe/config.json');
    const cuts = allFindings(moe).filter((f) => f.code === 'hf-bad-config-value').map((f) => f.message);
    assert.deepEqual(cuts, [
      'Config value num_hidden_layers=1000 is not an integer from 1 to 256; using 32.',
      '32 layers × 1000 experts is more than the 2,048 experts analysed; using 64 experts per layer.',
    ]);
  });

  it('regressions found by fuzzing stay fixed', () => {
    const regressions = readdirSync(join(HOSTILE, 'regressions')).filter((f) => f.endsWith('.py')).sort();
    assert.ok(regressions.length >= 4, regressions.join(', '));
    for (const name of regressions) fixture(`regressions/${name}`);
    const split = fixture('regressions/split_into_billions.py');
    assert.ok(split.report.findings.some((f) => /split would return 100,000,000,000 tensors/.test(f.message)));
  });

  it('a file that assigns to torch and Keras themselves leaves the files after it as they were', () => {
    const clean = () => [model(fixture('xss_layer_name.py'), 'Tagged').params.total, model(analyse('mnist_convnet.py', readFileSync(join(HOSTILE, '..', 'keras', 'mnist_convnet.py'), 'utf8')), 'model').params.total];
    // torch 1.13: Linear(4, 4) = 20; keras.io "Simple MNIST convnet": Total params: 34,826.
    assert.deepEqual(clean(), [20, 34_826]);
    fixture('regressions/patches_the_frameworks.py');
    assert.deepEqual(clean(), [20, 34_826]);
  });

  it('a layer name holding HTML stays data in the report; the views escape it', () => {
    const a = fixture('xss_layer_name.py');
    const m = model(a, 'Tagged');
    // torch 1.13: named_modules() lists 'blocks.<img src=x onerror=alert(1)>'; Linear(4, 4) = 20.
    assert.equal(m.params.total, 20);
    assert.ok(m.layers.some((l) => l.path === 'blocks.<img src=x onerror=alert(1)>'));
  });
});
