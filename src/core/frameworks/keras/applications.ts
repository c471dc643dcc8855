/**
 * keras.applications constructors (`ResNet50(include_top=False, input_shape=...)`),
 * as a table: the published parameter counts with the top at 1000 classes and the
 * default input, the split Keras' model.summary() prints, the feature size before
 * the classifier and the classifier's structure. From those, `planApplication`
 * derives the count for any `include_top`/`classes`/`input_shape`/`pooling`:
 * the convolutional base does not depend on them, only the top does.
 *
 * Sources (each row names its own):
 * - [KIO] keras.io/api/applications, the "Available models" table (keras-io repository,
 *   templates/api/applications/index.md), which prints exact totals.
 * - [SUM] model.summary() of the keras.applications constructor, as printed by
 *   TensorFlow 2.x (Total / Trainable / Non-trainable params).
 * - [DER] derived from the architecture's block table in keras/src/applications/*.py
 *   (round_filters, round_repeats, BatchNormalization per conv): the derivation
 *   reproduces every published total of its family exactly, and gives the split.
 * - [TV] torchvision's model table, for architectures Keras implements identically
 *   (same layers and biases): parameter counts and MACs ("GFLOPS" there are MACs).
 * MACs at the default input come from the cited paper or table; they scale with the
 * input area (every layer of these networks but the classifier is convolutional).
 *
 * Most constructors are also written out layer by layer (./architectures):
 * the runtime builds those, and this table is what they must reproduce. The rest
 * (InceptionResNetV2, NASNet) are profiled from this table as one node.
 */
import type { Shape } from '../../graph';
import { LayerError, type Args } from '../layerSpec';
import { boolArg, rawArg, strArg } from './catalog/args';

/** How the classifier on top of the features is built (what include_top adds). */
export type ApplicationHead =
  /** GlobalAveragePooling2D + Dense(classes) (or an equivalent 1×1 Conv2D): F·classes + classes. */
  | { kind: 'dense' }
  /** VGG: Flatten + fc1(4096) + fc2(4096) + Dense(classes); fc1 depends on the feature map's size. */
  | { kind: 'vgg'; hidden: number }
  /** MobileNetV3: Conv2D(lastPoint, 1×1, bias) + Conv2D(classes, 1×1, bias) on the pooled features. */
  | { kind: 'mobilenetv3'; lastPoint: number };

/** How the spatial size of the last feature map follows from the input's (channels last). */
export type FeatureMapRule = 'ceil32' | 'floor32' | 'densenet' | 'inception' | 'xception';

export interface KerasApplication {
  /** Constructor name in keras.applications. */
  name: string;
  /** The submodule that also exports it: keras.applications.<module>.<name>. */
  module: string;
  /** count_params() with include_top=True, classes=1000, the default input. */
  total: number;
  /** Non-trainable weights (BatchNormalization moving statistics, Normalization statistics). */
  nonTrainable: number;
  /** Default input (height, width, channels). */
  defaultInput: [number, number, number];
  /** Smallest height/width Keras accepts. */
  minSize: number;
  /** Channels of the last feature map (what the classifier sees). */
  features: number;
  head: ApplicationHead;
  featureMap: FeatureMapRule;
  /** Forward MACs for one image at the default input, when a source gives them. */
  macs?: number;
  source: string;
}

const KIO = 'keras.io/api/applications table';
const SUM = 'model.summary() of keras.applications';
const DER = 'derived from the block table in keras/src/applications';
const TV = 'torchvision model table (identical architecture)';

/** One row; `nonTrainable` of families with BatchNormalization comes from [SUM] or [DER]. */
function app(
  name: string,
  module: string,
  total: number,
  nonTrainable: number,
  size: number,
  minSize: number,
  features: number,
  head: ApplicationHead,
  featureMap: FeatureMapRule,
  macs: number | undefined,
  source: string,
): KerasApplication {
  return { name, module, total, nonTrainable, defaultInput: [size, size, 3], minSize, features, head, featureMap, macs, source };
}

const DENSE: ApplicationHead = { kind: 'dense' };
const G = 1e9;

export const KERAS_APPLICATIONS: KerasApplication[] = [
  // VGG: no BatchNormalization. MACs: TV vgg16 15.47, vgg19 19.63 GMACs at 224.
  app('VGG16', 'vgg16', 138_357_544, 0, 224, 32, 512, { kind: 'vgg', hidden: 4096 }, 'floor32', 15.47 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  app('VGG19', 'vgg19', 143_667_240, 0, 224, 32, 512, { kind: 'vgg', hidden: 4096 }, 'floor32', 19.63 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  // ResNet v1 (stride in the first 1×1 conv, as in He et al. 2015): MACs from its Table 1 (3.8/7.6/11.3 ×10⁹ multiply-adds).
  app('ResNet50', 'resnet50', 25_636_712, 53_120, 224, 32, 2048, DENSE, 'ceil32', 3.8 * G, `${KIO}; ${SUM}; MACs arXiv:1512.03385 Table 1`),
  app('ResNet101', 'resnet', 44_707_176, 105_344, 224, 32, 2048, DENSE, 'ceil32', 7.6 * G, `${KIO}; ${SUM}; MACs arXiv:1512.03385 Table 1`),
  app('ResNet152', 'resnet', 60_419_944, 151_424, 224, 32, 2048, DENSE, 'ceil32', 11.3 * G, `${KIO}; ${SUM}; MACs arXiv:1512.03385 Table 1`),
  app('ResNet50V2', 'resnet_v2', 25_613_800, 45_440, 224, 32, 2048, DENSE, 'ceil32', undefined, `${KIO}; ${SUM}`),
  app('ResNet101V2', 'resnet_v2', 44_675_560, 97_664, 224, 32, 2048, DENSE, 'ceil32', undefined, `${KIO}; ${SUM}`),
  app('ResNet152V2', 'resnet_v2', 60_380_648, 143_744, 224, 32, 2048, DENSE, 'ceil32', undefined, `${KIO}; ${SUM}`),
  app('InceptionV3', 'inception_v3', 23_851_784, 34_432, 299, 75, 2048, DENSE, 'inception', 5.71 * G, `${KIO}; ${SUM}; MACs ${TV} (inception_v3)`),
  app('InceptionResNetV2', 'inception_resnet_v2', 55_873_736, 60_544, 299, 75, 1536, DENSE, 'inception', undefined, `${KIO}; ${SUM}`),
  app('Xception', 'xception', 22_910_480, 54_528, 299, 71, 2048, DENSE, 'xception', undefined, `${KIO}; ${SUM}`),
  // MobileNets: MACs from the papers (569M, arXiv:1704.04861 Table 8; 300M, arXiv:1801.04381 Table 4; 56M/219M, arXiv:1905.02244 Table 3).
  app('MobileNet', 'mobilenet', 4_253_864, 21_888, 224, 32, 1024, DENSE, 'ceil32', 0.569 * G, `${KIO}; ${SUM}; MACs arXiv:1704.04861`),
  app('MobileNetV2', 'mobilenet_v2', 3_538_984, 34_112, 224, 32, 1280, DENSE, 'ceil32', 0.3 * G, `${KIO}; ${SUM}; MACs arXiv:1801.04381`),
  app('MobileNetV3Small', 'mobilenet_v3', 2_554_968, 12_112, 224, 32, 576, { kind: 'mobilenetv3', lastPoint: 1024 }, 'ceil32', 0.056 * G, `${SUM}; MACs arXiv:1905.02244`),
  app('MobileNetV3Large', 'mobilenet_v3', 5_507_432, 24_400, 224, 32, 960, { kind: 'mobilenetv3', lastPoint: 1280 }, 'ceil32', 0.219 * G, `${SUM}; MACs arXiv:1905.02244`),
  // DenseNet: MACs TV densenet121 2.83, densenet169 3.36, densenet201 4.29 at 224.
  app('DenseNet121', 'densenet', 8_062_504, 83_648, 224, 32, 1024, DENSE, 'densenet', 2.83 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  app('DenseNet169', 'densenet', 14_307_880, 158_400, 224, 32, 1664, DENSE, 'densenet', 3.36 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  app('DenseNet201', 'densenet', 20_242_984, 229_056, 224, 32, 1920, DENSE, 'densenet', 4.29 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  // NASNet: MACs arXiv:1707.07012 Table 2/3 (564M mobile, 23.8B large).
  app('NASNetMobile', 'nasnet', 5_326_716, 36_738, 224, 32, 1056, DENSE, 'ceil32', 0.564 * G, `${KIO}; ${SUM}; MACs arXiv:1707.07012`),
  app('NASNetLarge', 'nasnet', 88_949_818, 196_668, 331, 32, 4032, DENSE, 'ceil32', 23.8 * G, `${KIO}; ${SUM}; MACs arXiv:1707.07012`),
  // EfficientNet: totals [KIO]; splits B0, B1, B7 [SUM], B2–B6 [DER] (Normalization adds 2·3+1 non-trainable).
  // MACs TV efficientnet_b0..b7 at the same default sizes: 0.39, 0.69, 1.09, 1.83, 4.39, 10.27, 19.07, 37.75 G.
  app('EfficientNetB0', 'efficientnet', 5_330_571, 42_023, 224, 32, 1280, DENSE, 'ceil32', 0.39 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  app('EfficientNetB1', 'efficientnet', 7_856_239, 62_055, 240, 32, 1280, DENSE, 'ceil32', 0.69 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  app('EfficientNetB2', 'efficientnet', 9_177_569, 67_575, 260, 32, 1408, DENSE, 'ceil32', 1.09 * G, `${KIO}; split ${DER}; MACs ${TV}`),
  app('EfficientNetB3', 'efficientnet', 12_320_535, 87_303, 300, 32, 1536, DENSE, 'ceil32', 1.83 * G, `${KIO}; split ${DER}; MACs ${TV}`),
  app('EfficientNetB4', 'efficientnet', 19_466_823, 125_207, 380, 32, 1792, DENSE, 'ceil32', 4.39 * G, `${KIO}; split ${DER}; MACs ${TV}`),
  app('EfficientNetB5', 'efficientnet', 30_562_527, 172_743, 456, 32, 2048, DENSE, 'ceil32', 10.27 * G, `${KIO}; split ${DER}; MACs ${TV}`),
  app('EfficientNetB6', 'efficientnet', 43_265_143, 224_439, 528, 32, 2304, DENSE, 'ceil32', 19.07 * G, `${KIO}; split ${DER}; MACs ${TV}`),
  app('EfficientNetB7', 'efficientnet', 66_658_687, 310_727, 600, 32, 2560, DENSE, 'ceil32', 37.75 * G, `${KIO}; ${SUM}; MACs ${TV}`),
  // EfficientNetV2: totals and splits [DER], matching printed summaries of V2B0/B2/B3/S/L without top
  // (5,919,312; 8,769,374 with 82,288 non-trainable; 12,930,622; 20,331,360; 117,746,848) plus the Dense top.
  // MACs: TV efficientnet_v2_s/m/l 8.37/24.58/56.08 G; B0–B3 arXiv:2104.00298 Table 7 (0.72/1.2/1.7/3.0 B).
  app('EfficientNetV2B0', 'efficientnet_v2', 7_200_312, 60_608, 224, 32, 1280, DENSE, 'ceil32', 0.72 * G, `${DER}; MACs arXiv:2104.00298`),
  app('EfficientNetV2B1', 'efficientnet_v2', 8_212_124, 71_072, 240, 32, 1280, DENSE, 'ceil32', 1.2 * G, `${DER}; MACs arXiv:2104.00298`),
  app('EfficientNetV2B2', 'efficientnet_v2', 10_178_374, 82_288, 260, 32, 1408, DENSE, 'ceil32', 1.7 * G, `${DER}; MACs arXiv:2104.00298`),
  app('EfficientNetV2B3', 'efficientnet_v2', 14_467_622, 109_216, 300, 32, 1536, DENSE, 'ceil32', 3.0 * G, `${DER}; MACs arXiv:2104.00298`),
  app('EfficientNetV2S', 'efficientnet_v2', 21_612_360, 153_872, 384, 32, 1280, DENSE, 'ceil32', 8.37 * G, `${DER}; MACs ${TV}`),
  app('EfficientNetV2M', 'efficientnet_v2', 54_431_388, 292_032, 480, 32, 1280, DENSE, 'ceil32', 24.58 * G, `${DER}; MACs ${TV}`),
  app('EfficientNetV2L', 'efficientnet_v2', 119_027_848, 512_576, 480, 32, 1280, DENSE, 'ceil32', 56.08 * G, `${DER}; MACs ${TV}`),
  // ConvNeXt: LayerNormalization only (no non-trainable weights); the same network as torchvision's convnext_*
  // (ConvNeXtTiny without top prints 27,820,128 = 28,589,128 − (768·1000 + 1000)). MACs TV; XLarge arXiv:2201.03545 Table 1.
  app('ConvNeXtTiny', 'convnext', 28_589_128, 0, 224, 32, 768, DENSE, 'floor32', 4.46 * G, `${TV}; ${SUM} (no top)`),
  app('ConvNeXtSmall', 'convnext', 50_223_688, 0, 224, 32, 768, DENSE, 'floor32', 8.68 * G, TV),
  app('ConvNeXtBase', 'convnext', 88_591_464, 0, 224, 32, 1024, DENSE, 'floor32', 15.36 * G, TV),
  app('ConvNeXtLarge', 'convnext', 197_767_336, 0, 224, 32, 1536, DENSE, 'floor32', 34.36 * G, TV),
  app('ConvNeXtXLarge', 'convnext', 350_196_968, 0, 224, 32, 2048, DENSE, 'floor32', 60.9 * G, `${TV}; MACs arXiv:2201.03545`),
];

const byName = new Map(KERAS_APPLICATIONS.map((a) => [a.name, a]));

/** The application for a constructor name ("ResNet50"), or undefined. */
export function findKerasApplication(name: string): KerasApplication | undefined {
  return byName.get(name);
}

/** Parameters of the classifier `include_top` adds, for `classes` outputs on a feature map of `map` (h, w). */
export function headParams(a: KerasApplication, classes: number, map: [number, number]): number {
  const F = a.features;
  switch (a.head.kind) {
    case 'dense':
      return F * classes + classes;
    case 'vgg': {
      const h = a.head.hidden;
      return map[0] * map[1] * F * h + h + h * h + h + h * classes + classes;
    }
    case 'mobilenetv3': {
      const p = a.head.lastPoint;
      return F * p + p + p * classes + classes;
    }
  }
}

/** Spatial size of the last feature map for an input side `n` (see FeatureMapRule). */
export function featureMapSide(rule: FeatureMapRule, n: number): number {
  const ceil2 = (m: number) => Math.ceil(m / 2);
  const floor2 = (m: number) => Math.floor(m / 2);
  const valid = (m: number, k: number, s: number) => Math.floor((m - k) / s) + 1;
  switch (rule) {
    case 'ceil32':
      return Math.ceil(n / 32);
    case 'floor32':
      return Math.floor(n / 32);
    case 'densenet':
      // Padded 7×7/2 conv and 3×3/2 pool ("same"-like), then three 2×2/2 average pools ("valid").
      return floor2(floor2(floor2(ceil2(ceil2(n)))));
    case 'inception': {
      // Stem: 3×3/2 valid, 3×3 valid, 3×3 same, pool 3×3/2, 1×1, 3×3 valid, pool 3×3/2; then two 3×3/2 valid reductions.
      let m = valid(n, 3, 2) - 2;
      m = valid(m, 3, 2) - 2;
      m = valid(m, 3, 2);
      return valid(valid(m, 3, 2), 3, 2);
    }
    case 'xception':
      // 3×3/2 valid, 3×3 valid, then four 3×3/2 "same" max pools.
      return ceil2(ceil2(ceil2(ceil2(valid(n, 3, 2) - 2))));
  }
}

export interface ApplicationPlan {
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Input with the batch first. */
  input: Shape;
  output: Shape;
  /** Forward MACs for the batch, or undefined when the table has no source for them. */
  macs?: number;
  /** What people should know: assumptions taken, arguments Keras would reject. */
  notes: string[];
}

/**
 * The model a constructor call builds. `args` are its keyword arguments
 * (include_top, weights, input_shape, pooling, classes); `input` is the shape
 * of `input_tensor` or of the tensor it is called on, when known (batch first).
 */
export function planApplication(a: KerasApplication, args: Args, batch: number, input?: Shape): ApplicationPlan {
  const notes: string[] = [];
  const includeTop = boolArg(args, 'include_top', true);
  const weights = rawArg(args, 'weights') === null ? 'none' : strArg(args, 'weights', 'imagenet');
  const classesArg = rawArg(args, 'classes');
  const classes = typeof classesArg === 'number' && Number.isInteger(classesArg) && classesArg > 0 ? classesArg : 1000;
  if (includeTop && weights === 'imagenet' && classes !== 1000) {
    notes.push(`Keras refuses classes=${classes} with weights="imagenet" and include_top=True; counted as asked`);
  }
  const alpha = rawArg(args, 'alpha');
  if (typeof alpha === 'number' && alpha !== 1) {
    notes.push(`alpha=${alpha} is not catalogued: counted with alpha=1.0`);
  }

  let [h, w, c] = a.defaultInput;
  const given = rawArg(args, 'input_shape');
  if (input && input.length === 4) {
    [h, w, c] = [input[1]!, input[2]!, input[3]!];
  } else if (Array.isArray(given) && given.length === 3) {
    const dims = given.map((d) => (typeof d === 'number' ? d : undefined));
    if (dims.every((d) => d !== undefined)) [h, w, c] = dims as [number, number, number];
    else notes.push(`input_shape has unknown dimensions: assumed the default ${a.defaultInput.join('×')}`);
  } else if (!includeTop) {
    notes.push(`no input_shape: assumed the default ${a.defaultInput.join('×')}`);
  }
  if (h < a.minSize || w < a.minSize) {
    throw new LayerError(`${a.name}: input ${h}×${w} is smaller than the minimum ${a.minSize}×${a.minSize}`);
  }
  if (c !== 3) notes.push(`${a.name} is catalogued for 3 input channels; the first convolution's count assumes 3, got ${c}`);
  const [dh, dw] = a.defaultInput;
  if (includeTop && weights === 'imagenet' && (h !== dh || w !== dw) && a.head.kind === 'vgg') {
    notes.push(`Keras requires input_shape=(${dh}, ${dw}, 3) with include_top=True and ImageNet weights`);
  }

  const fh = featureMapSide(a.featureMap, h);
  const fw = featureMapSide(a.featureMap, w);
  const defaultMap: [number, number] = [featureMapSide(a.featureMap, dh), featureMapSide(a.featureMap, dw)];
  const base = a.total - headParams(a, 1000, defaultMap);
  const top = includeTop ? headParams(a, classes, [fh, fw]) : 0;
  const total = base + top;

  const pooling = rawArg(args, 'pooling');
  const output = includeTop
    ? [batch, classes]
    : pooling === 'avg' || pooling === 'max'
      ? [batch, a.features]
      : [batch, fh, fw, a.features];
  const macs = a.macs === undefined ? undefined : batch * a.macs * ((h * w) / (dh * dw));
  return {
    total,
    trainable: total - a.nonTrainable,
    nonTrainable: a.nonTrainable,
    input: [batch, h, w, c],
    output,
    macs,
    notes,
  };
}
