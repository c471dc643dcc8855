/**
 * `model-profiler` (dist/cli.js): starts the command line in dist/cliMain.js through a V8
 * code cache. Compiling the 950 KB bundle is a fifth of a cold run; with the cache, V8
 * reuses the code it compiled last time. The cache lives in the user's cache folder, keyed
 * by the bundle's size and time, and is rewritten when V8 rejects it (another Node version).
 * MODEL_PROFILER_NO_CACHE=1 turns it off; a cache that cannot be read or written is skipped.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

interface CliModule {
  runCli(argv: string[]): Promise<void>;
}

/** Where the cache of this bundle lives, or undefined when caching is off. */
function cacheFile(bundle: string): string | undefined {
  if (process.env.MODEL_PROFILER_NO_CACHE) return undefined;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const stat = statSync(bundle);
  const key = `${process.version}-${stat.size}-${Math.round(stat.mtimeMs)}`;
  return join(base, 'model-resource-profiler', `cli-${key}.v8cache`);
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a temporary file renamed), readable by this user only. */
function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A read-only home or a full disk only costs the next run its cache.
  }
}

/** Load dist/cliMain.js as Node would, with the cached code when there is some. */
function loadCli(bundle: string, cache: string | undefined): { cli: CliModule; save: () => void } {
  const cached = readCache(cache);
  const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  const mod = { exports: {} as Record<string, unknown>, filename: bundle, id: bundle };
  const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  compiled.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  const save = (): void => {
    // After the run, so the functions V8 compiled lazily are in the cache too.
    if (cache && (!cached || script.cachedDataRejected)) writeCache(cache, script.createCachedData());
  };
  return { cli: mod.exports as unknown as CliModule, save };
}

const bundle = join(__dirname, 'cliMain.js');
let cache: string | undefined;
try {
  cache = cacheFile(bundle);
} catch {
  cache = undefined;
}
const { cli, save } = loadCli(bundle, cache);
void cli.runCli(process.argv.slice(2)).finally(save);
