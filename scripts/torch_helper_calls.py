#!/usr/bin/python3
"""Ground truth for helper modules (a Block used by a GPT, a BasicBlock used by a ResNet),
measured with real torch, for test/unit/torch-helper-modules.test.ts.

The engine profiles a class that another model of the file uses as a submodule at the
first call the parent model's forward makes to one of its instances. This script does the
same with torch: it builds the parent, runs one training-mode forward at the parent's input
(the one the engine traces it with), and catches the first call of each helper class:
which submodule it was (named_modules() path), the source line that called it, and its
arguments. Then it runs that submodule alone on clones of those arguments and records, as
scripts/torch_ground_truth.py does for whole models, its parameters, every module's type,
own parameters and first-call output shapes (forward hooks), and the MACs of its matmuls
and convolutions (scripts/torch_measure.py).

Run with Debian's torch 1.13: /usr/bin/python3 scripts/torch_helper_calls.py
Writes test/fixtures/pytorch/expected_helpers.json.
"""
import inspect
import json
import os
import sys
import types

import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from torch_ground_truth import BROKEN, In, sdpa_available  # noqa: E402
from torch_measure import MacCounter, ModuleTracker, OutputRecorder, count_params, cuda_like_dropout, own_counts  # noqa: E402

ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'pytorch')
OUT = os.path.join(FIXTURES, 'expected_helpers.json')


class Parent:
    """A model of the file as the engine traces it: its name in the report, how it is built,
    its input. Class entries that need arguments are built from the first instantiation
    the engine saw (`construct` says which)."""

    def __init__(self, name, inputs, batch, construct=None):
        self.name = name
        self.inputs = inputs
        self.batch = batch
        self.construct = construct or f'{name}()'


# file (relative to the repository) -> [(parent, helper classes it calls first)]
CASES = {
    'examples/gpt_mini.py': [
        # `# profile: batch=16 seq=256` on GPTMini: token ids [16, 256].
        (Parent('GPTMini', [In(256, ints=8192)], 16), ['CausalSelfAttention', 'MLP', 'Block']),
    ],
    'test/fixtures/pytorch/seq2seq_gru.py': [
        # The example call: src [20, 32], trg [18, 32] (sequence first).
        (Parent('Seq2Seq', [In(20, ints=8000, batch_dim=1), In(18, ints=6000, batch_dim=1)], 32), ['Encoder', 'Decoder']),
    ],
    'test/fixtures/pytorch/resnet.py': [
        # ResNet needs (block, layers): built as resnet18 builds it, the first instantiation;
        # inferred input 3×224×224 at the default batch 8.
        (Parent('ResNet', [In(3, 224, 224)], 8, 'ResNet(BasicBlock, [2, 2, 2, 2])'), ['BasicBlock']),
        (Parent('resnet50', [In(3, 224, 224)], 1, 'resnet50()'), ['Bottleneck']),
    ],
    'test/fixtures/pytorch/unet.py': [
        (Parent('UNet', [In(3, 128, 128)], 2), ['DoubleConv', 'Down', 'Up']),
    ],
    'test/fixtures/pytorch/densenet.py': [
        (Parent('DenseNet', [In(3, 32, 32)], 8), ['DenseLayer', 'DenseBlock', 'Transition']),
    ],
    'test/fixtures/pytorch/mobilenet_v2.py': [
        (Parent('MobileNetV2', [In(3, 224, 224)], 1), ['ConvBNReLU', 'InvertedResidual']),
    ],
    'test/fixtures/pytorch/llama.py': [
        # Transformer needs its ModelArgs: the first instantiation is `tiny`'s; inferred
        # token ids [8, 256] (its max_seq_len).
        (Parent('Transformer', [In(256, ints=1000)], 8, 'Transformer(tiny.params)'), ['RMSNorm', 'Attention', 'FeedForward', 'TransformerBlock']),
    ],
    'test/fixtures/pytorch/transformer_seq2seq.py': [
        (Parent('TranslationModel', [In(24, ints=10000, batch_dim=1), In(20, ints=10000, batch_dim=1)], 8), ['PositionalEncoding']),
    ],
    'test/fixtures/pytorch/sequence_first.py': [
        # No comment, no example: token ids inferred at 512 steps, read sequence first.
        (Parent('EncoderLM', [In(512, ints=2000, batch_dim=1)], 8), ['PositionalEncoding']),
    ],
    'test/fixtures/pytorch/siamese.py': [
        (Parent('SiameseNet', [In(1, 28, 28), In(1, 28, 28)], 32), ['Encoder']),
    ],
    'test/fixtures/pytorch/clones.py': [
        (Parent('ClonedStack', [In(16, 96)], 4), ['ResidualMLP']),
    ],
    'test/fixtures/pytorch/param_buffer.py': [
        (Parent('MixtureEncoder', [In(50, 64)], 8), ['PositionalEncoding', 'ScaledCosineHead']),
    ],
    'test/fixtures/pytorch/frozen_backbone.py': [
        (Parent('FineTuner', [In(3, 96, 96)], 16), ['Backbone']),
    ],
}


def load(rel):
    path = os.path.join(ROOT, rel)
    source = BROKEN.sub('', open(path).read())
    module = types.ModuleType(os.path.basename(rel)[:-3])
    module.__file__ = path
    sys.modules[module.__name__] = module
    torch.manual_seed(0)
    exec(compile(source, path, 'exec'), module.__dict__)
    return module, path


def clone(v):
    if isinstance(v, torch.Tensor):
        return v.detach().clone().requires_grad_(v.requires_grad)
    if isinstance(v, (list, tuple)):
        return type(v)(clone(x) for x in v)
    if isinstance(v, dict):
        return {k: clone(x) for k, x in v.items()}
    return v


def tensor_shapes(v, out):
    """Tensors of an argument, depth-first, as the engine lists a call's inputs."""
    if isinstance(v, torch.Tensor):
        out.append(list(v.shape))
    elif isinstance(v, (list, tuple)):
        for x in v:
            tensor_shapes(x, out)
    elif isinstance(v, dict):
        for x in v.values():
            tensor_shapes(x, out)
    return out


def first_calls(parent_model, helpers, path):
    """Wraps every instance of the helper classes; records the first call of each class."""
    calls = {}
    names = {id(m): p for p, m in parent_model.named_modules()}
    originals = []
    for mod in parent_model.modules():
        cls = type(mod).__name__
        if cls not in helpers or mod is parent_model:
            continue
        forward = mod.forward

        def wrapper(*args, _mod=mod, _forward=forward, _cls=cls, **kwargs):
            if _cls not in calls:
                line = next(f.lineno for f in inspect.stack()[1:] if f.filename == path)
                calls[_cls] = {'module': _mod, 'path': names[id(_mod)], 'line': line,
                               'args': clone(list(args)), 'kwargs': clone(kwargs)}
            return _forward(*args, **kwargs)

        mod.forward = wrapper
        originals.append(mod)
    return calls, originals


def measure(sub, args, kwargs):
    torch.manual_seed(0)
    sub.train()
    tracker = ModuleTracker(sub)
    outputs = OutputRecorder(sub)
    counter = MacCounter(tracker)
    with cuda_like_dropout(), counter:
        sub(*args, **kwargs)
    tracker.remove()
    outputs.remove()
    own = own_counts(sub)
    layers = {}
    for p, mod in sub.named_modules():
        entry = {'type': type(mod).__name__, 'params': own[p]['params'], 'buffers': own[p]['buffers']}
        rec = outputs.records.get(p)
        if rec:
            entry['calls'] = rec['calls']
            entry['outputShapes'] = rec['outputShapes']
        layers[p] = entry
    return {'params': count_params(sub), 'macs': counter.total, 'layers': layers}


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    results = []
    for rel, cases in CASES.items():
        with sdpa_available():
            module, path = load(rel)
            for parent, helpers in cases:
                torch.manual_seed(0)
                model = eval(parent.construct, module.__dict__)
                model.train()
                calls, wrapped = first_calls(model, set(helpers), path)
                with cuda_like_dropout():
                    model(*[i.make(parent.batch) for i in parent.inputs])
                for mod in wrapped:
                    del mod.forward  # back to the class's forward
                for helper in helpers:
                    call = calls[helper]
                    shapes = tensor_shapes(call['args'], [])
                    tensor_shapes(call['kwargs'], shapes)
                    result = measure(call['module'], clone(call['args']), clone(call['kwargs']))
                    results.append({
                        'file': rel,
                        'helper': helper,
                        'parent': parent.name,
                        'path': call['path'],
                        'line': call['line'],
                        'inputShapes': shapes,
                        **result,
                    })
                    print(f"{rel}: {helper} as called by {parent.name}.{call['path']} (line {call['line']}): "
                          f"{shapes}, {result['params']['total']:,} params, {result['macs']:,} MACs")
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'helpers': results}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
