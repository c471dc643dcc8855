// The integration suites run in several VS Code launches ("passes"), each giving its
// suites what they need from the machine: stand-in GPU tools (test/fixtures/bin/<dir>)
// first on PATH for the extension host, or workspace trust left on. A suite file belongs
// to the first pass whose pattern matches its name; the last pass takes the rest.
// Both launchers (code-server, desktop) read this table.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

export const PASSES = [
  { name: 'main', match: (f) => !/^(fit|hardware|trust)-/.test(f) },
  // Two RTX 4090 as a real nvidia-smi printed them (test/fixtures/hardware/README.md).
  { name: 'stand-in GPUs', match: (f) => /^(fit|hardware)-/.test(f) && !/^hardware-hang/.test(f), standIn: 'two-cards' },
  // An nvidia-smi that never answers.
  { name: 'hanging nvidia-smi', match: (f) => /^hardware-hang/.test(f), standIn: 'hang' },
  // The general passes run without the trust prompt; this one keeps workspace trust on.
  { name: 'workspace trust', match: (f) => /^trust-/.test(f), workspaceTrust: true },
];

/** The bundled suite files (`*.test.js` in `dir`), grouped by pass; passes without suites are left out. */
export function suitePasses(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.js'));
  const taken = new Set();
  const passes = [];
  for (const pass of PASSES) {
    const suites = files.filter((f) => !taken.has(f) && pass.match(f));
    suites.forEach((f) => taken.add(f));
    if (suites.length > 0) passes.push({ ...pass, suites });
  }
  return passes;
}

/**
 * Environment for the extension host of a pass, read by test/integration/index.ts:
 * MODEL_PROFILER_SUITES, the suites it runs; MODEL_PROFILER_STAND_IN_PATH, the folder of
 * stand-in tools it puts first on PATH before any suite runs. (VS Code's server builds
 * the extension host's PATH from the login shell, so a PATH given here would not last.)
 */
export function passEnv(pass) {
  const env = { MODEL_PROFILER_SUITES: pass.suites.join(',') };
  if (pass.standIn) env.MODEL_PROFILER_STAND_IN_PATH = join(ROOT, 'test', 'fixtures', 'bin', pass.standIn);
  return env;
}
