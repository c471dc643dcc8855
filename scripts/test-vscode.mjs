#!/usr/bin/env node
// Integration layer: the suite in test/integration runs inside a real VS Code
// (code-server 4.100.3 from the npm registry, installed once into
// .vscode-test/), driven through its workbench in headless Chromium. Works
// offline, which the desktop launcher (scripts/test-electron.mjs) does not.
//
//   node scripts/test-vscode.mjs [--verbose]      MOCHA_GREP=pattern narrows the run
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, isCodeServerInstalled, makeSandbox } from './lib/codeServer.mjs';
import { ROOT } from './lib/paths.mjs';
import { runChecked } from './lib/processes.mjs';
import { ensurePrerequisites, MissingPrerequisites } from './lib/system.mjs';
import { runSuiteInWorkbench } from './lib/workbench.mjs';

const SUITE_TIMEOUT_MS = 10 * 60_000;

async function main() {
  const verbose = process.argv.includes('--verbose');
  await ensurePrerequisites({ needBuild: !isCodeServerInstalled() });
  // Extension bundle plus the suite bundled into out/test/integration.
  await runChecked(process.execPath, ['esbuild.mjs', '--tests'], { cwd: ROOT, timeoutMs: 5 * 60_000, label: 'esbuild --tests' });
  const entry = await ensureCodeServer();

  const sandbox = makeSandbox('model-profiler-integration');
  try {
    // A copy, so settings the tests write never touch the repository.
    const folder = join(sandbox.dir, 'workspace');
    cpSync(join(ROOT, 'test', 'integration', 'workspace'), folder, { recursive: true });
    const code = await runSuiteInWorkbench({
      entry,
      sandbox,
      folder,
      extensionDir: ROOT,
      testsModule: join(ROOT, 'out', 'test', 'integration', 'index.js'),
      timeoutMs: SUITE_TIMEOUT_MS,
      verbose,
    });
    console.log(`[integration] the extension host reported exit code ${code}`);
    return code;
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
