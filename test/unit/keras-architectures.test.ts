/**
 * keras.applications constructors that the runtime builds layer by layer (the
 * architectures written out in src/core/frameworks/keras/architectures): they
 * must reproduce what Keras publishes for the same models.
 * - Totals: keras.io/api/applications, "Available models" (keras-io repository,
 *   templates/api/applications/index.md).
 * - Non-trainable weights (BatchNormalization statistics): model.summary() of the
 *   constructors under TensorFlow 2.x.
 * - MACs at the default input: the papers, or torchvision's table for the same
 *   networks (its "GFLOPS" column counts multiply-accumulates).
 */
import { strict as assert } from 'node:assert';
import { subtreeSum, walkLayers, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import '../../src/core/frameworks/keras';
import { initParserFromDisk } from '../../src/node/wasm';

function build(call: string, batch = 1): ModelGraph {
  const text = `from tensorflow import keras\nm = keras.applications.${call}\n`;
  const r = evaluateModels(text, { file: '/virtual/app.py', host: NO_FILES, options: { ...DEFAULT_OPTIONS, batch } });
  const g = r.graphs.find((x) => x.name === 'm');
  assert.ok(g, `no model for ${call}: ${JSON.stringify(r.findings)}`);
  return g;
}

interface Published {
  total: number;
  nonTrainable: number;
  /** GMACs at the default input, with the source. */
  gmacs: number;
}

const PUBLISHED: Record<string, Published> = {
  // torchvision vgg16 15.47, vgg19 19.63 GMACs.
  VGG16: { total: 138_357_544, nonTrainable: 0, gmacs: 15.47 },
  VGG19: { total: 143_667_240, nonTrainable: 0, gmacs: 19.63 },
  // He et al. 2015, Table 1: 3.8 / 7.6 / 11.3 ×10⁹ multiply-adds.
  ResNet50: { total: 25_636_712, nonTrainable: 53_120, gmacs: 3.8 },
  ResNet101: { total: 44_707_176, nonTrainable: 105_344, gmacs: 7.6 },
  ResNet152: { total: 60_419_944, nonTrainable: 151_424, gmacs: 11.3 },
  // Howard et al. 2017, Table 8: 569M mult-adds; Sandler et al. 2018, Table 4: 300M.
  MobileNet: { total: 4_253_864, nonTrainable: 21_888, gmacs: 0.569 },
  MobileNetV2: { total: 3_538_984, nonTrainable: 34_112, gmacs: 0.3 },
  // torchvision densenet121/169/201: 2.83 / 3.36 / 4.29.
  DenseNet121: { total: 8_062_504, nonTrainable: 83_648, gmacs: 2.83 },
  DenseNet169: { total: 14_307_880, nonTrainable: 158_400, gmacs: 3.36 },
  DenseNet201: { total: 20_242_984, nonTrainable: 229_056, gmacs: 4.29 },
  // torchvision efficientnet_b0 / b1 / b7: 0.39 / 0.69 / 37.75 at the same input sizes.
  EfficientNetB0: { total: 5_330_571, nonTrainable: 42_023, gmacs: 0.39 },
  EfficientNetB1: { total: 7_856_239, nonTrainable: 62_055, gmacs: 0.69 },
  EfficientNetB7: { total: 66_658_687, nonTrainable: 310_727, gmacs: 37.75 },
  // Howard et al. 2019, Table 3: 56M and 219M multiply-adds.
  MobileNetV3Small: { total: 2_554_968, nonTrainable: 12_112, gmacs: 0.056 },
  MobileNetV3Large: { total: 5_507_432, nonTrainable: 24_400, gmacs: 0.219 },
  // torchvision inception_v3: 5.71.
  InceptionV3: { total: 23_851_784, nonTrainable: 34_432, gmacs: 5.71 },
  // torchvision convnext_tiny: 4.46.
  ConvNeXtTiny: { total: 28_589_128, nonTrainable: 0, gmacs: 4.46 },
};

/**
 * Published without top (model.summary() of include_top=False), plus the Dense classifier F·1000 + 1000:
 * EfficientNetV2B0 5,919,312 (F 1280), V2B2 8,769,374 with 82,288 non-trainable (F 1408),
 * V2B3 12,930,622 (F 1536), V2S 20,331,360, V2L 117,746,848 (F 1280); with MACs from torchvision
 * (efficientnet_v2_s 8.37, _l 56.08 GMACs) and Tan & Le 2021, Table 7 (B0 0.72, B3 3.0 billion).
 */
const WITHOUT_TOP: Record<string, { noTop: number; features: number; nonTrainable?: number; gmacs?: number }> = {
  EfficientNetV2B0: { noTop: 5_919_312, features: 1280, gmacs: 0.72 },
  EfficientNetV2B2: { noTop: 8_769_374, features: 1408, nonTrainable: 82_288 },
  EfficientNetV2B3: { noTop: 12_930_622, features: 1536, gmacs: 3.0 },
  EfficientNetV2S: { noTop: 20_331_360, features: 1280, gmacs: 8.37 },
  EfficientNetV2L: { noTop: 117_746_848, features: 1280, gmacs: 56.08 },
};

/** Totals only (keras.io table); their splits are not printed anywhere we can cite. */
const TOTALS_ONLY: Record<string, number> = {
  ResNet50V2: 25_613_800,
  ResNet101V2: 44_675_560,
  ResNet152V2: 60_380_648,
  EfficientNetB2: 9_177_569,
  EfficientNetB3: 12_320_535,
  EfficientNetB4: 19_466_823,
  EfficientNetB5: 30_562_527,
  EfficientNetB6: 43_265_143,
  Xception: 22_910_480,
  // The same networks as torchvision's convnext_small/base/large (ConvNeXtTiny is checked above).
  ConvNeXtSmall: 50_223_688,
  ConvNeXtBase: 88_591_464,
  ConvNeXtLarge: 197_767_336,
  ConvNeXtXLarge: 350_196_968,
};

describe('keras.applications built layer by layer', () => {
  before(async () => {
    await initParserFromDisk();
  });

  for (const [name, p] of Object.entries(PUBLISHED)) {
    it(`${name}: published count, split and MACs`, () => {
      const g = build(`${name}()`);
      assert.equal(g.kind, 'application');
      assert.equal(g.root.type, name);
      assert.deepEqual([g.params.total, g.params.nonTrainable], [p.total, p.nonTrainable]);
      const macs = subtreeSum(g.root, (n) => n.macs) / 1e9;
      // Papers round to two or three digits; 2% covers the rounding of 3.8 and 0.3.
      assert.ok(Math.abs(macs - p.gmacs) / p.gmacs < 0.02, `${name}: ${macs.toFixed(3)} GMACs, published ${p.gmacs}`);
      assert.ok(g.root.children.length > 20, 'the layers are itemised');
      assert.ok(subtreeSum(g.root, (n) => n.savedElements) > 0, 'activations kept for backward are counted');
    });
  }

  for (const [name, total] of Object.entries(TOTALS_ONLY)) {
    it(`${name}: published count`, () => {
      assert.equal(build(`${name}()`).params.total, total);
    });
  }

  for (const [name, p] of Object.entries(WITHOUT_TOP)) {
    it(`${name}: published count without top, and with the classifier`, () => {
      const noTop = build(`${name}(include_top=False, input_shape=(224, 224, 3))`);
      assert.equal(noTop.params.total, p.noTop);
      if (p.nonTrainable !== undefined) assert.equal(noTop.params.nonTrainable, p.nonTrainable);
      const full = build(`${name}()`);
      assert.equal(full.params.total, p.noTop + p.features * 1000 + 1000);
      if (p.gmacs !== undefined) {
        const macs = subtreeSum(full.root, (n) => n.macs) / 1e9;
        assert.ok(Math.abs(macs - p.gmacs) / p.gmacs < 0.02, `${name}: ${macs.toFixed(3)} GMACs, published ${p.gmacs}`);
      }
    });
  }

  it('include_top=False, input_shape and pooling change the head and the shapes', () => {
    // Printed by keras for ResNet50(include_top=False): 23,587,712; the feature map of 160×160 is 5×5.
    const g = build('ResNet50(include_top=False, weights=None, input_shape=(160, 160, 3))', 4);
    assert.equal(g.params.total, 23_587_712);
    assert.deepEqual(g.root.outputShapes, [[4, 5, 5, 2048]]);
    const pooled = build('MobileNetV2(include_top=False, pooling="avg")');
    // Printed by keras for MobileNetV2(include_top=False): 2,257,984.
    assert.equal(pooled.params.total, 2_257_984);
    assert.deepEqual(pooled.root.outputShapes, [[1, 1280]]);
  });

  it('classes= resizes the classifier; weights=None allows it', () => {
    // 2,257,984 + 1280·10 + 10.
    assert.equal(build('MobileNetV2(weights=None, classes=10)').params.total, 2_270_794);
  });

  it('the layers carry Keras\' names', () => {
    const g = build('ResNet50()');
    const paths = new Set([...walkLayers(g.root)].map((x) => x.node.path));
    for (const p of ['conv1_conv', 'conv2_block1_0_conv', 'conv5_block3_out', 'avg_pool', 'predictions']) assert.ok(paths.has(p), p);
  });

  it('applications without a written architecture stay one catalogued node', () => {
    const g = build('InceptionResNetV2()');
    assert.equal(g.params.total, 55_873_736);
    assert.equal(g.root.children.length, 0);
    assert.match(g.root.note ?? '', /not itemised/);
  });
});
