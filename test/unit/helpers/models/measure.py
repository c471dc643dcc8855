"""Ground truth for the runtime tests: torch's own numbers for the models in this folder.

Run with Debian's torch 1.13: /usr/bin/python3 measure.py FILE 'EXPR' 'INPUT' ...
Prints parameters (torch: sum(p.numel() for p in m.parameters()), shared tensors once),
buffers, forward MACs (matrix products and convolutions, scripts/torch_measure.py),
the output shape and the bytes autograd saves for backward in training mode.
A stub stands in for `lightning` (LightningModule is an nn.Module).
"""
import importlib.util
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', '..', 'scripts'))

import torch  # noqa: E402
from torch_measure import MacCounter, SavedRecorder, count_params, cuda_like_dropout  # noqa: E402

lightning = types.ModuleType('lightning')
lightning.LightningModule = type('LightningModule', (torch.nn.Module,), {'save_hyperparameters': lambda self: None})
sys.modules['lightning'] = lightning

spec = importlib.util.spec_from_file_location('m', sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
args = sys.argv[2:]
for expr, inp in zip(args[0::2], args[1::2]):
    torch.manual_seed(0)
    model = eval(expr, vars(m))
    model.train()
    x = eval(inp, {'torch': torch})
    xs = x if isinstance(x, tuple) else (x,)
    mc = MacCounter()
    rec = SavedRecorder(model)
    with cuda_like_dropout(), rec.recording(), mc:
        y = model(*xs)
    out = y[0] if isinstance(y, tuple) else y
    print(json.dumps({'model': expr, 'input': inp, **count_params(model), 'macs': mc.total,
                      'output': list(out.shape), 'savedBytes': rec.total_bytes}))
