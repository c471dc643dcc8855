#!/usr/bin/env node
// Integration layer: the suite in test/integration runs inside a real VS Code
// (code-server 4.100.3 from the npm registry, installed once into
// .vscode-test/), driven through its workbench in headless Chromium. Works
// offline, which the desktop launcher (scripts/test-electron.mjs) does not.
// The suites run in passes (scripts/lib/suitePasses.mjs): one VS Code launch each,
// for suites that need stand-in GPU tools on PATH or workspace trust on.
//
//   node scripts/test-vscode.mjs [--verbose] [--pass=NAME]   MOCHA_GREP=pattern narrows the run
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, isCodeServerInstalled, makeSandbox } from './lib/codeServer.mjs';
import { ROOT } from './lib/paths.mjs';
import { runChecked } from './lib/processes.mjs';
import { ensurePrerequisites, MissingPrerequisites } from './lib/system.mjs';
import { passEnv, suitePasses } from './lib/suitePasses.mjs';
import { runSuiteInWorkbench } from './lib/workbench.mjs';

const SUITE_TIMEOUT_MS = 10 * 60_000;

async function main() {
  const verbose = process.argv.includes('--verbose');
  await ensurePrerequisites({ needBuild: !isCodeServerInstalled() });
  // Extension bundle plus the suite bundled into out/test/integration.
  await runChecked(process.execPath, ['esbuild.mjs', '--tests'], { cwd: ROOT, timeoutMs: 5 * 60_000, label: 'esbuild --tests' });
  const entry = await ensureCodeServer();

  const testsDir = join(ROOT, 'out', 'test', 'integration');
  const only = process.argv.find((a) => a.startsWith('--pass='))?.slice('--pass='.length);
  let failed = 0;
  for (const pass of suitePasses(testsDir).filter((p) => !only || p.name === only)) {
    console.log(`[integration] pass "${pass.name}": ${pass.suites.join(', ')}`);
    const code = await runPass(entry, pass, testsDir, verbose);
    console.log(`[integration] pass "${pass.name}": the extension host reported exit code ${code}`);
    if (code !== 0) failed++;
  }
  return failed === 0 ? 0 : 1;
}

/** One VS Code launch with fresh state, running the suites of one pass. */
async function runPass(entry, pass, testsDir, verbose) {
  const sandbox = makeSandbox('model-profiler-integration');
  try {
    // A copy, so settings the tests write never touch the repository.
    const folder = join(sandbox.dir, 'workspace');
    cpSync(join(ROOT, 'test', 'integration', 'workspace'), folder, { recursive: true });
    return await runSuiteInWorkbench({
      entry,
      sandbox,
      folder,
      extensionDir: ROOT,
      testsModule: join(testsDir, 'index.js'),
      timeoutMs: SUITE_TIMEOUT_MS,
      verbose,
      env: passEnv(pass),
      workspaceTrust: pass.workspaceTrust === true,
    });
  } finally {
    sandbox.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof MissingPrerequisites ? err.message : (err?.stack ?? err));
    process.exit(1);
  },
);
