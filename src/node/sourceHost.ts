/**
 * The SourceHost contract (src/core/sourceHost.ts) on the local file system: how the
 * engine reads the files a model imports. Read-only, never runs Python.
 *
 * - readFile caps the size and decodes strict UTF-8: binary files (NUL bytes) and
 *   other encodings read as unreadable rather than as garbage.
 * - importRoots: the workspace folders, then the site-packages folders of `.venv` /
 *   `venv` environments found in them (up to two levels down) and of $VIRTUAL_ENV.
 * - The search follows symlinks but never the same real folder twice and stops at
 *   a depth and a folder count, so symlink loops end it instead of hanging it.
 */
import { readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceHost } from '../core/sourceHost';

export interface NodeSourceHostOptions {
  workspaceFolders: string[];
  /** Look for installed packages in `.venv`/`venv` and $VIRTUAL_ENV (default true). */
  resolveInstalledPackages?: boolean;
  /** The active virtual environment; default: $VIRTUAL_ENV. */
  virtualEnv?: string;
  /** Larger files read as unreadable (default 2 MiB). */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** How deep under a workspace folder virtual environments are looked for. */
const VENV_SEARCH_DEPTH = 2;
/** Folders examined per workspace folder at most. */
const VENV_SEARCH_BUDGET = 2000;
const VENV_NAMES = new Set(['.venv', 'venv']);
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', 'site-packages', '.tox', '.mypy_cache', 'dist', 'build']);

/** Forward slashes, as the engine's paths use. */
export function slashed(path: string): string {
  return path.replace(/\\/g, '/');
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? undefined;
  } catch {
    // ELOOP (a symlink loop), EACCES, ENAMETOOLONG: not a readable path.
    return undefined;
  }
}

function realOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** A source file's text, or why it cannot be read. */
export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): { text: string } | { error: string } {
  const st = statOf(path);
  if (!st) return { error: 'not found' };
  if (!st.isFile()) return { error: 'not a regular file' };
  if (st.size > maxBytes) return { error: `larger than ${maxBytes} bytes` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { error: `could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  if (bytes.length > maxBytes) return { error: `larger than ${maxBytes} bytes` };
  if (bytes.includes(0)) return { error: 'binary (contains NUL bytes)' };
  try {
    // fatal: invalid UTF-8 throws instead of turning into U+FFFD; a leading BOM is dropped.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'not valid UTF-8' };
  }
}

/** site-packages folders of one virtual environment (POSIX `lib/pythonX.Y/`, Windows `Lib/`). */
export function sitePackagesOf(venv: string): string[] {
  const out: string[] = [];
  for (const lib of ['lib', 'lib64', 'Lib']) {
    const libDir = join(venv, lib);
    if (!statOf(libDir)?.isDirectory()) continue;
    const direct = join(libDir, 'site-packages');
    if (statOf(direct)?.isDirectory()) out.push(direct);
    let entries: string[] = [];
    try {
      entries = readdirSync(libDir);
    } catch {
      continue;
    }
    for (const name of entries.sort()) {
      if (!/^(python|pypy)\d+(\.\d+)*$/.test(name)) continue;
      const sp = join(libDir, name, 'site-packages');
      if (statOf(sp)?.isDirectory()) out.push(sp);
    }
  }
  return out;
}

function isVenv(dir: string): boolean {
  return statOf(join(dir, 'pyvenv.cfg'))?.isFile() === true;
}

/** `.venv`/`venv` environments under a folder, breadth first, loops and depth bounded. */
export function findVirtualEnvs(root: string, maxDepth = VENV_SEARCH_DEPTH, budget = VENV_SEARCH_BUDGET): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  let queue: string[] = [root];
  let examined = 0;
  for (let depth = 0; depth <= maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      const real = realOf(dir);
      if (!real || visited.has(real)) continue;
      visited.add(real);
      if (++examined > budget) return found;
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of entries.sort()) {
        const child = join(dir, name);
        if (VENV_NAMES.has(name)) {
          if (isVenv(child)) found.push(child);
          continue;
        }
        if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
        if (depth < maxDepth && statOf(child)?.isDirectory()) next.push(child);
      }
    }
    queue = next;
  }
  return found;
}

/** Workspace folders, then installed-package folders, each real folder once. */
export function importRootsFor(options: NodeSourceHostOptions): string[] {
  const roots: string[] = [];
  const seen = new Set<string>();
  const add = (dir: string): void => {
    const real = realOf(dir);
    if (!real || seen.has(real) || !statOf(real)?.isDirectory()) return;
    seen.add(real);
    roots.push(slashed(resolve(dir)));
  };
  const folders = options.workspaceFolders.filter((f) => typeof f === 'string' && f.length > 0);
  for (const folder of folders) add(folder);
  if (options.resolveInstalledPackages === false) return roots;
  for (const folder of folders) {
    for (const venv of findVirtualEnvs(folder)) for (const sp of sitePackagesOf(venv)) add(sp);
  }
  const active = options.virtualEnv ?? process.env.VIRTUAL_ENV;
  if (active) for (const sp of sitePackagesOf(active)) add(sp);
  return roots;
}

export function createNodeSourceHost(options: NodeSourceHostOptions): SourceHost {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  return {
    readFile(path: string): string | undefined {
      const r = readTextFile(path, maxBytes);
      return 'text' in r ? r.text : undefined;
    },
    isFile: (path: string) => statOf(path)?.isFile() === true,
    isDirectory: (path: string) => statOf(path)?.isDirectory() === true,
    importRoots: importRootsFor(options),
  };
}
