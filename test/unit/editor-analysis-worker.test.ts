/**
 * The analysis worker and its client (src/node/analysisWorker.ts, analysisClient.ts):
 * the worker is bundled here with esbuild exactly as esbuild.mjs does, next to the
 * tree-sitter wasm files, and driven through the client.
 * Counts: torch 1.13 on examples/gpt_mini.py (GPTMini 5,322,240 parameters).
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { AnalysisClient, loadEngineFromBundle } from '../../src/node/analysisClient';
import { prepareEngine, runAnalysisJob } from '../../src/node/analysisJob';
import type { AnalysisJob } from '../../src/node/analysisProtocol';

const ROOT = join(__dirname, '..', '..');
const GPT = readFileSync(join(ROOT, 'examples', 'gpt_mini.py'), 'utf8');

function job(text: string, extra: Partial<AnalysisJob> = {}): AnalysisJob {
  return { file: '/fixtures/gpt_mini.py', text, kind: 'python', options: DEFAULT_OPTIONS, devices: [], timeBudgetMs: 5000, host: null, ...extra };
}

describe('analysis worker', function () {
  this.timeout(120_000);
  let dir: string;
  let workerPath: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'analysis-worker-'));
    workerPath = join(dir, 'analysisWorker.js');
    await esbuild.build({
      entryPoints: [join(ROOT, 'src', 'node', 'analysisWorker.ts')],
      outfile: workerPath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
      alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
    });
    copyFileSync(join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm'), join(dir, 'tree-sitter.wasm'));
    copyFileSync(join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), join(dir, 'tree-sitter-python.wasm'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyses a document in a worker thread', async () => {
    const client = new AnalysisClient({ workerPath });
    try {
      const report = await client.analyze(job(GPT));
      assert.equal(client.stats.mode, 'worker');
      assert.equal(report.models.find((m) => m.name === 'GPTMini')?.params.total, 5_322_240);
      assert.ok(client.stats.workerInitMs !== undefined && client.stats.workerInitMs > 0);
      assert.equal(client.busy, false);
    } finally {
      client.dispose();
    }
  });

  it('analyses only the newest queued text of a document', async () => {
    const client = new AnalysisClient({ workerPath });
    try {
      const first = client.analyze(job(GPT), 'doc');
      // While the first runs, two more versions arrive: the middle one is never analysed.
      const middle = client.analyze(job(GPT.replace('n_layer: int = 4', 'n_layer: int = 5')), 'doc');
      const last = client.analyze(job(GPT.replace('n_layer: int = 4', 'n_layer: int = 6')), 'doc');
      const [a, b, c] = await Promise.all([first, middle, last]);
      const params = (r: typeof a) => r.models.find((m) => m.name === 'GPTMini')?.params.total;
      assert.equal(params(a), 5_322_240);
      // Two more blocks of 789,760 parameters each (torch 1.13: Block(GPTConfig()) = 789,760).
      assert.equal(params(c), 5_322_240 + 2 * 789_760);
      assert.equal(b, c);
      assert.equal(client.stats.jobs, 2);
      assert.equal(client.stats.superseded, 1);
    } finally {
      client.dispose();
    }
  });

  it('stops a job that outlives its budget and starts a fresh worker for the next', async () => {
    const client = new AnalysisClient({ workerPath, graceMs: 0 });
    try {
      // A 1 ms limit cannot cover even the worker's start: the job is stopped.
      const stopped = await client.analyze(job(GPT, { timeBudgetMs: 1 }));
      assert.deepEqual(stopped.models, []);
      assert.equal(stopped.findings[0]?.code, 'analysis-timeout');
      assert.equal(client.stats.timeouts, 1);
      const report = await client.analyze(job(GPT, { timeBudgetMs: 20_000 }));
      assert.equal(report.models.find((m) => m.name === 'GPTMini')?.params.total, 5_322_240);
      assert.equal(client.stats.mode, 'worker');
    } finally {
      client.dispose();
    }
  });

  it('answers queued jobs with a finding once disposed', async () => {
    const client = new AnalysisClient({ workerPath });
    const pending = client.analyze(job(GPT));
    client.dispose();
    const report = await pending;
    assert.equal(report.findings[0]?.code, 'analysis-stopped');
    assert.equal((await client.analyze(job(GPT))).findings[0]?.code, 'analysis-stopped');
  });

  it('loads the engine from the worker bundle on this thread too', async () => {
    const run = await loadEngineFromBundle(workerPath)();
    assert.equal(run(job(GPT)).models.find((m) => m.name === 'GPTMini')?.params.total, 5_322_240);
  });

  it('says what is wrong when neither the worker nor the engine can be loaded', async () => {
    const client = new AnalysisClient({ workerPath: join(dir, 'missing.js') });
    try {
      const report = await client.analyze(job(GPT));
      assert.deepEqual(report.models, []);
      assert.equal(report.findings[0]?.code, 'internal-error');
      assert.match(report.findings[0]!.message, /missing\.js/);
    } finally {
      client.dispose();
    }
  });

  it('runs in this thread when there is no worker bundle', async () => {
    const loadInThread = async () => {
      await prepareEngine();
      return runAnalysisJob;
    };
    const client = new AnalysisClient({ workerPath: join(dir, 'missing.js'), loadInThread });
    try {
      assert.equal(client.stats.mode, 'in-process');
      const report = await client.analyze(job(GPT));
      assert.equal(report.models.find((m) => m.name === 'GPTMini')?.params.total, 5_322_240);
    } finally {
      client.dispose();
    }
  });
});
