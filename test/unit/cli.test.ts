/**
 * The command line as people run it: a real process, real files, exit codes and output.
 * Expected parameter counts come from torch (cited per case), never from our own output.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface JsonModel {
  name: string;
  kind: string;
  framework: string;
  line: number;
  params: { total: number; trainable: number; nonTrainable: number; buffers: number };
  layers: Array<{ path: string; outputShape?: number[][] }>;
  macs: { forward: number };
  flops: { forward: number };
  memory: Record<'train' | 'inference', Record<string, number>>;
  storage: { checkpointBytes: Record<string, number> };
  fit: Array<{ device: string; verdict: string; requiredBytes: number; availableBytes: number }>;
}

describe('model-profiler CLI', function () {
  this.timeout(120_000);

  it('profiles the MNIST example as JSON with torch-exact counts', () => {
    const r = cli('profile', 'examples/mnist_cnn.py', '--json', '--no-detect');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; models: JsonModel[] };
    assert.ok(out.file.endsWith('examples/mnist_cnn.py'));
    const cnn = out.models.find((m) => m.name === 'MnistCNN')!;
    assert.equal(cnn.kind, 'class');
    assert.equal(cnn.framework, 'pytorch');
    assert.equal(cnn.line, 14);
    // torch 1.13: sum(p.numel() for p in MnistCNN().parameters()) == 421834; buffers: 2 BatchNorm2d
    // layers with running_mean+running_var (32+32, 64+64) and num_batches_tracked (1 each) = 194.
    assert.deepEqual(cnn.params, { total: 421_834, trainable: 421_834, nonTrainable: 0, buffers: 194 });
    // Conv2d(1, 32, 3, padding=1) on a 1x28x28 input at batch 64 (the file's # profile: comment).
    assert.deepEqual(cnn.layers.find((l) => l.path === 'conv1')?.outputShape, [[64, 32, 28, 28]]);
    // Forward MACs at batch 64, by the conv rule C_in/groups·K_h·K_w·C_out·H_out·W_out and the
    // linear rule in·out per sample (what a TorchDispatchMode counting aten.convolution/addmm gives):
    // conv1 1·3·3·32·28·28, conv2 32·3·3·64·14·14, fc1 3136·128, fc2 128·10.
    const perSample = 1 * 9 * 32 * 28 * 28 + 32 * 9 * 64 * 14 * 14 + 3136 * 128 + 128 * 10;
    assert.equal(cnn.macs.forward, 64 * perSample);
    assert.equal(cnn.flops.forward, 2 * cnn.macs.forward);
    for (const mode of ['train', 'inference'] as const) {
      const m = cnn.memory[mode]!;
      const terms = Object.entries(m).filter(([k]) => k.endsWith('Bytes') && k !== 'totalBytes' && k !== 'hostBytes');
      assert.equal(m.totalBytes, terms.reduce((s, [, v]) => s + v, 0), `${mode} total is the sum of its terms`);
    }
    // fp32 weights: 421,834 params × 4 bytes at least (buffers and the file header come on top).
    assert.ok(cnn.storage.checkpointBytes.fp32! >= 421_834 * 4);
  });

  it('prints a torchinfo-like table with source lines', () => {
    const r = cli('profile', 'examples/mnist_cnn.py', '--no-detect', '--model', 'MnistCNN');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^MnistCNN — pytorch class, line 14/m);
    assert.match(r.stdout, /├─conv1 \(Conv2d\)\s+17\s+\[64, 32, 28, 28\]\s+320\b/);
    assert.match(r.stdout, /Params: 421,834 total/);
    assert.match(r.stdout, /1 MAC = 2 FLOPs/);
  });

  it('answers fits with exit 0 and one line when the model fits', () => {
    const r = cli('fits', 'examples/mnist_cnn.py', '--model', 'MnistCNN', '--device', 'A100 80GB', '--mode', 'train');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.match(r.stdout, /MnistCNN/);
    assert.match(r.stdout, /A100 80GB/);
  });

  it('answers fits with exit 1 when Llama-2-7B cannot train on a 12 GB card', () => {
    // Llama-2-7B: 6,738,415,616 params (Meta's model card); fp32 AdamW training needs 16 bytes per
    // parameter for weights, gradients and optimizer state alone: ~108 GB, far above 12 GB.
    const r = cli('fits', 'test/fixtures/pytorch/llama.py', '--model', 'llama2_7b', '--device', 'RTX 3060', '--mode', 'train');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /llama2_7b needs ~\d/);
  });

  it('gives a one-line error and exit 2 for files it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-cli-'));
    const binary = join(dir, 'weights.py');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]));
    const latin1 = join(dir, 'latin1.py');
    writeFileSync(latin1, Buffer.from('x = "caf\xe9"\n', 'latin1'));
    for (const [file, reason] of [
      [join(dir, 'missing.py'), /not found/],
      [binary, /binary/],
      [latin1, /not valid UTF-8/],
    ] as const) {
      const r = cli('profile', file);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, reason);
    }
  });

  it('rejects an unknown device by name', () => {
    const r = cli('fits', 'examples/mnist_cnn.py', '--device', 'Imaginary 9000');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown device "Imaginary 9000"/);
  });

  it('reports the hardware it detects as JSON', () => {
    const r = cli('hardware', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { hardware: { ram: { totalBytes: number } }; devices: Array<{ id: string }> };
    assert.ok(out.hardware.ram.totalBytes > 0);
    assert.ok(out.devices.some((d) => d.id === 'local-cpu'));
  });
});
