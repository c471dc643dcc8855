/**
 * Runs an external tool (nvidia-smi, rocm-smi, the exact-mode Python) the safe way:
 * no shell, fixed arguments, stdin closed, output capped, and a deadline after
 * which the whole process group is killed and the call returns at once. It never
 * rejects: a missing, failing, hung or chatty tool is a result, not an exception.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type ToolStatus = 'ok' | 'missing' | 'failed' | 'timeout' | 'too-much-output';

export interface ToolResult {
  status: ToolStatus;
  stdout: string;
  stderr: string;
  /** Exit code, when the process exited by itself. */
  code?: number | null;
  /** Why it failed, for people: "exit code 9: NVIDIA-SMI has failed ...", "not found". */
  message: string;
  elapsedMs: number;
}

export interface RunToolOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Cap on stdout + stderr; the tool is killed beyond it. Default 1 MiB. */
  maxOutputBytes?: number;
}

const DEFAULT_MAX_OUTPUT = 1 << 20;

/** Kill the child and everything it started (a shell script's `sleep`, a Python's workers). */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    // taskkill /T ends the tree; fixed arguments, no shell.
    try {
      const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
      killer.on('error', () => child.kill('SIGKILL'));
    } catch {
      child.kill('SIGKILL');
    }
    return;
  }
  try {
    // The child leads its own process group (detached), so -pid reaches its children too.
    process.kill(-pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim().length > 0) ?? '';
  return line.trim().slice(0, 300);
}

export function runTool(file: string, args: readonly string[], options: RunToolOptions): Promise<ToolResult> {
  const started = Date.now();
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise<ToolResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    let child: ChildProcess;

    const finish = (status: ToolStatus, message: string, code?: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result: ToolResult = {
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        message,
        elapsedMs: Date.now() - started,
      };
      if (code !== undefined) result.code = code;
      resolve(result);
    };

    const timeoutMs = Math.max(1, Math.floor(options.timeoutMs));
    const timer = setTimeout(() => {
      killTree(child);
      // Do not wait for the pipes to close: a grandchild may hold them open.
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish('timeout', `${file} did not finish within ${(timeoutMs / 1000).toFixed(1)} s and was stopped`);
    }, timeoutMs);

    try {
      child = spawn(file, [...args], {
        shell: false,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        cwd: options.cwd,
        env: options.env ?? process.env,
      });
    } catch (e) {
      clearTimeout(timer);
      settled = true;
      resolve({ status: 'failed', stdout: '', stderr: '', message: `could not start ${file}: ${String(e)}`, elapsedMs: 0 });
      return;
    }

    const collect = (into: Buffer[]) => (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > maxOutput) {
        killTree(child);
        finish('too-much-output', `${file} printed more than ${maxOutput} bytes and was stopped`);
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') finish('missing', `${file} not found`);
      else finish('failed', `could not run ${file}: ${e.code ?? e.message}`);
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        finish('ok', 'ok', code);
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8');
      const stdout = Buffer.concat(out).toString('utf8');
      const why = firstLine(stderr) || firstLine(stdout);
      const how = code !== null ? `exit code ${code}` : `killed by ${signal ?? 'a signal'}`;
      finish('failed', why ? `${file} failed (${how}): ${why}` : `${file} failed (${how})`, code);
    });
  });
}
