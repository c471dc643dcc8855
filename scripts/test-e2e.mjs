#!/usr/bin/env node
// UI layer: package the .vsix, install it into code-server the way a user does
// (`--install-extension`, no extensionDevelopmentPath), open examples/ in the
// workbench and let the Playwright tests in test/e2e drive it in headless
// Chromium. Screenshots land in test-results/e2e/.
//
//   node scripts/test-e2e.mjs [--verbose]       extra arguments go to mocha (e.g. --grep hover)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from './lib/browser.mjs';
import { ensureCodeServer, installVsix, isCodeServerInstalled, makeSandbox, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { RESULTS, ROOT } from './lib/paths.mjs';
import { run, runChecked } from './lib/processes.mjs';
import { chromiumPath, ensurePrerequisites, MissingPrerequisites } from './lib/system.mjs';

const MOCHA_TIMEOUT_MS = 15 * 60_000;

/** `npm run package`, which builds for production and runs `vsce package --no-dependencies`. */
async function packageVsix() {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = join(ROOT, `${name}-${version}.vsix`);
  rmSync(vsix, { force: true });
  await runChecked('npm', ['run', 'package'], { cwd: ROOT, timeoutMs: 5 * 60_000, label: 'npm run package' });
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  return vsix;
}

async function main() {
  const verbose = process.argv.includes('--verbose');
  const mochaArgs = process.argv.slice(2).filter((a) => a !== '--verbose');
  await ensurePrerequisites({ needBuild: !isCodeServerInstalled() });
  const vsix = await packageVsix();
  const entry = await ensureCodeServer();

  const results = join(RESULTS, 'e2e');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const sandbox = makeSandbox('model-profiler-e2e');
  let server;
  try {
    const installed = await installVsix(entry, sandbox, vsix);
    if (verbose) console.log(installed);
    const workspace = join(sandbox.dir, 'examples');
    cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
    server = await startCodeServer({ entry, sandbox, log: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined });
    const env = {
      ...process.env,
      E2E_WORKBENCH_URL: workbenchUrl(server, workspace),
      E2E_WORKSPACE: workspace,
      E2E_VSIX: vsix,
      E2E_EXTENSIONS_DIR: sandbox.extensions,
      E2E_RESULTS: results,
      E2E_CHROMIUM: chromiumPath(),
      E2E_CHROMIUM_ARGS: JSON.stringify(CHROMIUM_ARGS),
    };
    const mocha = join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const { code } = await run(process.execPath, [mocha, '--config', join(ROOT, 'test', 'e2e', '.mocharc.json'), ...mochaArgs], {
      cwd: ROOT,
      env,
      timeoutMs: MOCHA_TIMEOUT_MS,
      label: 'e2e mocha',
    });
    console.log(`[e2e] screenshots in ${results}`);
    return code;
  } finally {
    await server?.stop();
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
