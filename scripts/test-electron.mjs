#!/usr/bin/env node
// Desktop launcher of the integration suite: the very same test/integration
// bundle, run by @vscode/test-electron in a downloaded VS Code. It needs
// update.code.visualstudio.com (and, on Linux without a display, xvfb-run);
// where that server cannot be reached use scripts/test-vscode.mjs, which
// `npm test` runs.
//
//   node scripts/test-electron.mjs            VS Code 1.100.3, as code-server ships
//   VSCODE_VERSION=stable node scripts/test-electron.mjs
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeSandbox, VSCODE_VERSION } from './lib/codeServer.mjs';
import { CACHE, ROOT } from './lib/paths.mjs';
import { runChecked } from './lib/processes.mjs';
import { passEnv, suitePasses } from './lib/suitePasses.mjs';

async function main() {
  await runChecked(process.execPath, ['esbuild.mjs', '--tests'], { cwd: ROOT, timeoutMs: 5 * 60_000, label: 'esbuild --tests' });
  const testsDir = join(ROOT, 'out', 'test', 'integration');
  // The same passes as the code-server launcher (scripts/lib/suitePasses.mjs).
  for (const pass of suitePasses(testsDir)) {
    console.log(`[integration] pass "${pass.name}": ${pass.suites.join(', ')}`);
    await runPass(pass, testsDir);
  }
  return 0;
}

async function runPass(pass, testsDir) {
  const sandbox = makeSandbox('model-profiler-electron');
  try {
    const folder = join(sandbox.dir, 'workspace');
    cpSync(join(ROOT, 'test', 'integration', 'workspace'), folder, { recursive: true });
    await runTests({
      version: process.env.VSCODE_VERSION ?? VSCODE_VERSION,
      cachePath: CACHE,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(testsDir, 'index.js'),
      extensionTestsEnv: passEnv(pass),
      // Only our extension, throwaway state, no trust prompt unless the pass is about trust.
      launchArgs: [
        folder,
        '--disable-extensions',
        ...(pass.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--user-data-dir',
        sandbox.userData,
        '--extensions-dir',
        sandbox.extensions,
      ],
      timeout: 10 * 60_000,
    });
  } finally {
    sandbox.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Integration suite (desktop VS Code) failed: ${err?.message ?? err}`);
    process.exit(1);
  },
);
