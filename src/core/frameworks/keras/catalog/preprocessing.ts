/**
 * Preprocessing layers that sit inside models (keras/src/layers/preprocessing/*.py).
 * - Normalization without `mean`/`variance`: non-trainable weights mean and
 *   variance (the input's sizes along `axis`) and a scalar count: 2·C + 1 values,
 *   all counted by count_params(). With `mean` and `variance` given: no weights.
 * - Rescaling, Resizing, CenterCrop, RandomCrop and the random augmentation
 *   layers: no weights, 0 MACs. Resizing and the crops set height and width; the
 *   augmentations keep the shape.
 */
import { LayerError, type Args, type LayerSpec } from '../../layerSpec';
import { channelsFirst, hasArg, rawArg, requiredInt } from './args';
import { normAxis, onlyInput } from './geometry';
import { kerasRow, noWeights, sameShape, tensor, weight } from './row';

function keptAxes(args: Args, rank: number): number[] {
  const v = rawArg(args, 'axis');
  if (v === null) return [];
  const list = v === undefined ? [-1] : Array.isArray(v) ? v : [v];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new LayerError('Normalization: could not evaluate `axis`');
    return normAxis(a, rank, 'Normalization');
  });
}

const normalization = kerasRow({
  type: 'Normalization',
  signature: 'axis=-1, mean=None, variance=None, invert=False, **kwargs',
  weights(args, inputs) {
    if (!inputs) return undefined;
    const given = hasArg(args, 'mean') && rawArg(args, 'mean') !== null;
    if (given) return [];
    const x = onlyInput(inputs, 'Normalization', 1);
    const shape = keptAxes(args, x.length)
      .sort((a, b) => a - b)
      .map((a) => x[a]!);
    return [weight('mean', shape, false), weight('variance', shape, false), weight('count', [], false)];
  },
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'Normalization', 1)]),
});

const rescaling = kerasRow({
  type: 'Rescaling',
  signature: 'scale, offset=0.0, **kwargs',
  weights: noWeights,
  forward: (_args, inputs) => sameShape([onlyInput(inputs, 'Rescaling', 1)]),
});

/** A layer that sets an image batch's height and width to its `height` and `width` arguments. */
function sizingRow(type: string, signature: string): LayerSpec {
  return kerasRow({
    type,
    signature,
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, type, 4, 4);
      const height = requiredInt(args, 'height', type);
      const width = requiredInt(args, 'width', type);
      const out = channelsFirst(args, type) ? [x[0]!, x[1]!, height, width] : [x[0]!, height, width, x[3]!];
      return { output: tensor(out), macs: 0, saves: [] };
    },
  });
}

/** Augmentations that keep the shape, with their documented parameters. */
const SHAPE_KEEPING: Array<[string, string]> = [
  ['RandomFlip', "mode='horizontal_and_vertical', seed=None, data_format=None"],
  ['RandomRotation', "factor, fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, data_format=None"],
  ['RandomZoom', "height_factor, width_factor=None, fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, data_format=None"],
  ['RandomTranslation', "height_factor, width_factor, fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, data_format=None"],
  ['RandomContrast', 'factor, value_range=(0, 255), seed=None'],
  ['RandomBrightness', 'factor, value_range=(0, 255), seed=None'],
  // RandomHeight/RandomWidth draw a new size per batch; the expected size is the input's.
  ['RandomHeight', "factor, interpolation='bilinear', seed=None"],
  ['RandomWidth', "factor, interpolation='bilinear', seed=None"],
  ['RandomGrayscale', 'factor=0.5, data_format=None, seed=None'],
  ['RandomHue', 'factor, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomSaturation', 'factor, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomSharpness', 'factor, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomShear', "x_factor=0.0, y_factor=0.0, interpolation='bilinear', fill_mode='reflect', fill_value=0.0, data_format=None, seed=None"],
  ['RandomColorDegeneration', 'factor, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomColorJitter', 'value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None, hue_factor=None, seed=None, data_format=None'],
  ['RandomErasing', 'factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None, data_format=None'],
  ['RandomGaussianBlur', 'factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomInvert', 'factor=1.0, value_range=(0, 255), seed=None, data_format=None'],
  ['RandomPerspective', "factor=1.0, scale=1.0, interpolation='bilinear', fill_value=0.0, seed=None, data_format=None"],
  ['RandomPosterization', 'factor, value_range=(0, 255), data_format=None, seed=None'],
  ['RandomElasticTransform', "factor=1.0, scale=1.0, interpolation='bilinear', fill_mode='reflect', fill_value=0.0, value_range=(0, 255), seed=None, data_format=None"],
  ['Solarization', 'addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None'],
  ['AutoContrast', 'value_range=(0, 255)'],
  ['Equalization', 'value_range=(0, 255), bins=256, data_format=None'],
  ['MixUp', 'alpha=0.2, data_format=None, seed=None'],
  ['CutMix', 'factor=1.0, seed=None, data_format=None'],
  ['AugMix', "value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True, interpolation='bilinear', seed=None, data_format=None"],
  ['RandAugment', "value_range=(0, 255), num_ops=2, factor=0.5, interpolation='bilinear', seed=None, data_format=None"],
];

const augmentations = SHAPE_KEEPING.map(([type, params]) =>
  kerasRow({
    type,
    signature: `${params}, **kwargs`,
    weights: noWeights,
    forward: (_args, inputs) => sameShape([onlyInput(inputs, type, 1)]),
  }),
);

export const PREPROCESSING_LAYERS: LayerSpec[] = [
  normalization,
  rescaling,
  sizingRow(
    'Resizing',
    "height, width, interpolation='bilinear', crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, " +
      "fill_mode='constant', fill_value=0.0, antialias=False, data_format=None, **kwargs",
  ),
  sizingRow('CenterCrop', 'height, width, data_format=None, **kwargs'),
  sizingRow('RandomCrop', 'height, width, seed=None, data_format=None, name=None, **kwargs'),
  ...augmentations,
];
