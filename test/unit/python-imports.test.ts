/**
 * Imports: every torch spelling, workspace packages with relative and absolute
 * imports, installed packages through the host's import roots, circular imports,
 * unknown libraries, and the cache of evaluated files.
 */
import { strict as assert } from 'node:assert';
import { evaluate, graphNamed, initEngine, memoryHost } from './helpers/engine';

const SPELLINGS: Array<[string, string]> = [
  ['import torch.nn as nn', 'nn.Linear'],
  ['from torch import nn', 'nn.Linear'],
  ['from torch.nn import Module, Linear', 'Linear'],
  ['import torch', 'torch.nn.Linear'],
  ['import torch.nn', 'torch.nn.Linear'],
];

describe('imports', () => {
  before(initEngine);

  it('every spelling of torch.nn finds the same model', () => {
    for (const [imp, linear] of SPELLINGS) {
      const base = imp.includes('Module') ? 'Module' : linear.replace('Linear', 'Module');
      const src = `${imp}\nclass Net(${base}):\n    def __init__(self):\n        super().__init__()\n        self.fc = ${linear}(10, 3)\n`;
      // nn.Linear(10, 3): 10*3 + 3 = 33 parameters.
      assert.equal(graphNamed(evaluate(src), 'Net').params.total, 33, imp);
    }
  });

  const files = {
    '/ws/models/__init__.py': 'from .blocks import Block\nfrom .net import Net\n',
    '/ws/models/blocks.py': 'import torch.nn as nn\nfrom .utils import width\n\nclass Block(nn.Module):\n    def __init__(self, d=width()):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n\n    def forward(self, x):\n        return self.fc(x)\n',
    '/ws/models/utils.py': 'def width():\n    return 8\n',
    '/ws/models/net.py': 'import torch.nn as nn\nfrom . import blocks\nfrom ..shared.heads import make_head\n\nclass Net(nn.Module):\n    def __init__(self, depth=2):\n        super().__init__()\n        self.blocks = nn.ModuleList([blocks.Block() for _ in range(depth)])\n        self.head = make_head(8)\n\n    def forward(self, x):\n        for b in self.blocks:\n            x = b(x)\n        return self.head(x)\n',
    '/ws/shared/__init__.py': '',
    '/ws/shared/heads.py': 'import torch.nn as nn\n\ndef make_head(d):\n    return nn.Linear(d, 2)\n',
    '/venv/site-packages/tinylib/__init__.py': 'from torch import nn\n\nclass Tiny(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.proj = nn.Linear(4, 4, bias=False)\n',
  };

  it('resolves packages, relative imports (. and ..), absolute imports and installed packages', () => {
    const host = memoryHost(files, ['/ws', '/venv/site-packages']);
    const main = 'import models.net as mn\nfrom models import Net, Block\nfrom tinylib import Tiny\nimport torch\n\nmodel = Net(depth=3)\nother = mn.Net()\nblock = Block(d=4)\ntiny = Tiny()\nmodel(torch.randn(2, 8))\n';
    const r = evaluate(main, { host, file: '/ws/train.py' });
    // Block(d=8) = 72 params each; head nn.Linear(8, 2) = 18.
    assert.equal(graphNamed(r, 'model').params.total, 3 * 72 + 18);
    assert.equal(graphNamed(r, 'other').params.total, 2 * 72 + 18);
    assert.equal(graphNamed(r, 'block').params.total, 20);
    assert.equal(graphNamed(r, 'tiny').params.total, 16);
    const g = graphNamed(r, 'model');
    const fc = g.root.children[0]!.children[0]!.children[0]!;
    assert.equal(fc.path, 'blocks.0.fc');
    assert.equal(fc.file, '/ws/models/blocks.py', 'layers made in other files say where');
    assert.equal(fc.range?.start.line, 6);
    assert.deepEqual(g.root.outputShapes, [[2, 2]], 'the example input is used as written');
    assert.ok(!r.findings.some((f) => f.severity !== 'info'), JSON.stringify(r.findings));
  });

  it('re-evaluates an imported file when it, or a file it imports, changes', () => {
    const changed = { ...files };
    const main = 'from models import Block\nblock = Block()\n';
    assert.equal(graphNamed(evaluate(main, { host: memoryHost(changed, ['/ws']), file: '/ws/train.py' }), 'block').params.total, 72);
    changed['/ws/models/utils.py'] = 'def width():\n    return 16\n';
    // nn.Linear(16, 16) = 272.
    assert.equal(graphNamed(evaluate(main, { host: memoryHost(changed, ['/ws']), file: '/ws/train.py' }), 'block').params.total, 272);
  });

  it('circular imports terminate with the partially executed module, as in Python', () => {
    const host = memoryHost(
      {
        '/ws/a.py': 'import torch.nn as nn\nfrom b import make\nSIZE = 6\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = make()\n',
        '/ws/b.py': 'import torch.nn as nn\nimport a\n\ndef make():\n    return nn.Linear(a.SIZE, a.SIZE)\n',
      },
      ['/ws'],
    );
    const r = evaluate('from a import A\nnet = A()\n', { host, file: '/ws/main.py' });
    // nn.Linear(6, 6) = 42.
    assert.equal(graphNamed(r, 'net').params.total, 42);
  });

  it('names an unknown library once and keeps going', () => {
    const r = evaluate('import torch.nn as nn\nimport timm\nfrom xformers.ops import memory_efficient_attention\nfrom .missing import thing\nnet = nn.Linear(2, 2)\n');
    const libs = r.findings.filter((f) => f.code === 'unknown-library').map((f) => f.message);
    assert.equal(libs.length, 3, JSON.stringify(libs));
    assert.match(libs[0]!, /'timm'/);
    assert.match(libs[1]!, /'xformers'/);
    assert.match(libs[2]!, /'\.missing'/);
    assert.equal(graphNamed(r, 'net').params.total, 6);
  });
});
