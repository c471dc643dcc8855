#!/usr/bin/python3
"""Checks the catalog's Transformer prelude (src/core/frameworks/pytorch/catalog/prelude.ts)
against torch's own classes: same submodule names and types in the same order, same
parameter names and shapes, and the same forward output once torch's weights are loaded.

Run: /usr/bin/python3 scripts/check_torch_prelude.py   (exits 1 on any difference)

torch 1.13's LayerNorm has no `bias` argument (added in 2.1); the check gives the
prelude a LayerNorm that accepts bias=True, and compares only bias=True configurations.
"""

import copy
import os
import re
import sys
import types

import torch
from torch import nn
from torch.nn import functional as F

# Importing fixtures or helpers must not leave __pycache__ folders in the repository.
sys.dont_write_bytecode = True

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRELUDE_TS = os.path.join(ROOT, 'src', 'core', 'frameworks', 'pytorch', 'catalog', 'prelude.ts')


def load_prelude():
    text = open(PRELUDE_TS).read()
    source = re.search(r'export const TORCH_PRELUDE = `(.*?)`;', text, re.S).group(1)
    # The imports are provided below, with a LayerNorm that takes torch 2.x's bias argument.
    body = '\n'.join(line for line in source.splitlines() if not line.startswith(('import ', 'from ')))

    class LayerNorm(nn.LayerNorm):
        def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
            assert bias, 'torch 1.13 cannot check bias=False'
            super().__init__(normalized_shape, eps=eps, elementwise_affine=elementwise_affine)

    shim = types.SimpleNamespace(**{name: getattr(nn, name) for name in dir(nn) if not name.startswith('__')})
    shim.LayerNorm = LayerNorm
    namespace = {'copy': copy, 'torch': torch, 'nn': shim, 'F': F}
    exec(compile(body, PRELUDE_TS, 'exec'), namespace)
    return namespace


def structure(model):
    modules = [(name, type(m).__name__.replace('LayerNorm', 'LayerNorm')) for name, m in model.named_modules()]
    params = [(name, list(p.shape)) for name, p in model.named_parameters()]
    return modules, params


def compare(label, ours, theirs, inputs):
    failures = []
    m_ours, p_ours = structure(ours)
    m_theirs, p_theirs = structure(theirs)
    if m_ours != m_theirs:
        failures.append(f'{label}: modules differ\n  ours   {m_ours}\n  torch  {m_theirs}')
    if p_ours != p_theirs:
        failures.append(f'{label}: parameters differ\n  ours   {p_ours}\n  torch  {p_theirs}')
    if not failures:
        ours.load_state_dict(theirs.state_dict())
        # Training mode with dropout 0: torch takes its ordinary (non-fused) path.
        ours.train()
        theirs.train()
        with torch.no_grad():
            a, b = ours(*inputs), theirs(*inputs)
        if not torch.allclose(a, b, atol=1e-5):
            failures.append(f'{label}: outputs differ by {float((a - b).abs().max())}')
    return failures


def main():
    ns = load_prelude()
    torch.manual_seed(0)
    d, h, ff = 32, 4, 64
    src = torch.randn(7, 2, d)
    tgt = torch.randn(5, 2, d)
    src_bf = src.transpose(0, 1).contiguous()
    cases = []

    def pair(name, *args, **kwargs):
        torch.manual_seed(1)
        theirs = getattr(nn, name)(*args, **kwargs)
        torch.manual_seed(1)
        ours = ns[name](*args, **kwargs)
        return ours, theirs

    for kwargs in ({}, {'norm_first': True, 'activation': 'gelu'}, {'batch_first': True}):
        x = src_bf if kwargs.get('batch_first') else src
        cases.append((f'TransformerEncoderLayer {kwargs}', *pair('TransformerEncoderLayer', d, h, ff, 0.0, **kwargs), (x,)))
        y = tgt.transpose(0, 1).contiguous() if kwargs.get('batch_first') else tgt
        cases.append((f'TransformerDecoderLayer {kwargs}', *pair('TransformerDecoderLayer', d, h, ff, 0.0, **kwargs), (y, x)))

    torch.manual_seed(2)
    layer_t = nn.TransformerEncoderLayer(d, h, ff, 0.0)
    layer_o = ns['TransformerEncoderLayer'](d, h, ff, 0.0)
    enc_t = nn.TransformerEncoder(layer_t, 3, norm=nn.LayerNorm(d), enable_nested_tensor=False)
    enc_o = ns['TransformerEncoder'](layer_o, 3, norm=nn.LayerNorm(d))
    cases.append(('TransformerEncoder(3 layers, final norm)', enc_o, enc_t, (src,)))

    dec_t = nn.TransformerDecoder(nn.TransformerDecoderLayer(d, h, ff, 0.0), 2)
    dec_o = ns['TransformerDecoder'](ns['TransformerDecoderLayer'](d, h, ff, 0.0), 2)
    cases.append(('TransformerDecoder(2 layers, no norm)', dec_o, dec_t, (tgt, src)))

    ours, theirs = pair('Transformer', d_model=d, nhead=h, num_encoder_layers=2, num_decoder_layers=3, dim_feedforward=ff, dropout=0.0)
    cases.append(('Transformer(2 encoder, 3 decoder layers)', ours, theirs, (src, tgt)))

    failures = []
    for label, o, t, inputs in cases:
        failures.extend(compare(label, o, t, inputs))
        print(('FAIL ' if failures and failures[-1].startswith(label) else 'ok   ') + label)
    mask = ns['Transformer'].generate_square_subsequent_mask(4)
    if not torch.equal(mask, nn.Transformer.generate_square_subsequent_mask(4)):
        failures.append('generate_square_subsequent_mask differs')
    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
