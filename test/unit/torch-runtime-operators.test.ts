/**
 * Python operators on tensors in forward: `%` and `//` (index arithmetic such as
 * `ids % vocab` or `positions // 2`) keep the broadcast shape, and an operator the
 * engine has no rule for is a finding at its line, never a silently blank shape.
 * Expected shapes: torch 1.13, e.g. (torch.arange(12).view(3, 4) % 500).shape == (3, 4)
 * and nn.EmbeddingBag(500, 8, mode='mean')(that).shape == (3, 8).
 */
import { strict as assert } from 'node:assert';
import { evaluate, graphNamed, initEngine, layer } from './helpers/engine';

describe('torch runtime: Python operators on tensors', () => {
  before(async () => {
    await initEngine();
  });

  it('% and // keep the shape, from either side, so the layers after them are traced', () => {
    const src = `import torch
import torch.nn as nn
class Ids(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(500, 8, mode="mean")
        self.emb = nn.Embedding(500, 8)
    def forward(self, x):
        ids = torch.arange(12).view(3, 4)
        pooled = self.bag(ids % 500)
        halves = self.emb(ids // 2)
        wrapped = self.emb(7 % (ids + 1))
        return pooled, halves, wrapped
Ids()(torch.randn(3, 4))
`;
    const g = graphNamed(evaluate(src), 'Ids');
    assert.equal(g.partial, false, JSON.stringify(g.findings));
    // torch 1.13: EmbeddingBag(500, 8)(ids % 500) -> (3, 8); Embedding(500, 8)(ids // 2) -> (3, 4, 8).
    assert.deepEqual(layer(g, 'bag').outputShapes, [[3, 8]]);
    assert.deepEqual(layer(g, 'emb').outputShapes, [[3, 4, 8]]);
    // n(nn.EmbeddingBag(500, 8)) + n(nn.Embedding(500, 8)) == 4000 + 4000
    assert.equal(g.params.total, 8000);
  });

  it('an operator without a rule is a finding with its line and makes the model partial', () => {
    const src = `import torch
import torch.nn as nn
class Shifted(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(500, 8)
    def forward(self, x):
        ids = (x.long() << 1) ^ 3
        return self.emb(ids)
Shifted()(torch.zeros(3, 4))
`;
    const g = graphNamed(evaluate(src), 'Shifted');
    const f = g.findings.find((x) => x.code === 'unknown-construct' && /tensor operator <</.test(x.message));
    assert.ok(f, JSON.stringify(g.findings));
    assert.equal(f.range?.start.line, 7);
    assert.equal(g.partial, true);
    assert.equal(g.params.total, 4000);
  });
});
