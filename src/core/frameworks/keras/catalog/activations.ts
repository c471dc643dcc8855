/**
 * What an activation keeps for backward. Activations whose derivative can be
 * written in terms of their output (relu, sigmoid, tanh, softmax, elu, selu,
 * exponential) keep the output; the others (gelu, silu/swish, softplus, ...)
 * keep their input. The identity ("linear", None) keeps nothing.
 *
 * Element-wise activations count 0 MACs, the convention of the PyTorch side.
 */
import type { SavedRef } from '../../layerSpec';

const KEEPS_OUTPUT = new Set([
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'exponential',
]);

const IDENTITY = new Set(['linear', 'none', 'identity']);

/** True when `name` is the identity: Keras' "linear" or no activation at all. */
export function isIdentityActivation(name: string): boolean {
  return IDENTITY.has(name);
}

/**
 * Saves of an activation fused into a layer (`Dense(64, activation="gelu")`):
 * the layer's output, or the pre-activation tensor that exists only inside the layer.
 */
export function fusedActivationSaves(name: string, outputElements: number): SavedRef[] {
  if (IDENTITY.has(name)) return [];
  if (KEEPS_OUTPUT.has(name)) return [{ output: 0 }];
  return [{ elements: outputElements, dtype: 'act' }];
}

/** Saves of a standalone activation layer (`Activation("relu")`, `ReLU()`). */
export function standaloneActivationSaves(name: string): SavedRef[] {
  if (IDENTITY.has(name)) return [];
  return KEEPS_OUTPUT.has(name) ? [{ output: 0 }] : [{ input: 0 }];
}
