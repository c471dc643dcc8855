/**
 * The Keras runtime on small sources: import spellings, model forms, input
 * resolution, freezing, custom weights, shared layers, compute and saved
 * tensors, and how problems become findings instead of crashes. Parameter
 * numbers follow Keras' weight rules (formula next to each); MACs follow the
 * convention of reference/estimation.md (in·out per row for Dense,
 * (in/groups)·k·k·out per output position for Conv2D).
 */
import { strict as assert } from 'node:assert';
import { walkLayers, type LayerNode, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import '../../src/core/frameworks/keras';
import { initParserFromDisk } from '../../src/node/wasm';

function run(source: string, options: Partial<EstimateOptions> = {}) {
  const r = evaluateModels(source, { file: '/virtual/model.py', host: NO_FILES, options: { ...DEFAULT_OPTIONS, ...options } });
  return { graphs: r.graphs.filter((g) => g.framework === 'keras'), findings: r.findings };
}

function model(source: string, name: string, options: Partial<EstimateOptions> = {}): ModelGraph {
  const g = run(source, options).graphs.find((x) => x.name === name);
  assert.ok(g, `no model ${name}`);
  return g;
}

function layer(g: ModelGraph, path: string): LayerNode {
  for (const { node } of walkLayers(g.root)) if (node.path === path) return node;
  throw new Error(`no layer ${path} in ${g.name}`);
}

function codes(g: { findings: Array<{ code: string }> }): string[] {
  return g.findings.map((f) => f.code);
}

describe('keras runtime', () => {
  before(async () => {
    await initParserFromDisk();
  });

  describe('import spellings', () => {
    const body = (prefix: string) => `model = ${prefix}Sequential([${prefix}Input(shape=(10,)), ${prefix}layers.Dense(4)])\n`;
    for (const [imports, prefix] of [
      ['import keras\n', 'keras.'],
      ['from tensorflow import keras\n', 'keras.'],
      ['import tensorflow as tf\n', 'tf.keras.'],
      ['import tf_keras as keras\n', 'keras.'],
    ] as const) {
      it(imports.trim(), () => {
        // Dense(4) on 10 features: 10·4 + 4 = 44.
        assert.equal(model(imports + body(prefix), 'model').params.total, 44);
      });
    }

    it('from-imports of layers, models and applications', () => {
      const src = [
        'from tensorflow.keras.models import Sequential',
        'from tensorflow.keras.layers import Dense, Conv2D',
        'from keras import layers as L',
        'from keras.applications.resnet50 import ResNet50',
        'net = Sequential([Dense(8, input_dim=3), L.Dense(1)])',
        'backbone = ResNet50(weights=None, include_top=False, pooling="avg")',
      ].join('\n');
      const r = run(src);
      // 3·8 + 8 + 8·1 + 1 = 41; ResNet50 without top: 25,636,712 − (2048·1000 + 1000).
      assert.equal(r.graphs.find((g) => g.name === 'net')?.params.total, 41);
      assert.equal(r.graphs.find((g) => g.name === 'backbone')?.params.total, 23_587_712);
    });
  });

  describe('input resolution', () => {
    it('a Sequential without an input shape is built from the settings', () => {
      const g = model('import keras\nfrom keras import layers\nmlp = keras.Sequential([layers.Dense(16), layers.Dense(2)])\n', 'mlp', { input: [5] });
      // 5·16 + 16 + 16·2 + 2 = 130.
      assert.equal(g.params.total, 130);
      assert.equal(g.input?.source, 'setting');
      assert.deepEqual(g.input?.shapes, [[8, 5]]);
    });

    it('with nothing to go on, says how to give one', () => {
      const g = model('import keras\nfrom keras import layers\nmlp = keras.Sequential([layers.Dense(16), layers.Dense(2)])\n', 'mlp');
      assert.equal(g.input, undefined);
      assert.ok(codes(g).includes('keras-no-input'));
      assert.equal(g.params.total, 0, 'Keras builds no weights before it knows the input');
    });

    it('dataset hints: a Flatten-first model in an MNIST script takes 28×28 images', () => {
      const src = [
        'from tensorflow import keras',
        '(x_train, y_train), _ = keras.datasets.mnist.load_data()',
        'clf = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(128), keras.layers.Dense(10)])',
      ].join('\n');
      const g = model(src, 'clf');
      assert.equal(g.input?.source, 'inferred');
      // 784·128 + 128 + 128·10 + 10 = 101,770 (the Keras "basic classification" tutorial prints 101,770).
      assert.equal(g.params.total, 101_770);
    });

    it('an Embedding-first model takes token ids of the sequence length', () => {
      const g = model('import keras\nfrom keras import layers\nlm = keras.Sequential([layers.Embedding(1000, 16), layers.GlobalAveragePooling1D(), layers.Dense(1)])\n', 'lm', { seq: 40 });
      assert.deepEqual(g.input?.shapes, [[8, 40]]);
      assert.deepEqual(g.input?.dtypes, ['int']);
      assert.equal(g.params.total, 16_000 + 17);
    });

    it('a subclassed model is built from an example call in the file', () => {
      const src = [
        'import tensorflow as tf',
        'class Net(tf.keras.Model):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.body = tf.keras.layers.Dense(32, activation="relu")',
        '        self.head = tf.keras.layers.Dense(3)',
        '    def call(self, x):',
        '        return self.head(self.body(x))',
        'net = Net()',
        'y = net(tf.zeros((1, 12)))',
      ].join('\n');
      const r = run(src);
      // 12·32 + 32 + 32·3 + 3 = 515, for the instance and for the class profiled with its defaults.
      assert.equal(r.graphs.find((g) => g.name === 'net')?.params.total, 515);
      assert.equal(r.graphs.find((g) => g.name === 'Net')?.params.total, 515);
    });

    it('an image input of unknown size takes the dataset hint, else 224×224', () => {
      const src = (hint: string) => `${hint}\nimport keras\nfrom keras import layers\nx = keras.Input(shape=(None, None, 3))\nfcn = keras.Model(x, layers.Conv2D(8, 3, padding="same")(x))\n`;
      assert.deepEqual(model(src(''), 'fcn').input?.shapes, [[8, 224, 224, 3]]);
      assert.deepEqual(model(src('# trained on CIFAR-10'), 'fcn').input?.shapes, [[8, 32, 32, 3]]);
    });

    it('batch and sequence length come from a # profile: comment', () => {
      const src = 'import keras\nfrom keras import layers\n# profile: batch=3 seq=7\nm = keras.Sequential([keras.Input(shape=(None, 4)), layers.LSTM(5)])\n';
      const g = model(src, 'm');
      assert.deepEqual(g.input?.shapes, [[3, 7, 4]]);
      assert.deepEqual(layer(g, 'lstm').outputShapes, [[3, 5]]);
    });
  });

  describe('weights and freezing', () => {
    it('trainable=False, layer.trainable = False and model.trainable = False', () => {
      const src = [
        'import keras',
        'from keras import layers',
        'a = layers.Dense(4, trainable=False)',
        'b = layers.Dense(4)',
        'm = keras.Sequential([keras.Input(shape=(4,)), a, b, layers.Dense(2)])',
        'b.trainable = False',
        'frozen = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(4), layers.BatchNormalization()])',
        'frozen.trainable = False',
        'frozen.layers[0].trainable = True',
      ].join('\n');
      const r = run(src);
      const m = r.graphs.find((g) => g.name === 'm')!;
      // a and b: 2·(4·4 + 4) = 40 frozen; the head 4·2 + 2 = 10 trainable.
      assert.deepEqual([m.params.trainable, m.params.nonTrainable], [10, 40]);
      const f = r.graphs.find((g) => g.name === 'frozen')!;
      // Dense 20 trainable again; BatchNormalization's 4·4 all frozen.
      assert.deepEqual([f.params.trainable, f.params.nonTrainable], [20, 16]);
    });

    it('add_weight in Keras 2 order (name first) and tf.Variable attributes are weights', () => {
      const src = [
        'import tensorflow as tf',
        'class Scale(tf.keras.layers.Layer):',
        '    def build(self, input_shape):',
        '        self.s = self.add_weight("scale", (input_shape[-1],), trainable=True)',
        '        self.offset = tf.Variable(tf.zeros((3, input_shape[-1])), trainable=False)',
        '    def call(self, x):',
        '        return x * self.s',
        'inp = tf.keras.Input(shape=(6,))',
        'm = tf.keras.Model(inp, Scale()(inp))',
      ].join('\n');
      const g = model(src, 'm');
      // scale (6,) trainable; offset (3, 6) non-trainable.
      assert.deepEqual(g.params, { total: 24, trainable: 6, nonTrainable: 18, buffers: 0 });
    });

    it('a layer used twice counts once; a Lambda runs its function', () => {
      const src = [
        'import keras',
        'from keras import layers, ops',
        'shared = layers.Dense(8)',
        'x = keras.Input(shape=(8,))',
        'y = shared(shared(x))',
        'z = layers.Lambda(lambda t: ops.expand_dims(t, 1))(y)',
        'm = keras.Model(x, z)',
      ].join('\n');
      const g = model(src, 'm');
      assert.equal(g.params.total, 72);
      assert.equal(layer(g, 'dense').calls, 2);
      assert.deepEqual(layer(g, 'lambda').outputShapes, [[8, 1, 8]]);
    });

    it('a feature extractor from get_layer(...).output keeps only the layers before it', () => {
      // keras.io "The Sequential model" guide: the extractor up to "my_intermediate_layer" holds the first
      // two convolutions, 5·5·3·32 + 32 = 2432 and 3·3·32·32 + 32 = 9248.
      const src = [
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'initial_model = keras.Sequential([',
        '    keras.Input(shape=(250, 250, 3)),',
        '    layers.Conv2D(32, 5, strides=2, activation="relu"),',
        '    layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),',
        '    layers.Conv2D(32, 3, activation="relu"),',
        '])',
        'feature_extractor = keras.Model(inputs=initial_model.inputs, outputs=initial_model.get_layer(name="my_intermediate_layer").output)',
      ].join('\n');
      const r = run(src);
      assert.equal(r.graphs.find((g) => g.name === 'feature_extractor')?.params.total, 2432 + 9248);
      assert.equal(r.graphs.find((g) => g.name === 'initial_model')?.params.total, 2432 + 2 * 9248);
    });

    it('keras.config.set_image_data_format("channels_first") changes the layers\' default', () => {
      const src = 'import keras\nfrom keras import layers\nkeras.config.set_image_data_format("channels_first")\nm = keras.Sequential([keras.Input(shape=(3, 32, 32)), layers.Conv2D(8, 3), layers.MaxPooling2D()])\n';
      const g = model(src, 'm');
      assert.deepEqual(layer(g, 'conv2d').outputShapes, [[8, 8, 30, 30]]);
      assert.deepEqual(layer(g, 'max_pooling2d').outputShapes, [[8, 8, 15, 15]]);
      assert.equal(g.params.total, 3 * 3 * 3 * 8 + 8);
    });

    it('keras.backend.clear_session() restarts the names', () => {
      const src = 'import keras\nfrom keras import layers\nkeras.layers.Dense(3)\nkeras.backend.clear_session()\nm = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3)])\n';
      assert.ok(layer(model(src, 'm'), 'dense'));
    });
  });

  describe('compute and saved tensors', () => {
    it('MACs at the evaluated batch, and a tensor kept by two layers counts once', () => {
      const src = 'import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input(shape=(6, 6, 2)), layers.Conv2D(4, 3, activation="relu"), layers.Flatten(), layers.Dense(5)])\n';
      const g = model(src, 'm', { batch: 2 });
      // Conv2D: 2 samples · 4·4 positions · 3·3·2 · 4 = 2304; Dense: 2 · 64 · 5 = 640.
      assert.equal(layer(g, 'conv2d').macs, 2304);
      assert.equal(layer(g, 'dense').macs, 640);
      // Conv2D keeps its input (2·6·6·2 = 144) and its ReLU output (2·4·4·4 = 128); Flatten's output is
      // a new tensor (its reshape is not a view here), which Dense keeps (2·64 = 128).
      assert.equal(layer(g, 'conv2d').savedElements, 144 + 128);
      assert.equal(layer(g, 'dense').savedElements, 128);
    });

    it('a frozen base keeps no activations for backward; the trainable head does', () => {
      const src = [
        'import keras',
        'from keras import layers',
        'base = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(16, activation="relu")], name="base")',
        'base.trainable = False',
        'x = keras.Input(shape=(16,))',
        'm = keras.Model(x, layers.Dense(2)(base(x)))',
      ].join('\n');
      const g = model(src, 'm', { batch: 4 });
      assert.equal(layer(g, 'base.dense').savedElements, 0);
      assert.equal(layer(g, 'dense_1').savedElements, 4 * 16);
    });

    it('ops on graph tensors outside layers are part of the model (x + y, tf.concat, tf.nn.relu)', () => {
      const src = [
        'import tensorflow as tf',
        'from tensorflow.keras import layers',
        'inp = tf.keras.Input(shape=(16,))',
        'a = layers.Dense(16)(inp)',
        'b = layers.Dense(16)(inp)',
        'x = tf.nn.relu(a + b)',
        'y = tf.concat([x, a], axis=-1)',
        'm = tf.keras.Model(inp, layers.Dense(4)(y * 2.0))',
      ].join('\n');
      const g = model(src, 'm');
      // Both Dense(16) branches (2·(16·16 + 16)) are upstream of the ops; the head is 32·4 + 4.
      assert.equal(g.params.total, 2 * (16 * 16 + 16) + 32 * 4 + 4);
      assert.deepEqual(layer(g, 'concatenate').outputShapes, [[8, 32]]);
      assert.equal(layer(g, 'concatenate').type, 'ops.concatenate');
    });

    it('ops in a custom layer count for it: tf.matmul MACs', () => {
      const src = [
        'import tensorflow as tf',
        'class Proj(tf.keras.layers.Layer):',
        '    def build(self, shape):',
        '        self.w = self.add_weight(shape=(shape[-1], 7))',
        '    def call(self, x):',
        '        return tf.nn.relu(tf.matmul(x, self.w))',
        'i = tf.keras.Input(shape=(5, 3))',
        'm = tf.keras.Model(i, Proj()(i))',
      ].join('\n');
      const g = model(src, 'm', { batch: 2 });
      // 2·5 rows · 3·7.
      assert.equal(layer(g, 'proj').macs, 2 * 5 * 3 * 7);
      assert.deepEqual(layer(g, 'proj').outputShapes, [[2, 5, 7]]);
    });

    it('MultiHeadAttention returning scores feeds both outputs into the graph', () => {
      const src = [
        'import keras',
        'from keras import layers',
        'q = keras.Input(shape=(6, 8))',
        'out, scores = layers.MultiHeadAttention(num_heads=2, key_dim=4)(q, q, return_attention_scores=True)',
        'm = keras.Model(q, [out, scores])',
      ].join('\n');
      const g = model(src, 'm', { batch: 1 });
      assert.deepEqual(layer(g, 'multi_head_attention').outputShapes, [[1, 6, 8], [1, 2, 6, 6]]);
    });
  });

  describe('problems become findings', () => {
    it('bad layer arguments', () => {
      const r = run('import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(-2)])\n');
      const all = [...r.findings, ...r.graphs.flatMap((g) => g.findings)];
      assert.ok(all.some((f) => f.code === 'keras-layer-error' && /units/.test(f.message)), JSON.stringify(all));
    });

    it('a shape mismatch names the layer and the line', () => {
      const src = 'import keras\nfrom keras import layers\na = keras.Input(shape=(3,))\nb = keras.Input(shape=(4,))\nm = keras.Model([a, b], layers.Concatenate(axis=0)([a, b]))\n';
      const r = run(src);
      const all = [...r.findings, ...r.graphs.flatMap((g) => g.findings)];
      assert.ok(all.some((f) => f.code === 'keras-layer-error' && /line 5/.test(f.message)), JSON.stringify(all));
    });

    it('a layer the catalog does not know is reported, and the model is partial', () => {
      const src = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(4,))\nm = keras.Model(x, layers.Dense(2)(layers.FancyNewLayer()(x)))\n';
      const r = run(src);
      const all = [...r.findings, ...r.graphs.flatMap((g) => g.findings)];
      assert.ok(all.some((f) => f.code === 'keras-unknown-layer' && /FancyNewLayer/.test(f.message)));
    });

    it('a subclassed model whose class needs arguments is profiled through its instance only', () => {
      const src = [
        'import keras',
        'class Head(keras.Model):',
        '    def __init__(self, classes):',
        '        super().__init__()',
        '        self.out = keras.layers.Dense(classes)',
        '    def call(self, x):',
        '        return self.out(x)',
        'head = Head(5)',
        'head.build((None, 3))',
      ].join('\n');
      const r = run(src);
      assert.deepEqual(r.graphs.map((g) => g.name), ['head']);
      assert.equal(r.graphs[0]!.params.total, 20);
      assert.deepEqual(r.findings.filter((f) => f.code === 'missing-arguments'), []);
    });

    it('a subclassed model class that needs arguments and is never instantiated gets a finding, as torch classes do', () => {
      const head = ['import keras', 'class Head(keras.Model):', '    def __init__(self, classes):', '        super().__init__()', '        self.out = keras.layers.Dense(classes)'];
      const alone = run(head.join('\n'));
      assert.deepEqual(alone.graphs, []);
      const found = alone.findings.filter((f) => f.code === 'missing-arguments');
      assert.deepEqual(found.map((f) => [f.severity, f.message, f.range?.start.line]), [
        ['info', "Head is not profiled: its __init__ needs 'classes'. Instantiate it in this file (e.g. `model = Head(...)`) to profile it", 1],
      ]);
      // Made by a builder the discovery runs: profiled there, no finding.
      const built = run([...head, 'def make():', '    m = Head(4)', '    m.build((None, 3))', '    return m'].join('\n'));
      assert.deepEqual(built.graphs.map((g) => g.name), ['make']);
      assert.deepEqual(built.findings.filter((f) => f.code === 'missing-arguments'), []);
    });

    it('training-only code around the model reads quietly', () => {
      const src = [
        'import tensorflow as tf',
        'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
        'from tensorflow.keras.optimizers import Adam',
        'from tensorflow.keras.callbacks import EarlyStopping',
        '(x_train, y_train), _ = tf.keras.datasets.cifar10.load_data()',
        'norm = tf.keras.layers.Normalization()',
        'norm.adapt(x_train)',
        'm = tf.keras.Sequential([tf.keras.Input(shape=(32, 32, 3)), norm, tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])',
        'm.compile(optimizer=Adam(1e-3), loss="sparse_categorical_crossentropy")',
        'history = m.fit(ImageDataGenerator().flow(x_train, y_train), epochs=3, callbacks=[EarlyStopping()])',
        'm.summary()',
      ].join('\n');
      const r = run(src);
      assert.deepEqual(r.findings.map((f) => f.code), []);
      // Normalization 3 + 3 + 1 (non-trainable), Dense 3072·10 + 10.
      assert.deepEqual(r.graphs[0]!.params, { total: 30_737, trainable: 30_730, nonTrainable: 7, buffers: 0 });
    });

    it('never throws on half-typed code', () => {
      const r = run('import keras\nfrom keras import layers\nm = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(\n');
      assert.ok(Array.isArray(r.graphs));
    });
  });
});
