/**
 * The contract between the Python evaluator and the layer catalogs
 * (frameworks/pytorch, frameworks/keras). One LayerSpec per layer type: a table
 * row, not a switch. The evaluator binds the call's arguments to `signature`,
 * converts them to plain values (`ArgValue`), and asks the row for weights,
 * output shapes, MACs and what autograd saves.
 */
import type { Shape } from '../graph';

/** A callable passed as an argument (`activation=F.gelu`, `activation="relu"` stays a string). */
export class FnRef {
  constructor(readonly name: string) {}
}

/**
 * An argument value converted to plain data. Python ints and floats become numbers,
 * tuples and lists become arrays, dicts become objects, callables become FnRef.
 * `undefined` means "could not be evaluated": rows must cope (a finding follows).
 */
export type ArgValue =
  | number
  | boolean
  | string
  | null
  | undefined
  | FnRef
  | ArgValue[]
  | { [key: string]: ArgValue };

export type Args = Record<string, ArgValue>;

export interface WeightSpec {
  /** torch parameter/buffer name ("weight", "bias", "running_mean") or Keras weight name ("kernel"). */
  name: string;
  shape: number[];
  /** torch: 'param' for nn.Parameter, 'buffer' for register_buffer. Keras: always 'param'. */
  kind: 'param' | 'buffer';
  /** Keras non-trainable weights (BatchNorm moving stats) set false; default true. */
  trainable?: boolean;
}

/** A tensor autograd keeps for backward, by reference so shared tensors count once. */
export type SavedRef =
  /** The i-th input tensor of the call. */
  | { input: number }
  /** The i-th output tensor of the call (outputs flattened depth-first). */
  | { output: number }
  /**
   * A tensor made inside the op. `act` elements take the compute dtype's size;
   * `bool` 1 byte (dropout masks), `int64` 8 bytes (pooling indices), `fp32` 4 bytes
   * (norm statistics kept in fp32 under autocast), `fp64` 8 bytes (a Python float an op
   * divides by, which autograd keeps as a 0-dim double tensor).
   */
  | { elements: number; dtype: 'act' | 'bool' | 'int64' | 'fp32' | 'fp64' };

/**
 * A layer output: one tensor, or a tuple of outputs (LSTM returns `output, (h_n, c_n)`).
 * `dtype: 'int'` marks integer tensors (pooling indices); absent means float.
 * `null` is Python's None inside a tuple: MultiheadAttention with `need_weights=False`
 * returns `(output, None)`, and callers unpack both.
 */
export type OutTree = { shape: Shape; dtype?: 'float' | 'int' } | OutTree[] | null;

export interface LayerCall {
  output: OutTree;
  /** Forward MACs of this call, for the whole batch in the input shapes. */
  macs: number;
  saves: SavedRef[];
}

/** A submodule a layer creates in its constructor: a catalog type and its constructor arguments. */
export interface ChildLayer {
  /** Attribute name, the last segment of the torch path ("out_proj"). */
  name: string;
  /** Catalog type (a row's `type` or alias), as torch's `type(m).__name__` prints it. */
  type: string;
  args: Args;
}

/** Thrown by a row when arguments or input shapes are invalid; the message is shown to people. */
export class LayerError extends Error {}

export interface LayerSpec {
  framework: 'pytorch' | 'keras';
  /** Class name as the framework spells it: "Linear", "Conv2d", "Dense". */
  type: string;
  /** Other names for the same row (Keras "Convolution2D" for "Conv2D"). */
  aliases?: string[];
  /**
   * The constructor's parameters in Python syntax, as the framework documents them:
   * "in_features, out_features, bias=True, device=None, dtype=None".
   * `*args`/`**kwargs` and keyword-only markers (`*`) are allowed.
   */
  signature: string;
  /**
   * Weights the layer owns. torch rows know them at construction (`inputs` undefined);
   * Keras rows and torch Lazy* rows need the input shapes and return undefined without them.
   */
  weights(args: Args, inputs?: Shape[]): WeightSpec[] | undefined;
  /**
   * Output shapes, MACs and saved tensors for one call. `inputs` are the tensor arguments
   * of the call in order, batch dimension included. `call` holds the call's other
   * arguments bound by name to `forwardSignature` (`need_weights=False`, `output_size=...`).
   */
  forward(args: Args, inputs: Shape[], call?: Args): LayerCall;
  /**
   * forward()'s parameters in Python syntax, as torch documents them
   * ("query, key, value, key_padding_mask=None, need_weights=True, ..."), for binding
   * the non-tensor arguments of a call into `call`. Absent: the call takes tensors only.
   */
  forwardSignature?: string;
  /**
   * Submodules the layer registers itself, with torch's names (MultiheadAttention's
   * `out_proj`). Their weights are theirs, not the parent's; the parent's forward
   * accounts for their compute when torch uses their weights without calling them.
   */
  children?(args: Args): ChildLayer[];
  /** Linear-like rows: [in, out], for sizing LoRA adapters. */
  linearDims?(args: Args, inputs?: Shape[]): [number, number] | undefined;
  /** Which inputs are integer indices (Embedding): their saved copies are int64. */
  intInputs?: number[];
  /**
   * torch Lazy* rows: the class the module becomes once its first forward has sized it
   * (LazyModuleMixin.cls_to_become), which is the type named_modules() then shows.
   */
  materializesAs?: string;
}

/** Product of dimensions; empty shape is a scalar (1). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
