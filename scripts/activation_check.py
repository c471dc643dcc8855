#!/usr/bin/env python3
"""Measure what torch autograd really saves for backward, to check the activation estimates.

Runs on the CPU with plain torch (Debian's python3-torch works:
`/usr/bin/python3 scripts/activation_check.py`). For each fixture model it runs one
training-mode forward under torch.autograd.graph.saved_tensors_hooks and sums the bytes of
every distinct storage autograd keeps, parameters excluded, attributed to the top-level child
module that was running. It also records, per top-level child, the parameters, buffers,
forward MACs (Conv/Linear: output elements x input features per output) and output elements.

Output: JSON on stdout, one entry per fixture and batch size. The unit tests
(test/unit/estimate-activations.test.ts) hold these figures with the torch version they came from.
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def storage_key(t):
    s = t.storage()
    return s.data_ptr(), s.nbytes()


def measure(model, make_input, batch):
    """Saved bytes per top-level child, plus per-child structure, for one forward at `batch`."""
    model.train()
    params = {p.data_ptr() for p in model.parameters()}
    current = ["<root>"]
    seen = {}
    per_child = {}

    def pack(t):
        ptr, nbytes = storage_key(t)
        if ptr in params or ptr == 0:
            return t
        if ptr not in seen:
            seen[ptr] = nbytes
            entry = per_child.setdefault(current[0], {"float": 0, "other": 0})
            entry["float" if t.is_floating_point() else "other"] += nbytes
        return t

    macs = {}
    outputs = {}
    handles = []

    def pre(name):
        def hook(_m, _inp):
            current[0] = name
        return hook

    def post(name):
        def hook(_m, _inp, out):
            first = out[0] if isinstance(out, (tuple, list)) else out
            outputs[name] = first.numel()
        return hook

    def count_macs(name):
        def hook(m, _inp, out):
            if isinstance(m, nn.Conv2d):
                k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
                macs[name] = macs.get(name, 0) + out.numel() * k
            elif isinstance(m, nn.Linear):
                macs[name] = macs.get(name, 0) + out.numel() * m.in_features
        return hook

    for name, child in model.named_children():
        handles.append(child.register_forward_pre_hook(pre(name)))
        handles.append(child.register_forward_hook(post(name)))
        for sub in child.modules():
            if isinstance(sub, (nn.Conv2d, nn.Linear)):
                handles.append(sub.register_forward_hook(count_macs(name)))

    x = make_input(batch)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(*x) if isinstance(x, tuple) else model(x)
    for h in handles:
        h.remove()
    del out
    children = []
    for name, child in model.named_children():
        children.append({
            "name": name,
            "params": sum(p.numel() for p in child.parameters()),
            "buffers": sum(b.numel() for b in child.buffers()),
            "macs": macs.get(name, 0),
            "savedFloatBytes": per_child.get(name, {}).get("float", 0),
            "savedOtherBytes": per_child.get(name, {}).get("other", 0),
            "outputElements": outputs.get(name, 0),
        })
    return {
        "batch": batch,
        "params": sum(p.numel() for p in model.parameters()),
        "savedBytes": sum(seen.values()),
        "children": children,
    }


# --- transformer blocks written the way the common implementations write them -------------

class BertLayer(nn.Module):
    """Post-norm BERT layer (transformers' BertLayer): GeLU MLP, dropout 0.1, eager attention."""

    def __init__(self, h, heads, f, p=0.1):
        super().__init__()
        self.h, self.heads = h, heads
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.attn_drop = nn.Dropout(p)
        self.out = nn.Linear(h, h)
        self.out_drop = nn.Dropout(p)
        self.norm1 = nn.LayerNorm(h)
        self.fc1, self.act, self.fc2 = nn.Linear(h, f), nn.GELU(), nn.Linear(f, h)
        self.mlp_drop = nn.Dropout(p)
        self.norm2 = nn.LayerNorm(h)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, -1).permute(0, 2, 1, 3)

    def forward(self, x):
        b, s, h = x.shape
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads)
        probs = self.attn_drop(scores.softmax(-1))
        ctx = (probs @ v).permute(0, 2, 1, 3).contiguous().view(b, s, h)
        x = self.norm1(x + self.out_drop(self.out(ctx)))
        return self.norm2(x + self.mlp_drop(self.fc2(self.act(self.fc1(x)))))


class RMSNorm(nn.Module):
    """Written as transformers' LlamaRMSNorm."""

    def __init__(self, h, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(h))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        var = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(var + self.eps)
        return self.weight * x.to(dtype)


class LlamaLayer(nn.Module):
    """Pre-norm Llama decoder layer: RMSNorm, grouped-query eager attention with repeat_kv, SwiGLU, no dropout."""

    def __init__(self, h, heads, kv_heads, f):
        super().__init__()
        self.heads, self.kv, self.d = heads, kv_heads, h // heads
        self.input_layernorm = RMSNorm(h)
        self.q_proj = nn.Linear(h, heads * self.d, bias=False)
        self.k_proj = nn.Linear(h, kv_heads * self.d, bias=False)
        self.v_proj = nn.Linear(h, kv_heads * self.d, bias=False)
        self.o_proj = nn.Linear(heads * self.d, h, bias=False)
        self.post_attention_layernorm = RMSNorm(h)
        self.gate_proj = nn.Linear(h, f, bias=False)
        self.up_proj = nn.Linear(h, f, bias=False)
        self.down_proj = nn.Linear(f, h, bias=False)

    def forward(self, x):
        b, s, h = x.shape
        y = self.input_layernorm(x)
        q = self.q_proj(y).view(b, s, self.heads, self.d).transpose(1, 2)
        k = self.k_proj(y).view(b, s, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(y).view(b, s, self.kv, self.d).transpose(1, 2)
        rep = self.heads // self.kv
        k = k[:, :, None].expand(b, self.kv, rep, s, self.d).reshape(b, self.heads, s, self.d)
        v = v[:, :, None].expand(b, self.kv, rep, s, self.d).reshape(b, self.heads, s, self.d)
        mask = torch.full((s, s), float("-inf")).triu(1)
        scores = q @ k.transpose(2, 3) / math.sqrt(self.d) + mask
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        ctx = (probs @ v).transpose(1, 2).reshape(b, s, -1)
        x = x + self.o_proj(ctx)
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class Stack(nn.Module):
    """A stack of blocks as the top-level children, so each block is measured apart."""

    def __init__(self, blocks):
        super().__init__()
        for i, b in enumerate(blocks):
            self.add_module(str(i), b)

    def forward(self, x):
        for b in self.children():
            x = b(x)
        return x


def fixtures():
    torch.manual_seed(0)
    out = []
    try:
        import torchvision
        for name in ("resnet18", "resnet50"):
            model = getattr(torchvision.models, name)(weights=None)
            out.append((name, model, lambda b: torch.randn(b, 3, 224, 224), [1, 2]))
    except ImportError:
        print("torchvision not found: ResNet fixtures skipped", file=sys.stderr)
    h, seq = 256, 128
    bert = Stack([BertLayer(h, 4, 4 * h) for _ in range(2)])
    out.append(("bert-block-h256-a4-s128", bert, lambda b: torch.randn(b, seq, h, requires_grad=True), [1, 2, 4]))
    llama = Stack([LlamaLayer(h, 8, 2, 688) for _ in range(2)])
    out.append(("llama-block-h256-a8-kv2-f688-s128", llama, lambda b: torch.randn(b, seq, h, requires_grad=True), [1, 2, 4]))
    return out


def main():
    results = {"torch": torch.__version__, "fixtures": []}
    for name, model, make_input, batches in fixtures():
        for b in batches:
            r = measure(model, make_input, b)
            r["name"] = name
            results["fixtures"].append(r)
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
