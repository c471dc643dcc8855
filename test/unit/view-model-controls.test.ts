import { strict as assert } from 'node:assert';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import {
  DEFAULT_CONTROLS,
  controlsFromOptions,
  diffControls,
  formatInputShape,
  mergeControls,
  optionsWithControls,
  parseInputShape,
  parseNameList,
} from '../../src/shared/controls';
import { sanitizeControlsPatch } from '../../src/shared/validate';
import { buildModelReport } from '../../src/core/estimate/index';
import { a100_80, llama2_7b } from './estimate-graphs';
import { EMPTY_VIEW_STATE, REMEMBERED_MODELS, readViewState, withCollapsed } from '../../src/shared/viewState';

describe('panel controls', () => {
  it('start from the engine defaults', () => {
    assert.deepEqual(DEFAULT_CONTROLS, {
      mode: 'train',
      batch: 8,
      seq: null,
      input: null,
      precision: 'fp32',
      optimizer: 'adamw',
      gradientCheckpointing: false,
      attention: 'auto',
      fineTuning: 'full',
      loraRank: 8,
      sharding: 'none',
      gpuCount: 1,
      cpuOffload: false,
      loraTargets: ['all-linear'],
      utilizationPercent: 40,
      trainingTokens: 0,
      targetDevices: [],
      curveAxis: 'batch',
    });
  });

  it('reach the engine for LoRA targets, utilisation and training tokens (each a setting and a CLI flag too)', () => {
    const controls = mergeControls(DEFAULT_CONTROLS, { precision: 'bf16-mixed', fineTuning: 'lora', loraTargets: ['q_proj', 'v_proj'], utilizationPercent: 50, trainingTokens: 1e9 });
    const o = optionsWithControls(DEFAULT_OPTIONS, controls);
    assert.deepEqual(o.loraTargets, ['q_proj', 'v_proj']);
    assert.equal(o.utilization, 0.5);
    assert.equal(o.trainingTokens, 1e9);
    const r = buildModelReport(llama2_7b(1, 4096), { ...o, batch: 1 }, [a100_80()]);
    // LoRA r=8 on q_proj and v_proj of Llama-2-7B: 32 layers × 2 × 8 × (4096 + 4096) = 4,194,304
    // trainable parameters, the count PEFT prints for this set-up.
    assert.equal(r.memory.train.optimizerBytes, 4_194_304 * 8);
    // A100 80GB: 312 dense bf16 TFLOP/s (NVIDIA A100 datasheet), at the panel's 50%.
    assert.equal(r.time[0]!.trainStepSeconds, r.flops.trainStep / (312e12 * 0.5));
    assert.equal(r.time[0]!.utilization, 0.5);
    assert.equal(r.flops.training, (r.flops.trainStep / 4096) * 1e9);
  });

  it('read the LoRA targets box as module names', () => {
    assert.deepEqual(parseNameList('q_proj, v_proj'), { ok: true, names: ['q_proj', 'v_proj'] });
    assert.deepEqual(parseNameList(' all-linear '), { ok: true, names: ['all-linear'] });
    assert.deepEqual(parseNameList('attn.c_attn k_proj'), { ok: true, names: ['attn.c_attn', 'k_proj'] });
    assert.equal(parseNameList('').ok, false);
    assert.equal(parseNameList('q_proj; drop table').ok, false);
  });

  it('clamp and check the new controls in messages from the webview', () => {
    assert.deepEqual(sanitizeControlsPatch({ utilizationPercent: 250, trainingTokens: -5, loraTargets: ['q_proj'] }), {
      utilizationPercent: 100,
      trainingTokens: 0,
      loraTargets: ['q_proj'],
    });
    assert.deepEqual(sanitizeControlsPatch({ loraTargets: [] }), {});
  });

  it('merge a patch and remember only what differs from the settings', () => {
    const next = mergeControls(DEFAULT_CONTROLS, { batch: 32, input: [3, 224, 224], precision: 'fp32' });
    assert.equal(next.batch, 32);
    assert.deepEqual(diffControls(DEFAULT_CONTROLS, next), { batch: 32, input: [3, 224, 224] });
    assert.deepEqual(diffControls(DEFAULT_CONTROLS, DEFAULT_CONTROLS), {});
    // The base is not modified.
    assert.equal(DEFAULT_CONTROLS.batch, 8);
  });

  it('round-trip through the engine options, keeping options the panel has no control for', () => {
    const base = { ...DEFAULT_OPTIONS, utilization: 0.55, loraTargets: ['q_proj', 'v_proj'] };
    const controls = mergeControls(controlsFromOptions(base), { seq: 2048, input: null, sharding: 'zero3', gpuCount: 8 });
    const options = optionsWithControls(base, controls);
    assert.equal(options.seq, 2048);
    assert.equal(options.input, undefined);
    assert.equal(options.sharding, 'zero3');
    assert.equal(options.gpuCount, 8);
    assert.equal(options.utilization, 0.55);
    assert.deepEqual(options.loraTargets, ['q_proj', 'v_proj']);
    assert.deepEqual(controlsFromOptions(options, ['a100-80gb']), { ...controls, targetDevices: ['a100-80gb'] });
  });

  it('parse the input shape box like the inputShape setting', () => {
    assert.deepEqual(parseInputShape('3,224,224'), { ok: true, shape: [3, 224, 224] });
    assert.deepEqual(parseInputShape(' (3, 32, 32) '), { ok: true, shape: [3, 32, 32] });
    assert.deepEqual(parseInputShape('784,'), { ok: true, shape: [784] });
    assert.deepEqual(parseInputShape(''), { ok: true, shape: null });
    assert.deepEqual(parseInputShape('3,x,224'), { ok: false, reason: 'use whole numbers separated by commas, e.g. 3,224,224' });
    assert.deepEqual(parseInputShape('3,0,224'), { ok: false, reason: 'each dimension must be between 1 and 1048576' });
    assert.deepEqual(parseInputShape('1,2,3,4,5,6,7,8,9'), { ok: false, reason: 'at most 8 dimensions' });
    assert.deepEqual(parseInputShape('-3,224'), { ok: false, reason: 'use whole numbers separated by commas, e.g. 3,224,224' });
    assert.equal(formatInputShape([3, 224, 224]), '3, 224, 224');
    assert.equal(formatInputShape(null), '');
  });
});

describe('panel view state', () => {
  it('reads back what the panel saved', () => {
    const saved = {
      v: 1,
      selectedModelId: 'file:///w/gpt.py#GPT',
      collapsed: { 'file:///w/gpt.py#GPT': ['transformer.h.0'] },
      sort: { column: 'macs', direction: 'desc' },
      shownTables: ['memory'],
      timeDeviceId: 'a100-80gb',
      scrollY: 420,
    };
    assert.deepEqual(readViewState(JSON.parse(JSON.stringify(saved))), saved);
  });

  it('drops what it does not recognise', () => {
    assert.deepEqual(readViewState(undefined), EMPTY_VIEW_STATE);
    assert.deepEqual(readViewState({ v: 2, selectedModelId: 'x' }), EMPTY_VIEW_STATE);
    const odd = readViewState({
      v: 1,
      selectedModelId: 42,
      collapsed: JSON.parse('{"__proto__": ["x"], "m": "not a list", "n": ["a", 3]}'),
      sort: { column: 'password', direction: 'desc' },
      shownTables: ['memory', 'secrets'],
      scrollY: -5,
    });
    assert.deepEqual(odd, { v: 1, selectedModelId: undefined, collapsed: { n: ['a'] }, sort: null, shownTables: ['memory'], timeDeviceId: undefined, scrollY: 0 });
  });

  it('remembers collapsed rows for the most recent models only', () => {
    let state = EMPTY_VIEW_STATE;
    for (let i = 0; i < REMEMBERED_MODELS + 5; i++) state = withCollapsed(state, `m${i}`, [`p${i}`]);
    const ids = Object.keys(state.collapsed);
    assert.equal(ids.length, REMEMBERED_MODELS);
    assert.equal(ids[0], 'm5');
    assert.equal(ids.at(-1), `m${REMEMBERED_MODELS + 4}`);
    // Touching a model moves it to the end.
    state = withCollapsed(state, 'm5', []);
    assert.equal(Object.keys(state.collapsed).at(-1), 'm5');
  });
});
