import { strict as assert } from 'node:assert';
import manifest from '../../package.json';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { DEFAULT_ANALYSIS, SETTING_KEYS, parseShapeSetting, readProfilerConfig, type ConfigSection } from '../../src/vscode/config';

type Property = { default?: unknown; minimum?: number; maximum?: number };
const properties = manifest.contributes.configuration.properties as Record<string, Property>;
const PREFIX = 'modelProfiler.';

/** A settings section holding the manifest's defaults, with some values replaced. */
function section(values: Record<string, unknown> = {}): ConfigSection {
  return {
    get<T>(key: string): T | undefined {
      if (key in values) return values[key] as T;
      return properties[PREFIX + key]?.default as T | undefined;
    },
  };
}

describe('settings reader', () => {
  it('reads every setting the manifest contributes, and nothing else', () => {
    const declared = Object.keys(properties).map((k) => k.slice(PREFIX.length)).sort();
    assert.deepEqual([...SETTING_KEYS].sort(), declared);
  });

  it("turns the manifest's defaults into the engine's defaults with no problems", () => {
    const config = readProfilerConfig(section());
    assert.deepEqual(config.options, DEFAULT_OPTIONS);
    assert.deepEqual(config.analysis, DEFAULT_ANALYSIS);
    assert.deepEqual(config.devices, { targetDevices: [], override: null, unifiedMemoryShare: 0.75 });
    assert.deepEqual(config.problems, []);
    assert.equal(config.codeLens.enabled, true);
    assert.equal(config.hover.enabled, true);
    assert.equal(config.diagnostics.severity, 'auto');
    assert.equal(config.exactMode.timeoutSeconds, 60);
  });

  it('keeps the numeric limits of the manifest', () => {
    // Every integer/number setting's bounds in the reader equal the manifest's minimum/maximum.
    const probe: Record<string, [unknown, unknown]> = {
      batchSize: [0, 1e9],
      loraRank: [0, 1e9],
      gpuCount: [0, 1e9],
      utilization: [0, 5],
      headroomPercent: [-1, 500],
      'analysis.debounceMs': [-5, 1e9],
      'analysis.maxFileSizeKB': [1, 1e9],
      'analysis.timeBudgetMs': [1, 1e9],
      'hardware.probeTimeoutMs': [1, 1e9],
      'hardware.unifiedMemoryShare': [0, 9],
      'exactMode.timeoutSeconds': [0, 1e9],
    };
    const pick: Record<string, (c: ReturnType<typeof readProfilerConfig>) => number> = {
      batchSize: (c) => c.options.batch,
      loraRank: (c) => c.options.loraRank,
      gpuCount: (c) => c.options.gpuCount,
      utilization: (c) => c.options.utilization,
      headroomPercent: (c) => c.options.headroom * 100,
      'analysis.debounceMs': (c) => c.analysis.debounceMs,
      'analysis.maxFileSizeKB': (c) => c.analysis.maxFileSizeKB,
      'analysis.timeBudgetMs': (c) => c.analysis.timeBudgetMs,
      'hardware.probeTimeoutMs': (c) => c.hardware.probeTimeoutMs,
      'hardware.unifiedMemoryShare': (c) => c.devices.unifiedMemoryShare,
      'exactMode.timeoutSeconds': (c) => c.exactMode.timeoutSeconds,
    };
    for (const [key, [low, high]] of Object.entries(probe)) {
      const p = properties[PREFIX + key]!;
      assert.equal(pick[key]!(readProfilerConfig(section({ [key]: low }))), p.minimum, `${key} minimum`);
      assert.equal(pick[key]!(readProfilerConfig(section({ [key]: high }))), p.maximum, `${key} maximum`);
    }
  });

  it('maps each engine option from its setting', () => {
    const config = readProfilerConfig(
      section({
        mode: 'infer',
        batchSize: 32,
        seqLength: 1024,
        inputShape: '(3, 32, 32)',
        precision: 'bf16-mixed',
        optimizer: 'adam-8bit',
        gradientCheckpointing: true,
        attention: 'flash',
        fineTuning: 'lora',
        loraRank: 16,
        loraTargets: ['q_proj', 'v_proj'],
        sharding: 'zero3',
        gpuCount: 8,
        cpuOffload: true,
        utilization: 0.5,
        headroomPercent: 20,
        trainingTokens: 1e9,
      }),
    );
    assert.deepEqual(config.options, {
      mode: 'infer',
      batch: 32,
      seq: 1024,
      input: [3, 32, 32],
      precision: 'bf16-mixed',
      optimizer: 'adam-8bit',
      gradientCheckpointing: true,
      attention: 'flash',
      fineTuning: 'lora',
      loraRank: 16,
      loraTargets: ['q_proj', 'v_proj'],
      sharding: 'zero3',
      gpuCount: 8,
      cpuOffload: true,
      utilization: 0.5,
      headroom: 0.2,
      trainingTokens: 1e9,
    });
    assert.deepEqual(config.problems, []);
  });

  it('replaces unusable values with the default and says which', () => {
    const config = readProfilerConfig(
      section({ mode: 'fly', batchSize: 'lots', precision: 7, inputShape: '3,abc', gradientCheckpointing: 'yes', targetDevices: 'RTX 4090' }),
    );
    assert.equal(config.options.mode, 'train');
    assert.equal(config.options.batch, 8);
    assert.equal(config.options.precision, 'fp32');
    assert.equal(config.options.input, undefined);
    assert.equal(config.options.gradientCheckpointing, false);
    assert.deepEqual(config.devices.targetDevices, []);
    assert.deepEqual(
      config.problems.map((p) => p.split(':')[0]),
      ['modelProfiler.mode', 'modelProfiler.batchSize', 'modelProfiler.precision', 'modelProfiler.gradientCheckpointing', 'modelProfiler.inputShape', 'modelProfiler.targetDevices'],
    );
    assert.match(config.problems[1]!, /"lots" is not a number; using 8/);
  });

  it('rounds an integer setting and reports it', () => {
    const config = readProfilerConfig(section({ batchSize: 12.6 }));
    assert.equal(config.options.batch, 13);
    assert.equal(config.problems.length, 1);
  });

  it('treats an empty sequence length and input shape as "infer"', () => {
    const config = readProfilerConfig(section({ seqLength: null, inputShape: '  ' }));
    assert.equal('seq' in config.options, false);
    assert.equal('input' in config.options, false);
  });

  it('keeps the usable parts of a hardware override', () => {
    const config = readProfilerConfig(
      section({ 'hardware.override': { gpus: [{ name: 'RTX 3090', memoryGB: 24 }, { memoryGB: 8 }, { name: ' A100 80GB ' }], ramGB: -1 } }),
    );
    assert.deepEqual(config.devices.override, { gpus: [{ name: 'RTX 3090', memoryGB: 24 }, { name: 'A100 80GB' }] });
    assert.equal(config.problems.length, 2);
  });

  it('marks a batch size the person wrote, so it beats an example call in the file', () => {
    const inspected = (values: Record<string, unknown>): ConfigSection => ({
      ...section(),
      inspect: <T>(key: string) => (key === 'batchSize' ? (values as { globalValue?: T }) : undefined),
    });
    assert.equal(readProfilerConfig(section()).options.batchFromUser, undefined);
    assert.equal(readProfilerConfig(inspected({})).options.batchFromUser, undefined);
    assert.equal(readProfilerConfig(inspected({ globalValue: 8 })).options.batchFromUser, true);
    assert.equal(readProfilerConfig(inspected({ workspaceFolderValue: 32 })).options.batchFromUser, true);
  });

  it('survives a settings object that throws', () => {
    const config = readProfilerConfig({
      get() {
        throw new Error('broken settings');
      },
    });
    assert.deepEqual(config.options, DEFAULT_OPTIONS);
  });

  describe('input shape text', () => {
    const cases: Array<[string, number[] | undefined | null]> = [
      ['3,224,224', [3, 224, 224]],
      [' (3, 32, 32) ', [3, 32, 32]],
      ['[1,28,28]', [1, 28, 28]],
      ['3x224x224', [3, 224, 224]],
      ['(128,)', [128]],
      ['', undefined],
      ['3,,224', null],
      ['0,224,224', null],
      ['3.5,2', null],
      ['-3,4', null],
      ['(3,224', null],
    ];
    for (const [text, expected] of cases) {
      it(JSON.stringify(text), () => assert.deepEqual(parseShapeSetting(text), expected));
    }
  });
});
