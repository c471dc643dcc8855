#!/usr/bin/env node
// `npm test`: every test layer, in order, each timed:
//   prerequisites  npm dependencies (npm ci in a fresh clone), system packages (apt-get on
//                  Debian as root) and the code-server cache
//   lint           eslint
//   check-types    tsc --noEmit
//   unit           mocha over test/unit (plain Node, the engine)
//   integration    test/integration inside a real VS Code (code-server + Chromium)
//   e2e            the packaged .vsix in the workbench, driven by Playwright
// A failing layer does not stop the later ones, and none is ever skipped: the run
// fails when any layer fails. With CI=true, a left-over `.only` fails the run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, isCodeServerInstalled } from './lib/codeServer.mjs';
import { ROOT } from './lib/paths.mjs';
import { run, runChecked } from './lib/processes.mjs';
import { ensurePrerequisites, MissingPrerequisites } from './lib/system.mjs';

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const MINUTE = 60_000;

const npmRun = (script, ...extra) => ['npm', ['run', '--silent', script, ...(extra.length ? ['--', ...extra] : [])]];

const LAYERS = [
  { name: 'lint', command: npmRun('lint'), timeoutMs: 10 * MINUTE },
  { name: 'check-types', command: npmRun('check-types'), timeoutMs: 10 * MINUTE },
  { name: 'unit', command: npmRun('test:unit', ...(ci ? ['--forbid-only'] : [])), timeoutMs: 20 * MINUTE },
  { name: 'integration', command: npmRun('test:vscode'), timeoutMs: 20 * MINUTE },
  { name: 'e2e', command: npmRun('test:e2e', ...(ci ? ['--forbid-only'] : [])), timeoutMs: 30 * MINUTE },
];

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 70 - text.length))}`);
}

async function prerequisites() {
  // A fresh clone has no node_modules: install exactly the lockfile (which also builds dist/).
  if (!existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) {
    console.log('node_modules is missing: running npm ci');
    await runChecked('npm', ['ci'], { cwd: ROOT, timeoutMs: 15 * MINUTE, label: 'npm ci' });
  }
  await ensurePrerequisites({ needBuild: !isCodeServerInstalled() });
  await ensureCodeServer();
}

async function main() {
  const results = [];
  const started = Date.now();

  banner('prerequisites');
  const t0 = Date.now();
  try {
    await prerequisites();
    results.push({ name: 'prerequisites', ok: true, ms: Date.now() - t0 });
  } catch (err) {
    console.error(err instanceof MissingPrerequisites ? err.message : (err?.stack ?? err));
    console.error('\nThe VS Code layers (integration, e2e) cannot run without these; nothing was tested.');
    return 1;
  }

  for (const layer of LAYERS) {
    banner(layer.name);
    const t = Date.now();
    const [command, args] = layer.command;
    const { code } = await run(command, args, { cwd: ROOT, timeoutMs: layer.timeoutMs, label: layer.name });
    results.push({ name: layer.name, ok: code === 0, code, ms: Date.now() - t });
    console.log(`--- ${layer.name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(Date.now() - t)}`);
  }

  banner('summary');
  for (const r of results) {
    console.log(`${r.name.padEnd(16)} ${(r.ok ? 'passed' : `FAILED (exit ${r.code})`).padEnd(18)} ${seconds(r.ms).padStart(9)}`);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`${'total'.padEnd(16)} ${(failed.length ? `${failed.length} FAILED` : 'all passed').padEnd(18)} ${seconds(Date.now() - started).padStart(9)}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
