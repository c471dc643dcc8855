/**
 * Values of the abstract Python interpreter. Python ints are unbounded, so they
 * are bigints; everything the interpreter cannot know is an `unknown` value that
 * propagates (and makes the result partial) instead of failing.
 */
import type { ClassDef, Expr, FunctionDef, Loc, Param, Stmt } from './ast';

export interface NoneV {
  t: 'none';
}
export interface BoolV {
  t: 'bool';
  v: boolean;
}
export interface IntV {
  t: 'int';
  v: bigint;
}
export interface FloatV {
  t: 'float';
  v: number;
}
export interface StrV {
  t: 'str';
  v: string;
}
export interface ListV {
  t: 'list';
  items: Value[];
}
export interface TupleV {
  t: 'tuple';
  items: Value[];
  /** namedtuple / NamedTuple instances: their class, whose `_fields` name the items. */
  cls?: ClassV;
}
export interface DictV {
  t: 'dict';
  /** Insertion-ordered: hash key -> [key, value]. */
  map: Map<string, [Value, Value]>;
  ordered?: boolean;
}
export interface SetV {
  t: 'set';
  map: Map<string, Value>;
}
export interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
  /** Class bodies are not enclosing scopes for the functions defined in them. */
  isClass?: boolean;
}
export interface FuncV {
  t: 'func';
  name: string;
  params: Param[];
  /** Evaluated at definition time, as Python does: param name -> default. */
  defaults: Map<string, Value>;
  body: Stmt[] | Expr;
  def?: FunctionDef;
  closure?: Scope;
  module: ModuleV;
  attrs?: Map<string, Value>;
  /** Class that defined the method: the start of `super()` lookups. */
  owner?: ClassV;
  loc: Loc;
}
export type NativeFn = (args: Value[], kwargs: Map<string, Value>, loc: Loc) => Value;
export interface NativeV {
  t: 'native';
  name: string;
  fn: NativeFn;
  /** Receives the object the function is looked up on, as a method. */
  method?: boolean;
}
export interface NativeClassHooks {
  /** Create the instance (before __init__). */
  create?(cls: ClassV, loc: Loc, file?: string): InstV;
  /** Constructor for builtin types called directly (int("3"), list(x)). */
  construct?(cls: ClassV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value;
  /** Attribute lookup after the instance dict and the class (nn.Module's registries). */
  getattr?(self: InstV, name: string): Value | undefined;
  /** Attribute assignment (nn.Module registers submodules and parameters). Return true when handled. */
  setattr?(self: InstV, name: string, value: Value, loc: Loc): boolean;
  delattr?(self: InstV, name: string): boolean;
  /** copy.deepcopy of the native state; `copy` deep-copies nested values with the shared memo. */
  deepcopy?(self: InstV, into: InstV, copy: (v: Value) => Value): void;
  /** `isinstance(v, cls)` for values that are not instances (int, str, list ...). */
  isInstance?(v: Value): boolean;
}
export interface ClassV {
  t: 'class';
  name: string;
  qualname: string;
  bases: ClassV[];
  mro: ClassV[];
  dict: Map<string, Value>;
  module: string;
  native?: NativeClassHooks;
  def?: ClassDef;
  /** File that defines the class (for ranges). */
  file?: string;
  /** Marks classes of the framework runtimes (torch.nn layers): shown as builtin layers. */
  builtin?: string;
}
export interface InstV {
  t: 'inst';
  cls: ClassV;
  dict: Map<string, Value>;
  /** State of natively implemented classes (nn.Module registries, enum member values). */
  native?: unknown;
}
export interface ModuleV {
  t: 'module';
  name: string;
  dict: Map<string, Value>;
  file?: string;
  /** Set for third-party libraries the engine does not model: attribute reads give unknowns. */
  unknownLib?: string;
  /** Native lookup for attributes missing from dict (lazy submodules, unknown libraries). */
  getattr?(name: string): Value | undefined;
}
export interface BoundV {
  t: 'bound';
  self: Value;
  fn: FuncV | NativeV;
}
export interface SliceV {
  t: 'slice';
  lo: Value;
  hi: Value;
  step: Value;
}
export interface RangeV {
  t: 'range';
  start: bigint;
  stop: bigint;
  step: bigint;
}
export interface UnknownV {
  t: 'unknown';
  why: string;
}
export interface EllipsisV {
  t: 'ellipsis';
}
export interface PropertyV {
  t: 'property';
  fget: Value;
  fset?: Value;
}
export interface StaticMethodV {
  t: 'staticmethod';
  fn: Value;
}
export interface ClassMethodV {
  t: 'classmethod';
  fn: Value;
}
/** Library objects with a name and attributes (torch.float32, torch.device("cuda")). */
export interface OpaqueV {
  t: 'opaque';
  kind: string;
  name: string;
  attrs?: Map<string, Value>;
}
/** A symbolic tensor: shape, dtype and identity (so shared tensors count once). */
export interface TensorV {
  t: 'tensor';
  id: number;
  /** undefined when the shape could not be determined. */
  shape: number[] | undefined;
  dtype: string;
  requiresGrad: boolean;
  /** nn.Parameter (registered as a parameter when assigned to a module). */
  param?: boolean;
  /** Set for tensors produced by integer ops (token ids): saved copies are int64. */
  isInt?: boolean;
  /** Storage shared with the tensor this one is a view of (id of the base); absent: its own. */
  storage?: number;
  /** Elements of the underlying storage, when this is a view of a larger or smaller tensor. */
  storageNumel?: number;
  /** Element strides of a view whose layout is not row-major (transpose, expand, slices); absent: contiguous. */
  strides?: number[];
}

export type Value =
  | NoneV
  | BoolV
  | IntV
  | FloatV
  | StrV
  | ListV
  | TupleV
  | DictV
  | SetV
  | FuncV
  | NativeV
  | ClassV
  | InstV
  | ModuleV
  | BoundV
  | SliceV
  | RangeV
  | UnknownV
  | EllipsisV
  | PropertyV
  | StaticMethodV
  | ClassMethodV
  | OpaqueV
  | TensorV;

export const NONE: NoneV = { t: 'none' };
export const TRUE: BoolV = { t: 'bool', v: true };
export const FALSE: BoolV = { t: 'bool', v: false };
export const ELLIPSIS: EllipsisV = { t: 'ellipsis' };

export const bool = (b: boolean): BoolV => (b ? TRUE : FALSE);
export const int = (n: bigint | number): IntV => ({ t: 'int', v: typeof n === 'bigint' ? n : BigInt(Math.trunc(n)) });
export const float = (v: number): FloatV => ({ t: 'float', v });
export const str = (v: string): StrV => ({ t: 'str', v });
export const list = (items: Value[]): ListV => ({ t: 'list', items });
export const tuple = (items: Value[]): TupleV => ({ t: 'tuple', items });
export const unknown = (why: string): UnknownV => ({ t: 'unknown', why });
export const native = (name: string, fn: NativeFn, method = false): NativeV => ({ t: 'native', name, fn, method });

export function dict(entries: Array<[Value, Value]> = []): DictV {
  const d: DictV = { t: 'dict', map: new Map() };
  for (const [k, v] of entries) d.map.set(hashKey(k), [k, v]);
  return d;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
export function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

/** Dict/set key: equal Python values (1 == 1.0 == True) share a key; other objects key by identity. */
export function hashKey(v: Value): string {
  switch (v.t) {
    case 'int':
      return 'n' + v.v.toString();
    case 'bool':
      return v.v ? 'n1' : 'n0';
    case 'float':
      return Number.isInteger(v.v) ? 'n' + BigInt(v.v).toString() : 'f' + String(v.v);
    case 'str':
      return 's' + v.v;
    case 'none':
      return 'N';
    case 'tuple':
      return 't(' + v.items.map(hashKey).join(',') + ')';
    case 'opaque':
      return 'q' + v.kind + ':' + v.name;
    default:
      return 'o' + objectId(v);
  }
}

export function isUnknown(v: Value): v is UnknownV {
  return v.t === 'unknown';
}

/** Python truthiness; undefined for values whose truth the interpreter cannot know. */
export function truthy(v: Value): boolean | undefined {
  switch (v.t) {
    case 'none':
      return false;
    case 'bool':
      return v.v;
    case 'int':
      return v.v !== 0n;
    case 'float':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'list':
    case 'tuple':
      return v.items.length > 0;
    case 'dict':
      return v.map.size > 0;
    case 'set':
      return v.map.size > 0;
    case 'range':
      return rangeLength(v) > 0n;
    case 'unknown':
      return undefined;
    case 'tensor':
      return undefined;
    default:
      return true;
  }
}

export function rangeLength(r: RangeV): bigint {
  if (r.step > 0n) return r.stop > r.start ? (r.stop - r.start + r.step - 1n) / r.step : 0n;
  return r.start > r.stop ? (r.start - r.stop - r.step - 1n) / -r.step : 0n;
}

/**
 * Largest string, list, tuple, dict or set the interpreter builds. Model code never
 * needs more; a document that asks for more (`'x' * 10**7`, `list(range(10**9))`) gets
 * an unknown value and a finding instead of holding the extension's time and memory.
 */
export const MAX_VALUE_ITEMS = 1_000_000;

/** Items a container's text shows before `...`: a million-item list must not become a megabyte message. */
const SHOWN_ITEMS = 64;

function shownItems<T>(items: T[], text: (x: T) => string): string {
  const shown = items.length > SHOWN_ITEMS ? items.slice(0, SHOWN_ITEMS) : items;
  return shown.map(text).join(', ') + (items.length > SHOWN_ITEMS ? ', ...' : '');
}

/** Python's repr-ish text for messages and str(). */
export function show(v: Value, depth = 0): string {
  if (depth > 4) return '...';
  switch (v.t) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'int':
      return v.v.toString();
    case 'float':
      if (Number.isInteger(v.v) && Math.abs(v.v) < 1e16) return v.v.toFixed(1);
      if (v.v === Infinity) return 'inf';
      if (v.v === -Infinity) return '-inf';
      if (Number.isNaN(v.v)) return 'nan';
      return String(v.v);
    case 'str':
      return v.v;
    case 'list':
      return '[' + shownItems(v.items, (x) => repr(x, depth + 1)) + ']';
    case 'tuple':
      return '(' + shownItems(v.items, (x) => repr(x, depth + 1)) + (v.items.length === 1 ? ',)' : ')');
    case 'dict':
      return '{' + shownItems([...v.map.values()], ([k, x]) => `${repr(k, depth + 1)}: ${repr(x, depth + 1)}`) + '}';
    case 'set':
      return '{' + shownItems([...v.map.values()], (x) => repr(x, depth + 1)) + '}';
    case 'func':
      return `<function ${v.name}>`;
    case 'native':
      return `<built-in ${v.name}>`;
    case 'class':
      return `<class '${v.name}'>`;
    case 'inst':
      return `<${v.cls.name} object>`;
    case 'module':
      return `<module '${v.name}'>`;
    case 'bound':
      return `<bound method ${v.fn.name}>`;
    case 'tensor':
      return `tensor(shape=${v.shape ? '[' + v.shape.join(', ') + ']' : '?'})`;
    case 'opaque':
      return v.name;
    case 'unknown':
      return '<unknown>';
    default:
      return `<${v.t}>`;
  }
}

export function repr(v: Value, depth = 0): string {
  return v.t === 'str' ? `'${v.v}'` : show(v, depth);
}

/** Python type name for messages. */
export function typeName(v: Value): string {
  switch (v.t) {
    case 'inst':
      return v.cls.name;
    case 'func':
    case 'native':
    case 'bound':
      return 'function';
    case 'class':
      return 'type';
    case 'tensor':
      return 'Tensor';
    case 'none':
      return 'NoneType';
    default:
      return v.t;
  }
}

let nextTensorId = 1;
/** A fresh tensor identity. */
export function newTensorId(): number {
  return nextTensorId++;
}

/** Sentinel thrown by `raise` statements; caught by `try`. */
export class PyRaise {
  constructor(
    readonly message: string,
    readonly loc: Loc,
  ) {}
}

/** Thrown when a step, depth or time budget runs out; unwinds to the model being evaluated. */
export class BudgetExceeded {
  constructor(
    readonly budget: 'steps' | 'depth' | 'time',
    readonly limit: number,
    readonly loc: Loc,
    readonly file: string | undefined,
    /** For a share of the time budget that ran out: the whole budget it was part of (ms). */
    readonly of?: number,
  ) {}
}
