/**
 * What scripts/test-e2e.mjs hands the UI tests: the running code-server, the
 * packaged .vsix, and where to put screenshots. The tests cannot run without it.
 */
import * as assert from 'node:assert/strict';

export interface E2eEnv {
  /** Workbench URL that opens the workspace folder. */
  workbenchUrl: string;
  /** The workspace folder code-server opened (a copy of examples/). */
  workspace: string;
  /** The packaged extension. */
  vsix: string;
  /** The extensions folder the .vsix was installed into. */
  extensionsDir: string;
  /** Where screenshots go (test-results/e2e). */
  results: string;
  chromium: string;
  chromiumArgs: string[];
}

function need(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run the UI tests with \`npm run test:e2e\` (scripts/test-e2e.mjs)`);
  return value;
}

export function e2eEnv(): E2eEnv {
  return {
    workbenchUrl: need('E2E_WORKBENCH_URL'),
    workspace: need('E2E_WORKSPACE'),
    vsix: need('E2E_VSIX'),
    extensionsDir: need('E2E_EXTENSIONS_DIR'),
    results: need('E2E_RESULTS'),
    chromium: need('E2E_CHROMIUM'),
    chromiumArgs: JSON.parse(need('E2E_CHROMIUM_ARGS')) as string[],
  };
}
