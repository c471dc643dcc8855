/**
 * Child processes, reviewed and pinned (issue 9): the extension starts processes only
 * through src/node/hardware/runTool.ts, which spawns without a shell, with fixed
 * arguments and a deadline that kills the process group. The hardware probe and exact
 * mode run here in processes of their own with every child_process function recorded
 * (test/fixtures/hostile/processes/spawn-recorder.cjs), in a workspace and with a model
 * file whose names are shell code: none of it may reach a shell.
 *
 * systeminformation (the CPU and GPU scans) starts its own tools through /bin/sh with
 * command lines of its own, and without time limits; the probe waits for it only until
 * its deadline. Those lines are pinned below: fixed strings, none built from anything
 * the workspace holds.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { NVIDIA_LIST_ARGS, NVIDIA_QUERY_ARGS, NVIDIA_QUERY_ARGS_NO_MIG } from '../../src/core/hardware/nvidiaSmi';
import { ROCM_QUERY_ARGS } from '../../src/core/hardware/rocmSmi';

const ROOT = resolve(__dirname, '..', '..');
const RECORDER = join(ROOT, 'test', 'fixtures', 'hostile', 'processes', 'spawn-recorder.cjs');
const BIN = join(ROOT, 'test', 'fixtures', 'bin');

interface Launch {
  fn: string;
  command: string;
  args?: string[];
  shell: boolean | string | null;
  timeout: number | null;
  detached: boolean;
  caller: 'runTool' | 'systeminformation' | 'other';
}

/** Run a TypeScript entry point with every process launch recorded; returns its output and the launches. */
function recorded(entry: string, args: string[], env: NodeJS.ProcessEnv): { stdout: string; launches: Launch[] } {
  const dir = mkdtempSync(join(tmpdir(), 'spawn-record-'));
  const record = join(dir, 'launches.json');
  try {
    const r = spawnSync(process.execPath, ['--require', RECORDER, '--import', 'tsx', entry, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, ...env, SPAWN_RECORD: record },
    });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, launches: JSON.parse(readFileSync(record, 'utf8')) as Launch[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The argument lists the probe may give its tools (src/core/hardware). */
const TOOL_ARGS = new Map<string, string[][]>([
  ['nvidia-smi', [NVIDIA_QUERY_ARGS, NVIDIA_QUERY_ARGS_NO_MIG, NVIDIA_LIST_ARGS].map((a) => [...a])],
  ['rocm-smi', [[...ROCM_QUERY_ARGS]]],
]);

/**
 * systeminformation 5's command lines for si.cpu() and si.graphics() on Linux
 * (node_modules/systeminformation/lib/cpu.js and graphics.js), as it runs them.
 */
const SYSTEMINFORMATION_LINES = new Set([
  'export LC_ALL=C; lscpu; unset LC_ALL',
  'export LC_ALL=C; lscpu; echo -n "Governor: "; cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null; echo; unset LC_ALL',
  'export LC_ALL=C; dmidecode -t 4 2>/dev/null | grep "Upgrade: Socket"; unset LC_ALL',
  'lspci -vvv  2>/dev/null',
  'clinfo --raw',
  "xdpyinfo 2>/dev/null | grep 'depth of root window' | awk '{ print $5 }'",
  'xrandr --verbose 2>/dev/null',
]);

describe('child processes: no shell, fixed arguments, a deadline', function () {
  this.timeout(180_000);
  let dir = '';
  /** A folder whose name is shell code: if any of it ran, PWNED files would appear. */
  let hostile = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hostile-processes-'));
    hostile = join(dir, 'ws $(touch PWNED) `touch PWNED2`; touch PWNED3 && echo');
    mkdirSync(hostile);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  afterEach(() => {
    for (const where of [dir, hostile, ROOT]) {
      for (const name of ['PWNED', 'PWNED2', 'PWNED3']) assert.equal(existsSync(join(where, name)), false, `${name} appeared in ${where}`);
    }
  });

  it('only src/node/hardware/runTool.ts uses child_process', () => {
    const users = sources(join(ROOT, 'src'))
      .filter((f) => /from ['"](node:)?child_process['"]|require\(['"](node:)?child_process['"]\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f).replace(/\\/g, '/'));
    assert.deepEqual(users, ['src/node/hardware/runTool.ts']);
  });

  for (const tools of ['one-card', 'mig', 'missing']) {
    it(`the hardware probe (${tools}): its own tools are spawned without a shell, with fixed arguments, in a group the deadline kills`, () => {
      const { stdout, launches } = recorded(join('test', 'fixtures', 'hardware', 'probe-runner.ts'), ['4000', hostile], {
        PATH: `${join(BIN, tools)}:/usr/bin:/bin`,
      });
      assert.ok(JSON.parse(stdout).profile, 'the probe answered');
      const ours = launches.filter((l) => l.caller === 'runTool');
      assert.ok(ours.length >= 2, JSON.stringify(launches));
      for (const l of ours) {
        assert.equal(l.fn, 'spawn');
        assert.equal(l.shell, false, `${l.command} without a shell`);
        assert.equal(l.detached, true, `${l.command} leads its own process group, so the deadline kills what it starts too`);
        const allowed = TOOL_ARGS.get(l.command);
        assert.ok(allowed, `unexpected tool ${l.command}`);
        assert.ok(allowed.some((a) => JSON.stringify(a) === JSON.stringify(l.args)), `${l.command} ${JSON.stringify(l.args)}`);
      }
      assert.deepEqual(launches.filter((l) => l.caller === 'other'), [], 'every launch comes from runTool or systeminformation');
      for (const l of launches.filter((x) => x.caller === 'systeminformation')) {
        assert.ok(SYSTEMINFORMATION_LINES.has(l.command), `systeminformation ran a new command line: ${l.command}`);
        assert.ok(!l.command.includes('ws '), 'no command line holds the workspace path');
      }
    });
  }

  it('exact mode: the interpreter gets the model file as one argument, shell code in its name and all', () => {
    // A stand-in interpreter that writes down the arguments it was given, one per line.
    const argsOut = join(dir, 'args.txt');
    const python = join(dir, 'fake-python');
    writeFileSync(python, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsOut}'\n`);
    chmodSync(python, 0o755);
    const model = join(hostile, 'model; touch PWNED $(touch PWNED2).py');
    writeFileSync(model, 'import torch\n');
    const { stdout, launches } = recorded(join('test', 'fixtures', 'hostile', 'processes', 'exact-runner.ts'), [python, model, '20000'], {});
    assert.match(JSON.parse(stdout).error, /Python ended without a result/);
    const received = readFileSync(argsOut, 'utf8').split('\n').slice(0, -1);
    assert.equal(received.length, 3);
    assert.equal(received[0], '-B');
    assert.match(received[1]!, /exact_count\.py$/);
    assert.equal(received[2], model);
    assert.equal(launches.length, 1);
    assert.deepEqual({ ...launches[0], args: undefined }, { fn: 'spawn', command: python, args: undefined, shell: false, timeout: null, detached: true, caller: 'runTool' });
  });

  it('exact mode: an interpreter that hangs is stopped at its deadline, with what it started', () => {
    // A stand-in interpreter that starts a grandchild and waits for it forever.
    const pidFile = join(dir, 'grandchild.pid');
    const python = join(dir, 'hanging-python');
    writeFileSync(python, `#!/bin/sh\nsleep 300 &\necho $! > '${pidFile}'\nwait\n`);
    chmodSync(python, 0o755);
    const model = join(hostile, 'hang.py');
    writeFileSync(model, 'import torch\n');
    const started = Date.now();
    // 1,000 ms is the shortest deadline exact mode accepts (src/node/exactMode.ts).
    const { stdout } = recorded(join('test', 'fixtures', 'hostile', 'processes', 'exact-runner.ts'), [python, model, '1000'], {});
    assert.equal(JSON.parse(stdout).error, 'Exact mode stopped after 1 s (modelProfiler.exactMode.timeoutSeconds)');
    // The runner process (tsx start-up included) ended long before the grandchild's 300 s.
    assert.ok(Date.now() - started < 60_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    assert.ok(grandchild > 0);
    assert.equal(alive(grandchild), false, 'the deadline killed the whole process group');
  });
});

/**
 * Whether a process still runs: a process killed a moment ago may linger as a zombie
 * until its new parent reaps it, so /proc's state is read, for up to two seconds.
 */
function alive(pid: number): boolean {
  const until = Date.now() + 2000;
  for (;;) {
    let state = '';
    try {
      // /proc/<pid>/stat: "pid (comm) state ...".
      state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '';
    } catch {
      return false;
    }
    if (state === 'Z' || state === 'X') return false;
    if (Date.now() > until) return true;
    spawnSync('sleep', ['0.1']);
  }
}
