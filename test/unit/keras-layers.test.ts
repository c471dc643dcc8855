/**
 * The Keras layer catalog, row family by row family. Expected numbers are either
 * printed by Keras itself (keras.io guides and examples, quoted by name) or follow
 * from the weight rule in the Keras source file named next to them, with the
 * arithmetic written out. Shapes include the batch (Keras prints it as None).
 */
import { strict as assert } from 'node:assert';
import type { Shape } from '../../src/core/graph';
import { FnRef, LayerError, numel, type Args, type OutTree } from '../../src/core/frameworks/layerSpec';
import { KERAS_LAYERS, findKerasLayer } from '../../src/core/frameworks/keras/catalog';
import { signatureParams } from '../../src/core/frameworks/pytorch/catalog/signature';

interface Result {
  total: number;
  trainable: number;
  nonTrainable: number;
  names: string[];
  output: OutTree;
  macs: number;
}

function run(type: string, args: Args, inputs: Shape[], call?: Args): Result {
  const row = findKerasLayer(type);
  assert.ok(row, `no row for ${type}`);
  const weights = row.weights(args, inputs);
  assert.ok(weights, `${type} returned no weights for known inputs`);
  const total = weights.reduce((s, w) => s + numel(w.shape), 0);
  const trainable = weights.filter((w) => w.trainable !== false).reduce((s, w) => s + numel(w.shape), 0);
  const call1 = row.forward(args, inputs, call);
  return { total, trainable, nonTrainable: total - trainable, names: weights.map((w) => w.name), output: call1.output, macs: call1.macs };
}

/** The single output shape of a call. */
function shape(r: Result): Shape {
  const o = r.output;
  assert.ok(o && !Array.isArray(o), 'expected one output tensor');
  return o.shape;
}

/** The output shapes of a multi-output call, in order. */
function shapes(r: Result): Shape[] {
  const o = r.output;
  assert.ok(Array.isArray(o), 'expected several outputs');
  return o.map((t) => {
    assert.ok(t && !Array.isArray(t));
    return t.shape;
  });
}

const B = 2;

describe('keras catalog: the table', () => {
  it('has one row per name, every row a keras row', () => {
    const names = new Set<string>();
    for (const row of KERAS_LAYERS) {
      assert.equal(row.framework, 'keras');
      for (const n of [row.type, ...(row.aliases ?? [])]) {
        assert.ok(!names.has(n), `duplicate ${n}`);
        names.add(n);
      }
    }
    // Issue 4's list, spot-checked by name.
    for (const n of [
      'Dense', 'EinsumDense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
      'DepthwiseConv1D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'BatchNormalization',
      'LayerNormalization', 'GroupNormalization', 'UnitNormalization', 'Embedding', 'LSTM', 'GRU', 'SimpleRNN',
      'ConvLSTM2D', 'Bidirectional', 'TimeDistributed', 'MultiHeadAttention', 'Attention', 'AdditiveAttention',
      'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'MaxPooling2D', 'AveragePooling1D', 'GlobalAveragePooling2D',
      'GlobalMaxPool1D', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Concatenate', 'Add', 'Multiply',
      'Average', 'Subtract', 'Maximum', 'Minimum', 'Dot', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU',
      'Softmax', 'Rescaling', 'Normalization', 'Resizing', 'CenterCrop', 'RandomFlip', 'RandomRotation',
      'RandomZoom', 'RandomCrop', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
    ]) {
      assert.ok(findKerasLayer(n), `missing ${n}`);
    }
  });

  it('every signature parses and accepts Layer keywords (name=, trainable=, input_shape=) through **kwargs', () => {
    for (const row of KERAS_LAYERS) {
      const params = signatureParams(row.signature);
      assert.ok(params.some((p) => p.kind === 'var-keyword'), `${row.type} has no **kwargs`);
      if (row.forwardSignature) signatureParams(row.forwardSignature);
    }
  });

  it('rows need the input shape to build weights (Keras builds weights from it)', () => {
    assert.equal(findKerasLayer('Dense')!.weights({ units: 4 }), undefined);
    assert.equal(findKerasLayer('Conv2D')!.weights({ filters: 4, kernel_size: 3 }), undefined);
  });
});

describe('keras catalog: core layers (keras/src/layers/core)', () => {
  it('Dense: kernel (in, units) + bias (units)', () => {
    // keras.io "The Sequential model" guide: Dense(2, input_shape=(4,)) prints (None, 2), 10 params = 4·2 + 2.
    const r = run('Dense', { units: 2, activation: 'relu' }, [[B, 4]]);
    assert.equal(r.total, 10);
    assert.deepEqual(shape(r), [B, 2]);
    // keras.io MNIST convnet: Dense(10) on Flatten's 1600 features prints 16,010 = 1600·10 + 10.
    const mnist = run('Dense', { units: 10, activation: 'softmax' }, [[B, 1600]]);
    assert.equal(mnist.total, 16_010);
    assert.equal(mnist.macs, B * 1600 * 10, 'in·out MACs per row (reference/estimation.md)');
  });

  it('Dense acts on the last axis and may drop the bias', () => {
    // 8·4 = 32 kernel values; use_bias=False leaves no bias.
    const r = run('Dense', { units: 4, use_bias: false }, [[B, 5, 8]]);
    assert.equal(r.total, 32);
    assert.deepEqual(r.names, ['kernel']);
    assert.deepEqual(shape(r), [B, 5, 4]);
    assert.equal(r.macs, B * 5 * 8 * 4);
  });

  it('Dense with lora_rank freezes the kernel and adds two trainable factors (dense.py enable_lora)', () => {
    // kernel 32·16 = 512 frozen; bias 16; lora_kernel_a (32, 4) = 128; lora_kernel_b (4, 16) = 64.
    const r = run('Dense', { units: 16, lora_rank: 4 }, [[B, 32]]);
    assert.equal(r.total, 512 + 16 + 128 + 64);
    assert.equal(r.nonTrainable, 512);
    assert.equal(r.trainable, 16 + 128 + 64);
  });

  it('EinsumDense: the docstring examples of einsum_dense.py', () => {
    // "ab,bc->ac", output_shape=64, bias_axes="c" on Input(shape=[32]) -> (None, 64); kernel (32, 64) + bias (64).
    const a = run('EinsumDense', { equation: 'ab,bc->ac', output_shape: 64, bias_axes: 'c' }, [[B, 32]]);
    assert.deepEqual(shape(a), [B, 64]);
    assert.equal(a.total, 32 * 64 + 64);
    // "abc,cd->abd", output_shape=(None, 64), bias_axes="d" on Input(shape=[32, 128]) -> (None, 32, 64).
    const b = run('EinsumDense', { equation: 'abc,cd->abd', output_shape: [null, 64], bias_axes: 'd' }, [[B, 32, 128]]);
    assert.deepEqual(shape(b), [B, 32, 64]);
    assert.equal(b.total, 128 * 64 + 64);
    // "...x,xy->...y", output_shape=64, bias_axes="y" on Input(shape=[32, 128]) -> (None, 32, 64).
    const c = run('EinsumDense', { equation: '...x,xy->...y', output_shape: 64, bias_axes: 'y' }, [[B, 32, 128]]);
    assert.deepEqual(shape(c), [B, 32, 64]);
    assert.equal(c.total, 128 * 64 + 64);
    assert.equal(c.macs, B * 32 * 128 * 64);
  });

  it('EinsumDense: a bias over a middle axis is broadcast over the later ones (_analyze_split_string)', () => {
    // "abc,cde->abde" with bias_axes="d": bias shape from the first bias axis on: (d, e->1) = (4, 1).
    const r = run('EinsumDense', { equation: 'abc,cde->abde', output_shape: [null, 4, 8], bias_axes: 'd' }, [[B, 10, 16]]);
    assert.deepEqual(shape(r), [B, 10, 4, 8]);
    assert.equal(r.total, 16 * 4 * 8 + 4);
  });

  it('EinsumDense rejects an equation that does not fit', () => {
    assert.throws(() => run('EinsumDense', { equation: 'ab,bc', output_shape: 4 }, [[B, 3]]), LayerError);
  });

  it('Embedding: embeddings (input_dim, output_dim), output appends output_dim', () => {
    // keras.io "Working with RNNs": Embedding(input_dim=1000, output_dim=64) prints 64000, (None, None, 64).
    const r = run('Embedding', { input_dim: 1000, output_dim: 64 }, [[B, 12]]);
    assert.equal(r.total, 64_000);
    assert.deepEqual(shape(r), [B, 12, 64]);
    assert.deepEqual(findKerasLayer('Embedding')!.intInputs, [0]);
  });
});

describe('keras catalog: convolutions (keras/src/layers/convolutional)', () => {
  it('Conv2D: the MNIST convnet of keras.io', () => {
    // Conv2D(32, (3, 3)) on (28, 28, 1) prints (None, 26, 26, 32), 320 = 3·3·1·32 + 32.
    const c1 = run('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, [[B, 28, 28, 1]]);
    assert.deepEqual(shape(c1), [B, 26, 26, 32]);
    assert.equal(c1.total, 320);
    assert.equal(c1.macs, B * 26 * 26 * 3 * 3 * 1 * 32);
    // Conv2D(64, (3, 3)) on (13, 13, 32) prints (None, 11, 11, 64), 18,496 = 3·3·32·64 + 64.
    const c2 = run('Conv2D', { filters: 64, kernel_size: [3, 3] }, [[B, 13, 13, 32]]);
    assert.deepEqual(shape(c2), [B, 11, 11, 64]);
    assert.equal(c2.total, 18_496);
  });

  it('Conv2D with strides: keras.io "The Sequential model" guide', () => {
    // Conv2D(32, 5, strides=2) on (250, 250, 3) prints (None, 123, 123, 32), 2432 = 5·5·3·32 + 32.
    const r = run('Conv2D', { filters: 32, kernel_size: 5, strides: 2, activation: 'relu' }, [[B, 250, 250, 3]]);
    assert.deepEqual(shape(r), [B, 123, 123, 32]);
    assert.equal(r.total, 2432);
  });

  it('padding="same" gives floor((n - 1)/s) + 1 (operation_utils.compute_conv_output_shape)', () => {
    const r = run('Conv2D', { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, [[B, 7, 7, 4]]);
    assert.deepEqual(shape(r), [B, 4, 4, 8]);
  });

  it('Conv1D with causal padding keeps the length', () => {
    // kernel (3, 4, 6) + bias (6) = 78.
    const r = run('Conv1D', { filters: 6, kernel_size: 3, padding: 'causal', dilation_rate: 2 }, [[B, 10, 4]]);
    assert.deepEqual(shape(r), [B, 10, 6]);
    assert.equal(r.total, 78);
  });

  it('groups divide the kernel: (k, k, in/groups, filters)', () => {
    // 3·3·(4/2)·8 + 8 = 152.
    assert.equal(run('Conv2D', { filters: 8, kernel_size: 3, groups: 2 }, [[B, 9, 9, 4]]).total, 152);
    assert.throws(() => run('Conv2D', { filters: 8, kernel_size: 3, groups: 3 }, [[B, 9, 9, 4]]), LayerError);
  });

  it('Conv3D and channels_first', () => {
    // 3·3·3·2·4 + 4 = 220.
    const r = run('Conv3D', { filters: 4, kernel_size: 3 }, [[B, 8, 8, 8, 2]]);
    assert.deepEqual(shape(r), [B, 6, 6, 6, 4]);
    assert.equal(r.total, 220);
    const cf = run('Conv2D', { filters: 32, kernel_size: 3, data_format: 'channels_first' }, [[B, 1, 28, 28]]);
    assert.deepEqual(shape(cf), [B, 32, 26, 26]);
    assert.equal(cf.total, 320);
  });

  it('Conv2DTranspose: kernel (k, k, filters, in), length n·s + max(k - s, 0) for "valid"', () => {
    // conv_utils.deconv_output_length: 10·2 + 0 = 20, 8·2 + 0 = 16; kernel 2·2·32·128 + 32 = 16,416.
    const r = run('Conv2DTranspose', { filters: 32, kernel_size: 2, strides: 2 }, [[B, 10, 8, 128]]);
    assert.deepEqual(shape(r), [B, 20, 16, 32]);
    assert.equal(r.total, 16_416);
    assert.equal(r.macs, B * 10 * 8 * 2 * 2 * 128 * 32);
    // Conv1DTranspose(32, 3, 2) on (10, 128): 10·2 + max(3 - 2, 0) = 21.
    assert.deepEqual(shape(run('Conv1DTranspose', { filters: 32, kernel_size: 3, strides: 2 }, [[B, 10, 128]])), [B, 21, 32]);
    // "same": n·s; with output_padding: (n - 1)·s + k - 2·(k // 2) + output_padding = 9·2 + 3 - 2 + 1 = 20.
    assert.deepEqual(shape(run('Conv2DTranspose', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, [[B, 10, 10, 3]])), [B, 20, 20, 4]);
    assert.deepEqual(
      shape(run('Conv2DTranspose', { filters: 4, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, [[B, 10, 10, 3]])),
      [B, 20, 20, 4],
    );
  });

  it('DepthwiseConv2D: kernel (k, k, in, depth_multiplier) + bias (in·depth_multiplier)', () => {
    // 3·3·12·3 + 36 = 360.
    const r = run('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 3 }, [[B, 10, 10, 12]]);
    assert.deepEqual(shape(r), [B, 8, 8, 36]);
    assert.equal(r.total, 360);
    assert.equal(r.macs, B * 8 * 8 * 3 * 3 * 12 * 3);
    // DepthwiseConv1D without bias: 5·6·1 = 30.
    assert.equal(run('DepthwiseConv1D', { kernel_size: 5, use_bias: false }, [[B, 20, 6]]).total, 30);
  });

  it('SeparableConv2D: depthwise (k, k, in, dm) + pointwise (1, 1, in·dm, filters) + bias (filters)', () => {
    // 3·3·16·2 + 32·64 + 64 = 288 + 2048 + 64 = 2400.
    const r = run('SeparableConv2D', { filters: 64, kernel_size: 3, depth_multiplier: 2, padding: 'same' }, [[B, 14, 14, 16]]);
    assert.deepEqual(shape(r), [B, 14, 14, 64]);
    assert.equal(r.total, 2400);
    assert.deepEqual(r.names, ['depthwise_kernel', 'pointwise_kernel', 'bias']);
    assert.equal(r.macs, B * 14 * 14 * (3 * 3 * 32 + 32 * 64));
    // SeparableConv1D(8, 3, use_bias=False) on 4 channels: 3·4 + 4·8 = 44.
    assert.equal(run('SeparableConv1D', { filters: 8, kernel_size: 3, use_bias: false }, [[B, 10, 4]]).total, 44);
  });

  it('a window larger than the input is an error, not a negative shape', () => {
    assert.throws(() => run('Conv2D', { filters: 4, kernel_size: 5 }, [[B, 3, 3, 1]]), LayerError);
  });
});

describe('keras catalog: normalization (keras/src/layers/normalization)', () => {
  it('BatchNormalization: gamma, beta trainable; moving_mean, moving_variance not', () => {
    const r = run('BatchNormalization', {}, [[B, 7, 7, 64]]);
    assert.equal(r.total, 4 * 64);
    assert.equal(r.trainable, 2 * 64);
    assert.equal(r.nonTrainable, 2 * 64);
    assert.deepEqual(r.names, ['gamma', 'beta', 'moving_mean', 'moving_variance']);
    assert.equal(r.macs, 0);
  });

  it('BatchNormalization: center/scale drop beta/gamma; axis picks the channel', () => {
    // InceptionV3 uses scale=False: beta + the two statistics.
    const r = run('BatchNormalization', { scale: false }, [[B, 10, 10, 32]]);
    assert.equal(r.total, 3 * 32);
    assert.equal(r.trainable, 32);
    const cf = run('BatchNormalization', { axis: 1 }, [[B, 16, 10, 10]]);
    assert.equal(cf.total, 4 * 16);
  });

  it('LayerNormalization: gamma and beta of the normalised axes; rms_scaling keeps gamma only', () => {
    assert.equal(run('LayerNormalization', {}, [[B, 10, 32]]).total, 64);
    assert.equal(run('LayerNormalization', { axis: [1, 2] }, [[B, 10, 32]]).total, 2 * 320);
    assert.equal(run('LayerNormalization', { rms_scaling: true }, [[B, 10, 32]]).total, 32);
    assert.equal(run('LayerNormalization', { center: false }, [[B, 10, 32]]).total, 32);
  });

  it('GroupNormalization: gamma and beta per channel; groups must divide the channels', () => {
    assert.equal(run('GroupNormalization', { groups: 8 }, [[B, 8, 8, 32]]).total, 64);
    assert.throws(() => run('GroupNormalization', { groups: 5 }, [[B, 8, 8, 32]]), LayerError);
  });

  it('RMSNormalization has a scale; UnitNormalization has nothing', () => {
    assert.equal(run('RMSNormalization', {}, [[B, 6, 10]]).total, 10);
    assert.equal(run('UnitNormalization', {}, [[B, 6, 10]]).total, 0);
  });
});

describe('keras catalog: recurrent layers (keras/src/layers/rnn)', () => {
  it('LSTM: 4·(units·(in + units) + units) — keras.io "Working with RNNs"', () => {
    // Embedding(1000, 64) then LSTM(128) prints (None, 128), 98816 = 4·(128·64 + 128·128 + 128).
    const r = run('LSTM', { units: 128 }, [[B, 20, 64]]);
    assert.equal(r.total, 98_816);
    assert.deepEqual(shape(r), [B, 128]);
    assert.equal(r.macs, B * 20 * 4 * 128 * (64 + 128));
  });

  it('GRU with reset_after=True (default) has a (2, 3·units) bias — keras.io "Working with RNNs"', () => {
    // GRU(256, return_sequences=True) on 64 features prints (None, None, 256), 247296 = 3·(256·64 + 256·256) + 2·3·256.
    const r = run('GRU', { units: 256, return_sequences: true }, [[B, 20, 64]]);
    assert.equal(r.total, 247_296);
    assert.deepEqual(shape(r), [B, 20, 256]);
    // reset_after=False: one bias of 3·256 -> 247296 − 768.
    assert.equal(run('GRU', { units: 256, reset_after: false }, [[B, 20, 64]]).total, 247_296 - 768);
  });

  it('SimpleRNN: units·(in + units) + units — keras.io "Working with RNNs"', () => {
    // SimpleRNN(128) on 256 features prints (None, 128), 49280 = 128·256 + 128·128 + 128.
    const r = run('SimpleRNN', { units: 128 }, [[B, 20, 256]]);
    assert.equal(r.total, 49_280);
    assert.deepEqual(shape(r), [B, 128]);
  });

  it('return_state adds the final states after the output', () => {
    // keras.io "Working with RNNs": LSTM(64, return_state=True) on 64 features prints
    // [(None, 64), (None, 64), (None, 64)], 33024 = 4·(64·64 + 64·64 + 64).
    const r = run('LSTM', { units: 64, return_state: true }, [[B, 9, 64]]);
    assert.equal(r.total, 33_024);
    assert.deepEqual(shapes(r), [[B, 64], [B, 64], [B, 64]]);
    assert.deepEqual(shapes(run('GRU', { units: 8, return_state: true, return_sequences: true }, [[B, 9, 4]])), [[B, 9, 8], [B, 8]]);
  });

  it('ConvLSTM2D: kernel (k, k, in, 4f), recurrent (k, k, f, 4f), bias (4f)', () => {
    // 3·3·2·64 + 3·3·16·64 + 64 = 1152 + 9216 + 64 = 10,432; "valid" 3×3 on 10×10 -> 8×8.
    const r = run('ConvLSTM2D', { filters: 16, kernel_size: 3, return_sequences: true }, [[B, 5, 10, 10, 2]]);
    assert.equal(r.total, 10_432);
    assert.deepEqual(shape(r), [B, 5, 8, 8, 16]);
    assert.deepEqual(shape(run('ConvLSTM2D', { filters: 16, kernel_size: 3, padding: 'same' }, [[B, 5, 10, 10, 2]])), [B, 10, 10, 16]);
  });

  it('Bidirectional doubles the wrapped layer — keras.io "Working with RNNs"', () => {
    const lstm64 = { $layer: 'LSTM', $args: { units: 64, return_sequences: true } };
    // Bidirectional(LSTM(64, return_sequences=True), input_shape=(5, 10)) prints (None, 5, 128), 38400 = 2·4·(64·10 + 64·64 + 64).
    const a = run('Bidirectional', { layer: lstm64 }, [[B, 5, 10]]);
    assert.equal(a.total, 38_400);
    assert.deepEqual(shape(a), [B, 5, 128]);
    // Bidirectional(LSTM(32)) on 128 features prints (None, 64), 41216 = 2·4·(32·128 + 32·32 + 32).
    const b = run('Bidirectional', { layer: { $layer: 'LSTM', $args: { units: 32 } } }, [[B, 5, 128]]);
    assert.equal(b.total, 41_216);
    assert.deepEqual(shape(b), [B, 64]);
    // merge_mode="sum" keeps the width; merge_mode=None returns both directions.
    assert.deepEqual(shape(run('Bidirectional', { layer: lstm64, merge_mode: 'sum' }, [[B, 5, 10]])), [B, 5, 64]);
    assert.deepEqual(shapes(run('Bidirectional', { layer: lstm64, merge_mode: null }, [[B, 5, 10]])), [[B, 5, 64], [B, 5, 64]]);
  });

  it('Bidirectional with return_state returns both directions\' states after the merged output', () => {
    const r = run('Bidirectional', { layer: { $layer: 'LSTM', $args: { units: 8, return_state: true } } }, [[B, 5, 4]]);
    assert.deepEqual(shapes(r), [[B, 16], [B, 8], [B, 8], [B, 8], [B, 8]]);
  });

  it('TimeDistributed applies one set of weights to every step', () => {
    // Dense(8) on 16 features: 16·8 + 8 = 136, whatever the number of steps.
    const r = run('TimeDistributed', { layer: { $layer: 'Dense', $args: { units: 8 } } }, [[B, 10, 16]]);
    assert.equal(r.total, 136);
    assert.deepEqual(shape(r), [B, 10, 8]);
    assert.equal(r.macs, B * 10 * 16 * 8);
    const conv = run('TimeDistributed', { layer: { $layer: 'Conv2D', $args: { filters: 4, kernel_size: 3 } } }, [[B, 6, 12, 12, 3]]);
    assert.deepEqual(shape(conv), [B, 6, 10, 10, 4]);
    assert.equal(conv.total, 3 * 3 * 3 * 4 + 4);
  });

  it('a wrapper around an unknown layer says so', () => {
    assert.throws(() => run('TimeDistributed', { layer: { $layer: 'MyLayer', $args: {} } }, [[B, 10, 16]]), /not in the Keras catalog/);
    assert.throws(() => run('TimeDistributed', {}, [[B, 10, 16]]), /could not evaluate the wrapped layer/);
  });
});

describe('keras catalog: attention (keras/src/layers/attention)', () => {
  it('MultiHeadAttention: query/key/value (dim, H, kd) + (H, kd), output (H, vd, dim) + (dim)', () => {
    // Docstring of multi_head_attention.py: MultiHeadAttention(num_heads=2, key_dim=2) with target (None, 8, 16)
    // and source (None, 4, 16), return_attention_scores=True: output (None, 8, 16), scores (None, 2, 8, 4).
    const r = run('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [[B, 8, 16], [B, 4, 16]], { return_attention_scores: true });
    assert.deepEqual(shapes(r), [[B, 8, 16], [B, 2, 8, 4]]);
    // 3·(16·2·2 + 2·2) + (2·2·16 + 16) = 3·68 + 80 = 284.
    assert.equal(r.total, 284);
    // Projections: 8·16·4 + 4·16·4 + 4·16·4 + 8·4·16; scores 2·8·4·2; context 2·8·4·2 (per sample).
    assert.equal(r.macs, B * (512 + 256 + 256 + 512 + 128 + 128));
  });

  it('MultiHeadAttention: value_dim, output_shape and use_bias', () => {
    // key_dim 8, value_dim 4, 2 heads on dim 6, output_shape 10, no bias:
    // q 6·2·8 + k 6·2·8 + v 6·2·4 + out 2·4·10 = 96 + 96 + 48 + 80 = 320.
    const r = run('MultiHeadAttention', { num_heads: 2, key_dim: 8, value_dim: 4, output_shape: 10, use_bias: false }, [[B, 5, 6], [B, 7, 6]]);
    assert.equal(r.total, 320);
    assert.deepEqual(shape(r), [B, 5, 10]);
  });

  it('GroupedQueryAttention: key and value with the key/value heads', () => {
    // head_dim 8, 4 query heads, 2 kv heads on dim 32: q 32·4·8+32, k 32·2·8+16, v 32·2·8+16, out 4·8·32+32.
    const r = run('GroupedQueryAttention', { head_dim: 8, num_query_heads: 4, num_key_value_heads: 2 }, [[B, 10, 32], [B, 10, 32]]);
    assert.equal(r.total, 1056 + 528 + 528 + 1056);
    assert.deepEqual(shape(r), [B, 10, 32]);
  });

  it('Attention: scalar weights only with use_scale / score_mode="concat"', () => {
    assert.equal(run('Attention', {}, [[B, 5, 8], [B, 7, 8]]).total, 0);
    assert.equal(run('Attention', { use_scale: true, score_mode: 'concat' }, [[B, 5, 8], [B, 7, 8]]).total, 2);
    const r = run('Attention', {}, [[B, 5, 8], [B, 7, 6], [B, 7, 8]], { return_attention_scores: true });
    assert.deepEqual(shapes(r), [[B, 5, 6], [B, 5, 7]]);
  });

  it('AdditiveAttention: a scale of the feature size', () => {
    assert.equal(run('AdditiveAttention', {}, [[B, 5, 8], [B, 7, 8]]).total, 8);
    assert.equal(run('AdditiveAttention', { use_scale: false }, [[B, 5, 8], [B, 7, 8]]).total, 0);
  });
});

describe('keras catalog: pooling, reshaping, merging (no weights)', () => {
  it('MaxPooling2D defaults strides to pool_size — keras.io guides', () => {
    // MNIST convnet: MaxPooling2D((2, 2)) on 26×26 -> 13×13; sequential guide: MaxPooling2D(3) on 121 -> 40.
    assert.deepEqual(shape(run('MaxPooling2D', { pool_size: [2, 2] }, [[B, 26, 26, 32]])), [B, 13, 13, 32]);
    assert.deepEqual(shape(run('MaxPooling2D', { pool_size: 3 }, [[B, 121, 121, 32]])), [B, 40, 40, 32]);
    assert.deepEqual(shape(run('AveragePooling1D', { pool_size: 2, strides: 1, padding: 'same' }, [[B, 9, 4]])), [B, 9, 4]);
    assert.deepEqual(shape(run('MaxPool3D', {}, [[B, 8, 8, 8, 2]])), [B, 4, 4, 4, 2]);
  });

  it('global pooling drops the spatial axes unless keepdims', () => {
    assert.deepEqual(shape(run('GlobalAveragePooling2D', {}, [[B, 7, 7, 512]])), [B, 512]);
    assert.deepEqual(shape(run('GlobalAveragePooling2D', { keepdims: true }, [[B, 7, 7, 512]])), [B, 1, 1, 512]);
    assert.deepEqual(shape(run('GlobalMaxPool1D', { data_format: 'channels_first' }, [[B, 16, 100]])), [B, 16]);
  });

  it('Flatten, Reshape, Permute, RepeatVector', () => {
    // MNIST convnet: Flatten on (5, 5, 64) prints (None, 1600).
    assert.deepEqual(shape(run('Flatten', {}, [[B, 5, 5, 64]])), [B, 1600]);
    assert.deepEqual(shape(run('Reshape', { target_shape: [-1, 4] }, [[B, 6, 2]])), [B, 3, 4]);
    assert.throws(() => run('Reshape', { target_shape: [5, 5] }, [[B, 6, 2]]), LayerError);
    assert.deepEqual(shape(run('Permute', { dims: [2, 1] }, [[B, 10, 64]])), [B, 64, 10]);
    assert.deepEqual(shape(run('RepeatVector', { n: 3 }, [[B, 32]])), [B, 3, 32]);
  });

  it('Cropping, ZeroPadding, UpSampling', () => {
    assert.deepEqual(shape(run('ZeroPadding2D', { padding: 3 }, [[B, 224, 224, 3]])), [B, 230, 230, 3]);
    assert.deepEqual(shape(run('ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, [[B, 224, 224, 3]])), [B, 225, 225, 3]);
    assert.deepEqual(shape(run('Cropping2D', { cropping: [[2, 2], [4, 4]] }, [[B, 28, 28, 3]])), [B, 24, 20, 3]);
    assert.deepEqual(shape(run('Cropping1D', { cropping: [1, 2] }, [[B, 10, 3]])), [B, 7, 3]);
    assert.deepEqual(shape(run('UpSampling2D', { size: 2 }, [[B, 7, 7, 8]])), [B, 14, 14, 8]);
    assert.deepEqual(shape(run('UpSampling1D', {}, [[B, 7, 8]])), [B, 14, 8]);
  });

  it('merges: element-wise shapes, Concatenate along an axis, Dot', () => {
    assert.deepEqual(shape(run('Add', {}, [[B, 8, 8, 16], [B, 8, 8, 16]])), [B, 8, 8, 16]);
    assert.deepEqual(shape(run('Multiply', {}, [[B, 8, 8, 16], [B, 1, 1, 16]])), [B, 8, 8, 16]);
    assert.throws(() => run('Add', {}, [[B, 8]]), LayerError);
    assert.throws(() => run('Subtract', {}, [[B, 8], [B, 8], [B, 8]]), LayerError);
    assert.deepEqual(shape(run('Concatenate', {}, [[B, 8, 3], [B, 8, 5]])), [B, 8, 8]);
    assert.deepEqual(shape(run('Concatenate', { axis: 1 }, [[B, 2, 5], [B, 3, 5]])), [B, 5, 5]);
    assert.throws(() => run('Concatenate', {}, [[B, 8, 3], [B, 7, 5]]), LayerError);
    // Dot(axes=1) of two (None, 5): (None, 1), 5 MACs per sample; axes=(1, 2) of (None, 2, 5)·(None, 5, 2) -> (None, 5, 5).
    const d = run('Dot', { axes: 1 }, [[B, 5], [B, 5]]);
    assert.deepEqual(shape(d), [B, 1]);
    assert.equal(d.macs, B * 5);
    assert.deepEqual(shape(run('Dot', { axes: [1, 2] }, [[B, 2, 5], [B, 5, 2]])), [B, 5, 5]);
  });
});

describe('keras catalog: activations, regularization, preprocessing', () => {
  it('activation layers keep the shape; PReLU has alpha of the input shape with shared axes at 1', () => {
    assert.deepEqual(shape(run('ReLU', {}, [[B, 4, 4, 3]])), [B, 4, 4, 3]);
    assert.deepEqual(shape(run('Activation', { activation: new FnRef('tf.nn.relu') }, [[B, 4]])), [B, 4]);
    assert.equal(run('PReLU', {}, [[B, 10, 10, 3]]).total, 300);
    assert.equal(run('PReLU', { shared_axes: [1, 2] }, [[B, 10, 10, 3]]).total, 3);
    for (const t of ['LeakyReLU', 'ELU', 'Softmax', 'Dropout', 'GaussianNoise', 'SpatialDropout2D', 'Rescaling', 'RandomFlip']) {
      const r = run(t, { rate: 0.5, stddev: 0.1, scale: 1 / 255 }, [[B, 8, 8, 3]]);
      assert.equal(r.total, 0, t);
      assert.deepEqual(shape(r), [B, 8, 8, 3], t);
    }
  });

  it('Normalization without mean/variance: non-trainable mean, variance and count (2·C + 1)', () => {
    // keras/src/layers/preprocessing/normalization.py build(): mean and variance of the kept axes, count scalar.
    // EfficientNet's Normalization on RGB adds 2·3 + 1 = 7 non-trainable weights to its 5,330,571.
    const r = run('Normalization', {}, [[B, 224, 224, 3]]);
    assert.equal(r.total, 7);
    assert.equal(r.nonTrainable, 7);
    assert.equal(run('Normalization', { mean: [0.5, 0.5, 0.5], variance: [0.25, 0.25, 0.25] }, [[B, 224, 224, 3]]).total, 0);
    assert.equal(run('Normalization', { axis: null }, [[B, 10]]).total, 3);
  });

  it('Resizing and the crops set height and width', () => {
    assert.deepEqual(shape(run('Resizing', { height: 128, width: 96 }, [[B, 300, 200, 3]])), [B, 128, 96, 3]);
    assert.deepEqual(shape(run('CenterCrop', { height: 32, width: 32 }, [[B, 40, 40, 3]])), [B, 32, 32, 3]);
    assert.deepEqual(shape(run('RandomCrop', { height: 24, width: 24 }, [[B, 32, 32, 3]])), [B, 24, 24, 3]);
  });

  it('lookups: integer ids, or encodings the size of the vocabulary (no weights)', () => {
    // TextVectorization(output_mode="int", output_sequence_length=200) on one string per sample -> (None, 200) ids.
    const tv = run('TextVectorization', { max_tokens: 20000, output_sequence_length: 200 }, [[B, 1]]);
    assert.deepEqual(tv.output, { shape: [B, 200], dtype: 'int' });
    assert.equal(tv.total, 0);
    assert.throws(() => run('TextVectorization', { max_tokens: 20000 }, [[B, 1]]), /output_sequence_length/);
    // StringLookup docstring: vocabulary ["a", "b", "c", "d"] with output_mode="one_hot" gives 4 + 1 OOV = 5 columns.
    assert.deepEqual(shape(run('StringLookup', { vocabulary: ['a', 'b', 'c', 'd'], output_mode: 'one_hot' }, [[B, 1]])), [B, 5]);
    // CategoryEncoding docstring: num_tokens=4, output_mode="one_hot" on 4 ids -> (4, 4).
    assert.deepEqual(shape(run('CategoryEncoding', { num_tokens: 4, output_mode: 'one_hot' }, [[4]])), [4, 4]);
    assert.deepEqual(shape(run('CategoryEncoding', { num_tokens: 4 }, [[B, 2]])), [B, 4]);
    assert.deepEqual(run('Hashing', { num_bins: 3 }, [[B, 1]]).output, { shape: [B, 1], dtype: 'int' });
  });

  it('bad or missing arguments are LayerErrors with the argument named', () => {
    assert.throws(() => run('Dense', {}, [[B, 4]]), /Dense: could not evaluate `units`/);
    assert.throws(() => run('Dense', { units: -3 }, [[B, 4]]), /units/);
    assert.throws(() => run('Conv2D', { filters: 3, kernel_size: [3, 3, 3] }, [[B, 8, 8, 1]]), /kernel_size/);
    assert.throws(() => run('Conv2D', { filters: 3, kernel_size: 3, padding: 'causal' }, [[B, 8, 8, 1]]), /padding/);
    assert.throws(() => run('Conv2D', { filters: 3, kernel_size: 3 }, [[B, 8, 1]]), /rank 4/);
  });
});
