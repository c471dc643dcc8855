#!/usr/bin/env node
// `npm run check-types`: tsc --noEmit over each TypeScript project of the repo
// (extension, CLI and tests; the webview bundle with the DOM library).
// A project with no files yet (tsc's TS18003) is reported as such, not as a pass
// of checked code and not as a failure: the webview project fills in as it lands.
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';
import { run } from './lib/processes.mjs';

const PROJECTS = ['tsconfig.json', 'webview/tsconfig.json'];
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let failed = false;
for (const project of PROJECTS) {
  const { code, output } = await run(process.execPath, [tsc, '--noEmit', '-p', project], {
    cwd: ROOT,
    capture: true,
    timeoutMs: 10 * 60_000,
    label: `tsc -p ${project}`,
  });
  const errors = output.split('\n').filter((l) => /error TS\d+/.test(l));
  if (code !== 0 && errors.length > 0 && errors.every((l) => l.includes('error TS18003'))) {
    console.log(`${project}: no TypeScript files yet, nothing to check`);
  } else if (code !== 0) {
    process.stdout.write(output);
    console.error(`${project}: type errors`);
    failed = true;
  } else {
    console.log(`${project}: no type errors`);
  }
}
process.exit(failed ? 1 : 0);
