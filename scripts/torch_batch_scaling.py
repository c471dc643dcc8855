#!/usr/bin/python3
"""Forward MACs and saved bytes of sequence-first fixture models at their batch and at
other batches, measured with real torch, for the estimator's batch-scaling tests
(test/unit/torch-sequence-first.test.ts).

The models take [seq, batch] token ids (batch in dimension 1): the batch a person asks for
must scale the true batch, not the sequence. Inputs and models come from the ground-truth
manifest (scripts/torch_ground_truth.py); MACs and saved bytes from scripts/torch_measure.py.

Run with Debian's torch 1.13: /usr/bin/python3 scripts/torch_batch_scaling.py [FILE.py ...]
Prints JSON: {file: {model: {batch: {"macs": n, "savedBytes": n}}}}.
"""
import json
import os
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from torch_ground_truth import MANIFEST, load_fixture  # noqa: E402
from torch_measure import MacCounter, SavedRecorder, cuda_like_dropout  # noqa: E402

CASES = {
    'seq2seq_gru.py': {'model': [32, 64]},
    'transformer_seq2seq.py': {'model': [8, 64]},
    'sequence_first.py': {'GRUScorer': [8, 48]},
}


def measure(model, inputs, batch):
    torch.manual_seed(0)
    model.train()
    counter = MacCounter()
    saved = SavedRecorder(model)
    with cuda_like_dropout(), saved.recording(), counter:
        model(*[i.make(batch) for i in inputs])
    return {'macs': counter.total, 'savedBytes': saved.total_bytes}


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    wanted = sys.argv[1:] or list(CASES)
    out = {}
    for rel in wanted:
        models = CASES[rel]
        module = load_fixture(rel)
        out[rel] = {}
        for m in MANIFEST[rel]:
            if m.name not in models:
                continue
            torch.manual_seed(0)
            model = eval(m.construct, module.__dict__)
            out[rel][m.name] = {str(b): measure(model, m.inputs, b) for b in models[m.name]}
    json.dump({'torch': torch.__version__, 'results': out}, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
