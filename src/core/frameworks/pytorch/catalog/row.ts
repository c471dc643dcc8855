/**
 * The building blocks every catalog row uses: typed access to constructor arguments
 * (with the signature's defaults and errors people can read), weight and saved-tensor
 * helpers, and `defineRow`, which turns a row written against those into a LayerSpec.
 */
import type { Shape } from '../../../graph';
import {
  FnRef,
  LayerError,
  type ArgValue,
  type Args,
  type ChildLayer,
  type LayerCall,
  type LayerSpec,
  type SavedRef,
  type WeightSpec,
} from '../../layerSpec';
import { defaultsOf } from './signature';

function show(v: ArgValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `(${v.map(show).join(', ')})`;
  if (v instanceof FnRef) return v.name;
  if (typeof v === 'object') return '{...}';
  return String(v);
}

/** Constructor (or call) arguments of one row, read with the row's defaults and validated. */
export class RowArgs {
  private readonly values: Args;

  constructor(
    readonly layer: string,
    args: Args,
    defaults: Args,
  ) {
    this.values = { ...defaults };
    for (const [k, v] of Object.entries(args)) this.values[k] = v;
  }

  fail(message: string): never {
    throw new LayerError(`${this.layer}: ${message}`);
  }

  /** The value as given: `undefined` when it could not be evaluated. */
  raw(name: string): ArgValue {
    return this.values[name];
  }

  /** True when the argument is given and not None. */
  has(name: string): boolean {
    const v = this.values[name];
    return v !== null && v !== undefined;
  }

  private known(name: string): Exclude<ArgValue, undefined> {
    const v = this.values[name];
    if (v === undefined) this.fail(`could not evaluate argument '${name}'`);
    return v;
  }

  int(name: string): number {
    const v = this.known(name);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`'${name}' must be an integer, got ${show(v)}`);
    return v;
  }

  /** An integer >= 1. */
  positive(name: string): number {
    const n = this.int(name);
    if (n < 1) this.fail(`'${name}' must be positive, got ${n}`);
    return n;
  }

  /** An integer >= 0. */
  nonNegative(name: string): number {
    const n = this.int(name);
    if (n < 0) this.fail(`'${name}' must be non-negative, got ${n}`);
    return n;
  }

  num(name: string): number {
    const v = this.known(name);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${name}' must be a number, got ${show(v)}`);
    return v;
  }

  /** Python truthiness for the values a flag can hold. */
  bool(name: string): boolean {
    const v = this.known(name);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (v === null) return false;
    if (typeof v === 'string') return v.length > 0;
    if (Array.isArray(v)) return v.length > 0;
    return true;
  }

  str(name: string): string {
    const v = this.known(name);
    if (typeof v !== 'string') this.fail(`'${name}' must be a string, got ${show(v)}`);
    return v;
  }

  /** A string among `options` (padding_mode, nonlinearity, reduction). */
  choice<T extends string>(name: string, options: readonly T[]): T {
    const v = this.str(name);
    if (!(options as readonly string[]).includes(v)) {
      this.fail(`'${name}' must be one of ${options.map((o) => `'${o}'`).join(', ')}, got '${v}'`);
    }
    return v as T;
  }

  /** An int or a sequence of `n` ints, as torch's `_single`/`_pair`/`_triple` accept. */
  ints(name: string, n: number): number[] {
    const v = this.known(name);
    if (typeof v === 'number' || typeof v === 'boolean') return Array(n).fill(this.int(name));
    if (!Array.isArray(v)) this.fail(`'${name}' must be an int or a tuple of ${n} ints, got ${show(v)}`);
    if (v.length === 1 && n > 1) return Array(n).fill(this.element(name, v[0]));
    if (v.length !== n) this.fail(`'${name}' must have ${n} values, got ${show(v)}`);
    return v.map((e) => this.element(name, e));
  }

  /** An int or a list of ints of any length (LayerNorm's normalized_shape). */
  intList(name: string): number[] {
    const v = this.known(name);
    if (typeof v === 'number') return [this.int(name)];
    if (!Array.isArray(v)) this.fail(`'${name}' must be an int or a list of ints, got ${show(v)}`);
    return v.map((e) => this.element(name, e));
  }

  private element(name: string, e: ArgValue): number {
    if (e === undefined) this.fail(`could not evaluate an element of '${name}'`);
    if (typeof e !== 'number' || !Number.isInteger(e)) this.fail(`'${name}' must hold integers, got ${show(e)}`);
    return e;
  }
}

export interface RowDef {
  type: string;
  aliases?: string[];
  signature: string;
  forwardSignature?: string;
  intInputs?: number[];
  materializesAs?: string;
  /** Own weights. Omitted: the layer has none. Return undefined when inputs are needed (Lazy*). */
  weights?(a: RowArgs, inputs?: Shape[]): WeightSpec[] | undefined;
  forward(a: RowArgs, inputs: Shape[], call: RowArgs): LayerCall;
  linearDims?(a: RowArgs, inputs?: Shape[]): [number, number] | undefined;
  children?(a: RowArgs): ChildLayer[];
}

/** A LayerSpec from a row written against RowArgs. */
export function defineRow(def: RowDef): LayerSpec {
  // Signatures are parsed on first use: the catalog has hundreds of rows and a run uses a few.
  let defaults: Args | undefined;
  let callDefaults: Args | undefined;
  const read = (args: Args) => new RowArgs(def.type, args, (defaults ??= defaultsOf(def.signature)));
  const spec: LayerSpec = {
    framework: 'pytorch',
    type: def.type,
    signature: def.signature,
    weights: (args, inputs) => (def.weights ? def.weights(read(args), inputs) : []),
    forward: (args, inputs, call) =>
      def.forward(read(args), inputs, new RowArgs(def.type, call ?? {}, (callDefaults ??= def.forwardSignature ? defaultsOf(def.forwardSignature) : {}))),
  };
  if (def.aliases) spec.aliases = def.aliases;
  if (def.forwardSignature) spec.forwardSignature = def.forwardSignature;
  if (def.intInputs) spec.intInputs = def.intInputs;
  if (def.materializesAs) spec.materializesAs = def.materializesAs;
  if (def.linearDims) spec.linearDims = (args, inputs) => def.linearDims!(read(args), inputs);
  if (def.children) spec.children = (args) => def.children!(read(args));
  return spec;
}

export const param = (name: string, shape: number[]): WeightSpec => ({ name, shape, kind: 'param' });
export const buffer = (name: string, shape: number[]): WeightSpec => ({ name, shape, kind: 'buffer' });

/** Saved-tensor references (see SavedRef). */
export const input = (i: number): SavedRef => ({ input: i });
export const output = (i: number): SavedRef => ({ output: i });
/** A tensor the op makes, in the compute dtype. */
export const act = (elements: number): SavedRef => ({ elements, dtype: 'act' });
export const boolMask = (elements: number): SavedRef => ({ elements, dtype: 'bool' });
export const int64 = (elements: number): SavedRef => ({ elements, dtype: 'int64' });
/** Statistics kept in fp32 whatever the compute dtype (norms under autocast). */
export const fp32 = (elements: number): SavedRef => ({ elements, dtype: 'fp32' });
/**
 * A Python number an op divides or multiplies by: autograd keeps it as a 0-dim tensor
 * (8 bytes, float64 or int64). torch wraps such numbers in host tensors, so on a GPU these
 * bytes are host memory; they are counted with the rest, a few bytes per call.
 */
export const scalar = (kind: 'float' | 'int'): SavedRef => ({ elements: 1, dtype: kind === 'float' ? 'fp64' : 'int64' });

/** A single-tensor output. */
export const tensor = (shape: Shape): { shape: Shape } => ({ shape });
