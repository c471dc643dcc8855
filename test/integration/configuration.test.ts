import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { activateWith, manifest } from './lib/extension';

type Property = { default?: unknown };
const properties = manifest.contributes.configuration.properties as Record<string, Property>;

describe('configuration', () => {
  before(async () => {
    await activateWith();
  });

  it('reads back every default as the manifest declares it', () => {
    const config = vscode.workspace.getConfiguration();
    const keys = Object.keys(properties);
    assert.ok(keys.length > 0);
    for (const key of keys) {
      const inspected = config.inspect(key);
      assert.ok(inspected, `${key} is not a known setting`);
      assert.deepEqual(inspected.defaultValue, properties[key]!.default, key);
    }
  });

  it('has no value set in the fixture workspace, so get() returns the defaults', () => {
    const config = vscode.workspace.getConfiguration('modelProfiler');
    // Values as package.json declares them.
    assert.equal(config.get('mode'), 'train');
    assert.equal(config.get('batchSize'), 8);
    assert.equal(config.get('precision'), 'fp32');
    assert.equal(config.get('seqLength'), null);
    assert.deepEqual(config.get('loraTargets'), ['all-linear']);
    assert.equal(config.get('hardware.probeTimeoutMs'), 5000);
  });

  it("matches the engine's own defaults, so the editor and the CLI agree", () => {
    const config = vscode.workspace.getConfiguration('modelProfiler');
    const fromSettings = {
      mode: config.get('mode'),
      batch: config.get('batchSize'),
      precision: config.get('precision'),
      optimizer: config.get('optimizer'),
      gradientCheckpointing: config.get('gradientCheckpointing'),
      attention: config.get('attention'),
      fineTuning: config.get('fineTuning'),
      loraRank: config.get('loraRank'),
      loraTargets: config.get('loraTargets'),
      sharding: config.get('sharding'),
      gpuCount: config.get('gpuCount'),
      cpuOffload: config.get('cpuOffload'),
      utilization: config.get('utilization'),
      headroom: config.get<number>('headroomPercent')! / 100,
      trainingTokens: config.get('trainingTokens'),
    };
    assert.deepEqual(fromSettings, DEFAULT_OPTIONS);
  });
});
