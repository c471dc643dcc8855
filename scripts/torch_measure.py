"""Measurements of real torch modules, shared by the ground-truth scripts.

Everything here is measured by torch itself, independently of the TypeScript engine:
- MACs: a TorchDispatchMode sees every aten op with its real operand shapes and
  counts the multiply-accumulates of matrix products and convolutions
  (mm, addmm, bmm, baddbmm, addbmm, mv, addmv, dot, convolution, _trilinear).
  Element-wise ops (norms, activations, adds, pooling) count 0, which is the
  convention behind torchvision's published GMACs.
- Saved tensors: torch.autograd.graph.saved_tensors_hooks sees every tensor autograd
  keeps for backward. Tensors are deduplicated by storage (a view saved twice holds
  memory once) and parameters/buffers are left out (they are weights, not activations).
- Output shapes: forward hooks on every module, named by named_modules() paths.

Runs with Debian's torch 1.13 (/usr/bin/python3); nothing here needs a GPU.
"""

import math
from contextlib import contextmanager

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode


def _shape(t):
    return list(t.shape)


def _prod(xs):
    p = 1
    for x in xs:
        p *= int(x)
    return p


def _broadcast(*shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0]
        out.append(max(dims))
    return out


def _unsqueezed(shape, dims):
    shape = list(shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return shape


def _conv_macs(args, out):
    x, w = args[0], args[1]
    transposed = bool(args[6]) if len(args) > 6 else False
    if transposed:
        # weight (C_in, C_out/groups, *k): every input element meets C_out/groups * k weights.
        return _prod(x.shape[:1]) * _prod(x.shape[2:]) * w.numel()
    # weight (C_out, C_in/groups, *k): every output element costs C_in/groups * k MACs.
    return _prod(out.shape[:1]) * _prod(out.shape[2:]) * w.numel()


def _trilinear_macs(args):
    # _trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim): the three operands are
    # unsqueezed into one index space; the product runs over all of it.
    i1, i2, i3, e1, e2, e3 = args[:6]
    space = _broadcast(_unsqueezed(i1.shape, e1), _unsqueezed(i2.shape, e2), _unsqueezed(i3.shape, e3))
    return _prod(space)


# aten op name -> MACs from the operands and the result.
MAC_RULES = {
    'mm': lambda a, o: a[0].shape[0] * a[0].shape[1] * a[1].shape[1],
    'addmm': lambda a, o: a[1].shape[0] * a[1].shape[1] * a[2].shape[1],
    'bmm': lambda a, o: a[0].shape[0] * a[0].shape[1] * a[0].shape[2] * a[1].shape[2],
    'baddbmm': lambda a, o: a[1].shape[0] * a[1].shape[1] * a[1].shape[2] * a[2].shape[2],
    'addbmm': lambda a, o: a[1].shape[0] * a[1].shape[1] * a[1].shape[2] * a[2].shape[2],
    'mv': lambda a, o: a[0].shape[0] * a[0].shape[1],
    'addmv': lambda a, o: a[1].shape[0] * a[1].shape[1],
    'dot': lambda a, o: a[0].shape[0],
    'vdot': lambda a, o: a[0].shape[0],
    'convolution': lambda a, o: _conv_macs(a, o),
    '_convolution': lambda a, o: _conv_macs(a, o),
    '_trilinear': lambda a, o: _trilinear_macs(a),
}

# Fused kernels whose MACs the rules above would miss. Measurements run in training
# mode, where torch 1.13 never takes these paths; meeting one is an error.
FUSED_OPS = {'_native_multi_head_attention', '_transformer_encoder_layer_fwd', 'lstm', 'gru', 'rnn_tanh', 'rnn_relu'}


class MacCounter(TorchDispatchMode):
    """Counts MACs per aten op and per innermost module (see `ModuleTracker`)."""

    def __init__(self, tracker=None):
        super().__init__()
        self.total = 0
        self.by_op = {}
        self.by_module = {}
        self.tracker = tracker

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.overloadpacket.__name__
        if name in FUSED_OPS:
            raise RuntimeError(f'fused op {name} reached: its MACs would not be counted')
        rule = MAC_RULES.get(name)
        if rule is not None:
            macs = int(rule(args, out))
            self.total += macs
            self.by_op[name] = self.by_op.get(name, 0) + macs
            if self.tracker is not None:
                path = self.tracker.current()
                self.by_module[path] = self.by_module.get(path, 0) + macs
        return out


class ModuleTracker:
    """Knows which module's forward is running (innermost), via pre/post hooks."""

    def __init__(self, model):
        self.stack = []
        self.handles = []
        for path, mod in model.named_modules():
            self.handles.append(mod.register_forward_pre_hook(self._enter(path)))
            self.handles.append(mod.register_forward_hook(self._leave(path)))

    def _enter(self, path):
        def hook(_mod, _inputs):
            self.stack.append(path)
        return hook

    def _leave(self, path):
        def hook(_mod, _inputs, _output):
            if self.stack and self.stack[-1] == path:
                self.stack.pop()
        return hook

    def current(self):
        return self.stack[-1] if self.stack else ''

    def remove(self):
        for h in self.handles:
            h.remove()


def flatten_tensors(value):
    """Tensors of a (nested) output, depth-first; None and non-tensors are skipped."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(flatten_tensors(v))
        return out
    if isinstance(value, dict):
        out = []
        for v in value.values():
            out.extend(flatten_tensors(v))
        return out
    return []


class OutputRecorder:
    """Output shapes of every module's first call, and how often each was called."""

    def __init__(self, model):
        self.records = {}
        self.handles = []
        for path, mod in model.named_modules():
            self.handles.append(mod.register_forward_hook(self._hook(path, type(mod).__name__)))

    def _hook(self, path, type_name):
        def hook(_mod, _inputs, output):
            rec = self.records.get(path)
            if rec is None:
                self.records[path] = {
                    'type': type_name,
                    'calls': 1,
                    'outputShapes': [_shape(t) for t in flatten_tensors(output)],
                }
            else:
                rec['calls'] += 1
        return hook

    def remove(self):
        for h in self.handles:
            h.remove()


def _storage_key(t):
    return t.storage().data_ptr()


def _storage_bytes(t):
    return t.storage().nbytes()


class SavedRecorder:
    """Tensors autograd saves for backward, deduplicated by storage, weights left out."""

    def __init__(self, model=None, tracker=None, exclude=()):
        self.excluded = set()
        if model is not None:
            for p in model.parameters():
                self.excluded.add(_storage_key(p))
            for b in model.buffers():
                self.excluded.add(_storage_key(b))
        for t in exclude:
            self.excluded.add(_storage_key(t))
        self.tracker = tracker
        self.seen = {}
        self.keep = []  # keeps saved tensors alive so storages are not reused mid-forward
        self.by_module = {}

    def pack(self, t):
        self.keep.append(t)
        if t.device.type == 'meta':
            return t
        key = _storage_key(t)
        if key in self.excluded or key in self.seen:
            return t
        size = _storage_bytes(t)
        self.seen[key] = (size, t)
        if self.tracker is not None:
            path = self.tracker.current()
            self.by_module[path] = self.by_module.get(path, 0) + size
        return t

    @contextmanager
    def recording(self):
        with torch.autograd.graph.saved_tensors_hooks(self.pack, lambda t: t):
            yield self

    @property
    def total_bytes(self):
        return sum(size for size, _ in self.seen.values())


def classify_saved(saved, inputs, outputs):
    """Names each saved storage after the call's inputs/outputs, or as a new tensor."""
    in_keys = [_storage_key(t) for t in inputs]
    out_keys = [_storage_key(t) for t in outputs]
    result = []
    for key, (size, t) in saved.seen.items():
        if key in out_keys:
            result.append({'ref': 'output', 'index': out_keys.index(key), 'bytes': size})
        elif key in in_keys:
            result.append({'ref': 'input', 'index': in_keys.index(key), 'bytes': size})
        else:
            result.append({
                'ref': 'new',
                'dtype': str(t.dtype).replace('torch.', ''),
                'elements': size // t.element_size(),
                'bytes': size,
            })
    return result


_FACTORIES = {
    'empty', 'zeros', 'ones', 'full', 'rand', 'randn', 'randint', 'arange', 'tensor',
    'eye', 'linspace', 'empty_like', 'zeros_like', 'ones_like', 'randn_like', 'rand_like',
}


class MetaFactories(TorchFunctionMode):
    """Puts every factory call without an explicit device on the meta device (torch 1.13
    has no `with torch.device('meta')`), so 7B-sized models cost no memory."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if getattr(func, '__name__', '') in _FACTORIES and kwargs.get('device') is None:
            kwargs['device'] = 'meta'
        return func(*args, **kwargs)


def count_params(model):
    """torch's own counts: parameters() and buffers() both deduplicate shared tensors."""
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    return {'total': total, 'trainable': trainable, 'nonTrainable': total - trainable, 'buffers': buffers}


def own_counts(model):
    """Per-module parameters and buffers registered directly on it, shared tensors at their
    first owner only (the order named_parameters() walks)."""
    seen = set()
    own = {}
    for path, mod in model.named_modules():
        p_count = 0
        for p in mod.parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            p_count += p.numel()
        b_count = sum(b.numel() for b in mod.buffers(recurse=False))
        own[path] = {'params': p_count, 'buffers': b_count}
    return own


def gmacs(n):
    return round(n / 1e9, 3)


def close(a, b, rel=0.01):
    return math.isclose(a, b, rel_tol=rel)


@contextmanager
def cuda_like_dropout():
    """Element-wise dropout as CUDA torch runs it: the fused native_dropout kernel keeps a
    bool mask for backward. torch 1.13's CPU path keeps a float noise tensor instead, which
    is not what a GPU training step holds. Feature dropout (Dropout1d/2d/3d) and alpha
    dropout are the same on both devices and are left alone."""
    import torch.nn.functional as F
    original = F.dropout

    def dropout(input, p=0.5, training=True, inplace=False):
        if not training or p <= 0.0 or p >= 1.0 or input.numel() == 0:
            return original(input, p, training, inplace)
        out, _mask = torch.native_dropout(input, p, True)
        return input.copy_(out) if inplace else out

    F.dropout = dropout
    try:
        yield
    finally:
        F.dropout = original
