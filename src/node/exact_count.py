"""Exact parameter counts for Model Resource Profiler's exact mode.

Usage: python exact_count.py FILE

Imports FILE as a module (its `if __name__ == "__main__":` block does not run) and
counts, with torch:
  * module-level nn.Module instances, and
  * nn.Module subclasses defined in FILE whose constructor needs no arguments.
Counts follow torch: parameters() yields a shared (tied) tensor once; buffers
(BatchNorm running statistics, masks) are counted apart.

Models are built on the meta device when torch can use it as a context manager
(torch >= 2.0), so no weights are allocated; older torch builds them on the CPU.

The result is one line on stdout, `@@MODEL_PROFILER_EXACT@@ {json}`; whatever FILE
prints goes to stderr so it cannot corrupt it.
"""
import contextlib
import importlib.util
import inspect
import json
import os
import sys

MARKER = "@@MODEL_PROFILER_EXACT@@"
MODULE_NAME = "_model_profiler_target"


def emit(result):
    sys.__stdout__.write(MARKER + " " + json.dumps(result) + "\n")
    sys.__stdout__.flush()


def device_context(torch):
    """The meta device as a context manager (torch >= 2.0), else nothing (CPU)."""
    meta = torch.device("meta")
    if hasattr(meta, "__enter__"):
        return meta, "meta"
    return contextlib.nullcontext(), "cpu"


def count(module):
    params = 0
    trainable = 0
    for p in module.parameters():
        n = p.numel()
        params += n
        if p.requires_grad:
            trainable += n
    buffers = sum(b.numel() for b in module.buffers())
    return {"params": int(params), "trainable": int(trainable), "buffers": int(buffers)}


def constructible_without_arguments(cls):
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return False
    for parameter in list(signature.parameters.values())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is parameter.empty:
            return False
    return True


def describe(error):
    text = str(error).strip().splitlines()
    return "%s: %s" % (type(error).__name__, text[0][:300] if text else "")


def main(argv):
    if len(argv) != 2:
        emit({"models": [], "error": "usage: exact_count.py FILE"})
        return 2
    path = os.path.abspath(argv[1])
    try:
        import torch
        from torch import nn
    except Exception as error:  # torch missing or broken in this interpreter
        emit({"models": [], "error": "torch cannot be imported: " + describe(error)})
        return 0

    context, device = device_context(torch)
    base = {"device": device, "torch": str(torch.__version__)}
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        emit(dict(base, models=[], error="cannot import " + os.path.basename(path)))
        return 0
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module

    models = []
    skipped = []
    with contextlib.redirect_stdout(sys.stderr):
        try:
            with context:
                spec.loader.exec_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit from the file too
            emit(dict(base, models=[], error="importing %s failed: %s" % (os.path.basename(path), describe(error))))
            return 0

        for name, value in list(vars(module).items()):
            if isinstance(value, nn.Module):
                models.append(dict(count(value), name=name, kind="instance"))

        for name, value in list(vars(module).items()):
            if not (inspect.isclass(value) and issubclass(value, nn.Module) and value.__module__ == MODULE_NAME):
                continue
            if not constructible_without_arguments(value):
                skipped.append({"name": name, "reason": "its constructor needs arguments"})
                continue
            try:
                with context:
                    instance = value()
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                skipped.append({"name": name, "reason": describe(error)})
                continue
            models.append(dict(count(instance), name=name, kind="class"))

    emit(dict(base, models=models, skipped=skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
