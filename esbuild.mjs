// Builds every bundle of the extension with one esbuild script.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundle the extension-host test suite into out/
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  external: ['vscode'],
  // web-tree-sitter's ESM build reads import.meta.url, which a cjs bundle lacks: use its cjs build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

/** The tree-sitter runtime and the Python grammar, copied next to the node bundles. */
function copyWasm() {
  mkdirSync('dist', { recursive: true });
  const runtimeDir = dirname(require.resolve('web-tree-sitter'));
  const pythonDir = dirname(require.resolve('tree-sitter-python/package.json'));
  copyFileSync(join(runtimeDir, 'tree-sitter.wasm'), 'dist/tree-sitter.wasm');
  copyFileSync(join(pythonDir, 'tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');
  // The codicon font and stylesheet for the webview.
  const codicons = join(dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  copyFileSync(join(codicons, 'codicon.css'), 'dist/codicon.css');
  copyFileSync(join(codicons, 'codicon.ttf'), 'dist/codicon.ttf');
  // The exact-mode counting script, run by src/node/exactMode.ts from next to the bundle.
  copyFileSync('src/node/exact_count.py', 'dist/exact_count.py');
}

/** Entry points that exist (the tree grows as features land). */
function existing(list) {
  return list.filter((b) => {
    try {
      return statSync(b.entryPoints[0]).isFile();
    } catch {
      return false;
    }
  });
}

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTests(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const builds = existing([
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...nodeCommon, entryPoints: ['src/node/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
  // The hardware probe and systeminformation, loaded after activation (src/vscode/fitFeatures.ts).
  { ...nodeCommon, entryPoints: ['src/node/hardware/probe.ts'], outfile: 'dist/hardwareProbe.js' },
  // The command line: dist/cli.js (the package's bin) loads dist/cliMain.js through a code cache.
  {
    ...nodeCommon,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cliMain.js',
    define: { PACKAGE_VERSION: JSON.stringify(require('./package.json').version) },
  },
  { ...nodeCommon, entryPoints: ['src/cliLauncher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
  },
]);

if (tests) {
  // Start clean, so a deleted or renamed suite does not keep running from a stale bundle.
  rmSync('out/test/integration', { recursive: true, force: true });
  // One bundle per test file keeps stack traces readable; mocha is bundled in.
  builds.push({
    ...nodeCommon,
    entryPoints: listTests('test/integration'),
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    sourcemap: 'inline',
    minify: false,
    // mocha's parallel mode (unused in the extension host) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
}

// A production build starts from an empty dist/, so no stale development file
// (source maps among them) reaches the .vsix, which ships dist/ whole.
if (production) rmSync('dist', { recursive: true, force: true });
copyWasm();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build finished, watching for changes...');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
