// The Node probe against stand-in tools (test/fixtures/bin/*) that print real captures.
// Each probe runs in a child process of its own, with the stand-in folder first on PATH,
// so a probe that blocked its event loop would be killed here instead of hanging mocha.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HardwareProfile } from '../../src/core/hardware/types';
import { runTool } from '../../src/node/hardware/runTool';
import { summarizeHardware } from '../../src/core/hardware/devices';

const MIB = 2 ** 20;
const BIN = resolve(__dirname, '../fixtures/bin');
const RUNNER = resolve(__dirname, '../fixtures/hardware/probe-runner.ts');

/** A folder with only the system commands the stand-ins and systeminformation use. */
let toolsDir = '';

before(function () {
  if (process.platform === 'win32') this.skip();
  toolsDir = mkdtempSync(join(tmpdir(), 'probe-tools-'));
  for (const tool of ['sh', 'cat', 'dirname', 'sleep', 'grep', 'cut', 'awk', 'sed', 'lscpu', 'uname', 'getconf', 'df']) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(toolsDir, tool));
  }
});

after(() => {
  if (toolsDir) rmSync(toolsDir, { recursive: true, force: true });
});

interface ProbeRun {
  profile: HardwareProfile;
  elapsedMs: number;
}

async function probeWith(folders: string[], timeoutMs: number, workspace = ''): Promise<ProbeRun> {
  const path = [...folders.map((f) => join(BIN, f)), toolsDir].join(':');
  const r = await runTool(process.execPath, ['--import', 'tsx', RUNNER, String(timeoutMs), workspace], {
    timeoutMs: timeoutMs + 15_000,
    env: { ...process.env, PATH: path },
    cwd: resolve(__dirname, '../..'),
  });
  assert.equal(r.status, 'ok', `probe process: ${r.message}\n${r.stderr}`);
  return JSON.parse(r.stdout) as ProbeRun;
}

describe('probeHardware with stand-in tools', function () {
  this.timeout(60_000);

  it('one card whose nvidia-smi reports no memory (GB10): unified memory, a share of RAM', async () => {
    const { profile } = await probeWith(['one-card'], 5000);
    assert.equal(profile.gpus.length, 1);
    const [gpu] = profile.gpus;
    assert.equal(gpu.model, 'NVIDIA GB10');
    assert.equal(gpu.unifiedMemory, true);
    assert.equal(gpu.memoryTotalBytes, Math.floor(profile.ram.totalBytes * 0.75));
    assert.deepEqual(profile.sources, ['nvidia-smi']);
  });

  it('two cards', async () => {
    const { profile } = await probeWith(['two-cards'], 5000);
    assert.deepEqual(profile.gpus.map((g) => [g.index, g.model, g.memoryTotalBytes, g.memoryFreeBytes, g.driver]), [
      [0, 'NVIDIA GeForce RTX 4090', 24564 * MIB, 24057 * MIB, '550.163.01'],
      [1, 'NVIDIA GeForce RTX 4090', 24564 * MIB, 24105 * MIB, '550.163.01'],
    ]);
    assert.match(summarizeHardware(profile), /^2× RTX 4090 24 GB · \d+ GB RAM$/);
  });

  it('eight cards, every one listed', async () => {
    const { profile } = await probeWith(['eight-cards'], 5000);
    assert.equal(profile.gpus.length, 8);
    assert.ok(profile.gpus.every((g) => g.catalogId === 'h100-sxm' && g.memoryTotalBytes === 81559 * MIB));
    assert.match(summarizeHardware(profile), /^8× H100 SXM 80 GB · /);
  });

  it('MIG: the GPU is listed as its slices', async () => {
    const { profile } = await probeWith(['mig'], 5000);
    assert.equal(profile.gpus.length, 7);
    assert.ok(profile.gpus.every((g) => g.mig?.profile === '1g.10gb' && g.memoryTotalBytes === 10240 * MIB));
  });

  it('AMD through rocm-smi when there is no nvidia-smi', async () => {
    const { profile } = await probeWith(['amd-one-card', 'missing'], 5000);
    assert.deepEqual(profile.gpus.map((g) => [g.vendor, g.model, g.memoryTotalBytes]), [['amd', 'Radeon RX 7900 XT', 21458059264]]);
    assert.deepEqual(profile.sources, ['rocm-smi']);
  });

  it('a hung nvidia-smi: the probe returns within its deadline, with a note, and skips the scan that would hang', async () => {
    // hang/ also has an lspci listing an NVIDIA card: systeminformation's graphics scan would
    // then call nvidia-smi synchronously, without a time limit, and never return.
    const { profile, elapsedMs } = await probeWith(['hang'], 1500);
    assert.ok(elapsedMs < 1500 + 1000, `took ${elapsedMs} ms`);
    assert.deepEqual(profile.gpus, []);
    assert.ok(profile.notes.some((n) => /nvidia-smi did not finish within 1\.5 s and was stopped/.test(n)), profile.notes.join('\n'));
    assert.ok(profile.notes.some((n) => /scan skipped/.test(n)));
    assert.ok(profile.ram.totalBytes > 0 && profile.cpu.cores > 0, 'the rest of the profile is usable');
  });

  it('a failing nvidia-smi: its message becomes a note', async () => {
    const { profile } = await probeWith(['failing'], 5000);
    assert.deepEqual(profile.gpus, []);
    assert.ok(
      profile.notes.includes(
        "nvidia-smi failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      ),
      profile.notes.join('\n'),
    );
  });

  it('no nvidia-smi at all: no GPU, a note, and CPU, RAM and disk all there', async () => {
    const workspace = resolve(__dirname, '../..');
    const { profile } = await probeWith(['missing'], 5000, workspace);
    assert.deepEqual(profile.gpus, []);
    assert.ok(profile.notes.includes('nvidia-smi not found: no NVIDIA driver here'));
    assert.equal(profile.disk?.path, workspace);
    assert.ok((profile.disk?.freeBytes ?? 0) > 0 && (profile.disk?.totalBytes ?? 0) >= (profile.disk?.freeBytes ?? 0));
    assert.ok(profile.ram.availableBytes > 0 && profile.ram.availableBytes <= profile.ram.totalBytes);
    assert.equal(profile.remote, 'local');
    assert.match(summarizeHardware(profile), /^No GPU · \d+ GB RAM$/);
  });
});

/** True while the process exists and is not a zombie (a killed orphan waiting for a reaper). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe('runTool', function () {
  this.timeout(20_000);

  it('reports a missing tool without throwing', async () => {
    const r = await runTool('model-profiler-no-such-tool', [], { timeoutMs: 2000 });
    assert.equal(r.status, 'missing');
    assert.equal(r.message, 'model-profiler-no-such-tool not found');
  });

  it('reports a failing tool with its exit code and first line', async () => {
    const r = await runTool(join(BIN, 'failing/nvidia-smi'), [], { timeoutMs: 5000 });
    assert.equal(r.status, 'failed');
    assert.equal(r.code, 9);
  });

  it('passes arguments as they are, with no shell to interpret them', async () => {
    const r = await runTool('/bin/echo', ['$(touch /tmp/model-profiler-pwned)', '; ls'], { timeoutMs: 5000 });
    assert.equal(r.status, 'ok');
    assert.equal(r.stdout, '$(touch /tmp/model-profiler-pwned) ; ls\n');
    assert.equal(existsSync('/tmp/model-profiler-pwned'), false);
  });

  it('kills the tool and what it started when the deadline passes', async () => {
    // The shell starts a sleep in the background, prints its pid and waits on it.
    const r = await runTool('/bin/sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 400 });
    assert.equal(r.status, 'timeout');
    assert.ok(r.elapsedMs < 2000, `${r.elapsedMs} ms`);
    const pid = Number(r.stdout.trim());
    assert.ok(pid > 0);
    await new Promise((done) => setTimeout(done, 200));
    assert.equal(running(pid), false, 'the background sleep is gone');
  });

  it('stops a tool that prints without end', async () => {
    const r = await runTool('/usr/bin/yes', [], { timeoutMs: 5000, maxOutputBytes: 10_000 });
    assert.equal(r.status, 'too-much-output');
    assert.ok(r.stdout.length <= 10_000);
  });
});
