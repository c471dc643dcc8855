/**
 * The command line as people run it: a real process, real files, exit codes and output.
 * Expected parameter counts come from torch (cited per case), never from our own output.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  return cliWith({}, ...args);
}

/** The CLI with a stand-in tool folder first on PATH (test/fixtures/bin/<name>). */
function cliWith(env: { standIn?: string }, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const path = env.standIn ? `${join(ROOT, 'test/fixtures/bin', env.standIn)}${delimiter}${process.env.PATH ?? ''}` : process.env.PATH;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PATH: path },
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

  it('lets a flag win over the model\'s # profile: comment: --batch 8 against "# profile: batch=64"', () => {
    const r = cli('profile', 'examples/mnist_cnn.py', '--json', '--no-detect', '--model', 'MnistCNN', '--batch', '8', '--precision', 'bf16-mixed');
    assert.equal(r.code, 0, r.stderr);
    const cnn = (JSON.parse(r.stdout) as { models: Array<JsonModel & { options: { batch: number; precision: string } }> }).models[0]!;
    assert.equal(cnn.options.batch, 8);
    assert.equal(cnn.options.precision, 'bf16-mixed');
    // The graph itself is traced at the flag's batch: Conv2d(1, 32, 3, padding=1) on 1×28×28.
    assert.deepEqual(cnn.layers.find((l) => l.path === 'conv1')?.outputShape, [[8, 32, 28, 28]]);
    // The same per-sample MACs as above (conv and linear rules), at batch 8 instead of the comment's 64.
    const perSample = 1 * 9 * 32 * 28 * 28 + 32 * 9 * 64 * 14 * 14 + 3136 * 128 + 128 * 10;
    assert.equal(cnn.macs.forward, 8 * perSample);
    // bf16-mixed with AdamW under torch.autocast: fp32 weights and gradients, fp32 Adam m and v, and a
    // 16-bit copy of the weights (HF "model memory anatomy"): 4 + 4 + 8 + 2 = 18 bytes per parameter.
    const t = cnn.memory.train!;
    // The weights term also holds the 194 BatchNorm buffer elements, kept in fp32 (4 bytes each).
    assert.equal(t.weightsBytes! + t.gradientsBytes! + t.optimizerBytes! + t.masterWeightsBytes!, 18 * 421_834 + 4 * 194);
  });

  it('names every itemised term in --json: memory terms, checkpoint formats, compute, time and fit', () => {
    const r = cli('profile', 'examples/gpt_mini.py', '--json', '--no-detect', '--model', 'GPTMini', '--device', 'A100 80GB', '--mode', 'infer', '--training-tokens', '1000000');
    assert.equal(r.code, 0, r.stderr);
    type Numbers = Record<string, number>;
    const m = (
      JSON.parse(r.stdout) as {
        models: Array<{
          memory: Record<'train' | 'inference', Numbers & { explain: Record<string, string> }>;
          storage: { checkpointBytes: Numbers; trainingCheckpointBytes: number };
          macs: Numbers;
          flops: Numbers;
          time: Array<{ deviceName: string; utilization: number; bound: string; tokensPerSecond?: number }>;
          fit: Array<Record<string, unknown>>;
          assumptions: string[];
        }>;
      }
    ).models[0]!;
    const terms = ['weightsBytes', 'gradientsBytes', 'optimizerBytes', 'masterWeightsBytes', 'activationsBytes', 'kvCacheBytes', 'overheadBytes', 'fragmentationBytes', 'totalBytes'];
    for (const mode of ['train', 'inference'] as const) {
      for (const term of terms) assert.equal(typeof m.memory[mode][term], 'number', `memory.${mode}.${term}`);
      // Each term carries its one-line explanation.
      for (const term of terms.filter((k) => k !== 'totalBytes' && m.memory[mode][k]! > 0)) assert.equal(typeof m.memory[mode].explain[term], 'string', `memory.${mode}.explain.${term}`);
    }
    // KV cache = 2 · layers · kv_heads · head_dim · seq · batch · bytes (reference/estimation.md): the
    // example's config has 4 layers, 4 heads of 256/4 = 64, and its `# profile: batch=16 seq=256`; fp32.
    assert.equal(m.memory.inference.kvCacheBytes, 2 * 4 * 4 * 64 * 256 * 16 * 4);
    for (const format of ['fp32', 'fp16', 'bf16', 'fp8', 'int8', 'int4', 'nf4', 'gguf-q4_0', 'gguf-q4_k', 'gguf-q5_k', 'gguf-q6_k', 'gguf-q8_0']) {
      assert.equal(typeof m.storage.checkpointBytes[format], 'number', `storage.checkpointBytes.${format}`);
    }
    assert.equal(typeof m.storage.trainingCheckpointBytes, 'number');
    for (const key of ['forward', 'backward', 'trainStep', 'perSample', 'perToken', 'training', 'trainingCheck']) {
      assert.equal(typeof m.macs[key], 'number', `macs.${key}`);
      assert.equal(m.flops[key], 2 * m.macs[key]!, `flops.${key} = 2 × macs.${key}`);
    }
    const time = m.time[0]!;
    assert.equal(time.deviceName, 'A100 80GB');
    assert.equal(time.utilization, 0.4);
    assert.ok(['compute', 'memory'].includes(time.bound));
    assert.equal(typeof time.tokensPerSecond, 'number');
    const fit = m.fit[0]!;
    for (const key of ['device', 'verdict', 'requiredBytes', 'availableBytes', 'minGpus', 'maxBatch', 'recommendations', 'reason']) assert.ok(key in fit, `fit.${key}`);
    assert.equal(fit.device, 'A100 80GB');
    assert.ok(Array.isArray(m.assumptions) && m.assumptions.length > 0);
  });

  it('prints a torchinfo-like table with source lines', () => {
    const r = cli('profile', 'examples/mnist_cnn.py', '--no-detect', '--model', 'MnistCNN');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^MnistCNN — pytorch class, line 14/m);
    assert.match(r.stdout, /├─conv1 \(Conv2d\)\s+17\s+\[64, 32, 28, 28\]\s+320\b/);
    assert.match(r.stdout, /Params: 421,834 total/);
    assert.match(r.stdout, /1 MAC = 2 FLOPs/);
  });

  it("lets a flag win over the same key of a # profile: comment, and keeps the comment's other keys", () => {
    const r = cli('profile', 'examples/mnist_cnn.py', '--json', '--no-detect', '--model', 'MnistCNN', '--batch', '8');
    assert.equal(r.code, 0, r.stderr);
    const cnn = (JSON.parse(r.stdout) as { models: JsonModel[] }).models[0]!;
    // --batch 8 replaces the comment's batch=64; its input=1,28,28 still applies:
    // torch: Conv2d(1, 32, 3, padding=1) on a [8, 1, 28, 28] input gives [8, 32, 28, 28].
    assert.deepEqual(cnn.layers.find((l) => l.path === 'conv1')?.outputShape, [[8, 32, 28, 28]]);
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

  it('answers fits against the detected GPUs when no --device is given (stand-in nvidia-smi, two RTX 4090)', () => {
    // test/fixtures/hardware/nvidia-smi/two-rtx4090-query.csv: two "NVIDIA GeForce RTX 4090" with 24564 MiB each.
    const card = `${((24564 * 2 ** 20) / 1e9).toFixed(1)} GB`; // 25.8 GB
    const small = cliWith({ standIn: 'two-cards' }, 'fits', 'examples/mnist_cnn.py', '--model', 'MnistCNN', '--mode', 'train');
    assert.equal(small.code, 0, small.stdout + small.stderr);
    assert.match(small.stdout.trim(), new RegExp(`^MnistCNN needs ~[\\d.]+ MB to train \\(batch 64, fp32, AdamW\\); fits the RTX 4090 \\(${card.replace('.', '\\.')}\\)$`));
    // Llama-2-7B, 6,738,415,616 params: 16 bytes each for fp32 AdamW training (~108 GB), beyond one 24 GiB card.
    const big = cliWith({ standIn: 'two-cards' }, 'fits', 'test/fixtures/pytorch/llama.py', '--model', 'llama2_7b', '--mode', 'train');
    assert.equal(big.code, 1, big.stdout + big.stderr);
    assert.match(big.stdout, /RTX 4090/);
    assert.equal(big.stdout.trim().split('\n').length, 1);
  });

  it('lists every detected card in hardware --json (stand-in nvidia-smi, two RTX 4090)', () => {
    const r = cliWith({ standIn: 'two-cards' }, 'hardware', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      hardware: { gpus: Array<{ model: string; memoryTotalBytes: number; memoryFreeBytes: number; driver: string }> };
      devices: Array<{ id: string; memoryBytes: number }>;
    };
    // The capture: 24564 MiB total on both, 507 and 459 MiB used, driver 550.163.01.
    assert.deepEqual(
      out.hardware.gpus.map((g) => [g.model, g.memoryTotalBytes, g.memoryFreeBytes, g.driver]),
      [
        ['NVIDIA GeForce RTX 4090', 24564 * 2 ** 20, (24564 - 507) * 2 ** 20, '550.163.01'],
        ['NVIDIA GeForce RTX 4090', 24564 * 2 ** 20, (24564 - 459) * 2 ** 20, '550.163.01'],
      ],
    );
    assert.deepEqual(out.devices.map((d) => d.id).slice(0, 2), ['local-gpu-0', 'local-gpu-1']);
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
