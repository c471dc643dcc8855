/**
 * What the Keras runtime keeps on interpreter values: the native state of
 * layers and models (kind, Keras name, weights, sublayers, graph) and of
 * symbolic tensors (shape with a concrete batch, dtype, the call that made them).
 */
import type { Shape } from '../../../graph';
import type { Loc } from '../../../python/ast';
import type { InstV, Value } from '../../../python/values';
import type { Args, LayerSpec } from '../../layerSpec';
import type { KerasApplication } from '../applications';

/** One weight made by `add_weight` or a catalog row; `trainable` as created. */
export interface WeightRec {
  name: string;
  shape: number[];
  trainable: boolean;
}

/**
 * - layer: a catalog layer (spec set) or a user `layers.Layer` subclass
 * - input: an InputLayer (from keras.Input / InputLayer)
 * - sequential / functional: keras.Sequential / keras.Model(inputs, outputs)
 * - subclass: a user keras.Model subclass
 * - application: a keras.applications constructor's model
 */
export type LayerKind = 'layer' | 'input' | 'sequential' | 'functional' | 'subclass' | 'application';

/** A declared input: shape without the batch, None dimensions as null. */
export interface InputDecl {
  shape: Array<number | null>;
  dtype: string;
  loc: Loc;
  /** How the shape was given: keras.Input, input_shape=, build(), a call on a tensor. */
  how: 'Input' | 'input_shape' | 'build' | 'call' | 'example' | 'application';
}

/** One call of a layer during construction: the functional graph's edges. */
export interface CallNode {
  /** Creation order: layers of a functional model are listed in it. */
  id: number;
  layer: InstV;
  args: Value[];
  kwargs: Map<string, Value>;
  /** Every tensor among the arguments (graph edges), flattened. */
  inputs: InstV[];
  /** Tensors the call returned, flattened. */
  outputs: InstV[];
}

export interface FunctionalGraph {
  /** The model's input tensors, and the structure they were given in (list, dict). */
  inputs: InstV[];
  inputStructure: Value;
  outputs: Value;
  /** Calls between inputs and outputs, in creation order. */
  nodes: CallNode[];
  /** The InputLayers of `inputs`, in order. */
  inputLayers: InstV[];
}

export interface LayerState {
  kind: LayerKind;
  /** Keras name, given when the layer's __init__ runs (or on first use). */
  name?: string;
  className: string;
  spec?: LayerSpec;
  args?: Args;
  app?: KerasApplication;
  weights: WeightRec[];
  built: boolean;
  trainable: boolean;
  /** Sequential: its layers, without the InputLayer. */
  layers?: InstV[];
  /** Sequential: how many of `layers` the file's run has built, and the last one's output. */
  builtLayers?: number;
  lastOutput?: Value;
  /** Input shape known to a Sequential, an InputLayer, or a model built from a shape. */
  input?: InputDecl[];
  graph?: FunctionalGraph;
  /** The InputLayer's own tensor. */
  tensor?: InstV;
  /** A wrapper (TimeDistributed, Bidirectional) around a layer the catalog does not know. */
  wrapped?: InstV;
  /** An op applied to graph tensors outside any layer (`x + y`, tf.concat): replayed like a layer. */
  op?: (args: Value[], kwargs: Map<string, Value>, loc: Loc) => Value;
  /** Input shapes of the first build, batch included (Dense's LoRA dims). */
  firstInputs?: Shape[];
  /** The first call while the file ran: `layer.input` / `layer.output` in functional code. */
  firstCall?: { input: Value; output: Value };
  /** Why the layer could not be built or called: shown on its row. */
  broken?: string;
  loc: Loc;
  file?: string;
}

export interface TensorState {
  /** Batch first, concrete (the runtime's placeholder batch while the file runs). */
  shape: Shape;
  dtype: string;
  /** Weights made by add_weight / tf.Variable: no batch, never an activation. */
  weight?: WeightRec;
  /** While profiling: a gradient flows back through this tensor (a trainable weight is upstream). */
  grad?: boolean;
  /** Made from values (tf.zeros, tf.constant, keras.random.normal): a call on it is an example call. */
  constant?: boolean;
  node?: CallNode;
  id: number;
}

let nextTensorId = 1;
export function newTensorId(): number {
  return nextTensorId++;
}

export function layerState(v: Value | undefined): LayerState | undefined {
  if (!v || v.t !== 'inst') return undefined;
  const s = v.native as LayerState | undefined;
  return s && Array.isArray(s.weights) && typeof s.kind === 'string' && typeof s.className === 'string' ? s : undefined;
}

export function tensorState(v: Value | undefined): TensorState | undefined {
  if (!v || v.t !== 'inst') return undefined;
  const s = v.native as TensorState | undefined;
  return s && Array.isArray(s.shape) && typeof s.id === 'number' && typeof s.dtype === 'string' ? s : undefined;
}

export function isModelKind(kind: LayerKind): boolean {
  return kind === 'sequential' || kind === 'functional' || kind === 'subclass' || kind === 'application';
}

const INT_DTYPES = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'int', 'bool']);

export function isIntDtype(dtype: string): boolean {
  return INT_DTYPES.has(dtype);
}
