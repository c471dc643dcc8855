/**
 * The `model-profiler` launcher (dist/cli.js) as installed: it runs the bundled command
 * line through a V8 code cache in the user's cache folder. The bundles are built first
 * (`node esbuild.mjs`), so the test runs what ships. MnistCNN's 421,834 parameters are
 * torch 1.13's `sum(p.numel() for p in MnistCNN().parameters())`.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBundlesOnce } from './helpers/panelPreview';

const ROOT = resolve(__dirname, '../..');

function run(cacheHome: string, extraEnv: Record<string, string> = {}): { code: number; params: number } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'profile', 'examples/mnist_cnn.py', '--json', '--no-detect', '--model', 'MnistCNN'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, MODEL_PROFILER_NO_CACHE: '', ...extraEnv },
  });
  assert.equal(r.status, 0, r.stderr);
  const model = (JSON.parse(r.stdout) as { models: { params: { total: number } }[] }).models[0]!;
  return { code: r.status!, params: model.params.total };
}

function cacheFiles(cacheHome: string): string[] {
  const dir = join(cacheHome, 'model-resource-profiler');
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

describe('model-profiler launcher', function () {
  this.timeout(180_000);

  before(() => {
    buildBundlesOnce();
  });

  it('writes a code cache on the first run, readable by its user only, and uses it unchanged on the next', () => {
    const home = mkdtempSync(join(tmpdir(), 'mrp-cache-'));
    assert.equal(run(home).params, 421_834);
    const [file, ...others] = cacheFiles(home);
    assert.ok(file, 'a cache file after the first run');
    assert.deepEqual(others, []);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(statSync(file).size > 10_000, 'the cache holds compiled code');
    const written = statSync(file).mtimeMs;
    // V8 accepts the cache, so the second run leaves it as it was.
    assert.equal(run(home).params, 421_834);
    assert.equal(statSync(file).mtimeMs, written);
  });

  it('replaces a cache V8 rejects, and still answers', () => {
    const home = mkdtempSync(join(tmpdir(), 'mrp-cache-'));
    run(home);
    const [file] = cacheFiles(home);
    writeFileSync(file!, Buffer.from('not a code cache'));
    assert.equal(run(home).params, 421_834);
    assert.ok(statSync(file!).size > 10_000, 'a fresh cache replaced the bad one');
  });

  it('writes nothing with MODEL_PROFILER_NO_CACHE=1, or where the cache folder cannot be made', () => {
    const home = mkdtempSync(join(tmpdir(), 'mrp-cache-'));
    assert.equal(run(home, { MODEL_PROFILER_NO_CACHE: '1' }).params, 421_834);
    assert.deepEqual(cacheFiles(home), []);
    // A file where the cache folder should be: the run answers without a cache.
    const blocked = mkdtempSync(join(tmpdir(), 'mrp-cache-'));
    writeFileSync(join(blocked, 'model-resource-profiler'), 'in the way');
    assert.equal(run(blocked).params, 421_834);
  });
});
