#!/usr/bin/python3
"""Ground truth for the PyTorch fixture corpus (test/fixtures/pytorch), measured with real torch.

For every model in every fixture file this builds the model, runs one training-mode
forward at the input the fixture states (its `# profile:` comment, or the example
tensors it passes to the model) and writes test/fixtures/pytorch/expected/<file>.json:
- params: total / trainable / nonTrainable / buffers, as torch counts them
  (parameters() and buffers() count shared tensors once);
- layers: every named_modules() path with its type, own parameters and buffers, and,
  for modules that ran, the output shapes of the first call and the number of calls;
- macs: multiply-accumulates of every matmul/convolution aten op, from real operand
  shapes (scripts/torch_measure.py), with a per-op and per-module breakdown;
- savedBytes: bytes autograd keeps for backward (saved_tensors_hooks, deduplicated by
  storage, weights excluded, fp32) at the stated batch and at twice that batch.

Run with Debian's torch 1.13 (installed for /usr/bin/python3, not for the pyenv python3):
    /usr/bin/python3 scripts/torch_ground_truth.py              # every fixture
    /usr/bin/python3 scripts/torch_ground_truth.py resnet.py    # some fixtures
It also checks the fixtures that reproduce published numbers (torchvision, GPT-2, BERT,
Llama) and exits 1 if any differs.

Notes on torch 1.13:
- 7B/8B-sized configs are built on the meta device (a TorchFunctionMode sends factory
  calls there), so they cost no memory; their MACs and shapes are measured the same way,
  their saved bytes are not (meta tensors have no storage).
- F.scaled_dot_product_attention arrived in torch 2.0; fixtures that call it run with an
  eager reference implementation (softmax(QKᵀ/√d)V), which has the same MACs. Their saved
  bytes are those of eager attention, and the JSON says so.
- Dropout runs as CUDA's fused kernel would (bool mask); see torch_measure.cuda_like_dropout.
- pytorch_lightning is not installed: scripts/stubs provides a LightningModule.
"""

import importlib
import json
import math
import os
import re
import sys
import types
from contextlib import contextmanager

import torch
import torch.nn.functional as F

# Importing fixtures or helpers must not leave __pycache__ folders in the repository.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, 'stubs'))
from torch_measure import (  # noqa: E402
    MacCounter, MetaFactories, ModuleTracker, OutputRecorder, SavedRecorder, count_params,
    cuda_like_dropout, own_counts,
)

ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'pytorch')
EXPECTED = os.path.join(FIXTURES, 'expected')
sys.path.insert(0, FIXTURES)


class In:
    """One model input: shape without the batch dim, where the batch dim goes, dtype."""

    def __init__(self, *shape, ints=None, batch_dim=0):
        self.shape = list(shape)
        self.ints = ints  # exclusive upper bound of token ids; None for float inputs
        self.batch_dim = batch_dim

    def full(self, batch):
        s = list(self.shape)
        s.insert(self.batch_dim, batch)
        return s

    def make(self, batch, device='cpu'):
        shape = self.full(batch)
        if self.ints is not None:
            if device == 'meta':
                return torch.zeros(shape, dtype=torch.long, device='meta')
            return torch.randint(0, self.ints, shape)
        return torch.randn(shape, device=device)


class Model:
    def __init__(self, name, kind, inputs, batch=None, construct=None, meta=False, published=None):
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.batch = batch  # None: taken from the `# profile:` comment
        self.construct = construct or (name if kind in ('instance', 'sequential') else f'{name}()')
        self.meta = meta
        # (params, GMACs or None, source) this fixture must reproduce.
        self.published = published


TV = "torchvision's model table"
MANIFEST = {
    'mlp_mnist.py': [Model('MLP', 'class', [In(1, 28, 28)])],
    'cnn_cifar.py': [
        Model('SmallCNN', 'class', [In(3, 32, 32)]),
        Model('model', 'instance', [In(3, 32, 32)]),
    ],
    'resnet.py': [
        Model('resnet18', 'builder', [In(3, 224, 224)], published=(11_689_512, 1.814, TV)),
        Model('resnet34', 'builder', [In(3, 224, 224)], published=(21_797_672, 3.664, TV)),
        Model('resnet50', 'builder', [In(3, 224, 224)], published=(25_557_032, 4.089, TV)),
        Model('resnext50_32x4d', 'builder', [In(3, 224, 224)], published=(25_028_904, 4.230, TV)),
    ],
    'vgg.py': [
        Model('vgg16', 'builder', [In(3, 224, 224)], published=(138_357_544, 15.47, TV)),
        Model('vgg11_bn', 'builder', [In(3, 32, 32)]),
    ],
    'mobilenet_v2.py': [
        Model('MobileNetV2', 'class', [In(3, 224, 224)], published=(3_504_872, 0.301, TV)),
        Model('small', 'instance', [In(3, 96, 96)]),
    ],
    'vit.py': [
        Model('vit_b_16', 'builder', [In(3, 224, 224)], published=(86_567_656, 17.564, TV)),
        Model('vit_tiny_cifar', 'builder', [In(3, 32, 32)]),
    ],
    'unet.py': [
        Model('UNet', 'class', [In(3, 128, 128)]),
        Model('small_bilinear', 'instance', [In(1, 100, 100)]),
    ],
    'dcgan.py': [
        Model('Generator', 'class', [In(100, 1, 1)]),
        Model('Discriminator', 'class', [In(3, 64, 64)]),
    ],
    'lstm_classifier.py': [
        Model('model', 'instance', [In(64, ints=20000)], batch=16),
        Model('GRUTagger', 'class', [In(40, ints=5000)]),
    ],
    'seq2seq_gru.py': [
        Model('model', 'instance', [In(20, ints=8000, batch_dim=1), In(18, ints=6000, batch_dim=1)], batch=32),
    ],
    'gpt.py': [
        Model('gpt2_small', 'instance', [In(256, ints=50257)],
              published=(124_439_808, None, 'GPT-2 small (Radford et al. 2019), HF gpt2 num_parameters()')),
        Model('gpt_mini', 'instance', [In(128, ints=1000)]),
    ],
    'llama.py': [
        Model('llama2_7b', 'builder', [In(128, ints=32000)], meta=True,
              published=(6_738_415_616, None, 'Llama-2-7B (Touvron et al. 2023), HF meta-llama/Llama-2-7b-hf')),
        Model('llama3_8b', 'builder', [In(128, ints=128256)], meta=True,
              published=(8_030_261_248, None, 'Llama-3-8B, HF meta-llama/Meta-Llama-3-8B')),
        Model('tiny', 'instance', [In(64, ints=1000)]),
    ],
    'moe.py': [Model('model', 'instance', [In(64, ints=4096)])],
    'vision_pkg/model.py': [
        Model('TinyNet', 'class', [In(3, 64, 64)]),
        Model('build_model', 'builder', [In(3, 32, 32)]),
    ],
    'sequential_styles.py': [
        Model('classifier', 'sequential', [In(784)]),
        Model('named', 'sequential', [In(1, 28, 28)]),
        Model('nested', 'sequential', [In(3, 32, 32)]),
        Model('built', 'sequential', [In(64)]),
        Model('MLPStack', 'class', [In(20)]),
    ],
    'notebook_style.py': [Model('net', 'sequential', [In(1, 28, 28)], batch=32)],
    'lightning_module.py': [Model('LitClassifier', 'class', [In(3, 32, 32)])],
    'partial_moduledict.py': [Model('MultiTaskNet', 'class', [In(3, 64, 64)])],
    'param_buffer.py': [Model('MixtureEncoder', 'class', [In(50, 64)])],
    'frozen_backbone.py': [
        Model('FineTuner', 'class', [In(3, 96, 96)]),
        Model('LinearProbe', 'class', [In(3, 96, 96)]),
    ],
    'clones.py': [
        Model('ClonedStack', 'class', [In(16, 96)]),
        Model('SharedRefiner', 'class', [In(16, 96)]),
    ],
    'broken.py': [
        Model('Encoder', 'class', [In(3, 32, 32)]),
        Model('Head', 'class', [In(32)]),
        Model('classifier', 'sequential', [In(32)]),
    ],
    'sequence_first.py': [
        Model('WordLSTM', 'class', [In(35, ints=3000, batch_dim=1)]),
        Model('scorer', 'instance', [In(40, ints=5000, batch_dim=1)]),
        Model('GRUScorer', 'class', [In(40, ints=5000, batch_dim=1)], batch=8),
        # No comment and no example: the engine infers token ids at the default 512 steps.
        Model('EncoderLM', 'class', [In(512, ints=2000, batch_dim=1)], batch=8),
    ],
    'transformer_seq2seq.py': [
        Model('model', 'instance', [In(24, ints=10000, batch_dim=1), In(20, ints=10000, batch_dim=1)], batch=8),
    ],
    'audio_conv1d.py': [Model('M5', 'class', [In(1, 8000)])],
    'autoencoder.py': [Model('ConvAutoencoder', 'class', [In(1, 64, 64)])],
    'densenet.py': [Model('DenseNet', 'class', [In(3, 32, 32)])],
    'bert.py': [
        Model('bert_base', 'instance', [In(128, ints=30522)],
              published=(109_482_240, None, 'BERT-base (Devlin et al. 2019), HF bert-base-uncased')),
        Model('bert_small', 'instance', [In(64, ints=30522)]),
    ],
    'inheritance.py': [
        Model('WideNet', 'class', [In(3, 32, 32)]),
        Model('GrayNet', 'class', [In(1, 28, 28)]),
        Model('mnist_net', 'instance', [In(1, 28, 28)]),
    ],
    'namedtuple_tcn.py': [
        Model('model', 'instance', [In(8, 200)]),
        Model('default_tcn', 'instance', [In(8, 100)]),
    ],
    'lazy_layers.py': [Model('LazyNet', 'class', [In(3, 40, 40)])],
    'siamese.py': [Model('model', 'instance', [In(1, 28, 28), In(1, 28, 28)], batch=32)],
    'lstm_cell_loop.py': [
        Model('CellUnroll', 'class', [In(30, 16)]),
        Model('StackedRNNCells', 'class', [In(12, 10)]),
    ],
    'vae.py': [Model('VAE', 'class', [In(1, 28, 28)])],
    'transformer_decoder.py': [
        Model('EncoderDecoderLM', 'class', [In(16, ints=1000)]),
        Model('block', 'instance', [In(10, 96), In(7, 64), In(7, 48)], batch=2),
    ],
    'evaluator_constructs.py': [Model('ConstructNet', 'class', [In(3, 48, 48)])],
    'forward_ops.py': [Model('MixedOps', 'class', [In(12, 32)])],
}

BROKEN = re.compile(r'^# fixture: broken-begin$.*?^# fixture: broken-end$\n', re.S | re.M)
PROFILE = re.compile(r'#\s*profile:\s*(.*)$')


def sdpa_reference(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """Eager scaled dot-product attention, for torch versions before 2.0."""
    L, S = query.size(-2), key.size(-2)
    scale = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    scores = query @ key.transpose(-2, -1) * scale
    if is_causal:
        keep = torch.ones(L, S, dtype=torch.bool, device=query.device).tril()
        scores = scores.masked_fill(~keep, float('-inf'))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float('-inf')) if attn_mask.dtype == torch.bool else scores + attn_mask
    probs = torch.softmax(scores, dim=-1)
    if dropout_p > 0.0:
        probs = F.dropout(probs, dropout_p)
    return probs @ value


@contextmanager
def sdpa_available():
    """Provides F.scaled_dot_product_attention when torch lacks it; yields whether it did."""
    if hasattr(F, 'scaled_dot_product_attention'):
        yield False
        return
    F.scaled_dot_product_attention = sdpa_reference
    try:
        yield True
    finally:
        del F.scaled_dot_product_attention


def load_fixture(rel):
    """The fixture as a module. Package files are imported as packages (relative imports);
    broken files lose the lines between their fixture markers first."""
    if '/' in rel:
        return importlib.import_module(rel[:-3].replace('/', '.'))
    path = os.path.join(FIXTURES, rel)
    source = BROKEN.sub('', open(path).read())
    module = types.ModuleType(rel[:-3])
    module.__file__ = path
    sys.modules[module.__name__] = module
    torch.manual_seed(0)
    exec(compile(source, path, 'exec'), module.__dict__)
    return module


def definition_line(lines, m):
    """1-based line where the model's name is defined."""
    if m.kind == 'class':
        pattern = re.compile(rf'^class {re.escape(m.name)}\b')
    elif m.kind == 'builder':
        pattern = re.compile(rf'^def {re.escape(m.name)}\(')
    else:
        pattern = re.compile(rf'^{re.escape(m.name)}\s*=')
    for i, line in enumerate(lines):
        if pattern.match(line):
            return i + 1
    raise SystemExit(f'{m.name}: definition not found')


def profile_comment(lines, line_no):
    """The `# profile:` settings of the statement starting at line_no (its first or a later
    line, for statements that span several lines)."""
    depth = 0
    for line in lines[line_no - 1:]:
        match = PROFILE.search(line)
        if match:
            settings = {}
            for key, value in re.findall(r'(\w+)=(\([^)]*\)|\S+)', match.group(1)):
                settings[key] = value
            return settings
        code = line.split('#', 1)[0]
        depth += code.count('(') + code.count('[') + code.count('{') - code.count(')') - code.count(']') - code.count('}')
        if depth <= 0 and not code.rstrip().endswith((':', ',', '\\')):
            return None
    return None


def parse_shape(text):
    return [int(x) for x in text.strip('()').split(',') if x.strip()]


def has_uninitialized(model):
    from torch.nn.modules.lazy import LazyModuleMixin
    return any(isinstance(m, LazyModuleMixin) and m.has_uninitialized_params() for m in model.modules())


def measure(model, m, batch, sdpa_polyfilled):
    meta = m.meta
    device = 'meta' if meta else 'cpu'
    torch.manual_seed(0)
    if has_uninitialized(model):
        with torch.no_grad():
            model(*[i.make(batch, device) for i in m.inputs])
    model.train()
    tracker = ModuleTracker(model)
    outputs = OutputRecorder(model)
    counter = MacCounter(tracker)
    saved = SavedRecorder(model, tracker)
    inputs = [i.make(batch, device) for i in m.inputs]
    with cuda_like_dropout(), saved.recording(), counter:
        model(*inputs)
    tracker.remove()
    outputs.remove()
    saved_bytes = None
    if not meta:
        saved_bytes = {str(batch): saved.total_bytes}
        second = SavedRecorder(model)
        torch.manual_seed(0)
        with cuda_like_dropout(), second.recording():
            model(*[i.make(2 * batch, device) for i in m.inputs])
        saved_bytes[str(2 * batch)] = second.total_bytes
    own = own_counts(model)
    layers = {}
    for path, mod in model.named_modules():
        entry = {'type': type(mod).__name__, 'params': own[path]['params'], 'buffers': own[path]['buffers']}
        rec = outputs.records.get(path)
        if rec:
            entry['calls'] = rec['calls']
            entry['outputShapes'] = rec['outputShapes']
        layers[path] = entry
    notes = []
    if meta:
        notes.append('Built and run on the meta device: saved bytes not measured.')
    if sdpa_polyfilled:
        notes.append('torch 1.13 has no F.scaled_dot_product_attention: measured with an eager reference '
                     '(softmax(QK^T/sqrt(d))V). MACs equal the fused kernel; savedBytes are eager attention\'s.')
    return {
        'params': count_params(model),
        'macs': counter.total,
        'macsByOp': counter.by_op,
        'macsByModule': dict(sorted(counter.by_module.items())),
        'savedBytes': saved_bytes,
        'layers': layers,
        'notes': notes,
    }


def uses_sdpa(rel):
    return 'scaled_dot_product_attention' in open(os.path.join(FIXTURES, rel)).read()


def run_file(rel, failures):
    lines = open(os.path.join(FIXTURES, rel)).read().splitlines()
    polyfill = uses_sdpa(rel)
    with sdpa_available() as polyfilled:
        module = load_fixture(rel)
        results = []
        for m in MANIFEST[rel]:
            line = definition_line(lines, m)
            profile = profile_comment(lines, line)
            if profile is not None:
                if 'input' in profile and [i.shape for i in m.inputs] != [parse_shape(profile['input'])]:
                    failures.append(f'{rel}:{m.name}: manifest input {[i.shape for i in m.inputs]} != # profile: {profile["input"]}')
                if m.batch is None:
                    m.batch = int(profile['batch'])
                source = 'comment'
            else:
                if m.batch is None:
                    failures.append(f'{rel}:{m.name}: no # profile: comment and no batch in the manifest')
                    continue
                source = 'example'
            torch.manual_seed(0)
            if m.meta:
                with MetaFactories():
                    model = eval(m.construct, module.__dict__)
            else:
                model = eval(m.construct, module.__dict__)
            result = measure(model, m, m.batch, polyfill and polyfilled)
            entry = {
                'name': m.name,
                'kind': m.kind,
                'line': line,
                'construct': m.construct,
                'input': {
                    'shapes': [i.full(m.batch) for i in m.inputs],
                    'dtypes': ['int' if i.ints is not None else 'float' for i in m.inputs],
                    'batch': m.batch,
                    'source': source,
                },
                **result,
            }
            if m.published:
                params, gmacs, cite = m.published
                entry['published'] = {'params': params, 'gmacs': gmacs, 'source': cite}
                if result['params']['total'] != params:
                    failures.append(f"{rel}:{m.name}: {result['params']['total']} params, published {params}")
                if gmacs is not None and abs(result['macs'] / 1e9 - gmacs) > 0.01 * gmacs:
                    failures.append(f"{rel}:{m.name}: {result['macs'] / 1e9:.3f} GMACs, published {gmacs}")
            results.append(entry)
            print(f"{rel}:{m.name}: {result['params']['total']:,} params, {result['params']['buffers']:,} buffers, "
                  f"{result['macs'] / 1e9:.3f} GMACs, saved {result['savedBytes']}")
            del model
    out = os.path.join(EXPECTED, rel[:-3] + '.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump({'file': rel, 'torch': torch.__version__, 'models': results}, f, indent=1)
        f.write('\n')


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    wanted = [a for a in sys.argv[1:] if not a.startswith('-')] or list(MANIFEST)
    failures = []
    for rel in wanted:
        run_file(rel, failures)
    for f in failures:
        print('FAIL', f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
