/** Small constructors for Keras catalog rows, so each row reads as its weight rule. */
import type { Shape } from '../../../graph';
import { type LayerCall, type LayerSpec, type OutTree, type WeightSpec } from '../../layerSpec';

/** A catalog row; every Keras row has framework 'keras'. */
export function kerasRow(spec: Omit<LayerSpec, 'framework'>): LayerSpec {
  return { framework: 'keras', ...spec };
}

/** A Keras weight (`add_weight`): a param, trainable unless said otherwise. */
export function weight(name: string, shape: number[], trainable = true): WeightSpec {
  return trainable ? { name, shape, kind: 'param' } : { name, shape, kind: 'param', trainable: false };
}

/** Rows of layers without weights. */
export function noWeights(): WeightSpec[] {
  return [];
}

/** One output tensor. */
export function tensor(shape: Shape): OutTree {
  return { shape };
}

/** The forward of a layer that keeps the shape and does no multiply-accumulates. */
export function sameShape(inputs: Shape[], saves: LayerCall['saves'] = []): LayerCall {
  return { output: tensor([...inputs[0]!]), macs: 0, saves };
}
