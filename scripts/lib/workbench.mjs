// Run the integration suite in code-server's workbench: the workbench loads the
// extension under development and the tests module from the launch payload, runs
// them in its Node extension host, and reports the result through
// window.codeAutomationExit(code).
import { format } from 'node:util';
import { launchChromium } from './browser.mjs';
import { remoteUri, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { withTimeout } from './processes.mjs';

/** test/integration/index.ts prints this line when mocha starts; the suite's output follows. */
export const SUITE_STARTED = 'Model Profiler integration suite:';

/** Gallery (open-vsx) lookups fail offline by design; their errors are noise here. */
const EXPECTED_NOISE = /open-vsx\.org/;

/**
 * Print the log the workbench forwards (its own and the extension host's). Before
 * the suite starts only errors are shown, unless `verbose`; from then on everything.
 */
function hostLogPrinter(verbose) {
  let started = false;
  return (type, args) => {
    const text = (Array.isArray(args) ? format(...args) : String(args)).replace(/\n$/, '');
    if (text.includes(SUITE_STARTED)) started = true;
    const isError = type === 'error';
    if (!verbose && !started && !(isError && !EXPECTED_NOISE.test(text))) return;
    if (isError) console.error(text);
    else console.log(text);
  };
}

/**
 * Start code-server, open `folder` with the extension at `extensionDir` and the
 * tests module `testsModule` (absolute paths), and resolve to the suite's exit code.
 * `env` adds to the extension host's environment; `workspaceTrust` keeps trust on.
 * Everything started here is stopped before it returns.
 */
export async function runSuiteInWorkbench({ entry, sandbox, folder, extensionDir, testsModule, timeoutMs, verbose, env, workspaceTrust }) {
  const server = await startCodeServer({ entry, sandbox, env, workspaceTrust, log: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined });
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    let reportExit;
    const exited = new Promise((resolve) => (reportExit = resolve));
    // Both hooks must exist before the workbench loads: it looks them up when the run ends.
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', hostLogPrinter(verbose));
    if (verbose) page.on('console', (m) => console.log(`[workbench] ${m.text()}`));
    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, extensionDir)],
      ['extensionTestsPath', remoteUri(server, testsModule)],
    ];
    await page.goto(workbenchUrl(server, folder, payload), { timeout: 60_000 });
    return await withTimeout(exited, timeoutMs, 'the integration suite did not report an exit code');
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}
