/**
 * Dependencies pinned by the lockfile, checked offline (issue 9). `npm audit --omit=dev`
 * needs the registry's advisory service; this test does not, so it runs with the rest of
 * `npm test` anywhere: the lockfile matches package.json, pins every package to one
 * version with a sha512 integrity hash from the public registry, the production closure
 * is the reviewed list below (a new runtime dependency fails here until someone looks at
 * it), each of those is at or past the fix of the advisories published against it, and
 * node_modules holds exactly the locked versions.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages).filter(([path]) => path !== '');

/**
 * The packages the extension runs with (bundled into dist/ by esbuild.mjs, or copied
 * there), and the least version that carries the fix of every advisory published against
 * the package, with where it was published. Packages without advisories have none.
 */
const PRODUCTION: Record<string, { minimum?: string; advisories?: string }> = {
  '@kurkle/color': {},
  '@vscode/codicons': {},
  // CVE-2020-7746, prototype pollution through options, fixed in 2.9.4 (github.com/chartjs/Chart.js/issues/8501).
  'chart.js': { minimum: '2.9.4', advisories: 'CVE-2020-7746' },
  'node-addon-api': {},
  'node-gyp-build': {},
  // Command injection: GHSA-5vv4-hvf7-2h46 (versions(), fixed in 5.31.0) and
  // GHSA-5xpp-75jx-m839 / CVE-2026-50289 (networkInterfaces(), fixed in 5.31.7); the
  // earlier ones (CVE-2020-7752, CVE-2021-21315, GHSA-wphj-fx3q-84ch, GHSA-9c88-49p5-5ggf) before that.
  systeminformation: { minimum: '5.31.7', advisories: 'GHSA-5xpp-75jx-m839, GHSA-5vv4-hvf7-2h46' },
  'tree-sitter-python': {},
  'web-tree-sitter': {},
};

/** Package name of a lockfile path ("node_modules/a/node_modules/@b/c" -> "@b/c"). */
function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

describe('dependencies: pinned by the lockfile, the runtime ones reviewed', () => {
  it('the lockfile is npm 7+ and lists exactly package.json\'s dependencies', () => {
    assert.ok(lock.lockfileVersion >= 2, `lockfileVersion ${lock.lockfileVersion}`);
    const root = lock.packages['']!;
    assert.deepEqual(root.dependencies, manifest.dependencies);
    assert.deepEqual(root.devDependencies, manifest.devDependencies);
  });

  it('pins every package to one exact version with a sha512 integrity hash, from the public registry', () => {
    assert.ok(entries.length > 0);
    for (const [path, entry] of entries) {
      if (entry.link) continue;
      assert.match(entry.version ?? '', /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, `${path} has no exact version`);
      assert.match(entry.integrity ?? '', /^sha512-[A-Za-z0-9+/]{86}==$/, `${path} has no sha512 integrity`);
      // npm leaves "resolved" out when configured to; where present it names the registry.
      if (entry.resolved) assert.ok(entry.resolved.startsWith('https://registry.npmjs.org/'), `${path} comes from ${entry.resolved}`);
    }
  });

  it('the production closure is the reviewed list, each past its published advisories', () => {
    const production = entries.filter(([, e]) => !e.dev && !e.link);
    assert.deepEqual([...new Set(production.map(([p]) => nameOf(p)))].sort(), Object.keys(PRODUCTION).sort());
    for (const [path, entry] of production) {
      const { minimum, advisories } = PRODUCTION[nameOf(path)]!;
      if (minimum) assert.ok(compareVersions(entry.version!, minimum) >= 0, `${path} ${entry.version} is older than ${minimum} (${advisories})`);
    }
  });

  it('node_modules holds the locked version of every production package', function () {
    if (!existsSync(join(ROOT, 'node_modules'))) this.skip();
    for (const [path, entry] of entries.filter(([, e]) => !e.dev && !e.link)) {
      const file = join(ROOT, path, 'package.json');
      if (!existsSync(file) && entry.optional) continue;
      const installed = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
      assert.equal(installed, entry.version, path);
    }
  });
});
