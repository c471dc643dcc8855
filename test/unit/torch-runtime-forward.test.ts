/**
 * Forward tracing through functional ops and tensor methods (helpers/models/forward_ops.py).
 * Expected numbers: torch 1.13 running the same file through helpers/models/measure.py
 * (MACs of matmuls and convolutions; bytes autograd saves, fp32, deduplicated by storage).
 */
import { strict as assert } from 'node:assert';
import { walkLayers, type ModelGraph } from '../../src/core/graph';
import { evaluate, graphNamed, initEngine, layer, modelSource, savedBytesFp32, totalMacs, type Evaluated } from './helpers/engine';

const EXAMPLES = `
EinsumAttention()(torch.randn(4, 32, 64))
FunctionalConv()(torch.randn(4, 3, 32, 32))
Mixer()(torch.randn(4, 16, 24))
LayerNormMLP()(torch.randint(0, 50, (4, 20)))
`;

function expectTorch(g: ModelGraph, t: { total: number; buffers: number; macs: number; output: number[]; savedBytes: number }): void {
  assert.equal(g.params.total, t.total, `${g.name} params`);
  assert.equal(g.params.buffers, t.buffers, `${g.name} buffers`);
  assert.equal(totalMacs(g), t.macs, `${g.name} MACs`);
  assert.deepEqual(g.root.outputShapes, [t.output], `${g.name} output`);
  assert.equal(savedBytesFp32(g), t.savedBytes, `${g.name} saved bytes`);
  assert.equal(g.partial, false, JSON.stringify(g.findings));
}

describe('torch runtime: functional ops and tensor methods match torch', () => {
  let r: Evaluated;
  before(async () => {
    await initEngine();
    r = evaluate(modelSource('forward_ops.py') + EXAMPLES, { options: { batch: 4 } });
  });

  it('einsum attention with a tril mask: the attention matmuls are counted', () => {
    const g = graphNamed(r, 'EinsumAttention');
    // torch 1.13: 16448 params, 1024 buffer elements, 2621440 MACs, output [4, 32, 64], 230408 saved bytes
    expectTorch(g, { total: 16448, buffers: 1024, macs: 2_621_440, output: [4, 32, 64], savedBytes: 230_408 });
    // Q·Kᵀ: 4 batches × 4 heads × 32 × 32 × 16.
    assert.equal(layer(g, 'einsum').macs, 4 * 4 * 32 * 32 * 16);
    assert.equal(layer(g, 'einsum').functional, true);
    assert.deepEqual(layer(g, 'einsum').outputShapes, [[4, 4, 32, 32]]);
  });

  it('F.conv2d / F.linear on Parameters, pooling, padding and interpolation', () => {
    // torch 1.13: 5376 params, 2950400 MACs, output [4, 10], 689664 saved bytes
    expectTorch(graphNamed(r, 'FunctionalConv'), { total: 5376, buffers: 0, macs: 2_950_400, output: [4, 10], savedBytes: 689_664 });
  });

  it('split/cat/stack, None and ... indexing, expand, bmm and gather', () => {
    // torch 1.13: 1717 params, 172992 MACs, output [4, 5], 88328 saved bytes
    expectTorch(graphNamed(r, 'Mixer'), { total: 1717, buffers: 0, macs: 172_992, output: [4, 5], savedBytes: 88_328 });
  });

  it('F.embedding, F.layer_norm and F.dropout in training mode', () => {
    // torch 1.13: 9984 params, 655360 MACs, output [4, 20, 32], 113920 saved bytes
    expectTorch(graphNamed(r, 'LayerNormMLP'), { total: 9984, buffers: 0, macs: 655_360, output: [4, 20, 32], savedBytes: 113_920 });
  });

  it('op nodes are typed as the forward calls them (torch.einsum, x.softmax(), x / y, F.relu); paths keep the op', () => {
    const ops = (name: string) =>
      [...walkLayers(graphNamed(r, name).root)].filter(({ node }) => node.functional).map(({ node }) => [node.path, node.type, node.op]);
    // forward_ops.py lines 23-25: torch.einsum(...) / math.sqrt(...), .masked_fill(...).softmax(dim=-1), torch.einsum(...).
    assert.deepEqual(ops('EinsumAttention'), [
      ['einsum', 'torch.einsum', 'einsum'],
      ['div', 'Tensor.__truediv__', 'div'],
      ['masked_fill', 'Tensor.masked_fill', 'masked_fill'],
      ['softmax', 'Tensor.softmax', 'softmax'],
      ['einsum_1', 'torch.einsum', 'einsum'],
    ]);
    // forward_ops.py lines 40-46: F.relu(F.conv2d(...)), F.max_pool2d, F.gelu(F.conv2d(...)), F.adaptive_avg_pool2d, F.linear
    // (F.pad and F.interpolate keep nothing for backward and make no MACs: no node).
    assert.deepEqual(
      ops('FunctionalConv').map(([path, type]) => `${path}=${type}`),
      ['conv2d=F.conv2d', 'relu=F.relu', 'max_pool2d=F.max_pool2d', 'conv2d_1=F.conv2d', 'gelu=F.gelu', 'adaptive_avg_pool2d=F.adaptive_avg_pool2d', 'linear=F.linear'],
    );
    // forward_ops.py lines 59-66: a * torch.sigmoid(b), .mean(dim=0), torch.bmm, gram[..., :1] * 0.0, torch.gather.
    assert.deepEqual(
      ops('Mixer').map(([path, type]) => `${path}=${type}`),
      ['sigmoid=torch.sigmoid', 'mul=Tensor.__mul__', 'mean=Tensor.mean', 'bmm=torch.bmm', 'mul_1=Tensor.__mul__', 'gather=torch.gather'],
    );
  });

  it('F.scaled_dot_product_attention counts Q·Kᵀ and A·V and marks fused attention', () => {
    const src = `import torch, torch.nn as nn, torch.nn.functional as F
class Attn(nn.Module):
    def __init__(self, d=64, h=8):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.blocks = nn.ModuleList([nn.Identity()])
    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.h, C // self.h).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))
Attn()(torch.randn(2, 128, 64))
`;
    const g = graphNamed(evaluate(src), 'Attn');
    const sdpa = layer(g, 'scaled_dot_product_attention');
    // PyTorch docs: softmax(Q·Kᵀ/√d)·V, so Q·Kᵀ and A·V each cost B·H·L·S·E MACs: 2·8·128·128·8 each.
    assert.equal(sdpa.macs, 2 * (2 * 8 * 128 * 128 * 8));
    assert.deepEqual(sdpa.outputShapes, [[2, 8, 128, 8]]);
    // nn.Linear(64, 192) and nn.Linear(64, 64) on 2·128 tokens.
    assert.equal(totalMacs(g), sdpa.macs + 2 * 128 * 64 * 192 + 2 * 128 * 64 * 64);
  });

  it('grouped-query F.scaled_dot_product_attention (enable_gqa) and narrow/select/unfold views', () => {
    const src = `import torch, torch.nn as nn, torch.nn.functional as F
class GQA(nn.Module):
    def __init__(self, d=64, h=8, kvh=2):
        super().__init__()
        self.h, self.kvh, self.hd = h, kvh, d // h
        self.q = nn.Linear(d, d, bias=False)
        self.kv = nn.Linear(d, 2 * kvh * (d // h), bias=False)
        self.o = nn.Linear(d, d, bias=False)
    def forward(self, x):
        B, T, C = x.shape
        q = self.q(x).view(B, T, self.h, self.hd).transpose(1, 2)
        k, v = self.kv(x).view(B, T, 2, self.kvh, self.hd).unbind(2)
        y = F.scaled_dot_product_attention(q, k.transpose(1, 2), v.transpose(1, 2), is_causal=True, enable_gqa=True)
        w = x.unfold(1, 4, 4).narrow(1, 0, 2).select(2, 0)
        return self.o(y.transpose(1, 2).reshape(B, T, C)), w
GQA()(torch.randn(2, 16, 64))
`;
    const g = graphNamed(evaluate(src), 'GQA');
    // PyTorch docs (enable_gqa): the 2 key/value heads serve 8 query heads; Q·Kᵀ and A·V: 2·8·16·16·8 MACs each.
    assert.equal(layer(g, 'scaled_dot_product_attention').macs, 2 * (2 * 8 * 16 * 16 * 8));
    // Tensor.unfold(1, 4, 4) of [2, 16, 64] is [2, 4, 64, 4]; narrow(1, 0, 2) then select(2, 0) give [2, 2, 4].
    assert.deepEqual(g.root.outputShapes, [
      [2, 16, 64],
      [2, 2, 4],
    ]);
    assert.equal(g.partial, false, JSON.stringify(g.findings));
  });

  it('einops rearrange/repeat and the Rearrange layer (a ViT patch embedding)', () => {
    const src = `import torch
import torch.nn as nn
from einops import rearrange, repeat
from einops.layers.torch import Rearrange

class ViT(nn.Module):
    def __init__(self, image_size=32, patch=4, dim=64, depth=2, heads=4, classes=10):
        super().__init__()
        n = (image_size // patch) ** 2
        self.to_patch = nn.Sequential(
            Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=patch, p2=patch),
            nn.Linear(patch * patch * 3, dim),
        )
        self.pos = nn.Parameter(torch.randn(1, n + 1, dim))
        self.cls = nn.Parameter(torch.randn(1, 1, dim))
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth)
        self.head = nn.Linear(dim, classes)

    def forward(self, img):
        x = self.to_patch(img)
        cls = repeat(self.cls, '1 1 d -> b 1 d', b=x.shape[0])
        x = torch.cat([cls, x], dim=1) + self.pos
        return self.head(rearrange(self.encoder(x)[:, 0:1], 'b 1 d -> b d'))

ViT()(torch.randn(4, 3, 32, 32))
`;
    const g = graphNamed(evaluate(src), 'ViT');
    // einops is not installed next to torch 1.13 here: the same model with the patches cut by
    // reshape/permute gives, in torch 1.13, 74954 params and 22154752 MACs at [4, 3, 32, 32].
    assert.equal(g.params.total, 74_954);
    assert.equal(totalMacs(g), 22_154_752);
    assert.deepEqual(layer(g, 'to_patch.0').outputShapes, [[4, 64, 48]]);
    assert.deepEqual(g.root.outputShapes, [[4, 10]]);
    assert.equal(g.partial, false, JSON.stringify(g.findings));
  });

  it('a shape mismatch in forward is a finding with its line, not an exception', () => {
    const src = `import torch, torch.nn as nn
class Bad(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 5)
    def forward(self, x):
        return self.fc(x.view(x.size(0), 7, -1))
Bad()(torch.randn(3, 20))
`;
    const g = graphNamed(evaluate(src), 'Bad');
    const f = g.findings.find((x) => x.code === 'shape-error');
    assert.ok(f, JSON.stringify(g.findings));
    assert.equal(f!.range?.start.line, 6);
    assert.equal(g.params.total, 55);
  });
});
