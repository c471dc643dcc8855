// Builds what the benchmark measures: the production bundles and the .vsix exactly as
// `npm run package` makes them (their sizes are figures of the benchmark), and the
// benchmark's own entry points, bundled the way the shipped bundles are.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT } from '../../scripts/lib/paths.mjs';
import { runChecked } from '../../scripts/lib/processes.mjs';

const require = createRequire(import.meta.url);

/** Where the benchmark's bundles go (git-ignored). */
export const BENCH_OUT = join(ROOT, 'out', 'bench');

const BUNDLES = [
  ['extension', 'dist/extension.js'],
  ['webview', 'dist/webview.js'],
  ['cli', 'dist/cli.js'],
  ['cliMain', 'dist/cliMain.js'],
  ['analysisWorker', 'dist/analysisWorker.js'],
  ['tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  ['tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm'],
];

function sizeOf(path) {
  const bytes = statSync(path).size;
  return { bytes, gzipBytes: gzipSync(readFileSync(path)).length };
}

/** `npm run package` into a temporary folder: production build of dist/, then the .vsix. */
export async function packageAndMeasure() {
  const dir = mkdtempSync(join(tmpdir(), 'model-profiler-bench-'));
  try {
    const vsix = join(dir, 'extension.vsix');
    await runChecked('npm', ['run', '--silent', 'package', '--', '--out', vsix], {
      cwd: ROOT,
      capture: true,
      timeoutMs: 10 * 60_000,
      label: 'npm run package',
    });
    const sizes = {};
    for (const [name, rel] of BUNDLES) {
      const path = join(ROOT, rel);
      if (existsSync(path)) sizes[name] = sizeOf(path);
    }
    sizes.vsix = { bytes: statSync(vsix).size };
    return sizes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark's entry points: engine and cold start for Node, the suite for the extension host. */
export async function bundleBench() {
  rmSync(BENCH_OUT, { recursive: true, force: true });
  const common = {
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    logLevel: 'warning',
    // As esbuild.mjs does: web-tree-sitter's cjs build.
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  };
  await esbuild.build({
    ...common,
    entryPoints: { engineBench: join(ROOT, 'bench/engine/engineBench.ts'), coldStart: join(ROOT, 'bench/engine/coldStart.ts') },
    outdir: BENCH_OUT,
  });
  await esbuild.build({
    ...common,
    external: ['vscode'],
    entryPoints: [join(ROOT, 'bench/extension/index.ts')],
    outfile: join(BENCH_OUT, 'extension', 'index.js'),
  });
  return {
    engine: join(BENCH_OUT, 'engineBench.js'),
    coldStart: join(BENCH_OUT, 'coldStart.js'),
    extensionSuite: join(BENCH_OUT, 'extension', 'index.js'),
  };
}
