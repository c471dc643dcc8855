/**
 * The PyTorch catalog, a test per row family, calling the rows directly. Expected
 * numbers come from Debian's torch 1.13 (`/usr/bin/python3`); each is cited next to it
 * as the expression that produced it. Shorthand in the comments:
 *   n(m) = (sum(p.numel() for p in m.parameters()), sum(b.numel() for b in m.buffers()))
 *   macs(m, x) = MACs counted by scripts/torch_measure.py's MacCounter while m(x) runs.
 * test/unit/pytorch-catalog-torch.test.ts checks every probed case exhaustively.
 */
import { strict as assert } from 'node:assert';
import type { Shape } from '../../src/core/graph';
import { LayerError, numel, type ArgValue, type LayerCall, type LayerSpec, type OutTree } from '../../src/core/frameworks/layerSpec';
import { TORCH_LAYERS, TORCH_PRELUDE, TORCH_PRELUDE_CLASSES, bindArgs, torchLayer } from '../../src/core/frameworks/pytorch/catalog';
import { parseSignature } from '../../src/core/frameworks/pytorch/catalog/signature';

function row(type: string): LayerSpec {
  const r = torchLayer(type);
  assert.ok(r, `no row for ${type}`);
  return r;
}

function argsOf(type: string, positional: ArgValue[] = [], keywords: Record<string, ArgValue> = {}) {
  return bindArgs(type, row(type).signature, positional, keywords);
}

/** Parameters and buffers of a layer, as n(m) counts them. */
function counts(type: string, positional: ArgValue[] = [], keywords: Record<string, ArgValue> = {}, inputs?: Shape[]) {
  const weights = row(type).weights(argsOf(type, positional, keywords), inputs) ?? [];
  const children = row(type).children?.(argsOf(type, positional, keywords)) ?? [];
  let params = 0;
  let buffers = 0;
  for (const w of weights) {
    if (w.kind === 'param') params += numel(w.shape);
    else buffers += numel(w.shape);
  }
  for (const c of children) {
    for (const w of row(c.type).weights(bindArgs(c.type, row(c.type).signature, [], c.args)) ?? []) params += numel(w.shape);
  }
  return [params, buffers];
}

function call(type: string, positional: ArgValue[], keywords: Record<string, ArgValue>, inputs: Shape[], callArgs?: Record<string, ArgValue>): LayerCall {
  return row(type).forward(argsOf(type, positional, keywords), inputs, callArgs);
}

function shapes(tree: OutTree): Array<number[] | null> {
  if (tree === null) return [null];
  if (Array.isArray(tree)) return tree.flatMap(shapes);
  return [tree.shape];
}

function throwsLayerError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof LayerError && pattern.test(e.message));
}

describe('pytorch catalog', () => {
  describe('table', () => {
    it('has one row per type, every one a pytorch row with a parsable signature', () => {
      const names = TORCH_LAYERS.flatMap((r) => [r.type, ...(r.aliases ?? [])]);
      assert.equal(new Set(names).size, names.length);
      for (const r of TORCH_LAYERS) {
        assert.equal(r.framework, 'pytorch');
        assert.doesNotThrow(() => parseSignature(r.signature));
        if (r.forwardSignature) assert.doesNotThrow(() => parseSignature(r.forwardSignature!));
      }
    });

    it('covers the layer types the issue lists', () => {
      const required = [
        'Linear', 'Bilinear', 'LazyLinear', 'Identity',
        'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d', 'LazyConv1d', 'LazyConv2d', 'LazyConv3d',
        'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm', 'LayerNorm', 'GroupNorm',
        'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'RMSNorm', 'LocalResponseNorm',
        'Embedding', 'EmbeddingBag', 'RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell', 'MultiheadAttention',
        'PReLU', 'ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh',
        'Hardswish', 'Hardsigmoid', 'Hardtanh', 'Softplus', 'Softsign', 'Tanhshrink', 'Threshold', 'GLU',
        'LogSigmoid', 'Softmax', 'LogSoftmax', 'Softmin', 'Softmax2d',
        'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout',
        'MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d',
        'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d',
        'LPPool1d', 'LPPool2d', 'Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d', 'PixelShuffle', 'PixelUnshuffle',
        'Flatten', 'Unflatten', 'ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d', 'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d',
        'ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d', 'ReplicationPad1d', 'ReplicationPad2d', 'ReplicationPad3d',
        'ChannelShuffle', 'CrossEntropyLoss', 'MSELoss', 'NLLLoss', 'BCEWithLogitsLoss',
      ];
      assert.deepEqual(required.filter((t) => !torchLayer(t)), []);
    });

    it('binds arguments as Python does, defaults filled in', () => {
      assert.deepEqual(argsOf('Linear', [4, 5]), { in_features: 4, out_features: 5, bias: true, device: null, dtype: null });
      assert.deepEqual(argsOf('Identity', [1, 2], { a: 3 }), { args: [1, 2], kwargs: { a: 3 } });
      throwsLayerError(() => argsOf('Linear', [4]), /missing required argument 'out_features'/);
      throwsLayerError(() => argsOf('Linear', [4, 5], { biass: false }), /unexpected keyword argument 'biass'/);
      throwsLayerError(() => argsOf('Linear', [4, 5, true, null, null, 1]), /takes 5 positional arguments but 6 were given/);
      throwsLayerError(() => argsOf('Linear', [4, 5], { in_features: 3 }), /multiple values for argument 'in_features'/);
    });

    it('reports arguments that could not be evaluated instead of guessing', () => {
      throwsLayerError(() => row('Linear').weights({ in_features: undefined, out_features: 3 }), /Linear: could not evaluate argument 'in_features'/);
      throwsLayerError(() => row('Conv2d').weights(argsOf('Conv2d', [3, 8, 2.5])), /'kernel_size' must be an integer, got 2.5/);
    });
  });

  describe('linear', () => {
    it('Linear(768, 3072): weight, bias, MACs per token', () => {
      // n(nn.Linear(768, 3072)) == (2362368, 0)
      assert.deepEqual(counts('Linear', [768, 3072]), [2_362_368, 0]);
      // macs(nn.Linear(768, 3072), randn(8, 128, 768)) == 2415919104; output (8, 128, 3072)
      const c = call('Linear', [768, 3072], {}, [[8, 128, 768]]);
      assert.deepEqual(shapes(c.output), [[8, 128, 3072]]);
      assert.equal(c.macs, 2_415_919_104);
      assert.deepEqual(c.saves, [{ input: 0 }]);
      assert.deepEqual(row('Linear').linearDims!(argsOf('Linear', [768, 3072])), [768, 3072]);
      throwsLayerError(() => call('Linear', [768, 3072], {}, [[8, 512]]), /last dimension is 512 but in_features is 768/);
    });

    it('Lazy rows name the class they become after the first forward', () => {
      // type(m).__name__ after one forward: LazyLinear -> Linear, LazyConv1d -> Conv1d,
      // LazyConvTranspose3d -> ConvTranspose3d, LazyBatchNorm2d -> BatchNorm2d, LazyInstanceNorm1d -> InstanceNorm1d
      const lazy = TORCH_LAYERS.filter((r) => r.type.startsWith('Lazy'));
      assert.equal(lazy.length, 13);
      for (const r of lazy) {
        assert.equal(r.materializesAs, r.type.slice('Lazy'.length), r.type);
        assert.ok(torchLayer(r.materializesAs!), r.materializesAs);
      }
    });

    it('LazyLinear sizes its weight from the first input', () => {
      assert.equal(row('LazyLinear').weights(argsOf('LazyLinear', [10])), undefined);
      assert.deepEqual(row('LazyLinear').weights(argsOf('LazyLinear', [10]), [[4, 7]])?.map((w) => w.shape), [[10, 7], [10]]);
    });

    it('Bilinear(20, 30, 40): weight (40, 20, 30), MACs out·in1·in2 per row', () => {
      // n(nn.Bilinear(20, 30, 40)) == (24040, 0)
      assert.deepEqual(counts('Bilinear', [20, 30, 40]), [24_040, 0]);
      // macs(nn.Bilinear(20, 30, 40), randn(128, 20), randn(128, 30)) == 3072000
      assert.equal(call('Bilinear', [20, 30, 40], {}, [[128, 20], [128, 30]]).macs, 3_072_000);
    });
  });

  describe('conv', () => {
    it("ResNet's stem: Conv2d(3, 64, 7, 2, 3, bias=False)", () => {
      // n(...) == (9408, 0); output (1, 64, 112, 112); macs(..., randn(1, 3, 224, 224)) == 118013952
      assert.deepEqual(counts('Conv2d', [3, 64, 7, 2, 3], { bias: false }), [9408, 0]);
      const c = call('Conv2d', [3, 64, 7, 2, 3], { bias: false }, [[1, 3, 224, 224]]);
      assert.deepEqual(shapes(c.output), [[1, 64, 112, 112]]);
      assert.equal(c.macs, 118_013_952);
    });

    it("padding='same' keeps the length, with dilation and groups", () => {
      // nn.Conv1d(16, 32, 5, padding='same', dilation=2)(randn(2, 16, 100)).shape == (2, 32, 100)
      assert.deepEqual(shapes(call('Conv1d', [16, 32, 5], { padding: 'same', dilation: 2 }, [[2, 16, 100]]).output), [[2, 32, 100]]);
      // macs(nn.Conv1d(64, 64, 7, padding='same', groups=64), randn(4, 64, 100)) == 179200
      assert.equal(call('Conv1d', [64, 64, 7], { padding: 'same', groups: 64 }, [[4, 64, 100]]).macs, 179_200);
      throwsLayerError(() => call('Conv1d', [16, 32, 5], { padding: 'same', stride: 2 }, [[2, 16, 100]]), /not supported for strided/);
      throwsLayerError(() => row('Conv2d').weights(argsOf('Conv2d', [6, 8, 3], { groups: 4 })), /in_channels \(6\) must be divisible by groups \(4\)/);
    });

    it('Conv3d with per-dimension kernel, stride and padding', () => {
      // n(nn.Conv3d(3, 64, (3,7,7), stride=(1,2,2), padding=(1,3,3))) == (28288, 0); output (1, 64, 16, 56, 56)
      const kw = { stride: [1, 2, 2], padding: [1, 3, 3] };
      assert.deepEqual(counts('Conv3d', [3, 64, [3, 7, 7]], kw), [28_288, 0]);
      assert.deepEqual(shapes(call('Conv3d', [3, 64, [3, 7, 7]], kw, [[1, 3, 16, 112, 112]]).output), [[1, 64, 16, 56, 56]]);
    });

    it("DCGAN's generator: ConvTranspose2d weight is (in, out/groups, k, k)", () => {
      // n(nn.ConvTranspose2d(100, 512, 4, 1, 0, bias=False)) == (819200, 0); output (1, 512, 4, 4) from (1, 100, 1, 1)
      assert.deepEqual(counts('ConvTranspose2d', [100, 512, 4, 1, 0], { bias: false }), [819_200, 0]);
      assert.deepEqual(shapes(call('ConvTranspose2d', [100, 512, 4, 1, 0], { bias: false }, [[1, 100, 1, 1]]).output), [[1, 512, 4, 4]]);
      // nn.ConvTranspose2d(512, 256, 4, 2, 1, bias=False) on (1, 512, 4, 4): (1, 256, 8, 8), macs == 33554432
      const c = call('ConvTranspose2d', [512, 256, 4, 2, 1], { bias: false }, [[1, 512, 4, 4]]);
      assert.deepEqual(shapes(c.output), [[1, 256, 8, 8]]);
      assert.equal(c.macs, 33_554_432);
      throwsLayerError(() => row('ConvTranspose2d').weights(argsOf('ConvTranspose2d', [4, 4, 3], { padding_mode: 'reflect' })), /only 'zeros' padding_mode/);
    });

    it('LazyConv2d takes in_channels from the input', () => {
      assert.equal(row('LazyConv2d').weights(argsOf('LazyConv2d', [8, 3])), undefined);
      assert.deepEqual(row('LazyConv2d').weights(argsOf('LazyConv2d', [8, 3]), [[2, 5, 12, 12]])?.map((w) => w.shape), [[8, 5, 3, 3], [8]]);
    });
  });

  describe('norm', () => {
    it('BatchNorm2d(64): 2 params and 3 buffers, num_batches_tracked one element of shape []', () => {
      // n(nn.BatchNorm2d(64)) == (128, 129); state_dict: weight (64,), bias (64,), running_mean (64,), running_var (64,), num_batches_tracked ()
      assert.deepEqual(counts('BatchNorm2d', [64]), [128, 129]);
      const w = row('BatchNorm2d').weights(argsOf('BatchNorm2d', [64]))!;
      assert.deepEqual(w.map((x) => [x.name, x.kind, x.shape]), [
        ['weight', 'param', [64]],
        ['bias', 'param', [64]],
        ['running_mean', 'buffer', [64]],
        ['running_var', 'buffer', [64]],
        ['num_batches_tracked', 'buffer', []],
      ]);
      const c = call('BatchNorm2d', [64], {}, [[8, 64, 56, 56]]);
      assert.equal(c.macs, 0);
      assert.deepEqual(c.saves, [{ input: 0 }, { elements: 128, dtype: 'fp32' }]);
      throwsLayerError(() => call('BatchNorm2d', [64], {}, [[8, 32, 56, 56]]), /expected 64 channels/);
    });

    it('InstanceNorm defaults to affine=False, track_running_stats=False', () => {
      // n(nn.InstanceNorm2d(64)) == (0, 0); affine=True: (128, 0); track_running_stats=True: (0, 129)
      assert.deepEqual(counts('InstanceNorm2d', [64]), [0, 0]);
      assert.deepEqual(counts('InstanceNorm2d', [64], { affine: true }), [128, 0]);
      assert.deepEqual(counts('InstanceNorm2d', [64], { track_running_stats: true }), [0, 129]);
    });

    it('LayerNorm, GroupNorm, RMSNorm', () => {
      // n(nn.LayerNorm(768)) == (1536, 0); n(nn.GroupNorm(32, 256)) == (512, 0)
      assert.deepEqual(counts('LayerNorm', [768]), [1536, 0]);
      assert.deepEqual(counts('GroupNorm', [32, 256]), [512, 0]);
      // LayerNorm(bias=False) (torch >= 2.1 docs): weight only.
      assert.deepEqual(counts('LayerNorm', [768], { bias: false }), [768, 0]);
      // RMSNorm (torch >= 2.4 docs): weight of normalized_shape when elementwise_affine.
      assert.deepEqual(counts('RMSNorm', [4096]), [4096, 0]);
      assert.deepEqual(counts('RMSNorm', [4096], { elementwise_affine: false }), [0, 0]);
      throwsLayerError(() => row('GroupNorm').weights(argsOf('GroupNorm', [3, 256])), /divisible by num_groups/);
      throwsLayerError(() => call('LayerNorm', [768], {}, [[2, 10, 512]]), /does not end with normalized_shape \[768\]/);
    });
  });

  describe('embedding', () => {
    it("GPT-2's token table: Embedding(50257, 768)", () => {
      // n(nn.Embedding(50257, 768)) == (38597376, 0)
      assert.deepEqual(counts('Embedding', [50257, 768]), [38_597_376, 0]);
      const c = call('Embedding', [50257, 768], {}, [[2, 1024]]);
      assert.deepEqual(shapes(c.output), [[2, 1024, 768]]);
      assert.deepEqual(c.saves, [{ input: 0 }]);
      assert.deepEqual(row('Embedding').intInputs, [0]);
      throwsLayerError(() => row('Embedding').weights(argsOf('Embedding', [10, 4], { padding_idx: 10 })), /padding_idx \(10\)/);
    });

    it('EmbeddingBag with offsets gives one row per bag', () => {
      // n(nn.EmbeddingBag(1000, 64, mode='sum')) == (64000, 0); 8 indices with offsets [0, 4] -> (2, 64)
      assert.deepEqual(counts('EmbeddingBag', [1000, 64], { mode: 'sum' }), [64_000, 0]);
      assert.deepEqual(shapes(call('EmbeddingBag', [1000, 64], {}, [[8], [2]]).output), [[2, 64]]);
    });
  });

  describe('recurrent', () => {
    it('LSTM(256, 512, num_layers=2, bidirectional=True)', () => {
      // n(...) == (9453568, 0); macs(..., randn(35, 16, 256)) == 5284823040
      const kw = { num_layers: 2, bidirectional: true };
      assert.deepEqual(counts('LSTM', [256, 512], kw), [9_453_568, 0]);
      const c = call('LSTM', [256, 512], kw, [[35, 16, 256]]);
      assert.equal(c.macs, 5_284_823_040);
      // output, (h_n, c_n)
      assert.deepEqual(c.output, [{ shape: [35, 16, 1024] }, [{ shape: [4, 16, 512] }, { shape: [4, 16, 512] }]]);
      const names = row('LSTM').weights(argsOf('LSTM', [256, 512], kw))!.map((w) => w.name);
      assert.deepEqual(names.slice(0, 8), [
        'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
        'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      ]);
    });

    it('LSTM with proj_size adds weight_hr and shrinks h_n', () => {
      // n(nn.LSTM(64, 128, proj_size=32)) == (54272, 0)
      assert.deepEqual(counts('LSTM', [64, 128], { proj_size: 32 }), [54_272, 0]);
      const c = call('LSTM', [64, 128], { proj_size: 32, batch_first: true }, [[4, 10, 64]]);
      assert.deepEqual(c.output, [{ shape: [4, 10, 32] }, [{ shape: [1, 4, 32] }, { shape: [1, 4, 128] }]]);
      throwsLayerError(() => row('LSTM').weights(argsOf('LSTM', [64, 128], { proj_size: 128 })), /proj_size \(128\) has to be smaller/);
    });

    it('GRU and GRUCell', () => {
      // n(nn.GRU(300, 128)) == (165120, 0); macs(nn.GRUCell(300, 128), randn(32, 300)) == 5259264
      assert.deepEqual(counts('GRU', [300, 128]), [165_120, 0]);
      const c = call('GRUCell', [300, 128], {}, [[32, 300]]);
      assert.equal(c.macs, 5_259_264);
      assert.deepEqual(c.output, { shape: [32, 128] });
    });
  });

  describe('attention', () => {
    it('MultiheadAttention(768, 12): in_proj and the out_proj child', () => {
      // n(nn.MultiheadAttention(768, 12)) == (2362368, 0), out_proj included
      assert.deepEqual(counts('MultiheadAttention', [768, 12]), [2_362_368, 0]);
      const children = row('MultiheadAttention').children!(argsOf('MultiheadAttention', [768, 12]));
      assert.deepEqual(children.map((c) => [c.name, c.type]), [['out_proj', 'NonDynamicallyQuantizableLinear']]);
    });

    it('kdim/vdim give separate projection weights; add_bias_kv adds bias_k, bias_v', () => {
      // n(nn.MultiheadAttention(512, 8, kdim=256, vdim=128, add_bias_kv=True)) == (723968, 0)
      assert.deepEqual(counts('MultiheadAttention', [512, 8], { kdim: 256, vdim: 128, add_bias_kv: true }), [723_968, 0]);
      const names = row('MultiheadAttention')
        .weights(argsOf('MultiheadAttention', [512, 8], { kdim: 256, vdim: 128, add_bias_kv: true }))!
        .map((w) => w.name);
      assert.deepEqual(names, ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v']);
      throwsLayerError(() => row('MultiheadAttention').weights(argsOf('MultiheadAttention', [100, 8])), /divisible by num_heads/);
    });

    it('counts both attention matmuls: a ViT-B/16 block on 197 tokens', () => {
      // macs(nn.MultiheadAttention(768, 12, batch_first=True), x, x, x) with x = randn(1, 197, 768) == 524391936
      const c = call('MultiheadAttention', [768, 12], { batch_first: true }, [[1, 197, 768], [1, 197, 768], [1, 197, 768]], { need_weights: false });
      assert.equal(c.macs, 524_391_936);
      // need_weights=False returns (attn_output, None)
      assert.deepEqual(c.output, [{ shape: [1, 197, 768] }, null]);
      const w = call('MultiheadAttention', [768, 12], {}, [[197, 2, 768], [50, 2, 768], [50, 2, 768]]);
      assert.deepEqual(shapes(w.output), [[197, 2, 768], [2, 197, 50]]);
    });
  });

  describe('activation and dropout', () => {
    it('parameter-free activations keep the shape and save input or output as torch does', () => {
      // scripts/torch_layer_probe.py: ReLU, Sigmoid, Tanh, Softmax save their output; GELU, SiLU their input.
      const x: Shape = [4, 8];
      const saved = (t: string, kw: Record<string, ArgValue> = {}) => call(t, [], kw, [x]).saves;
      for (const t of ['ReLU', 'Sigmoid', 'Tanh']) assert.deepEqual(saved(t), [{ output: 0 }], t);
      assert.deepEqual(saved('Softmax', { dim: -1 }), [{ output: 0 }]);
      for (const t of ['GELU', 'SiLU', 'Mish', 'LeakyReLU', 'Hardswish', 'ReLU6']) assert.deepEqual(saved(t), [{ input: 0 }], t);
      for (const t of ['ReLU', 'GELU', 'Softsign', 'Threshold']) {
        const a = t === 'Threshold' ? [0.1, 20] : [];
        const c = call(t, a, {}, [x]);
        assert.deepEqual(shapes(c.output), [x], t);
        assert.equal(c.macs, 0);
      }
    });

    it('GLU halves its dim; PReLU(64) has one slope per channel', () => {
      assert.deepEqual(shapes(call('GLU', [], { dim: 1 }, [[4, 8, 3]]).output), [[4, 4, 3]]);
      throwsLayerError(() => call('GLU', [], {}, [[4, 7]]), /halving dimension must be even/);
      // n(nn.PReLU(64)) == (64, 0)
      assert.deepEqual(counts('PReLU', [64]), [64, 0]);
      throwsLayerError(() => call('PReLU', [64], {}, [[2, 32, 5, 5]]), /num_parameters \(64\)/);
    });

    it('Dropout keeps a bool mask; feature dropout one value per channel; p=0 nothing', () => {
      assert.deepEqual(call('Dropout', [0.1], {}, [[8, 128, 768]]).saves, [{ elements: 786_432, dtype: 'bool' }]);
      assert.deepEqual(call('Dropout2d', [0.5], {}, [[4, 8, 6, 6]]).saves, [{ elements: 32, dtype: 'act' }]);
      assert.deepEqual(call('Dropout', [0.0], {}, [[8, 128]]).saves, []);
      throwsLayerError(() => call('Dropout', [1.5], {}, [[8]]), /between 0 and 1/);
    });
  });

  describe('pooling', () => {
    it("ResNet's MaxPool2d(3, 2, 1) keeps input and int64 indices", () => {
      // nn.MaxPool2d(3, 2, 1)(randn(1, 64, 112, 112)).shape == (1, 64, 56, 56)
      const c = call('MaxPool2d', [3, 2, 1], {}, [[1, 64, 112, 112]]);
      assert.deepEqual(shapes(c.output), [[1, 64, 56, 56]]);
      assert.deepEqual(c.saves, [{ input: 0 }, { elements: 200_704, dtype: 'int64' }]);
    });

    it('ceil_mode, and the rule that the last window starts inside the input', () => {
      // nn.MaxPool2d(2, ceil_mode=True) on 7x7 -> 4x4; nn.MaxPool2d(3, 2, ceil_mode=True) on 6x6 -> 3x3;
      // nn.AvgPool2d(3, 2, 1, ceil_mode=True) on 6x6 -> 4x4 (a 5th window would start in the right padding)
      assert.deepEqual(shapes(call('MaxPool2d', [2], { ceil_mode: true }, [[1, 1, 7, 7]]).output), [[1, 1, 4, 4]]);
      assert.deepEqual(shapes(call('MaxPool2d', [3, 2], { ceil_mode: true }, [[1, 1, 6, 6]]).output), [[1, 1, 3, 3]]);
      assert.deepEqual(shapes(call('AvgPool2d', [3, 2, 1], { ceil_mode: true }, [[1, 1, 6, 6]]).output), [[1, 1, 4, 4]]);
    });

    it('adaptive pooling; return_indices gives an int second output', () => {
      // nn.AdaptiveAvgPool2d((1, 1))(randn(2, 2048, 7, 7)).shape == (2, 2048, 1, 1)
      assert.deepEqual(shapes(call('AdaptiveAvgPool2d', [[1, 1]], {}, [[2, 2048, 7, 7]]).output), [[2, 2048, 1, 1]]);
      const c = call('MaxPool2d', [2], { return_indices: true }, [[1, 3, 8, 8]]);
      assert.deepEqual(c.output, [{ shape: [1, 3, 4, 4] }, { shape: [1, 3, 4, 4], dtype: 'int' }]);
    });
  });

  describe('shape, padding, loss', () => {
    it('Upsample, PixelShuffle, Flatten, Unflatten', () => {
      // nn.Upsample(scale_factor=2)(randn(1, 64, 28, 28)).shape == (1, 64, 56, 56)
      assert.deepEqual(shapes(call('Upsample', [], { scale_factor: 2 }, [[1, 64, 28, 28]]).output), [[1, 64, 56, 56]]);
      // nn.PixelShuffle(3)(randn(1, 18, 10, 10)).shape == (1, 2, 30, 30)
      assert.deepEqual(shapes(call('PixelShuffle', [3], {}, [[1, 18, 10, 10]]).output), [[1, 2, 30, 30]]);
      // nn.Flatten()(randn(8, 512, 7, 7)).shape == (8, 25088); nn.Unflatten(1, (-1, 7, 7)) back to (8, 512, 7, 7)
      assert.deepEqual(shapes(call('Flatten', [], {}, [[8, 512, 7, 7]]).output), [[8, 25088]]);
      assert.deepEqual(shapes(call('Unflatten', [1, [-1, 7, 7]], {}, [[8, 25088]]).output), [[8, 512, 7, 7]]);
      throwsLayerError(() => call('Upsample', [], {}, [[1, 3, 8, 8]]), /exactly one of size and scale_factor/);
    });

    it('padding layers take (left, right, top, bottom), last dim first', () => {
      // nn.ReflectionPad2d((1, 2, 3, 4))(randn(1, 3, 8, 8)).shape == (1, 3, 15, 11)
      assert.deepEqual(shapes(call('ReflectionPad2d', [[1, 2, 3, 4]], {}, [[1, 3, 8, 8]]).output), [[1, 3, 15, 11]]);
      // nn.ConstantPad1d((-1, 2), 0.)(randn(1, 3, 8)).shape == (1, 3, 9): negative padding crops
      assert.deepEqual(shapes(call('ConstantPad1d', [[-1, 2], 0.0], {}, [[1, 3, 8]]).output), [[1, 3, 9]]);
      throwsLayerError(() => call('ReflectionPad1d', [8], {}, [[1, 3, 8]]), /too large/);
    });

    it("losses: a scalar, or per element with reduction='none'", () => {
      assert.deepEqual(shapes(call('MSELoss', [], {}, [[4, 8], [4, 8]]).output), [[]]);
      // nn.CrossEntropyLoss(reduction='none')(randn(4, 10, 6), randint(0, 10, (4, 6))).shape == (4, 6)
      assert.deepEqual(shapes(call('CrossEntropyLoss', [], { reduction: 'none' }, [[4, 10, 6], [4, 6]]).output), [[4, 6]]);
      assert.deepEqual(counts('CrossEntropyLoss', [], { weight: [1, 2, 3] }), [0, 3]);
      throwsLayerError(() => call('MSELoss', [], { reduction: 'avg' }, [[4], [4]]), /'avg' is not a valid value for reduction/);
    });
  });

  describe('prelude', () => {
    it('defines the composite Transformer classes with torch names', () => {
      for (const cls of TORCH_PRELUDE_CLASSES) assert.match(TORCH_PRELUDE, new RegExp(`^class ${cls}\\(nn\\.Module\\):`, 'm'));
      for (const child of ['self.self_attn', 'self.multihead_attn', 'self.linear1', 'self.linear2', 'self.norm3', 'self.dropout3', 'self.layers']) {
        assert.ok(TORCH_PRELUDE.includes(`${child} =`), child);
      }
      assert.match(TORCH_PRELUDE, /^def _get_clones\(module, N\):/m);
    });
  });
});
