/**
 * A hung GPU driver must not hang the editor. This suite runs in its own pass with a
 * stand-in nvidia-smi that never answers first on PATH (test/fixtures/bin/hang), and
 * checks that the extension host stays responsive while the probe waits, that the probe
 * gives up after modelProfiler.hardware.probeTimeoutMs with a usable profile and a note,
 * that the hung process is stopped, and that commands answer within a bound.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import type { HardwareProfile } from '../../src/core/hardware/types';
import type { CheckFitsResult } from '../../src/vscode/fitCheck';
import { activateWith, waitFor, workspaceFile } from './lib/extension';
import { resetSettings, setSetting } from './lib/fit';

const GIB = 2 ** 30;

/** Processes running the hanging stand-in (its command line names the script). */
function hungStandIns(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('fixtures/bin/hang/nvidia-smi')) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Longest gap between timer ticks while `work` runs: how long the extension host's event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = Date.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 20);
  try {
    const value = await work();
    return { value, stallMs };
  } finally {
    clearInterval(timer);
  }
}

async function timed<T>(work: () => Thenable<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('hardware: a hanging nvidia-smi', () => {
  let api: ModelProfilerApi;

  before(async () => {
    api = await activateWith('mlp.py');
  });

  after(async () => {
    await resetSettings('hardware.probeTimeoutMs');
  });

  it('leaves the extension host responsive while the probe waits, then gives up with a usable profile', async () => {
    // The first probe starts right after activation and waits on the hung tool.
    await waitFor(() => api.fit.hardware.isProbing || api.fit.hardware.isReady, 'the first probe to start');
    assert.equal(api.fit.hardware.isReady, false, 'the probe is still waiting on nvidia-smi');
    assert.equal(api.fit.statusBarText(), 'Detecting hardware…');

    const { value: profile, stallMs } = await longestStall(async () => {
      // Meanwhile the analysis and the quick-fix provider answer.
      const document = await vscode.workspace.openTextDocument(workspaceFile('mlp.py'));
      const report = await timed(() => api.analysis.getReports(document));
      assert.ok(report.ms < 5000, `analysis took ${report.ms} ms`);
      // MLP: Linear(784, 256) + Linear(256, 10) = 784·256 + 256 + 256·10 + 10.
      assert.equal(report.value.models[0]!.params.total, 203_530);
      const actions = await timed(() => vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 1)));
      assert.ok(actions.ms < 2000, `code actions took ${actions.ms} ms`);
      return api.fit.hardware.ready();
    });
    assert.ok(stallMs < 1000, `the extension host's event loop stalled for ${stallMs} ms`);

    // Default modelProfiler.hardware.probeTimeoutMs: 5000.
    assert.deepEqual(profile.gpus, []);
    assert.ok(profile.notes.includes('nvidia-smi did not finish within 5.0 s and was stopped; NVIDIA GPUs unknown'), profile.notes.join('\n'));
    assert.ok(profile.notes.includes('Display adapter scan skipped: it would call nvidia-smi again with no time limit'), profile.notes.join('\n'));
    assert.equal(profile.ram.totalBytes, os.totalmem());
    await waitFor(() => api.fit.statusBarText() === `No GPU · ${Math.round(os.totalmem() / GIB)} GB RAM`, 'the status bar to show the machine');
    await waitFor(() => hungStandIns().length === 0, 'the hung nvidia-smi to be stopped', 5000);
  });

  it('answers Check Fits and Refresh Hardware within the probe timeout', async () => {
    await setSetting('hardware.probeTimeoutMs', 1000);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('mlp.py')));
    const refresh = await timed(() => vscode.commands.executeCommand<HardwareProfile>('modelProfiler.refreshHardware'));
    assert.ok(refresh.ms < 4000, `Refresh Hardware took ${refresh.ms} ms`);
    assert.ok(refresh.value.notes.includes('nvidia-smi did not finish within 1.0 s and was stopped; NVIDIA GPUs unknown'), refresh.value.notes.join('\n'));

    const check = await timed(() => vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits'));
    assert.ok(check.ms < 4000, `Check Fits took ${check.ms} ms`);
    assert.equal(check.value.status, 'fits');
    assert.ok(check.value.message.endsWith('. No GPU here: checked against the system RAM (training on the CPU).'), check.value.message);
    await waitFor(() => hungStandIns().length === 0, 'the hung nvidia-smi to be stopped', 5000);
  });
});
