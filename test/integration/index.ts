/**
 * Entry point of the integration suite inside VS Code's extension host (the
 * `extensionTestsPath` of both launchers). Runs mocha over every `*.test.js`
 * bundled next to this file, so adding a suite is a matter of adding a
 * `test/integration/<name>.test.ts` file. The launchers run the suites in passes
 * (scripts/lib/suitePasses.mjs) and name each pass's files in MODEL_PROFILER_SUITES.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Activation must be observed before any other suite opens a Python file. */
const FIRST = 'activation.test.js';

function suiteFiles(dir: string): string[] {
  const only = process.env.MODEL_PROFILER_SUITES?.split(',').filter(Boolean);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.includes(f)));
  files.sort((a, b) => (a === FIRST ? -1 : b === FIRST ? 1 : a.localeCompare(b)));
  return files.map((f) => path.join(dir, f));
}

/**
 * A pass with stand-in tools (a fake nvidia-smi) puts their folder first on PATH here, in
 * the extension host, before any suite opens a Python file and so before the extension
 * activates and probes the hardware.
 */
function putStandInsOnPath(): void {
  const dir = process.env.MODEL_PROFILER_STAND_IN_PATH;
  if (dir) process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

export async function run(): Promise<void> {
  putStandInsOnPath();
  // In CI a left-over `.only` fails the run instead of silently narrowing it.
  const forbidOnly = Boolean(process.env.CI) && process.env.CI !== 'false';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', forbidOnly });
  // MOCHA_GREP narrows a local run to matching tests (both launchers pass it through).
  if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);
  const files = suiteFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  // The code-server launcher shows the host's log from this line on (scripts/lib/workbench.mjs).
  console.log(`Model Profiler integration suite: ${files.length} files`);
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
