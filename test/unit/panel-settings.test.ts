/** Reading `modelProfiler.*` settings into engine options for the panel's data source. */
import { strict as assert } from 'node:assert';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { readPanelSettings } from '../../src/vscode/panel/panelSettings';

const section = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

describe('panel settings', () => {
  it('gives the engine defaults when nothing is set', () => {
    const s = readPanelSettings(section({}));
    assert.deepEqual(s.options, { ...DEFAULT_OPTIONS, seq: undefined, input: undefined });
    assert.deepEqual(s.devices, { targetDevices: [], override: null, unifiedMemoryShare: 0.75 });
    assert.deepEqual(s.targetIds, []);
  });

  it('reads each setting under its own name', () => {
    const s = readPanelSettings(
      section({
        mode: 'infer',
        batchSize: 32,
        seqLength: 1024,
        inputShape: '(3, 224, 224)',
        precision: 'bf16-mixed',
        optimizer: 'sgd-momentum',
        gradientCheckpointing: true,
        headroomPercent: 15,
        targetDevices: ['A100 80GB', 'RTX 4090', 'no such card'],
        'analysis.timeBudgetMs': 2000,
      }),
    );
    assert.equal(s.options.mode, 'infer');
    assert.equal(s.options.batch, 32);
    assert.equal(s.options.seq, 1024);
    assert.deepEqual(s.options.input, [3, 224, 224]);
    assert.equal(s.options.precision, 'bf16-mixed');
    assert.equal(s.options.optimizer, 'sgd-momentum');
    assert.equal(s.options.gradientCheckpointing, true);
    assert.equal(s.options.headroom, 0.15);
    assert.equal(s.timeBudgetMs, 2000);
    // Names people write become the catalog ids the panel's target checkboxes use.
    assert.deepEqual(s.targetIds, ['a100-80gb-sxm', 'rtx-4090']);
    assert.deepEqual(s.devices.targetDevices, ['A100 80GB', 'RTX 4090', 'no such card']);
  });

  it('falls back to the defaults for values of the wrong type', () => {
    const s = readPanelSettings(section({ batchSize: '64', seqLength: null, inputShape: 'three', gradientCheckpointing: 'yes', targetDevices: 'A100' }));
    assert.equal(s.options.batch, DEFAULT_OPTIONS.batch);
    assert.equal(s.options.seq, undefined);
    assert.equal(s.options.input, undefined);
    assert.equal(s.options.gradientCheckpointing, false);
    assert.deepEqual(s.devices.targetDevices, []);
  });
});
