#!/usr/bin/env python3
"""Measure what torch autograd saves for one block of each kind the per-block activation formula
extends beyond Korthikanti et al.'s layer: a mixture-of-experts block whose forward runs every
expert (test/fixtures/pytorch/moe.py) and nn.TransformerDecoderLayer with its cross-attention
(test/fixtures/pytorch/transformer_decoder.py).

Runs on the CPU with plain torch (`/usr/bin/python3 scripts/block_saved_check.py`): one
training-mode forward under torch.autograd.graph.saved_tensors_hooks, summing the bytes of every
distinct storage autograd keeps, parameters and the encoder output excluded, and counting the
module dropout masks apart (torch keeps them as float on the CPU, as bool on CUDA). Prints JSON; the
unit test test/unit/estimate-activations-blocks.test.ts holds the figures.
"""
import importlib.util
import json
import os

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "pytorch")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def saved_bytes(block, inputs, kwargs=None, shared=()):
    """Bytes of distinct storages saved for backward (parameters and `shared` inputs left out), and mask elements."""
    block.train()
    skip = {p.storage().data_ptr() for p in block.parameters()}
    skip |= {t.storage().data_ptr() for t in shared}
    seen = {}
    masks = [0]

    def pack(t):
        ptr = t.storage().data_ptr()
        if ptr and ptr not in skip and ptr not in seen:
            seen[ptr] = t.storage().nbytes()
        return t

    def count_masks(module, _inp, _out):
        if module.training and module.p > 0:
            masks[0] += _out.numel()

    hooks = [m.register_forward_hook(count_masks) for m in block.modules() if isinstance(m, torch.nn.Dropout)]
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        block(*inputs, **(kwargs or {}))
    for h in hooks:
        h.remove()
    return sum(seen.values()), masks[0]


def main():
    torch.manual_seed(0)
    out = {"torch": torch.__version__}
    moe = load("moe")
    c = moe.MOE_CONFIG
    block = moe.MoEBlock(c["d_model"], c["n_heads"], c["d_ff"], c["n_experts"], c["top_k"])
    batch, seq = 4, 64
    x = torch.randn(batch, seq, c["d_model"], requires_grad=True)
    mask = torch.triu(torch.ones(seq, seq, dtype=torch.bool), diagonal=1)
    total, masks = saved_bytes(block, [x, mask])
    out["moe_block"] = {"batch": batch, "seq": seq, "saved_bytes": total, "mask_elements": masks}

    d_model, nhead, ff = 128, 4, 256
    layer = torch.nn.TransformerDecoderLayer(d_model, nhead, ff, dropout=0.1, activation="gelu", batch_first=True, norm_first=True)
    batch, seq = 4, 16
    x = torch.randn(batch, seq, d_model, requires_grad=True)
    memory = torch.randn(batch, seq, d_model, requires_grad=True)
    causal = torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1)
    # The encoder output is one tensor every decoder layer reads: the estimate counts it with the encoder.
    total, masks = saved_bytes(layer, [x, memory], {"tgt_mask": causal}, shared=[memory])
    out["decoder_layer"] = {"batch": batch, "seq": seq, "saved_bytes": total, "mask_elements": masks}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
