/**
 * Which models a file yields, under which names and kinds, and the input each is traced
 * with (comment > example > setting > inference from the first layer with dataset hints).
 * Parameter counts follow torch's layer formulas: Linear(i, o) has i·o + o, Conv2d(c, k, s)
 * has k·c·s² + k (torch.nn docs), checked with torch 1.13 where the model is larger.
 */
import { strict as assert } from 'node:assert';
import { evaluate, graphNamed, initEngine, layer, modelSource, savedBytesFp32, totalMacs } from './helpers/engine';

const LENET = `import torch.nn as nn
import torch.nn.functional as F

# Trained on MNIST padded to 32x32, as in the LeNet-5 paper.
class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
`;

describe('torch runtime: finding models and their inputs', () => {
  before(initEngine);

  it('lists model classes, helpers used inside them, instances, Sequentials and builders; not bases, losses or plain functions', () => {
    const src = `import torch
import torch.nn as nn

class Base(nn.Module):
    pass

class Double(nn.Module):
    def forward(self, x):
        return x * 2

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return self.fc(x)

class Net(Base):
    def __init__(self, d=16, depth=2):
        super().__init__()
        self.blocks = nn.Sequential(*[Block(d) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(x)

class NeedsArgs(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)

def build():
    return Net(d=8)

def make(d):
    return Net(d)

def lr():
    return 3e-4

criterion = nn.CrossEntropyLoss()
head = nn.Linear(4, 2)
mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU())

if __name__ == "__main__":
    model = Net(depth=3)
`;
    const r = evaluate(src);
    assert.deepEqual(
      r.graphs.map((g) => `${g.name}:${g.kind}`),
      ['Double:class', 'Block:class', 'Net:class', 'build:builder', 'head:instance', 'mlp:sequential', 'model:instance'],
    );
    // Block(d) needs d: the first instantiation in the file, Block(16) inside Net(), supplies it.
    assert.equal(graphNamed(r, 'Block').params.total, 16 * 16 + 16);
    assert.equal(graphNamed(r, 'Net').params.total, 2 * (16 * 16 + 16));
    assert.equal(graphNamed(r, 'build').params.total, 2 * (8 * 8 + 8));
    assert.equal(graphNamed(r, 'model').params.total, 3 * (16 * 16 + 16));
    const missing = r.findings.find((f) => f.code === 'missing-arguments');
    assert.ok(missing && /NeedsArgs/.test(missing.message) && /'vocab', 'dim'/.test(missing.message), JSON.stringify(r.findings));
    assert.equal(missing!.range?.start.line, 26);
    const net = graphNamed(r, 'Net');
    assert.deepEqual(net.nameRange, { start: { line: 18, character: 6 }, end: { line: 18, character: 9 } });
    assert.equal(net.range.start.line, 18);
    const model = graphNamed(r, 'model');
    assert.deepEqual(model.nameRange, { start: { line: 45, character: 4 }, end: { line: 45, character: 9 } });
  });

  it('finds the image size the layers fit when the dataset hint does not (LeNet on 32x32 MNIST)', () => {
    const g = graphNamed(evaluate(LENET), 'LeNet');
    assert.equal(g.input?.source, 'inferred');
    // MNIST suggests 1x28x28, but fc1 expects 16*5*5 features: only 32x32 fits.
    assert.deepEqual(g.input?.shapes, [[8, 1, 32, 32]]);
    // LeNet-5 in this form has 61,706 parameters (torch 1.13: sum(p.numel() for p in LeNet().parameters())).
    assert.equal(g.params.total, 61_706);
    assert.deepEqual(g.root.outputShapes, [[8, 10]]);
    assert.equal(g.partial, false, JSON.stringify(g.findings));
  });

  it('ranks the input sources: # profile: over an example over settings over inference', () => {
    const base = `import torch
import torch.nn as nn

class Enc(nn.Module):{comment}
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
{example}`;
    const run = (comment: string, example: string, input?: number[]) =>
      graphNamed(evaluate(base.replace('{comment}', comment).replace('{example}', example), { options: input ? { input } : {} }), 'Enc').input!;
    const inferred = run('', '');
    assert.equal(inferred.source, 'inferred');
    assert.deepEqual(inferred.shapes, [[8, 3, 224, 224]]);
    const setting = run('', '', [3, 64, 64]);
    assert.equal(setting.source, 'setting');
    assert.deepEqual(setting.shapes, [[8, 3, 64, 64]]);
    const example = run('', 'Enc()(torch.randn(2, 3, 40, 40))\n', [3, 64, 64]);
    assert.equal(example.source, 'example');
    assert.deepEqual(example.shapes, [[2, 3, 40, 40]]);
    assert.match(example.description, /line 11/);
    const comment = run('  # profile: input=(3,16,16) batch=5', 'Enc()(torch.randn(2, 3, 40, 40))\n', [3, 64, 64]);
    assert.equal(comment.source, 'comment');
    assert.deepEqual(comment.shapes, [[5, 3, 16, 16]]);
  });

  it('reads dataset hints and flattened image inputs', () => {
    const cifar = `import torch.nn as nn
from torchvision.datasets import CIFAR10
net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))
`;
    const g = graphNamed(evaluate(cifar), 'net');
    assert.deepEqual(g.input?.shapes, [[8, 3, 32, 32]]);
    assert.match(g.input!.description, /CIFAR/);
    const mlp = graphNamed(evaluate('import torch.nn as nn\nmlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))\n'), 'mlp');
    assert.deepEqual(mlp.input?.shapes, [[8, 1, 28, 28]]);
    // 784*128 + 128 + 128*10 + 10
    assert.equal(mlp.params.total, 101_770);
  });

  it('gives token models integer ids of the setting, the model context (capped) or the default length', () => {
    const src = (block: number) => `import torch.nn as nn
class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.block_size = ${block}
        self.emb = nn.Embedding(100, 16)
        self.out = nn.Linear(16, 100)
    def forward(self, idx):
        return self.out(self.emb(idx))
`;
    const ctx = graphNamed(evaluate(src(256)), 'LM').input!;
    assert.deepEqual([ctx.shapes, ctx.dtypes, ctx.seq], [[[8, 256]], ['int'], 256]);
    assert.deepEqual(graphNamed(evaluate(src(8192)), 'LM').input!.shapes, [[8, 2048]], 'capped at 2048');
    assert.deepEqual(graphNamed(evaluate(src(256), { options: { seq: 64, batch: 2 } }), 'LM').input!.shapes, [[2, 64]]);
  });

  it('says which input is missing when nothing fixes it', () => {
    const src = `import torch.nn as nn
class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(nn.init.ones_(nn.Parameter(__import__('torch').empty(4))))
    def forward(self, x):
        return x * self.s
`;
    const g = graphNamed(evaluate(src), 'Scale');
    assert.equal(g.input, undefined);
    assert.equal(g.params.total, 4);
    assert.ok(g.findings.some((f) => f.code === 'no-input' && /# profile: input=/.test(f.message)));
  });

  it('runs notebook-style code with training loops over unknown loaders', () => {
    const src = `import torch
import torch.nn as nn
from torch.utils.data import DataLoader

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(dataset, batch_size=16)
for epoch in range(3):
    for x, y in loader:
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
print(sum(p.numel() for p in model.parameters()))
`;
    const r = evaluate(src);
    // 10*32 + 32 + 32*1 + 1
    assert.equal(graphNamed(r, 'model').params.total, 385);
  });

  it('infers the input from the layer forward() applies to it, and supplies a timestep', () => {
    const r = evaluate(modelSource('unet_timestep.py'), { options: { input: [3, 32, 32] } });
    const g = graphNamed(r, 'UNet');
    // time_mlp is registered first, but forward(x, t) feeds x to self.inc (Conv2d(3, 32)); t is a [batch] tensor.
    assert.deepEqual(g.input?.shapes, [[8, 3, 32, 32], [8]]);
    assert.deepEqual(g.input?.dtypes, ['float', 'float']);
    // torch 1.13: UNet() with (torch.randn(8, 3, 32, 32), torch.rand(8)) -> 237091 params,
    // 1040089088 MACs, output [8, 3, 32, 32], 31575040 saved bytes
    assert.equal(g.params.total, 237_091);
    assert.equal(totalMacs(g), 1_040_089_088);
    assert.deepEqual(g.root.outputShapes, [[8, 3, 32, 32]]);
    assert.equal(savedBytesFp32(g), 31_575_040);
    assert.match(g.input!.description, /t = a \[8\] float tensor/);
    // ResBlock's forward(x, temb) takes an embedding only UNet makes: the helper is profiled at
    // UNet's first call, self.down(h0, temb). torch 1.13 (forward pre-hook on UNet().down at the
    // input above): x [8, 32, 32, 32], temb [8, 128]; output [8, 64, 32, 32]; 65,984 params.
    const block = graphNamed(r, 'ResBlock');
    assert.equal(block.input?.source, 'parent');
    assert.deepEqual(block.input?.shapes, [[8, 32, 32, 32], [8, 128]]);
    assert.deepEqual(block.root.outputShapes, [[8, 64, 32, 32]]);
    assert.equal(block.params.total, 65_984);
    assert.ok(!block.findings.some((f) => f.code === 'no-input'), JSON.stringify(block.findings));
  });

  it('runs a module without forward in registration order, as the issue asks, and says so', () => {
    const src = `import torch.nn as nn
class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Linear(20, 20) for _ in range(2)])
        self.fc2 = nn.Linear(20, 3)
`;
    const g = graphNamed(evaluate(src), 'Stack');
    // Linear(i, o) MACs per row: i*o; 8 rows: 8*(10*20 + 20*20*2 + 20*3)
    assert.equal(totalMacs(g), 8 * (10 * 20 + 2 * 20 * 20 + 20 * 3));
    assert.deepEqual(g.root.outputShapes, [[8, 3]]);
    assert.ok(g.findings.some((f) => f.code === 'no-forward' && f.severity === 'info'));
  });

  it('sees through DataParallel and DistributedDataParallel, with the module. prefix torch gives', () => {
    const src = `import torch
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP
net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
model = nn.DataParallel(net)
ddp = DDP(nn.Linear(3, 3), device_ids=[0])
model(torch.randn(4, 8))
`;
    const r = evaluate(src);
    const g = graphNamed(r, 'model');
    // 8*16 + 16 + 16*2 + 2
    assert.equal(g.params.total, 178);
    assert.deepEqual(g.root.children.map((c) => c.path), ['module']);
    assert.deepEqual(g.root.children[0]!.children.map((c) => c.path), ['module.0', 'module.1', 'module.2']);
    assert.deepEqual(g.root.outputShapes, [[4, 2]]);
    assert.equal(graphNamed(r, 'ddp').params.total, 12);
  });

  it('places layers made by the torch.nn Python prelude at the user line that made their owner', () => {
    const src = 'import torch.nn as nn\n\nlayer = nn.TransformerEncoderLayer(64, 4)\nenc = nn.TransformerEncoder(layer, 2)\n';
    const r = evaluate(src);
    const enc = graphNamed(r, 'enc');
    const lines = (g: typeof enc) => g.root.children.map((c) => [c.path, c.range?.start.line, c.file]);
    assert.deepEqual(lines(enc), [['layers', 3, undefined]]);
    const layers0 = enc.root.children[0]!.children[0]!;
    assert.equal(layers0.range?.start.line, 2, 'the deep copies keep the line of the layer they copy');
    assert.ok(layers0.children.every((c) => c.range?.start.line === 2 && c.file === undefined));
  });

  it('gives a second sequence or image argument the shape of the first', () => {
    const src = `import torch
import torch.nn as nn

class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    def forward(self, x1, x2):
        return torch.abs(self.enc(x1) - self.enc(x2))
`;
    const g = graphNamed(evaluate(src, { options: { input: [1, 28, 28] } }), 'Siamese');
    assert.deepEqual(g.input?.shapes, [
      [8, 1, 28, 28],
      [8, 1, 28, 28],
    ]);
    // Conv2d(1, 8, 3) on 26x26 outputs, twice: 2 x 8 x (8*26*26*9)
    assert.equal(totalMacs(g), 2 * 8 * 8 * 26 * 26 * 9);
    assert.equal(layer(g, 'enc').calls, 2);
  });
});
