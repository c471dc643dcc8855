// Child processes for the test launchers: run a command to completion, or start a
// long-lived one, always under a time limit, and stop exactly what we started.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Resolve after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reject with `message` unless `promise` settles within `ms`. Every wait in the
 * launchers goes through this, so a hung step fails the run instead of stalling it.
 */
export function withTimeout(promise, ms, message) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * Stop a process started with `detached: true` together with everything it spawned:
 * it leads its own process group, so signalling the group reaches exactly our tree.
 */
export async function killTree(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    signal('SIGKILL');
    await Promise.race([exited, sleep(graceMs)]);
  }
}

/** Children started here that are still running, for the signal handler below. */
const live = new Set();

/**
 * Remember a detached child so that Ctrl-C or a SIGTERM to the launcher stops its
 * process group too (a detached group does not get the terminal's signals), then
 * exits: 130 after SIGINT, 143 after SIGTERM, as shells report them.
 */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (live.size === 1 && process.listenerCount('SIGINT') === 0) {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
      process.once(signal, async () => {
        await Promise.all([...live].map((c) => killTree(c, 2000)));
        process.exit(code);
      });
    }
  }
  return child;
}

/**
 * Run a command to completion with inherited or captured output.
 * Resolves to { code, output } (output only when `capture`); a timeout kills the
 * process group and resolves with code 124, as coreutils' `timeout` does.
 */
export function run(command, args, { cwd, env, timeoutMs, capture = false, label } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      detached: true,
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          console.error(`[${label ?? command}] timed out after ${Math.round(timeoutMs / 1000)} s; stopping it`);
          void killTree(child);
        }, timeoutMs)
      : undefined;
    track(child);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : (code ?? (sig ? 128 : 1)), output });
    });
  });
}

/** Run and throw unless it exits 0; returns captured output when `capture`. */
export async function runChecked(command, args, options = {}) {
  const { code, output } = await run(command, args, options);
  if (code !== 0) {
    const tail = options.capture ? `\n${output.split('\n').slice(-40).join('\n')}` : '';
    throw new Error(`${options.label ?? command} ${args.join(' ')} exited with ${code}${tail}`);
  }
  return output;
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Poll `check` every `intervalMs` until it returns a truthy value or `ms` elapses. */
export async function waitFor(check, { ms, intervalMs = 250, message }) {
  const deadline = Date.now() + ms;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const why = lastError ? `: ${lastError.message ?? lastError}` : '';
  throw new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)${why}`);
}
