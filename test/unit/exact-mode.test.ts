// Exact mode against real torch: Debian's /usr/bin/python3 with python3-torch 1.13 and
// torchvision 0.14. Expected counts follow torch's documented parameter shapes
// (https://pytorch.org/docs/stable/nn.html): Linear weight (out, in) + bias (out);
// Conv2d weight (out, in/groups, kh, kw); BatchNorm2d weight and bias (C) plus buffers
// running_mean (C), running_var (C), num_batches_tracked (scalar); Embedding (num, dim).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exactCountScriptPath, parseExactOutput, runExactCount } from '../../src/node/exactMode';

const PYTHON = '/usr/bin/python3';

const MODELS = `
import torch
from torch import nn
from torch.nn import Linear  # imported, not defined here: not counted


class Tiny(nn.Module):
    def __init__(self, hidden=5):
        super().__init__()
        self.fc = nn.Linear(10, hidden)  # 10*5 + 5 = 55


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, bias=False)  # 16*3*3*3 = 432
        self.bn = nn.BatchNorm2d(16)  # 32 params; buffers 16 + 16 + 1 = 33


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)  # 1600
        self.head = nn.Linear(16, 100, bias=False)
        self.head.weight = self.emb.weight  # shared: counted once


class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(8, 8)  # 72, frozen
        self.head = nn.Linear(8, 2)  # 18
        self.backbone.requires_grad_(False)


class NeedsArgs(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        raise RuntimeError("needs a dataset")


model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))  # 15 + 4 = 19
print("a print in the model file")

if __name__ == "__main__":
    raise SystemExit("the main block must not run")
`;

function hasTorch(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { timeout: 60_000 });
  return r.status === 0;
}

describe('exact mode', function () {
  this.timeout(120_000);
  let dir = '';
  const file = (name: string, source: string): string => {
    const path = join(dir, name);
    writeFileSync(path, source);
    return path;
  };

  before(function () {
    if (!hasTorch()) {
      console.warn(`exact mode tests skipped: ${PYTHON} cannot import torch and torchvision`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'exact-mode-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships its script next to the code', () => {
    assert.match(exactCountScriptPath() ?? '', /exact_count\.py$/);
  });

  it('counts module-level instances and classes built without arguments, as torch does', async () => {
    const r = await runExactCount({ python: PYTHON, file: file('models.py', MODELS), timeoutMs: 60_000, cwd: dir });
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.models.map((m) => [m.name, m.kind, m.params, m.trainable, m.buffers]),
      [
        ['model', 'instance', 19, 19, 0],
        ['Tiny', 'class', 55, 55, 0],
        ['ConvBN', 'class', 464, 464, 33],
        ['Tied', 'class', 1600, 1600, 0],
        ['Frozen', 'class', 90, 18, 0],
      ],
    );
    assert.deepEqual(r.skipped, [
      { name: 'NeedsArgs', reason: 'its constructor needs arguments' },
      { name: 'Broken', reason: 'RuntimeError: needs a dataset' },
    ]);
    // torch 1.13 cannot use the meta device as a context manager: models are built on the CPU.
    assert.equal(r.device, 'cpu');
    assert.match(r.torchVersion ?? '', /^1\.13/);
  });

  it('matches torchvision\'s published count for resnet18 (11,689,512)', async () => {
    const src = 'from torchvision.models import resnet18\nnet = resnet18()\n';
    const r = await runExactCount({ python: PYTHON, file: file('resnet.py', src), timeoutMs: 90_000, cwd: dir });
    assert.deepEqual(r.models.map((m) => [m.name, m.params]), [['net', 11_689_512]]);
  });

  it('reports a file that fails to import', async () => {
    const missing = await runExactCount({ python: PYTHON, file: file('bad.py', 'import no_such_package_xyz\n'), timeoutMs: 60_000, cwd: dir });
    assert.deepEqual(missing.models, []);
    assert.match(missing.error ?? '', /^importing bad\.py failed: ModuleNotFoundError: No module named 'no_such_package_xyz'/);
    const syntax = await runExactCount({ python: PYTHON, file: file('syntax.py', 'class (:\n'), timeoutMs: 60_000, cwd: dir });
    assert.match(syntax.error ?? '', /SyntaxError/);
    const exits = await runExactCount({ python: PYTHON, file: file('exits.py', 'raise SystemExit(3)\n'), timeoutMs: 60_000, cwd: dir });
    assert.match(exits.error ?? '', /SystemExit: 3/);
  });

  it('stops a file that runs too long, within the time limit', async () => {
    const started = Date.now();
    const r = await runExactCount({ python: PYTHON, file: file('slow.py', 'import time\ntime.sleep(120)\n'), timeoutMs: 3000, cwd: dir });
    assert.ok(Date.now() - started < 6000, `${Date.now() - started} ms`);
    assert.equal(r.error, 'Exact mode stopped after 3 s (modelProfiler.exactMode.timeoutSeconds)');
  });

  it('reports a missing interpreter or file', async () => {
    const noPython = await runExactCount({ python: '/nonexistent/python3', file: file('ok.py', 'x = 1\n'), timeoutMs: 5000, cwd: dir });
    assert.equal(noPython.error, 'Python interpreter not found: /nonexistent/python3');
    const noFile = await runExactCount({ python: PYTHON, file: join(dir, 'absent.py'), timeoutMs: 5000, cwd: dir });
    assert.match(noFile.error ?? '', /^No such file: /);
    const empty = await runExactCount({ python: '  ', file: join(dir, 'ok.py'), timeoutMs: 5000, cwd: dir });
    assert.match(empty.error ?? '', /No Python interpreter configured/);
  });
});

describe('exact mode output parsing', () => {
  it('reads the last result line and checks every field', () => {
    const out = [
      'noise printed by a library',
      '@@MODEL_PROFILER_EXACT@@ {"models": [{"name": "A", "params": 10, "trainable": 4, "buffers": 1, "kind": "class"},',
      '@@MODEL_PROFILER_EXACT@@ {"models": [{"name": "A", "params": 10, "trainable": 4, "buffers": 1, "kind": "class"}, {"name": "B", "params": -1, "trainable": 0, "buffers": 0}, {"name": "C", "params": 1, "trainable": 5, "buffers": 0}, {"params": 3}], "device": "meta", "torch": "2.4.0", "skipped": [{"name": "D", "reason": "x"}, 7]}',
    ].join('\n');
    assert.deepEqual(parseExactOutput(out), {
      models: [{ name: 'A', params: 10, trainable: 4, buffers: 1, kind: 'class' }],
      skipped: [{ name: 'D', reason: 'x' }],
      device: 'meta',
      torchVersion: '2.4.0',
    });
  });

  it('answers undefined without a result line, and an error for a broken one', () => {
    assert.equal(parseExactOutput('Traceback (most recent call last):\n  ...'), undefined);
    assert.deepEqual(parseExactOutput('@@MODEL_PROFILER_EXACT@@ {not json'), { models: [], error: 'exact mode printed a result that is not valid JSON' });
    assert.deepEqual(parseExactOutput('@@MODEL_PROFILER_EXACT@@ null'), { models: [], error: 'exact mode printed no result object' });
  });
});
