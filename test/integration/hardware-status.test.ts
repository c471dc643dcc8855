/**
 * Hardware in the extension host, with a stand-in nvidia-smi first on PATH that prints
 * what a real one printed on a machine with two RTX 4090 (test/fixtures/bin/two-cards,
 * capture two-rtx4090-query.csv: 24,564 MiB each, 507 and 459 MiB used, driver 550.163.01).
 * The launcher runs this suite in its own pass (scripts/lib/suitePasses.mjs).
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import { describeHardware } from '../../src/core/hardware/devices';
import type { HardwareProfile } from '../../src/core/hardware/types';
import { selectTargetDevices, type TargetItem } from '../../src/vscode/targets';
import { activateAndDetect, resetSettings, setSetting } from './lib/fit';
import { waitFor } from './lib/extension';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** This machine's RAM as the status bar writes it: binary size, labelled as sold ("64 GB RAM"). */
const ramText = `${Math.round(os.totalmem() / GIB)} GB RAM`;

describe('hardware: detection, status bar and targets', () => {
  let api: ModelProfilerApi;

  before(async () => {
    api = await activateAndDetect('mlp.py');
  });

  afterEach(async () => {
    await resetSettings('hardware.override', 'targetDevices', 'statusBar.enabled');
  });

  it('detects the stand-in cards through nvidia-smi', () => {
    const profile = api.fit.hardware.profile()!;
    assert.deepEqual(profile.sources, ['nvidia-smi']);
    assert.deepEqual(profile.gpus.map((g) => g.model), ['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 4090']);
    assert.deepEqual(profile.gpus.map((g) => g.memoryTotalBytes), [24564 * MIB, 24564 * MIB]);
    assert.deepEqual(profile.gpus.map((g) => g.memoryFreeBytes), [(24564 - 507) * MIB, (24564 - 459) * MIB]);
    assert.equal(profile.gpus[0]!.driver, '550.163.01');
  });

  it('shows the hardware in the status bar', () => {
    assert.equal(api.fit.statusBarText(), `2× RTX 4090 24 GB · ${ramText}`);
  });

  it('is the device list of the analysis: both cards, the RAM, then the targets', async () => {
    const devices = api.analysis.devices();
    assert.deepEqual(devices.map((d) => d.id), ['local-gpu-0', 'local-gpu-1', 'local-cpu']);
    assert.deepEqual(devices.map((d) => d.name), ['RTX 4090', 'RTX 4090', 'CPU (system RAM)']);
    assert.equal(devices[0]!.memoryBytes, 24564 * MIB);
    assert.equal(devices[2]!.memoryBytes, os.totalmem());

    await setSetting('targetDevices', ['A100 80GB']);
    await waitFor(() => api.analysis.devices().length === 4, 'the target device in the device list');
    const target = api.analysis.devices()[3]!;
    assert.equal(target.name, 'A100 80GB');
    assert.equal(target.local, false);
    assert.equal(target.memoryBytes, 80 * GIB);
  });

  it('refreshes on command, with the same result, detected where the extension host runs', async () => {
    const before = api.fit.hardware.detectedProfile!.detectedAt;
    const profile = (await vscode.commands.executeCommand<HardwareProfile>('modelProfiler.refreshHardware'))!;
    assert.ok(profile.detectedAt > before);
    assert.equal(profile.gpus.length, 2);
    // code-server runs the extension host on its own machine, a remote to the browser: VS Code's
    // remote name reaches the probe, and the description says detection ran there.
    assert.ok(vscode.env.remoteName, 'code-server is a remote');
    assert.equal(profile.remote, vscode.env.remoteName);
    assert.equal(describeHardware(profile)[0], `Detected on the remote host (${vscode.env.remoteName}): the machine where the extension host runs, which is where your code runs.`);
    assert.equal(api.fit.statusBarText(), `2× RTX 4090 24 GB · ${ramText}`);
  });

  it('shows and uses the hardware declared in settings instead of the detected', async () => {
    await setSetting('hardware.override', { gpus: [{ name: 'RTX 3090', memoryGB: 24 }], ramGB: 64 });
    await waitFor(() => api.fit.statusBarText() === 'RTX 3090 24 GB · 64 GB RAM', 'the declared hardware in the status bar');
    const devices = api.analysis.devices();
    assert.deepEqual(devices.map((d) => d.name), ['RTX 3090', 'CPU (system RAM)']);
    assert.equal(devices[0]!.memoryBytes, 24 * GIB);
    assert.equal(devices[1]!.memoryBytes, 64 * GIB);

    await setSetting('hardware.override', { gpus: [] });
    await waitFor(() => api.fit.statusBarText() === `No GPU · ${ramText}`, 'no GPU in the status bar');
  });

  it('hides the status-bar item when modelProfiler.statusBar.enabled is off', async () => {
    await setSetting('statusBar.enabled', false);
    await waitFor(() => api.fit.statusBarText() === undefined, 'the item to hide');
    await setSetting('statusBar.enabled', true);
    await waitFor(() => api.fit.statusBarText() === `2× RTX 4090 24 GB · ${ramText}`, 'the item to show again');
  });

  it('writes the targets picked in "Select Target GPUs", keeping names the catalog does not know', async () => {
    await setSetting('targetDevices', ['Our cluster GPU']);
    let offered: TargetItem[] = [];
    const written = await selectTargetDevices(['Our cluster GPU'], async (items) => {
      offered = items;
      return items.filter((i) => i.label === 'H100 SXM' || i.label === 'A100 80GB');
    });
    assert.ok(offered.length > 10 && offered.every((i) => !i.picked));
    assert.ok(offered.find((i) => i.label === 'H100 SXM')!.detail!.includes('3,350 GB/s'));
    assert.deepEqual(written, ['A100 80GB', 'H100 SXM', 'Our cluster GPU']);
    assert.deepEqual(vscode.workspace.getConfiguration('modelProfiler').get('targetDevices'), written);
    await waitFor(() => api.analysis.devices().some((d) => d.name === 'H100 SXM'), 'the new target in the device list');

    // Dismissing the picker leaves the setting alone.
    assert.equal(await selectTargetDevices(written, async () => undefined), undefined);
    assert.deepEqual(vscode.workspace.getConfiguration('modelProfiler').get('targetDevices'), written);
  });
});
