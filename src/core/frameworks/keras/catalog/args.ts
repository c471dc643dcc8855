/**
 * Reading Keras constructor arguments (already bound and converted to `ArgValue`
 * by the evaluator) with the checks Keras itself makes, so that a row can trust
 * what it gets and a bad value becomes a `LayerError` with a readable message.
 *
 * Two conventions of the Keras runtime live here:
 * - Keyword arguments a signature collects in `**kwargs` (Keras 2 spellings such
 *   as `alpha=` on LeakyReLU, `input_shape=`) are found under `args.kwargs`.
 * - A layer passed as an argument (`Bidirectional(LSTM(64))`) arrives as a
 *   `LayerRef` object: `{ $layer: 'LSTM', $args: {...} }`.
 */
import { FnRef, LayerError, type ArgValue, type Args } from '../../layerSpec';

/** A layer instance passed as a constructor argument, by catalog type and its own arguments. */
export interface LayerRef {
  $layer: string;
  $args: Args;
}

/** The value of `name`, looking in `**kwargs` too; undefined when absent. */
export function rawArg(args: Args, name: string): ArgValue {
  if (name in args && args[name] !== undefined) return args[name];
  const kw = args.kwargs;
  if (kw && typeof kw === 'object' && !Array.isArray(kw) && !(kw instanceof FnRef)) {
    return (kw as Record<string, ArgValue>)[name];
  }
  return undefined;
}

/** True when the argument was given (even as `None`). */
export function hasArg(args: Args, name: string): boolean {
  return rawArg(args, name) !== undefined;
}

/** A flag among a call's non-tensor arguments (`layer(x, return_attention_scores=True)`), False unless True. */
export function callFlag(call: Args | undefined, name: string): boolean {
  const v = call?.[name];
  return v === true || (typeof v === 'number' && v !== 0);
}

function describe(v: ArgValue): string {
  if (v === null) return 'None';
  if (v instanceof FnRef) return v.name;
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** A required positive integer (units, filters). */
export function requiredInt(args: Args, name: string, layer: string, min = 1): number {
  const v = rawArg(args, name);
  if (v === undefined) throw new LayerError(`${layer}: could not evaluate \`${name}\``);
  return checkInt(v, name, layer, min);
}

/** An optional integer with a default. `None` counts as absent. */
export function intArg(args: Args, name: string, fallback: number, layer: string, min = 0): number {
  const v = rawArg(args, name);
  if (v === undefined || v === null) return fallback;
  return checkInt(v, name, layer, min);
}

/** An optional integer that may stay unset (`None`). */
export function optionalInt(args: Args, name: string, layer: string, min = 1): number | undefined {
  const v = rawArg(args, name);
  if (v === undefined || v === null) return undefined;
  return checkInt(v, name, layer, min);
}

function checkInt(v: ArgValue, name: string, layer: string, min: number): number {
  if (typeof v === 'boolean') return checkInt(v ? 1 : 0, name, layer, min);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new LayerError(`${layer}: \`${name}\` must be an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

/** An optional number (rates, factors). */
export function numArg(args: Args, name: string, fallback: number): number {
  const v = rawArg(args, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** A boolean flag with its Keras default; Python truthiness for ints. */
export function boolArg(args: Args, name: string, fallback: boolean): boolean {
  const v = rawArg(args, name);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  return fallback;
}

/** A string option, lower-cased (`padding="SAME"` works in Keras). */
export function strArg(args: Args, name: string, fallback: string): string {
  const v = rawArg(args, name);
  return typeof v === 'string' ? v.toLowerCase() : fallback;
}

/** A string option restricted to a documented set. */
export function choiceArg<T extends string>(args: Args, name: string, choices: readonly T[], fallback: T, layer: string): T {
  const v = strArg(args, name, fallback);
  if (!(choices as readonly string[]).includes(v)) {
    throw new LayerError(`${layer}: \`${name}\` must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got "${v}"`);
  }
  return v as T;
}

/**
 * An int or a tuple of `n` ints, as Keras' `standardize_tuple` reads
 * `kernel_size`, `strides`, `pool_size`, `dilation_rate`.
 */
export function tupleArg(args: Args, name: string, n: number, fallback: number | number[], layer: string, min = 1): number[] {
  let v = rawArg(args, name);
  if (v === undefined || v === null) v = fallback;
  return toTuple(v, n, name, layer, min);
}

/** A required int-or-tuple (`kernel_size`). */
export function requiredTuple(args: Args, name: string, n: number, layer: string, min = 1): number[] {
  const v = rawArg(args, name);
  if (v === undefined || v === null) throw new LayerError(`${layer}: could not evaluate \`${name}\``);
  return toTuple(v, n, name, layer, min);
}

export function toTuple(v: ArgValue, n: number, name: string, layer: string, min = 1): number[] {
  if (typeof v === 'number') return new Array<number>(n).fill(checkInt(v, name, layer, min));
  if (Array.isArray(v)) {
    if (v.length !== n) throw new LayerError(`${layer}: \`${name}\` must have ${n} values, got ${describe(v)}`);
    return v.map((x) => checkInt(x, name, layer, min));
  }
  throw new LayerError(`${layer}: could not evaluate \`${name}\``);
}

/** A list of ints of any length (Reshape's target_shape, Permute's dims). */
export function intListArg(args: Args, name: string, layer: string, min = -1): number[] {
  const v = rawArg(args, name);
  if (typeof v === 'number') return [checkInt(v, name, layer, min)];
  if (!Array.isArray(v)) throw new LayerError(`${layer}: could not evaluate \`${name}\``);
  return v.map((x) => checkInt(x, name, layer, min));
}

/** The name of an activation given as a string, a callable, or None. Unset/None -> "linear". */
export function activationName(v: ArgValue): string {
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v.toLowerCase();
  if (v instanceof FnRef) {
    const last = v.name.split('.').pop() ?? v.name;
    return last.toLowerCase();
  }
  return 'unknown';
}

/** The layer argument of a wrapper, or undefined. */
export function layerRefArg(args: Args, name: string): LayerRef | undefined {
  const v = rawArg(args, name);
  if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof FnRef)) {
    const o = v as Record<string, ArgValue>;
    if (typeof o.$layer === 'string' && o.$args && typeof o.$args === 'object' && !Array.isArray(o.$args)) {
      return { $layer: o.$layer, $args: o.$args as Args };
    }
  }
  return undefined;
}

/** Keras' image_data_format(): "channels_last" unless the layer says otherwise. */
export function channelsFirst(args: Args, layer: string): boolean {
  return choiceArg(args, 'data_format', ['channels_last', 'channels_first'] as const, 'channels_last', layer) === 'channels_first';
}
