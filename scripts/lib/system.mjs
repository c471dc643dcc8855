// System prerequisites of the VS Code test layers. On a Debian machine running as
// root they are installed with apt-get; anywhere else we say exactly what to
// install and stop, so no layer is ever skipped for want of a tool.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runChecked } from './processes.mjs';

/** First executable called `name` on PATH, or undefined. */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium the UI tests drive: $CHROMIUM_PATH, else the usual Linux locations. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/**
 * One row per prerequisite: how to tell it is there, and the Debian packages that
 * provide it. `forBuild` rows are needed only while code-server's native modules
 * are compiled (its first install), not to run the tests afterwards.
 */
const REQUIREMENTS = [
  {
    name: 'Chromium',
    why: 'the browser the integration and UI tests drive (or set CHROMIUM_PATH)',
    present: () => chromiumPath() !== undefined,
    debian: ['chromium', 'fonts-liberation'],
  },
  {
    name: 'Kerberos headers (gssapi/gssapi.h)',
    why: "code-server's kerberos module compiles against them",
    present: () => existsSync('/usr/include/gssapi/gssapi.h') || which('krb5-config') !== undefined,
    debian: ['libkrb5-dev'],
    forBuild: true,
  },
  {
    name: 'ripgrep (rg)',
    why: "fills @vscode/ripgrep's download cache, which would otherwise fetch from GitHub",
    present: () => which('rg') !== undefined,
    debian: ['ripgrep'],
    forBuild: true,
  },
  {
    name: 'C++ compiler (g++)',
    why: 'node-gyp builds code-server native modules',
    present: () => which('g++') !== undefined,
    debian: ['g++'],
    forBuild: true,
  },
  {
    name: 'make',
    why: 'node-gyp builds code-server native modules',
    present: () => which('make') !== undefined,
    debian: ['make'],
    forBuild: true,
  },
  {
    name: 'Python 3',
    why: 'node-gyp is written in Python',
    present: () => which('python3') !== undefined,
    debian: ['python3'],
    forBuild: true,
  },
  {
    name: 'tar',
    why: 'unpacks the ripgrep cache',
    present: () => which('tar') !== undefined,
    debian: ['tar'],
    forBuild: true,
  },
];

export class MissingPrerequisites extends Error {}

function missing(needBuild) {
  return REQUIREMENTS.filter((r) => (needBuild || !r.forBuild) && !r.present());
}

function isDebian() {
  return existsSync('/etc/debian_version') && which('apt-get') !== undefined;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function describe(rows) {
  return rows.map((r) => `  - ${r.name}: ${r.why}`).join('\n');
}

/**
 * Make sure every prerequisite is present, installing the Debian packages when we
 * can (root on Debian). Throws MissingPrerequisites naming what to install otherwise.
 * @param {{ needBuild: boolean }} opts needBuild: code-server still has to be compiled.
 */
export async function ensurePrerequisites({ needBuild }) {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen && !existsSync(chosen)) {
    throw new MissingPrerequisites(`CHROMIUM_PATH is set to ${chosen}, which does not exist.`);
  }
  const absent = missing(needBuild);
  if (absent.length === 0) return;
  const packages = [...new Set(absent.flatMap((r) => r.debian))];
  if (!isDebian()) {
    throw new MissingPrerequisites(
      `Missing prerequisites of the VS Code test layers:\n${describe(absent)}\n` +
        `Install them with your system's package manager (Debian/Ubuntu names: ${packages.join(' ')}).`,
    );
  }
  if (!isRoot()) {
    throw new MissingPrerequisites(
      `Missing prerequisites of the VS Code test layers:\n${describe(absent)}\n` +
        `Install them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
  console.log(`[prerequisites] installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runChecked('apt-get', ['update'], { env, timeoutMs: 10 * 60_000, label: 'apt-get update' });
  await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    env,
    timeoutMs: 20 * 60_000,
    label: 'apt-get install',
  });
  const still = missing(needBuild);
  if (still.length > 0) {
    throw new MissingPrerequisites(`Still missing after apt-get install:\n${describe(still)}`);
  }
}
