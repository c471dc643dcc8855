/**
 * The Keras layer catalog: one LayerSpec row per layer type (framework 'keras').
 * Keras creates weights when a layer is built from its input shape, so every
 * row's `weights(args, inputs)` needs the input shapes. Shapes include the batch.
 */
import type { LayerSpec } from '../../layerSpec';
import { ACTIVATION_LAYERS } from './activationLayers';
import { ATTENTION_LAYERS } from './attention';
import { CONVOLUTION_LAYERS } from './convolution';
import { CORE_LAYERS } from './core';
import { MERGING_LAYERS } from './merging';
import { NORMALIZATION_LAYERS } from './normalization';
import { POOLING_LAYERS } from './pooling';
import { PREPROCESSING_LAYERS } from './preprocessing';
import { RECURRENT_LAYERS } from './recurrent';
import { REGULARIZATION_LAYERS } from './regularization';
import { RESHAPING_LAYERS } from './reshaping';
import { wrapperRows } from './wrappers';

const BASE_LAYERS: LayerSpec[] = [
  ...CORE_LAYERS,
  ...CONVOLUTION_LAYERS,
  ...NORMALIZATION_LAYERS,
  ...RECURRENT_LAYERS,
  ...ATTENTION_LAYERS,
  ...POOLING_LAYERS,
  ...RESHAPING_LAYERS,
  ...MERGING_LAYERS,
  ...ACTIVATION_LAYERS,
  ...REGULARIZATION_LAYERS,
  ...PREPROCESSING_LAYERS,
];

const byName = new Map<string, LayerSpec>();

/** The row for a Keras class name or alias ("Conv2D", "Convolution2D"), or undefined. */
export function findKerasLayer(type: string): LayerSpec | undefined {
  return byName.get(type);
}

export const KERAS_LAYERS: LayerSpec[] = [...BASE_LAYERS, ...wrapperRows(findKerasLayer)];

for (const row of KERAS_LAYERS) {
  for (const name of [row.type, ...(row.aliases ?? [])]) {
    if (byName.has(name)) throw new Error(`Keras catalog: duplicate row for ${name}`);
    byName.set(name, row);
  }
}

export type { LayerRef } from './args';
