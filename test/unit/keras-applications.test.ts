/**
 * keras.applications catalog. Totals with the top are keras.io's "Available models"
 * table; the other numbers are model.summary() prints of the same constructors
 * (cited per test) or follow from the classifier's documented structure.
 */
import { strict as assert } from 'node:assert';
import {
  KERAS_APPLICATIONS,
  featureMapSide,
  findKerasApplication,
  planApplication,
} from '../../src/core/frameworks/keras/applications';
import { LayerError } from '../../src/core/frameworks/layerSpec';

function plan(name: string, args: Record<string, unknown> = {}, batch = 1) {
  const a = findKerasApplication(name);
  assert.ok(a, `no application ${name}`);
  return planApplication(a, args as never, batch);
}

describe('keras.applications catalog', () => {
  it('reproduces the totals of keras.io\'s "Available models" table', () => {
    // keras-io repository, templates/api/applications/index.md (the exact-count edition of the table).
    const published: Record<string, number> = {
      Xception: 22_910_480, VGG16: 138_357_544, VGG19: 143_667_240, ResNet50: 25_636_712, ResNet101: 44_707_176,
      ResNet152: 60_419_944, ResNet50V2: 25_613_800, ResNet101V2: 44_675_560, ResNet152V2: 60_380_648,
      InceptionV3: 23_851_784, InceptionResNetV2: 55_873_736, MobileNet: 4_253_864, MobileNetV2: 3_538_984,
      DenseNet121: 8_062_504, DenseNet169: 14_307_880, DenseNet201: 20_242_984, NASNetMobile: 5_326_716,
      NASNetLarge: 88_949_818, EfficientNetB0: 5_330_571, EfficientNetB1: 7_856_239, EfficientNetB2: 9_177_569,
      EfficientNetB3: 12_320_535, EfficientNetB4: 19_466_823, EfficientNetB5: 30_562_527, EfficientNetB6: 43_265_143,
      EfficientNetB7: 66_658_687,
    };
    for (const [name, total] of Object.entries(published)) {
      const p = plan(name);
      assert.equal(p.total, total, name);
      assert.deepEqual(p.output, [1, 1000], name);
    }
    for (const a of KERAS_APPLICATIONS) {
      const p = planApplication(a, {}, 1);
      assert.equal(p.trainable + p.nonTrainable, p.total, a.name);
      assert.ok(a.source.length > 0, `${a.name} cites a source`);
    }
  });

  it('EfficientNetV2 and ConvNeXt: printed summaries without top plus the Dense classifier', () => {
    // Printed include_top=False totals: V2B0 5,919,312; V2S 20,331,360; V2L 117,746,848 (features 1280);
    // ConvNeXtTiny 27,820,128 (features 768). The top adds F·1000 + 1000.
    assert.equal(plan('EfficientNetV2B0').total, 5_919_312 + 1_281_000);
    assert.equal(plan('EfficientNetV2S').total, 20_331_360 + 1_281_000);
    assert.equal(plan('EfficientNetV2L').total, 117_746_848 + 1_281_000);
    assert.equal(plan('ConvNeXtTiny').total, 27_820_128 + 769_000);
    // EfficientNetV2B2 without top prints 8,769,374 with 82,288 non-trainable.
    const b2 = plan('EfficientNetV2B2', { include_top: false });
    assert.deepEqual([b2.total, b2.nonTrainable], [8_769_374, 82_288]);
  });

  it('carries the trainable/non-trainable split model.summary() prints', () => {
    // TF 2.x summaries: ResNet50 25,583,592 / 53,120; InceptionV3 23,817,352 / 34,432;
    // MobileNetV2 3,504,872 / 34,112; EfficientNetB0 5,288,548 / 42,023; VGG16 all trainable.
    const split = (n: string) => {
      const p = plan(n);
      return [p.trainable, p.nonTrainable];
    };
    assert.deepEqual(split('ResNet50'), [25_583_592, 53_120]);
    assert.deepEqual(split('InceptionV3'), [23_817_352, 34_432]);
    assert.deepEqual(split('MobileNetV2'), [3_504_872, 34_112]);
    assert.deepEqual(split('EfficientNetB0'), [5_288_548, 42_023]);
    assert.deepEqual(split('VGG16'), [138_357_544, 0]);
  });

  it('include_top=False removes the classifier', () => {
    // Printed summaries of the same constructors with include_top=False:
    // ResNet50 23,587,712 (= 25,636,712 − (2048·1000 + 1000)); VGG16 14,714,688; MobileNetV2 2,257,984;
    // MobileNetV3Small 939,120; MobileNetV3Large 2,996,352; EfficientNetV2B3 12,930,622; ConvNeXtTiny 27,820,128.
    const noTop = (n: string) => plan(n, { include_top: false }).total;
    assert.equal(noTop('ResNet50'), 23_587_712);
    assert.equal(noTop('VGG16'), 14_714_688);
    assert.equal(noTop('MobileNetV2'), 2_257_984);
    assert.equal(noTop('MobileNetV3Small'), 939_120);
    assert.equal(noTop('MobileNetV3Large'), 2_996_352);
    assert.equal(noTop('EfficientNetV2B3'), 12_930_622);
    assert.equal(noTop('ConvNeXtTiny'), 27_820_128);
  });

  it('include_top=False output: the feature map, or pooled features', () => {
    assert.deepEqual(plan('ResNet50', { include_top: false, input_shape: [224, 224, 3] }, 8).output, [8, 7, 7, 2048]);
    assert.deepEqual(plan('ResNet50', { include_top: false, pooling: 'avg' }, 8).output, [8, 2048]);
    // Xception at its default 299: (None, 10, 10, 2048); InceptionV3: (None, 8, 8, 2048).
    assert.deepEqual(plan('Xception', { include_top: false }).output, [1, 10, 10, 2048]);
    assert.deepEqual(plan('InceptionV3', { include_top: false }).output, [1, 8, 8, 2048]);
    // ConvNeXtTiny on 150×150 printed (None, 4, 4, 768) (floor(150/32) = 4).
    assert.deepEqual(plan('ConvNeXtTiny', { include_top: false, input_shape: [150, 150, 3] }).output, [1, 4, 4, 768]);
  });

  it('classes= resizes the classifier only', () => {
    // 23,587,712 + 2048·10 + 10.
    assert.equal(plan('ResNet50', { weights: null, classes: 10 }).total, 23_587_712 + 20_490);
    const p = plan('ResNet50', { classes: 10 });
    assert.ok(p.notes.some((n) => n.includes('classes=10')), 'Keras refuses classes != 1000 with ImageNet weights');
  });

  it('VGG: the flattened classifier depends on the input size', () => {
    // Flatten of (1, 1, 512) at 32×32: fc1 512·4096 + 4096, fc2 4096·4096 + 4096, predictions 4096·1000 + 1000.
    const p = plan('VGG16', { weights: null, input_shape: [32, 32, 3] });
    assert.equal(p.total, 14_714_688 + 2_101_248 + 16_781_312 + 4_097_000);
  });

  it('feature-map rules match the architectures at their default sizes', () => {
    assert.equal(featureMapSide('ceil32', 224), 7);
    assert.equal(featureMapSide('ceil32', 331), 11);
    assert.equal(featureMapSide('floor32', 224), 7);
    assert.equal(featureMapSide('densenet', 224), 7);
    assert.equal(featureMapSide('inception', 299), 8);
    assert.equal(featureMapSide('xception', 299), 10);
  });

  it('MACs scale with the input area', () => {
    const a = plan('EfficientNetB0', {}, 2);
    assert.equal(a.macs, 2 * 0.39e9);
    const b = plan('EfficientNetB0', { include_top: false, input_shape: [448, 448, 3] }, 1);
    assert.equal(b.macs, 4 * 0.39e9);
    assert.equal(plan('Xception').macs, undefined, 'no published MACs: left unknown, not guessed');
  });

  it('rejects inputs below the minimum size', () => {
    assert.throws(() => plan('InceptionV3', { include_top: false, input_shape: [64, 64, 3] }), LayerError);
  });

  it('notes assumptions instead of guessing silently', () => {
    assert.ok(plan('ResNet50', { include_top: false }).notes.some((n) => n.includes('assumed the default')));
    assert.ok(plan('MobileNet', { alpha: 0.5 }).notes.some((n) => n.includes('alpha=0.5')));
  });
});
