#!/usr/bin/env node
// `npm run bench`: how fast the profiler is, measured end to end on this machine.
// Prints a table and writes the same figures as JSON to bench/results/latest.json.
//
//   npm run bench                      everything (about 10 minutes on 2 cores)
//   npm run bench -- --quick           fewer repetitions, one extension host session
//   npm run bench -- --no-vscode       leave out the extension host (code-server)
//   npm run bench -- --no-python       leave out the Python + torch comparison
//   npm run bench -- --out FILE        write the JSON elsewhere
//
// Sections (bench/README.md says what each figure means):
//   1. production build and .vsix (bundle sizes)
//   2. cold start, each in a new process
//   3. engine: warm analysis per document vs tree-sitter's parse, incremental
//      re-analysis, estimation per model, memory and the leak check
//   4. whole-process `model-profiler profile` vs Python + torch
//   5. the real extension host: activation and hover latency
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bundleBench, packageAndMeasure } from '../bench/run/build.mjs';
import { measureExtensionHost } from '../bench/run/extensionHost.mjs';
import { describeMachine, load } from '../bench/run/machine.mjs';
import { renderTable } from '../bench/run/table.mjs';
import { coldStarts, compareWithTorch, PYTHON, torchVersion } from '../bench/run/wholeProcess.mjs';
import { ROOT } from './lib/paths.mjs';

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const withVscode = !process.argv.includes('--no-vscode');
const withPython = !process.argv.includes('--no-python');
const verbose = process.argv.includes('--verbose');
const outFile = option('--out') ?? join(ROOT, 'bench', 'results', 'latest.json');

/** The code measured: commit and whether the tree had uncommitted changes. */
function codeVersion() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD');
  if (head.status !== 0) return undefined;
  return { commit: head.stdout.trim(), dirty: git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '' };
}

function step(text) {
  console.log(`[bench] ${text}`);
}

async function main() {
  const started = Date.now();
  const results = { date: new Date().toISOString(), quick, code: codeVersion(), machine: describeMachine(), load: { start: load() } };

  step('production build and .vsix (npm run package)');
  results.sizes = await packageAndMeasure();

  step('bundling the benchmark');
  const bundles = await bundleBench();

  step('cold start');
  results.coldStart = coldStarts(bundles.coldStart, quick ? 3 : 10);

  step('engine (warm analysis, incremental, estimation, memory)');
  const engineJson = join(ROOT, 'bench', 'results', 'engine.tmp.json');
  mkdirSync(dirname(engineJson), { recursive: true });
  const engine = spawnSync(process.execPath, ['--expose-gc', bundles.engine, ROOT, engineJson, ...(quick ? ['--quick'] : [])], { cwd: ROOT, stdio: 'inherit' });
  if (engine.status !== 0) throw new Error(`the engine benchmark exited with ${engine.status}`);
  results.engine = JSON.parse(readFileSync(engineJson, 'utf8'));
  rmSync(engineJson, { force: true });

  step('model-profiler vs Python + torch');
  const torch = withPython ? torchVersion() : undefined;
  results.comparison = {
    python: PYTHON,
    torch,
    skipped: !withPython ? '--no-python' : torch ? undefined : `${PYTHON} cannot import torch (Debian: apt-get install python3-torch)`,
    rows: compareWithTorch({ cliRuns: quick ? 5 : 15, pythonRuns: quick ? 1 : 3, withTorch: Boolean(torch) }),
  };

  if (withVscode) {
    step('extension host (code-server)');
    results.extensionHost = await measureExtensionHost({ suite: bundles.extensionSuite, sessions: quick ? 1 : 3, verbose });
  } else {
    results.extensionHost = { skipped: '--no-vscode' };
  }

  results.load.end = load();
  results.wallSeconds = Math.round((Date.now() - started) / 100) / 10;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write('\n' + renderTable(results));
  console.log(`\n[bench] figures written to ${outFile} (${results.wallSeconds} s)`);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
