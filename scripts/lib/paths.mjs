// Paths shared by the test launchers.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is scripts/lib/paths.mjs). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Git-ignored cache of downloaded and built test tools, like @vscode/test-electron's. */
export const CACHE = process.env.MODEL_PROFILER_TEST_CACHE ?? join(ROOT, '.vscode-test');

/** Screenshots and logs the UI tests leave for people to look at. */
export const RESULTS = join(ROOT, 'test-results');
