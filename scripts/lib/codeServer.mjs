// code-server: the real VS Code (workbench + Node extension host), installed from the
// npm registry into a git-ignored cache, because VS Code's own download servers may
// be out of reach (they are in CI). See README "Development".
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { URLSearchParams } from 'node:url';
import { CACHE } from './paths.mjs';
import { freePort, killTree, runChecked, track, waitFor } from './processes.mjs';
import { which } from './system.mjs';

/** code-server 4.100.3 ships VS Code 1.100.3 and is the last line that runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

const INSTALL_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const PACKAGE_DIR = join(INSTALL_DIR, 'node_modules', 'code-server');
const ENTRY = join(PACKAGE_DIR, 'out', 'node', 'entry.js');
const MARKER = join(INSTALL_DIR, '.complete');

/**
 * Files a complete install has: the entry point and one artefact of each native
 * build or download the postinstall does. If any is missing the build silently
 * failed (or its scripts were skipped) and the install is redone.
 */
const VSCODE_MODULES = join(PACKAGE_DIR, 'lib', 'vscode', 'node_modules');
const REQUIRED_FILES = [
  ENTRY,
  join(INSTALL_DIR, 'node_modules', 'argon2', 'lib', 'binding', 'napi-v3', 'argon2.node'),
  join(VSCODE_MODULES, 'node-pty', 'build', 'Release', 'pty.node'),
  join(VSCODE_MODULES, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
  join(VSCODE_MODULES, 'kerberos', 'build', 'Release', 'kerberos.node'),
  join(VSCODE_MODULES, 'native-watchdog', 'build', 'Release', 'watchdog.node'),
  join(VSCODE_MODULES, '@vscode', 'ripgrep', 'bin', 'rg'),
];

/**
 * Packages whose install scripts the nested `npm install` of code-server's
 * postinstall must run (lib/vscode/npm-shrinkwrap.json: those with an install
 * script). npm 11 runs a dependency's install scripts only when the project allows
 * them; lib/vscode has no allowScripts of its own, so a project .npmrc there says so.
 */
const VSCODE_SCRIPTED = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-ca-certs',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
];

/** ripgrep release @vscode/ripgrep 1.15.11 fetches, per Node arch (its lib/postinstall.js). */
const RIPGREP_ASSETS = {
  x64: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
  arm64: 'ripgrep-v13.0.0-10-aarch64-unknown-linux-musl.tar.gz',
};

export function isCodeServerInstalled() {
  return existsSync(MARKER) && REQUIRED_FILES.every((f) => existsSync(f));
}

/** npm's view of a config key (`npm config get`), '' when unset. */
async function npmConfig(key) {
  const out = await runChecked('npm', ['config', 'get', key], { capture: true, timeoutMs: 60_000 });
  const value = out.split('\n').filter((l) => l && !l.startsWith('npm warn')).pop()?.trim() ?? '';
  return value === 'undefined' || value === 'null' ? '' : value;
}

/**
 * Environment for building code-server offline. Reasons, one per variable:
 * - TMPDIR: @vscode/ripgrep looks for its download in $TMPDIR/vscode-ripgrep-cache-1.15.11/.
 * - npm_config_yes: node-pty's build runs `npx node-gyp`, which must not prompt.
 * - npm_config_unsafe_perm: the postinstall refuses to run as root without it.
 * - npm_config_nodedir: node-gyp would download Node's headers; use the local ones.
 */
async function buildEnv(tmp) {
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const headers = resolve(dirname(process.execPath), '..', 'include', 'node', 'node.h');
  if (!(await npmConfig('nodedir')) && existsSync(headers)) {
    env.npm_config_nodedir = resolve(dirname(process.execPath), '..');
  }
  return env;
}

/** Pre-fill @vscode/ripgrep's download cache with the system's rg. */
async function fillRipgrepCache(tmp) {
  const asset = RIPGREP_ASSETS[process.arch];
  const rg = which('rg');
  if (!asset) throw new Error(`No ripgrep asset known for ${process.arch}`);
  if (!rg) throw new Error('ripgrep (rg) is not on PATH');
  const staging = join(tmp, 'rg-staging');
  const cacheDir = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(staging, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(rg, join(staging, 'rg'));
  await runChecked('tar', ['czf', join(cacheDir, asset), '-C', staging, 'rg'], { timeoutMs: 60_000 });
}

/**
 * Install code-server into the cache unless a complete install is there.
 * Two npm steps, so the nested installs of its postinstall can be told which
 * install scripts to run before that postinstall starts:
 *   1. `npm install --ignore-scripts` fetches code-server and its dependencies;
 *   2. `npm rebuild` then runs the install scripts allowScripts names (argon2 and
 *      code-server's postinstall, which installs and compiles VS Code's modules).
 */
export async function ensureCodeServer() {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor !== 20) {
    // code-server's postinstall refuses any other major version, and so does its server.
    throw new Error(`code-server ${CODE_SERVER_VERSION} runs on Node.js 20; this is Node.js ${process.versions.node}.`);
  }
  if (isCodeServerInstalled()) return ENTRY;
  const started = Date.now();
  console.log(`[code-server] installing ${CODE_SERVER_VERSION} into ${INSTALL_DIR} (first run only, about 1-2 minutes)`);
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  const tmp = join(INSTALL_DIR, 'tmp');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(
    join(INSTALL_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'code-server-test-cache',
        private: true,
        description: 'code-server for the Model Resource Profiler test suites (see scripts/lib/codeServer.mjs)',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        // Name-only entries: npm can verify a pinned version only from a lockfile's
        // `resolved` URL, which some npm configs omit. The versions are pinned above
        // and by code-server's own shrinkwrap (argon2 0.31.2).
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  const env = await buildEnv(tmp);
  await fillRipgrepCache(tmp);
  const npmOptions = { cwd: INSTALL_DIR, env, timeoutMs: 15 * 60_000 };
  await runChecked('npm', ['install', '--ignore-scripts', '--no-package-lock'], { ...npmOptions, label: 'npm install code-server' });
  const allow = `allow-scripts=${VSCODE_SCRIPTED.join(',')}\n`;
  writeFileSync(join(PACKAGE_DIR, 'lib', 'vscode', '.npmrc'), allow);
  await runChecked('npm', ['rebuild'], { ...npmOptions, label: 'npm rebuild (code-server postinstall)' });
  const absent = REQUIRED_FILES.filter((f) => !existsSync(f));
  if (absent.length > 0) {
    throw new Error(`code-server install is incomplete; missing:\n  ${absent.join('\n  ')}`);
  }
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(MARKER, `${new Date().toISOString()}\n`);
  console.log(`[code-server] installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return ENTRY;
}

/** User settings of the test runs: no welcome pages or tips in the way, nothing phoning home. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  // Toasts and panels appear at once, so screenshots never catch them mid-animation.
  'workbench.reduceMotion': 'on',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/** Throwaway state for one code-server run: user data, extensions, config, XDG dirs. */
export function makeSandbox(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const sandbox = {
    dir,
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
    config: join(dir, 'config.yaml'),
    xdg: join(dir, 'xdg'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const d of [sandbox.userData, sandbox.extensions, sandbox.xdg]) mkdirSync(d, { recursive: true });
  mkdirSync(join(sandbox.userData, 'User'), { recursive: true });
  writeFileSync(join(sandbox.userData, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  return sandbox;
}

/** code-server's environment (the extension host inherits it): its config and caches land in the sandbox, not $HOME. */
function serverEnv(sandbox, extra = {}) {
  return {
    ...process.env,
    ...extra,
    XDG_CONFIG_HOME: join(sandbox.xdg, 'config'),
    XDG_DATA_HOME: join(sandbox.xdg, 'data'),
    XDG_CACHE_HOME: join(sandbox.xdg, 'cache'),
  };
}

function commonArgs(sandbox) {
  return ['--config', sandbox.config, '--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions];
}

/** `code-server --install-extension FILE.vsix`, exactly as a user installs a .vsix. */
export async function installVsix(entry, sandbox, vsix) {
  return runChecked(process.execPath, [entry, ...commonArgs(sandbox), '--install-extension', vsix], {
    env: serverEnv(sandbox),
    capture: true,
    timeoutMs: 3 * 60_000,
    label: 'code-server --install-extension',
  });
}

/** HTTP status of a GET, or a rejection when nothing answers. */
function httpStatus(url) {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
  });
}

/**
 * Start code-server on a free loopback port with throwaway state; resolves when it
 * answers /healthz. `stop()` ends exactly the process tree started here.
 * `env` adds to the environment of the server and with it of the extension host.
 * @param {{ entry: string, sandbox: ReturnType<typeof makeSandbox>, workspaceTrust?: boolean, env?: Record<string, string>, log?: (line: string) => void }} opts
 */
export async function startCodeServer({ entry, sandbox, workspaceTrust = false, env = {}, log = () => {} }) {
  const port = await freePort();
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...commonArgs(sandbox),
  ];
  // The general suites run without the trust prompt; trust-dependent behaviour asks for it.
  if (!workspaceTrust) args.push('--disable-workspace-trust');
  const child = track(
    spawn(process.execPath, args, {
      env: serverEnv(sandbox, env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
  const output = [];
  // A server that dies while starting (a taken port, a broken install) fails at once.
  const exitedEarly = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}) while starting:\n${output.slice(-30).join('\n')}`))),
  );
  exitedEarly.catch(() => {});
  const onData = (d) => {
    for (const line of String(d).split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      log(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const server = { url, port, pid: child.pid, output, stop: () => killTree(child) };
  try {
    await Promise.race([
      waitFor(async () => (await httpStatus(`${url}/healthz`)) === 200, {
        ms: 60_000,
        message: 'code-server did not answer /healthz',
      }),
      exitedEarly,
    ]);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** A vscode-remote:// URI for an absolute path on the code-server host (file: URIs are refused). */
export function remoteUri(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${absPath.split('\\').join('/')}`;
}

/** Workbench URL that opens `folder`, with optional launch payload entries. */
export function workbenchUrl(server, folder, payload) {
  const params = new URLSearchParams({ folder });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params.toString()}`;
}
