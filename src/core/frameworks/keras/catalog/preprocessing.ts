/**
 * Preprocessing layers that sit inside models (keras/src/layers/preprocessing/*.py).
 * - Normalization without `mean`/`variance`: non-trainable weights mean and
 *   variance (the input's sizes along `axis`) and a scalar count: 2·C + 1 values,
 *   all counted by count_params(). With `mean` and `variance` given: no weights.
 * - Rescaling, Resizing, CenterCrop, RandomCrop and the random augmentation
 *   layers: no weights, 0 MACs. Resizing and the crops set height and width; the
 *   augmentations keep the shape.
 * - The lookups (TextVectorization, StringLookup, ...): no weights; integer ids or
 *   encodings the size of the vocabulary.
 */
import { LayerError, type Args, type LayerSpec } from '../../layerSpec';
import { channelsFirst, hasArg, intArg, optionalInt, rawArg, requiredInt, strArg } from './args';
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

/** The size of a lookup's output vocabulary: max_tokens, or the given vocabulary plus OOV and mask tokens. */
function vocabularySize(args: Args, layer: string): number {
  const max = optionalInt(args, 'max_tokens', layer) ?? optionalInt(args, 'num_bins', layer) ?? optionalInt(args, 'num_tokens', layer);
  if (max !== undefined) return max;
  const vocab = rawArg(args, 'vocabulary');
  if (Array.isArray(vocab)) {
    const mask = rawArg(args, 'mask_token');
    return vocab.length + intArg(args, 'num_oov_indices', 1, layer) + (mask !== undefined && mask !== null ? 1 : 0);
  }
  throw new LayerError(`${layer}: its output size depends on the vocabulary; give max_tokens= or vocabulary=`);
}

/**
 * Text and categorical lookups (TextVectorization, StringLookup, IntegerLookup, Hashing,
 * CategoryEncoding, Discretization): no weights (their tables are not variables);
 * "int" outputs keep the shape as integer ids, the encodings end in the vocabulary size.
 */
function lookupRow(type: string, signature: string, fallbackMode: string): LayerSpec {
  return kerasRow({
    type,
    signature,
    weights: noWeights,
    forward(args, inputs) {
      const x = onlyInput(inputs, type, 1);
      const mode = strArg(args, 'output_mode', fallbackMode);
      if (mode === 'int') {
        if (type === 'TextVectorization') {
          const length = optionalInt(args, 'output_sequence_length', type);
          if (length === undefined) {
            throw new LayerError('TextVectorization: without output_sequence_length its sequences have the length of the longest text; set it to profile the model');
          }
          return { output: { shape: [x[0]!, length], dtype: 'int' }, macs: 0, saves: [] };
        }
        return { output: { shape: [...x], dtype: 'int' }, macs: 0, saves: [] };
      }
      const size = vocabularySize(args, type);
      const trailingOne = x.length > 1 && x[x.length - 1] === 1;
      const shape = mode === 'one_hot' && !trailingOne ? [...x, size] : [x[0]!, size];
      return { output: tensor(shape), macs: 0, saves: [] };
    },
  });
}

const LOOKUPS: LayerSpec[] = [
  lookupRow(
    'TextVectorization',
    "max_tokens=None, standardize='lower_and_strip_punctuation', split='whitespace', ngrams=None, output_mode='int', " +
      'output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None, idf_weights=None, sparse=False, ragged=False, ' +
      "encoding='utf-8', name=None, **kwargs",
    'int',
  ),
  lookupRow(
    'StringLookup',
    "max_tokens=None, num_oov_indices=1, mask_token=None, oov_token='[UNK]', vocabulary=None, idf_weights=None, " +
      "invert=False, output_mode='int', pad_to_max_tokens=False, sparse=False, encoding='utf-8', name=None, **kwargs",
    'int',
  ),
  lookupRow(
    'IntegerLookup',
    'max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None, vocabulary_dtype=None, ' +
      "idf_weights=None, invert=False, output_mode='int', sparse=False, pad_to_max_tokens=False, name=None, **kwargs",
    'int',
  ),
  lookupRow('Hashing', "num_bins, mask_value=None, salt=None, output_mode='int', sparse=False, **kwargs", 'int'),
  lookupRow('CategoryEncoding', "num_tokens=None, output_mode='multi_hot', sparse=False, **kwargs", 'multi_hot'),
  lookupRow('Discretization', "bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode='int', sparse=False, **kwargs", 'int'),
];

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
  ...LOOKUPS,
];
