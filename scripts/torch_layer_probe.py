#!/usr/bin/python3
"""Ground truth for the PyTorch layer catalog, one case per layer configuration.

For each case it builds the torch.nn layer, runs one forward in training mode and records:
parameter and buffer names and shapes, output shapes, MACs (scripts/torch_measure.py),
and every tensor autograd saves for backward, named after the call's inputs/outputs
or as a new tensor with its dtype and element count. Float inputs require grad, as
they do everywhere after a network's first parametrised layer.

Run (Debian's torch 1.13 is installed for /usr/bin/python3, not for the pyenv python3):
    /usr/bin/python3 scripts/torch_layer_probe.py            # writes the JSON below
    /usr/bin/python3 scripts/torch_layer_probe.py --print    # also prints one line a case

Output: test/fixtures/pytorch/expected/layers.json, read by test/unit/pytorch-catalog-torch.test.ts.
"""

import json
import os
import sys

import torch
from torch import nn

# Importing fixtures or helpers must not leave __pycache__ folders in the repository.
sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_measure import MacCounter, SavedRecorder, classify_saved, cuda_like_dropout, flatten_tensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'pytorch', 'expected', 'layers.json')


def case(type_name, args=(), kwargs=None, inputs=(), call=None, id=None, int_inputs=(), int_high=4,
         positive_inputs=(), sign_inputs=(), alias=None, group=None):
    return {
        'id': id or type_name,
        'type': type_name,
        'args': list(args),
        'kwargs': kwargs or {},
        'inputs': [list(s) for s in inputs],
        'intInputs': list(int_inputs),
        'intHigh': int_high,
        'call': call or {},
        'positiveInputs': list(positive_inputs),
        'signInputs': list(sign_inputs),
        # alias[i] = j: tensor argument i is the same tensor as argument j (self-attention).
        'alias': list(alias) if alias else None,
        # group: how tensor arguments are passed, e.g. [[0], [1, 2]] is layer(t0, (t1, t2)).
        'group': group,
    }


CASES = [
    # linear.ts
    case('Linear', [20, 30], inputs=[[4, 20]]),
    case('Linear', [20, 30], {'bias': False}, inputs=[[4, 7, 20]], id='Linear-nobias-3d'),
    case('Bilinear', [4, 5, 6], inputs=[[3, 4], [3, 5]]),
    case('Bilinear', [4, 5, 6], {'bias': False}, inputs=[[2, 7, 4], [2, 7, 5]], id='Bilinear-nobias-3d'),
    case('LazyLinear', [30], inputs=[[4, 20]]),
    case('Identity', [], inputs=[[4, 20]]),
    # conv.ts
    case('Conv1d', [4, 8, 3], inputs=[[2, 4, 50]]),
    case('Conv1d', [4, 8, 5], {'stride': 2, 'padding': 2, 'dilation': 2, 'groups': 2}, inputs=[[2, 4, 50]], id='Conv1d-strided-grouped'),
    case('Conv1d', [4, 8, 4], {'padding': 'same', 'dilation': 3}, inputs=[[2, 4, 31]], id='Conv1d-same-even-kernel'),
    case('Conv2d', [3, 16, 3], {'padding': 1}, inputs=[[2, 3, 32, 32]]),
    case('Conv2d', [3, 16, [3, 5]], {'stride': [2, 1], 'padding': [1, 2], 'bias': False}, inputs=[[2, 3, 33, 20]], id='Conv2d-rect'),
    case('Conv2d', [16, 16, 3], {'padding': 'same', 'groups': 16, 'padding_mode': 'reflect'}, inputs=[[2, 16, 14, 14]], id='Conv2d-depthwise-same-reflect'),
    case('Conv2d', [8, 12, 3], {'padding': 'valid', 'dilation': 2, 'groups': 4}, inputs=[[1, 8, 20, 20]], id='Conv2d-valid-dilated-grouped'),
    case('Conv2d', [3, 8, 3], {'padding': 2, 'padding_mode': 'circular'}, inputs=[[1, 3, 10, 10]], id='Conv2d-circular'),
    case('Conv2d', [3, 8, 3], {'stride': 2}, inputs=[[3, 17, 17]], id='Conv2d-unbatched'),
    case('Conv3d', [2, 4, 3], {'stride': [1, 2, 2], 'padding': 1}, inputs=[[2, 2, 8, 16, 16]]),
    case('ConvTranspose1d', [8, 4, 4], {'stride': 2, 'padding': 1}, inputs=[[2, 8, 25]]),
    case('ConvTranspose2d', [16, 8, 4], {'stride': 2, 'padding': 1, 'bias': False}, inputs=[[2, 16, 8, 8]]),
    case('ConvTranspose2d', [8, 6, 3], {'stride': 2, 'padding': 1, 'output_padding': 1, 'groups': 2, 'dilation': 1}, inputs=[[2, 8, 7, 7]], id='ConvTranspose2d-outpad-grouped'),
    case('ConvTranspose2d', [4, 4, 3], {'stride': 2}, inputs=[[1, 4, 5, 5]], call={'output_size': [12, 12]}, id='ConvTranspose2d-output_size'),
    case('ConvTranspose3d', [4, 2, 3], {'stride': 2, 'padding': 1, 'output_padding': 1}, inputs=[[1, 4, 4, 6, 6]]),
    case('LazyConv2d', [8, 3], inputs=[[2, 5, 12, 12]]),
    case('LazyConvTranspose2d', [8, 2], {'stride': 2}, inputs=[[2, 5, 6, 6]]),
    # norm.ts
    case('BatchNorm1d', [10], inputs=[[8, 10]]),
    case('BatchNorm1d', [10], {'affine': False}, inputs=[[8, 10, 5]], id='BatchNorm1d-noaffine-3d'),
    case('BatchNorm2d', [16], inputs=[[4, 16, 8, 8]]),
    case('BatchNorm2d', [16], {'track_running_stats': False}, inputs=[[4, 16, 8, 8]], id='BatchNorm2d-nostats'),
    case('BatchNorm3d', [4], inputs=[[2, 4, 3, 5, 5]]),
    case('LayerNorm', [64], inputs=[[2, 10, 64]]),
    case('LayerNorm', [[10, 64]], {'elementwise_affine': False}, inputs=[[2, 10, 64]], id='LayerNorm-2d-noaffine'),
    case('GroupNorm', [4, 16], inputs=[[2, 16, 8, 8]]),
    case('GroupNorm', [4, 16], {'affine': False}, inputs=[[2, 16, 10]], id='GroupNorm-noaffine'),
    case('InstanceNorm1d', [6], inputs=[[2, 6, 20]]),
    case('InstanceNorm2d', [6], {'affine': True, 'track_running_stats': True}, inputs=[[2, 6, 9, 9]], id='InstanceNorm2d-affine-stats'),
    case('InstanceNorm3d', [3], inputs=[[2, 3, 4, 5, 5]]),
    case('LocalResponseNorm', [5], inputs=[[2, 16, 8, 8]]),
    # embedding.ts
    case('Embedding', [100, 32], inputs=[[4, 12]], int_inputs=[0], int_high=100),
    case('Embedding', [100, 32], {'padding_idx': 0, 'max_norm': None}, inputs=[[4, 12]], int_inputs=[0], int_high=100, id='Embedding-padding'),
    case('EmbeddingBag', [100, 32], inputs=[[4, 12]], int_inputs=[0], int_high=100),
    case('EmbeddingBag', [100, 32], {'mode': 'sum'}, inputs=[[4, 12]], int_inputs=[0], int_high=100, id='EmbeddingBag-sum'),
    case('EmbeddingBag', [100, 32], {'mode': 'max'}, inputs=[[4, 12]], int_inputs=[0], int_high=100, id='EmbeddingBag-max'),
    # recurrent.ts
    case('RNN', [10, 20], inputs=[[7, 3, 10]]),
    case('RNN', [10, 20], {'num_layers': 2, 'nonlinearity': 'relu', 'batch_first': True, 'bias': False}, inputs=[[3, 7, 10]], id='RNN-relu-2layer-batchfirst'),
    case('LSTM', [10, 20], inputs=[[7, 3, 10]]),
    case('LSTM', [10, 20], {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, inputs=[[3, 7, 10]], id='LSTM-bi-2layer'),
    case('LSTM', [10, 20], {'num_layers': 2, 'bidirectional': True, 'proj_size': 5}, inputs=[[7, 3, 10]], id='LSTM-proj'),
    case('LSTM', [10, 20], inputs=[[7, 10]], id='LSTM-unbatched'),
    case('GRU', [10, 20], inputs=[[7, 3, 10]]),
    case('GRU', [10, 20], {'num_layers': 3, 'bidirectional': True, 'bias': False}, inputs=[[7, 3, 10]], id='GRU-bi-3layer-nobias'),
    case('RNNCell', [10, 20], inputs=[[3, 10]]),
    case('LSTMCell', [10, 20], inputs=[[3, 10]]),
    case('GRUCell', [10, 20], {'bias': False}, inputs=[[3, 10]]),
    # attention.ts
    case('MultiheadAttention', [32, 4], inputs=[[6, 2, 32], [6, 2, 32], [6, 2, 32]]),
    case('MultiheadAttention', [32, 4], {'batch_first': True, 'dropout': 0.1}, inputs=[[2, 6, 32], [2, 9, 32], [2, 9, 32]], alias=[0, 1, 1], call={'need_weights': False}, id='MultiheadAttention-cross-dropout'),
    case('MultiheadAttention', [32, 4], {'kdim': 16, 'vdim': 24, 'bias': False}, inputs=[[6, 2, 32], [5, 2, 16], [5, 2, 24]], id='MultiheadAttention-kdim-vdim'),
    case('MultiheadAttention', [32, 4], {'add_bias_kv': True, 'add_zero_attn': True}, inputs=[[6, 2, 32], [6, 2, 32], [6, 2, 32]], id='MultiheadAttention-bias-kv-zero-attn'),
    case('MultiheadAttention', [32, 4], {'batch_first': True}, inputs=[[2, 6, 32], [2, 6, 32], [2, 6, 32]], alias=[0, 0, 0], call={'average_attn_weights': False}, id='MultiheadAttention-per-head-weights'),
    # activation.ts
    case('PReLU', [], inputs=[[4, 8, 5]]),
    case('PReLU', [8], inputs=[[4, 8, 5]], id='PReLU-channels'),
    case('ReLU', inputs=[[4, 8]]),
    case('ReLU6', inputs=[[4, 8]]),
    case('LeakyReLU', [0.2], inputs=[[4, 8]]),
    case('ELU', inputs=[[4, 8]]),
    case('SELU', inputs=[[4, 8]]),
    case('CELU', inputs=[[4, 8]]),
    case('GELU', inputs=[[4, 8]]),
    case('GELU', [], {'approximate': 'tanh'}, inputs=[[4, 8]], id='GELU-tanh'),
    case('SiLU', inputs=[[4, 8]]),
    case('Mish', inputs=[[4, 8]]),
    case('Sigmoid', inputs=[[4, 8]]),
    case('Tanh', inputs=[[4, 8]]),
    case('Hardswish', inputs=[[4, 8]]),
    case('Hardsigmoid', inputs=[[4, 8]]),
    case('Hardtanh', inputs=[[4, 8]]),
    case('Softplus', inputs=[[4, 8]]),
    case('Softsign', inputs=[[4, 8]]),
    case('Tanhshrink', inputs=[[4, 8]]),
    case('Softshrink', inputs=[[4, 8]]),
    case('Hardshrink', inputs=[[4, 8]]),
    case('Threshold', [0.1, 20.0], inputs=[[4, 8]]),
    case('GLU', inputs=[[4, 8]]),
    case('GLU', [], {'dim': 1}, inputs=[[4, 8, 3]], id='GLU-dim1'),
    case('LogSigmoid', inputs=[[4, 8]]),
    case('Softmax', [], {'dim': -1}, inputs=[[4, 8]]),
    case('LogSoftmax', [], {'dim': 1}, inputs=[[4, 8]]),
    case('Softmin', [], {'dim': 1}, inputs=[[4, 8]]),
    case('Softmax2d', inputs=[[2, 4, 3, 3]]),
    # dropout.ts
    case('Dropout', [0.5], inputs=[[4, 8]]),
    case('Dropout1d', [0.5], inputs=[[4, 8, 6]]),
    case('Dropout2d', [0.5], inputs=[[4, 8, 6, 6]]),
    case('Dropout3d', [0.5], inputs=[[2, 4, 3, 6, 6]]),
    case('AlphaDropout', [0.5], inputs=[[4, 8]]),
    case('FeatureAlphaDropout', [0.5], inputs=[[4, 8, 6, 6]]),
    case('Dropout', [0.0], inputs=[[4, 8]], id='Dropout-p0'),
    # pooling.ts
    case('MaxPool1d', [3], {'stride': 2, 'padding': 1}, inputs=[[2, 4, 25]]),
    case('MaxPool2d', [3, 2, 1], inputs=[[2, 8, 112, 112]]),
    case('MaxPool2d', [2], {'ceil_mode': True}, inputs=[[2, 8, 7, 7]], id='MaxPool2d-ceil'),
    case('MaxPool2d', [3], {'stride': 2, 'dilation': 2, 'return_indices': True}, inputs=[[2, 8, 15, 15]], id='MaxPool2d-dilation-indices'),
    case('MaxPool3d', [2], inputs=[[2, 4, 8, 8, 8]]),
    case('AvgPool1d', [3], {'stride': 2}, inputs=[[2, 4, 25]]),
    case('AvgPool2d', [2], inputs=[[2, 8, 16, 16]]),
    case('AvgPool2d', [3], {'stride': 2, 'padding': 1, 'ceil_mode': True, 'count_include_pad': False}, inputs=[[2, 8, 16, 16]], id='AvgPool2d-ceil-pad'),
    case('AvgPool3d', [2], inputs=[[2, 4, 8, 8, 8]]),
    case('AdaptiveAvgPool1d', [5], inputs=[[2, 4, 23]]),
    case('AdaptiveAvgPool2d', [[1, 1]], inputs=[[2, 8, 7, 7]]),
    case('AdaptiveAvgPool2d', [[7, None]], inputs=[[2, 8, 14, 9]], id='AdaptiveAvgPool2d-none'),
    case('AdaptiveAvgPool3d', [2], inputs=[[2, 4, 8, 8, 8]]),
    case('AdaptiveMaxPool1d', [5], inputs=[[2, 4, 23]]),
    case('AdaptiveMaxPool2d', [[3, 3]], inputs=[[2, 8, 7, 7]]),
    case('AdaptiveMaxPool2d', [2], {'return_indices': True}, inputs=[[2, 8, 7, 7]], id='AdaptiveMaxPool2d-indices'),
    case('AdaptiveMaxPool3d', [2], inputs=[[2, 4, 8, 8, 8]]),
    case('LPPool1d', [2, 3], inputs=[[2, 4, 25]]),
    case('LPPool2d', [2, 3], {'stride': 2}, inputs=[[2, 4, 15, 15]]),
    # shape.ts
    case('Upsample', [], {'scale_factor': 2, 'mode': 'nearest'}, inputs=[[2, 4, 7, 7]]),
    case('Upsample', [], {'size': [10, 12], 'mode': 'bilinear', 'align_corners': False}, inputs=[[2, 4, 7, 7]], id='Upsample-size-bilinear'),
    case('Upsample', [], {'scale_factor': 1.5, 'mode': 'linear'}, inputs=[[2, 4, 7]], id='Upsample-linear-fractional'),
    case('UpsamplingNearest2d', [], {'scale_factor': 2}, inputs=[[2, 4, 7, 7]]),
    case('UpsamplingBilinear2d', [], {'size': 9}, inputs=[[2, 4, 7, 7]]),
    case('PixelShuffle', [2], inputs=[[2, 16, 5, 5]]),
    case('PixelUnshuffle', [2], inputs=[[2, 4, 10, 10]]),
    case('Flatten', [], inputs=[[2, 4, 5, 5]]),
    case('Flatten', [0, 2], inputs=[[2, 4, 5, 5]], id='Flatten-0-2'),
    case('Unflatten', [1, [4, 25]], inputs=[[2, 100]]),
    case('ZeroPad2d', [[1, 2, 3, 4]], inputs=[[2, 3, 8, 8]]),
    case('ConstantPad1d', [2, 3.5], inputs=[[2, 3, 8]]),
    case('ConstantPad2d', [[1, 0, 2, 0], 0.0], inputs=[[2, 3, 8, 8]]),
    case('ConstantPad3d', [1, 0.0], inputs=[[2, 3, 4, 8, 8]]),
    case('ReflectionPad1d', [2], inputs=[[2, 3, 8]]),
    case('ReflectionPad2d', [[1, 1, 2, 2]], inputs=[[2, 3, 8, 8]]),
    case('ReflectionPad3d', [1], inputs=[[2, 3, 4, 8, 8]]),
    case('ReplicationPad1d', [[3, 1]], inputs=[[2, 3, 8]]),
    case('ReplicationPad2d', [2], inputs=[[2, 3, 8, 8]]),
    case('ReplicationPad3d', [1], inputs=[[2, 3, 4, 8, 8]]),
    case('ChannelShuffle', [4], inputs=[[2, 8, 5, 5]]),
    # loss.ts
    case('MSELoss', inputs=[[4, 8], [4, 8]]),
    case('L1Loss', [], {'reduction': 'none'}, inputs=[[4, 8], [4, 8]], id='L1Loss-none'),
    case('CrossEntropyLoss', inputs=[[4, 10], [4]], int_inputs=[1], int_high=10),
    case('CrossEntropyLoss', [], {'reduction': 'none'}, inputs=[[4, 10, 6], [4, 6]], int_inputs=[1], int_high=10, id='CrossEntropyLoss-none-seq'),
    case('NLLLoss', inputs=[[4, 10], [4]], int_inputs=[1], int_high=10),
    case('BCELoss', inputs=[[4, 8], [4, 8]]),
    case('BCEWithLogitsLoss', inputs=[[4, 8], [4, 8]]),
    case('SmoothL1Loss', inputs=[[4, 8], [4, 8]]),
    case('HuberLoss', inputs=[[4, 8], [4, 8]]),
    case('KLDivLoss', [], {'reduction': 'batchmean'}, inputs=[[4, 8], [4, 8]]),
    case('SoftMarginLoss', inputs=[[4, 8], [4, 8]]),
    case('PoissonNLLLoss', inputs=[[4, 8], [4, 8]]),
    case('GaussianNLLLoss', inputs=[[4, 8], [4, 8], [4, 8]], positive_inputs=[2]),
    case('CosineEmbeddingLoss', inputs=[[4, 8], [4, 8], [4]], sign_inputs=[2]),
    case('MarginRankingLoss', inputs=[[4], [4], [4]], sign_inputs=[2]),
    case('HingeEmbeddingLoss', inputs=[[4, 8], [4, 8]], sign_inputs=[1]),
    case('TripletMarginLoss', inputs=[[4, 8], [4, 8], [4, 8]]),
    case('MultiLabelSoftMarginLoss', inputs=[[4, 8], [4, 8]]),
    case('MultiMarginLoss', inputs=[[4, 8], [4]], int_inputs=[1], int_high=8),
    case('CrossEntropyLoss', [], {'label_smoothing': 0.1}, inputs=[[4, 10], [4, 10]], id='CrossEntropyLoss-probabilities'),
    case('RReLU', inputs=[[4, 8]]),
    case('MultiheadAttention', [32, 4], {'batch_first': True}, inputs=[[2, 6, 32], [2, 6, 32], [2, 6, 32]], alias=[0, 0, 0], id='MultiheadAttention-self-batch-first'),
    case('MultiheadAttention', [32, 4], inputs=[[6, 2, 32], [6, 2, 32], [6, 2, 32]], alias=[0, 0, 0], call={'need_weights': False}, id='MultiheadAttention-self'),
    case('LSTM', [10, 20], {'num_layers': 3, 'dropout': 0.5}, inputs=[[7, 3, 10]], id='LSTM-dropout'),
    case('Dropout2d', [0.5], inputs=[[4, 8, 6]], id='Dropout2d-3d-input'),
    case('ReLU', [], {'inplace': True}, inputs=[[4, 8]], id='ReLU-inplace'),
    case('LeakyReLU', [0.2, True], inputs=[[4, 8]], id='LeakyReLU-inplace'),
    case('ELU', [], {'inplace': True}, inputs=[[4, 8]], id='ELU-inplace'),
    case('CELU', [], {'inplace': True}, inputs=[[4, 8]], id='CELU-inplace'),
    case('SELU', [], {'inplace': True}, inputs=[[4, 8]], id='SELU-inplace'),
    case('ReLU6', [], {'inplace': True}, inputs=[[4, 8]], id='ReLU6-inplace'),
    case('Hardtanh', [], {'inplace': True}, inputs=[[4, 8]], id='Hardtanh-inplace'),
    case('SiLU', [], {'inplace': True}, inputs=[[4, 8]], id='SiLU-inplace'),
    case('Mish', [], {'inplace': True}, inputs=[[4, 8]], id='Mish-inplace'),
    case('Hardswish', [], {'inplace': True}, inputs=[[4, 8]], id='Hardswish-inplace'),
    case('Hardsigmoid', [], {'inplace': True}, inputs=[[4, 8]], id='Hardsigmoid-inplace'),
    case('Threshold', [0.1, 20.0, True], inputs=[[4, 8]], id='Threshold-inplace'),
    case('RReLU', [], {'inplace': True}, inputs=[[4, 8]], id='RReLU-inplace'),
    case('Dropout', [0.5], {'inplace': True}, inputs=[[4, 8]], id='Dropout-inplace'),
    case('Dropout2d', [0.5], {'inplace': True}, inputs=[[4, 8, 6, 6]], id='Dropout2d-inplace'),
    case('AlphaDropout', [0.5], {'inplace': True}, inputs=[[4, 8]], id='AlphaDropout-inplace'),
    case('GRU', [10, 20], inputs=[[1, 3, 10], [1, 3, 20]], id='GRU-one-step-hx'),
    case('GRU', [10, 20], inputs=[[7, 3, 10], [1, 3, 20]], id='GRU-hx'),
    case('RNN', [10, 20], inputs=[[7, 3, 10], [1, 3, 20]], id='RNN-hx'),
    case('GRU', [10, 20], {'num_layers': 2, 'bidirectional': True}, inputs=[[7, 3, 10], [4, 3, 20]], id='GRU-bi-2layer-hx'),
    case('LSTM', [10, 20], inputs=[[7, 3, 10], [1, 3, 20], [1, 3, 20]], group=[[0], [1, 2]], id='LSTM-hx'),
    case('LSTM', [10, 20], {'proj_size': 5, 'num_layers': 2}, inputs=[[7, 3, 10], [2, 3, 5], [2, 3, 20]], group=[[0], [1, 2]], id='LSTM-proj-hx'),
    case('LSTMCell', [10, 20], inputs=[[3, 10], [3, 20], [3, 20]], group=[[0], [1, 2]], id='LSTMCell-hx'),
    case('GRUCell', [10, 20], inputs=[[3, 10], [3, 20]], id='GRUCell-hx'),
    case('CosineSimilarity', inputs=[[4, 16], [4, 16]]),
    case('CosineSimilarity', [], {'dim': -1}, inputs=[[4, 5, 16], [1, 5, 16]], id='CosineSimilarity-broadcast'),
    case('PairwiseDistance', inputs=[[4, 16], [4, 16]]),
    case('PairwiseDistance', [], {'keepdim': True}, inputs=[[4, 16], [4, 16]], id='PairwiseDistance-keepdim'),
    case('Unfold', [3], {'padding': 1, 'stride': 2}, inputs=[[2, 4, 9, 9]]),
    case('Fold', [[8, 8], 2], {'stride': 2}, inputs=[[2, 12, 16]]),
    case('MaxUnpool2d', [2], inputs=[[2, 3, 4, 4], [2, 3, 4, 4]], int_inputs=[1], int_high=4),
    case('MaxUnpool1d', [2], inputs=[[2, 3, 4], [2, 3, 4]], int_inputs=[1], int_high=2),
    case('MaxUnpool2d', [3], {'stride': 2, 'padding': 1}, inputs=[[1, 2, 4, 4], [1, 2, 4, 4]], int_inputs=[1], int_high=4, call={'output_size': [8, 8]}, id='MaxUnpool2d-output_size'),
]


def make_inputs(c):
    tensors = []
    for i, shape in enumerate(c['inputs']):
        if c['alias'] and c['alias'][i] != i:
            tensors.append(tensors[c['alias'][i]])
        elif i in c['intInputs']:
            tensors.append(torch.randint(0, c['intHigh'], shape))
        elif i in c['signInputs']:
            tensors.append(torch.randint(0, 2, shape).float() * 2 - 1)
        elif i in c['positiveInputs']:
            tensors.append(torch.rand(shape).add(0.1).requires_grad_())
        elif c['type'] == 'BCELoss' and i == 0:
            # BCELoss wants probabilities: a leaf in (0, 1).
            tensors.append(torch.rand(shape).clamp(0.05, 0.95).requires_grad_())
        elif c['type'].endswith('Loss') and i == 1:
            tensors.append(torch.rand(shape))
        else:
            tensors.append(torch.randn(shape, requires_grad=True))
    if c['id'].endswith('-inplace'):
        # An in-place op needs a non-leaf input.
        tensors[0] = tensors[0] * 1
    return tensors


def probe(c):
    torch.manual_seed(0)
    layer = getattr(nn, c['type'])(*c['args'], **c['kwargs'])
    layer.train()
    inputs = make_inputs(c)
    if c['type'].startswith('Lazy'):
        with torch.no_grad():
            layer(*inputs, **c['call'])
    params = [{'name': n, 'shape': list(p.shape)} for n, p in layer.named_parameters()]
    buffers = [{'name': n, 'shape': list(b.shape)} for n, b in layer.named_buffers()]
    children = [{'name': n, 'type': type(m).__name__} for n, m in layer.named_children()]
    counter = MacCounter()
    saved = SavedRecorder(layer)
    args = [inputs[g[0]] if len(g) == 1 else tuple(inputs[i] for i in g) for g in c['group']] if c['group'] else inputs
    with cuda_like_dropout(), saved.recording(), counter:
        out = layer(*args, **c['call'])
    outputs = flatten_tensors(out)
    return {
        **{k: c[k] for k in ('id', 'type', 'args', 'kwargs', 'inputs', 'intInputs', 'call', 'alias', 'group')},
        'params': params,
        'buffers': buffers,
        'children': children,
        'outputs': [list(t.shape) for t in outputs],
        'macs': counter.total,
        'saved': classify_saved(saved, inputs, outputs),
        'savedBytes': saved.total_bytes,
    }


def main():
    results = [probe(c) for c in CASES]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': results}, f, indent=1)
        f.write('\n')
    if '--print' in sys.argv:
        for r in results:
            saved = ', '.join(
                f"{s['ref']}{s.get('index', '')}" if s['ref'] != 'new' else f"new {s['dtype']}[{s['elements']}]"
                for s in r['saved']
            )
            print(f"{r['id']}: out={r['outputs']} macs={r['macs']} params={[(p['name'], p['shape']) for p in r['params']]} "
                  f"buffers={[(b['name'], b['shape']) for b in r['buffers']]} saved=[{saved}]")
    print(f'wrote {len(results)} cases to {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
