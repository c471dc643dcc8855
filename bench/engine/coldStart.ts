/**
 * Cold start, measured in a fresh process each time (scripts/bench.mjs runs this
 * bundle several times): loading the engine's code, initialising the parser (reading
 * and compiling the two wasm files) and analysing a first file. Prints one JSON line.
 *
 *   node out/bench/coldStart.js <file.py>
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { createNodeSourceHost } from '../../src/node/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';

// performance.now() counts from the start of the process: this is when the bundle started running.
const loadedAt = performance.now();

async function main(): Promise<void> {
  const file = resolve(process.argv[2] ?? '');
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  await initParserFromDisk();
  const t1 = performance.now();
  const slashed = file.replace(/\\/g, '/');
  const report = analyzeDocument({
    file: slashed,
    text,
    host: createNodeSourceHost({ workspaceFolders: [dirname(slashed)], resolveInstalledPackages: false }),
    options: DEFAULT_OPTIONS,
    devices: [],
  });
  const t2 = performance.now();
  process.stdout.write(
    JSON.stringify({
      processToBundleMs: loadedAt,
      parserInitMs: t1 - t0,
      firstAnalysisMs: t2 - t1,
      totalMs: t2,
      models: report.models.length,
    }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`cold start failed: ${String(e)}\n`);
  process.exitCode = 1;
});
