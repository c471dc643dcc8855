/**
 * Issue "TensorFlow/Keras models from source", done-when: the editor features treat Keras
 * models exactly like PyTorch models. The same network written both ways (a 40,000-wide
 * hidden layer and 10 outputs) goes through analyzeDocument and what the CodeLens, the fit
 * check, its quick fixes and the hover render, on a machine with two RTX 4090s.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/core/analyze';
import { checkFit, dominantLayer, quickFixes } from '../../src/core/fitCheck';
import { devicesFor } from '../../src/core/hardware/devices';
import { parseNvidiaSmiCsv } from '../../src/core/hardware/nvidiaSmi';
import type { HardwareProfile } from '../../src/core/hardware/types';
import { codeLensTitle, modelHoverMarkdown } from '../../src/core/hoverText';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import type { ModelReport } from '../../src/core/report';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';

const KERAS = [
  'import keras',
  'from keras import layers',
  '',
  'model = keras.Sequential([',
  '    keras.Input(shape=(40000,)),',
  '    layers.Dense(40000),',
  '    layers.ReLU(),',
  '    layers.Dense(10),',
  '])',
  '',
].join('\n');

const TORCH = [
  'from torch import nn',
  '',
  'model = nn.Sequential(',
  '    nn.Linear(40000, 40000),',
  '    nn.ReLU(),',
  '    nn.Linear(40000, 10),',
  ')',
  '',
].join('\n');

function twoRtx4090(): HardwareProfile {
  const csv = readFileSync(join(__dirname, '../fixtures/hardware/nvidia-smi/two-rtx4090-query.csv'), 'utf8');
  const ram = 256 * 2 ** 30;
  return {
    platform: 'linux',
    arch: 'x64',
    cpu: { model: 'AMD EPYC', cores: 2 },
    ram: { totalBytes: ram, availableBytes: ram / 2 },
    gpus: parseNvidiaSmiCsv(csv),
    sources: ['nvidia-smi'],
    notes: [],
    detectedAt: 0,
  };
}

function report(text: string): ModelReport {
  const devices = devicesFor(twoRtx4090(), { targetDevices: [], unifiedMemoryShare: 0.75 });
  const r = analyzeDocument({ file: '/work/model.py', text, host: NO_FILES, options: { ...DEFAULT_OPTIONS, input: [40000] }, devices });
  assert.equal(r.models.length, 1, JSON.stringify(r.findings));
  return r.models[0]!;
}

describe('Keras and PyTorch models in the editor features', () => {
  let keras: ModelReport;
  let torch: ModelReport;
  before(async () => {
    await initParserFromDisk();
    keras = report(KERAS);
    torch = report(TORCH);
  });

  it('count the same parameters: Dense is in·units + units, as nn.Linear is in·out + out', () => {
    // 40000·40000 + 40000 + 40000·10 + 10 (Keras Dense kernel + bias; torch Linear weight + bias).
    assert.equal(keras.params.total, 1_600_440_010);
    assert.equal(torch.params.total, 1_600_440_010);
    assert.equal(keras.params.trainable, torch.params.trainable);
  });

  it('itemise the same weight, gradient and optimizer memory', () => {
    for (const term of ['weightsBytes', 'gradientsBytes', 'optimizerBytes'] as const) {
      assert.equal(keras.memory.train[term], torch.memory.train[term], term);
    }
    // fp32 AdamW: 4 bytes of weights, 4 of gradients, 8 of optimizer state per parameter.
    assert.equal(keras.memory.train.weightsBytes, 4 * 1_600_440_010);
    assert.equal(keras.memory.train.optimizerBytes, 8 * 1_600_440_010);
  });

  it('give the same forward MACs: one multiply-accumulate per weight per sample', () => {
    assert.equal(keras.macs.forward, torch.macs.forward);
    assert.equal(keras.macs.forward, keras.options.batch * (40000 * 40000 + 40000 * 10));
  });

  it('get a CodeLens of the same form', () => {
    // The best fit is the 256 GiB of system RAM; the CodeLens names it either way.
    assert.match(codeLensTitle(keras), /^1\.6B params · train [\d.]+ GB \(b=8, fp32\) · ✓ fits CPU \(system RAM\)$/);
    assert.equal(codeLensTitle(keras).replace(/train [\d.]+ GB/, ''), codeLensTitle(torch).replace(/train [\d.]+ GB/, ''));
  });

  it('get the same fit verdict, target device and kinds of quick fix', () => {
    const k = checkFit(keras);
    const t = checkFit(torch);
    assert.equal(k.status, 'exceeds');
    assert.equal(k.status, t.status);
    assert.equal(k.target?.deviceId, t.target?.deviceId);
    assert.match(k.message, /^model needs ~[\d.]+ GB to train \(batch 8, fp32, AdamW\); the largest GPU here has 25\.8 GB \(RTX 4090\)/);
    const kinds = (r: ModelReport) => quickFixes(checkFit(r).target!).map((f) => `${f.kind}:${f.recommendationId}`);
    assert.ok(kinds(keras).length > 0);
    assert.deepEqual(kinds(keras), kinds(torch));
  });

  it('name the large hidden layer as the dominant one', () => {
    const k = dominantLayer(keras);
    const t = dominantLayer(torch);
    assert.equal(k?.type, 'Dense');
    assert.equal(t?.type, 'Linear');
    // Dense(40000) on 40,000 features: 40000·40000 + 40000 of the 1,600,440,010 parameters.
    assert.match(k!.reason, /holds 1\.6B parameters \(100(\.0)?% of them\)/);
    assert.equal(k!.reason.replace(/^\S+ \(Dense\)/, ''), t!.reason.replace(/^\S+ \(Linear\)/, ''));
  });

  it('get a hover card naming the framework and the same parameter line', () => {
    const k = modelHoverMarkdown(keras);
    assert.match(k, /Keras Sequential/);
    assert.match(k, /1,600,440,010/);
    assert.match(modelHoverMarkdown(torch), /1,600,440,010/);
  });
});
