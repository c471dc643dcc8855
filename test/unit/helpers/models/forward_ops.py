# Forwards built from functional ops and tensor methods rather than layers:
# the evaluator must trace shapes, MACs and saved tensors through each of them.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class EinsumAttention(nn.Module):
    # Attention with einsum and an explicit causal mask from tril.
    def __init__(self, dim=64, heads=4):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim)
        self.register_buffer('mask', torch.tril(torch.ones(32, 32)).bool())

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = [y.reshape(b, t, self.heads, c // self.heads).permute(0, 2, 1, 3) for y in (q, k, v)]
        att = torch.einsum('bhqd,bhkd->bhqk', q, k) / math.sqrt(c // self.heads)
        att = att.masked_fill(~self.mask[:t, :t], float('-inf')).softmax(dim=-1)
        y = torch.einsum('bhqk,bhkd->bhqd', att, v)
        y = y.transpose(1, 2).reshape(b, t, c)
        return self.out(y)


class FunctionalConv(nn.Module):
    # Parameters used through F.conv2d / F.linear, pooling, padding and interpolation.
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(16, 3, 3, 3))
        self.b1 = nn.Parameter(torch.zeros(16))
        self.w2 = nn.Parameter(torch.randn(32, 16, 3, 3))
        self.fc_w = nn.Parameter(torch.randn(10, 32))

    def forward(self, x):
        x = F.relu(F.conv2d(x, self.w1, self.b1, padding=1))
        x = F.max_pool2d(x, 2)
        x = F.pad(x, (1, 1, 1, 1))
        x = F.gelu(F.conv2d(x, self.w2, stride=2))
        up = F.interpolate(x, scale_factor=2, mode='nearest')
        x = F.adaptive_avg_pool2d(up, 1).flatten(1)
        return F.linear(x, self.fc_w)


class Mixer(nn.Module):
    # Tensor plumbing: split/cat/stack, None and ... indexing, expand, bmm, gather.
    def __init__(self, d=24):
        super().__init__()
        self.proj = nn.Linear(d, 2 * d)
        self.token_mix = nn.Linear(16, 16)
        self.head = nn.Linear(2 * d, 5)

    def forward(self, x):
        a, b = self.proj(x).split(x.shape[-1], dim=-1)
        h = torch.cat([a * torch.sigmoid(b), b], dim=-1)
        mixed = self.token_mix(h.transpose(1, 2)).transpose(1, 2)
        h = torch.stack([h, mixed], dim=0).mean(dim=0)
        gram = torch.bmm(h, h.transpose(1, 2))
        h = h + gram[..., :1] * 0.0
        h = h[:, None, :, :].expand(-1, 2, -1, -1).sum(dim=1)
        idx = torch.zeros(h.size(0), 1, h.size(2), dtype=torch.long)
        pooled = torch.gather(h, 1, idx).squeeze(1)
        return self.head(pooled)


class LayerNormMLP(nn.Module):
    # F.layer_norm, F.embedding with a Parameter table, dropout and a residual.
    def __init__(self, vocab=50, dim=32):
        super().__init__()
        self.table = nn.Parameter(torch.randn(vocab, dim))
        self.gamma = nn.Parameter(torch.ones(dim))
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, idx):
        x = F.embedding(idx, self.table)
        h = F.layer_norm(x, (x.size(-1),), self.gamma)
        h = F.dropout(F.silu(self.fc1(h)), p=0.1, training=self.training)
        return x + self.fc2(h)
