/**
 * Tensor operations of keras.ops, tf.*, tf.math, tf.nn and keras.backend on
 * symbolic tensors: output shapes (NumPy broadcasting and reduction rules),
 * MACs of matmul and einsum, and what backward keeps, counted for the custom
 * layer whose call() runs them. One implementation per operation; the module
 * tables (package.ts) give them their names in each namespace.
 */
import type { Shape } from '../../../graph';
import type { Loc } from '../../../python/ast';
import { toNumber } from '../../../python/ops';
import { list, tuple, unknown, type InstV, type Value } from '../../../python/values';
import { numel } from '../../layerSpec';
import { broadcastShapes } from '../catalog/geometry';
import type { KerasRuntime } from './runtime';
import { isIntDtype, tensorState, type TensorState } from './state';

export type Op = (rt: KerasRuntime, args: Value[], kwargs: Map<string, Value>, loc: Loc) => Value;

/** A value as a tensor operand: tensors, Python numbers (scalars), nested lists of numbers. */
function operand(v: Value | undefined): TensorState | undefined {
  if (!v) return undefined;
  const s = tensorState(v);
  if (s) return s;
  if (v.t === 'int' || v.t === 'float' || v.t === 'bool') return { shape: [], dtype: v.t === 'float' ? 'float32' : 'int32', id: -1 };
  if (v.t === 'list' || v.t === 'tuple') {
    const shape = nestedShape(v);
    return shape ? { shape, dtype: 'float32', id: -1 } : undefined;
  }
  return undefined;
}

function nestedShape(v: Value): Shape | undefined {
  if (v.t !== 'list' && v.t !== 'tuple') return v.t === 'int' || v.t === 'float' || v.t === 'bool' ? [] : undefined;
  if (!v.items.length) return [0];
  const inner = nestedShape(v.items[0]!);
  return inner ? [v.items.length, ...inner] : undefined;
}

function arg(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
  return kwargs.get(name) ?? args[i];
}

function intArg(v: Value | undefined): number | undefined {
  if (!v || v.t === 'none') return undefined;
  const n = toNumber(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** An axis argument: an int, a list of ints, or None (all axes). */
function axesArg(v: Value | undefined, rank: number): number[] | undefined | 'bad' {
  if (!v || v.t === 'none') return undefined;
  const list = v.t === 'list' || v.t === 'tuple' ? v.items : [v];
  const out: number[] = [];
  for (const x of list) {
    const n = intArg(x);
    if (n === undefined || n < -rank || n >= rank) return 'bad';
    out.push(n < 0 ? n + rank : n);
  }
  return out;
}

function bad(rt: KerasRuntime, what: string, loc: Loc): Value {
  rt.warn('keras-op', `Keras op ${what}: the shapes do not fit`, loc);
  return unknown(what);
}

/** The layer whose call() is running, when a forward is being profiled. */
function profiled(rt: KerasRuntime): InstV | undefined {
  return rt.collector?.current();
}

/** Keep operands that are activations (not weights, not constants) for backward. */
function keep(rt: KerasRuntime, ...xs: Array<TensorState | undefined>): void {
  const layer = profiled(rt);
  if (!layer) return;
  for (const x of xs) if (x && x.id >= 0 && !x.weight) rt.collector!.saveTensor(layer, x.id, x.shape, isIntDtype(x.dtype));
}

/**
 * An op's output. A gradient flows back through it when one flows through an
 * operand, or an operand is a trainable weight (a frozen layer after it must then
 * keep its activations).
 */
function out(rt: KerasRuntime, shape: Shape, dtype: string, ...from: Array<TensorState | undefined>): InstV {
  const t = rt.tensor(shape, dtype);
  if (from.some((x) => x && (x.grad || x.weight?.trainable))) tensorState(t)!.grad = true;
  return t;
}

/** A tensor made from values rather than from the graph. */
function constantOut(rt: KerasRuntime, shape: Shape, dtype: string): InstV {
  const t = rt.tensor(shape, dtype);
  tensorState(t)!.constant = true;
  return t;
}

// ------------------------------------------------------------ element-wise

type Keeps = 'none' | 'input' | 'output';

/** An element-wise function of one tensor; `keeps` says what its gradient needs. */
function unary(keeps: Keeps, dtype?: string): Op {
  return (rt, args, _kw, loc) => {
    const x = operand(args[0]);
    if (!x) return args[0]?.t === 'unknown' ? args[0]! : bad(rt, 'element-wise op on a non-tensor', loc);
    const y = out(rt, x.shape, dtype ?? x.dtype, x);
    if (keeps === 'input') keep(rt, x);
    if (keeps === 'output') keep(rt, tensorState(y));
    return y;
  };
}

function binary(keepsOperands: boolean, dtype?: string): Op {
  return (rt, args, _kw, loc) => {
    const a = operand(args[0]);
    const b = operand(args[1]);
    if (!a || !b) return args.find((x) => x.t === 'unknown') ?? bad(rt, 'element-wise op on a non-tensor', loc);
    let shape: Shape;
    try {
      shape = broadcastShapes([a.shape, b.shape], 'broadcast');
    } catch {
      return bad(rt, `broadcast of [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`, loc);
    }
    if (keepsOperands) keep(rt, a, b);
    return out(rt, shape, dtype ?? (a.id >= 0 ? a.dtype : b.dtype), a, b);
  };
}

const where: Op = (rt, args, _kw, loc) => {
  const xs = args.slice(0, 3).map((v) => operand(v));
  if (xs.some((x) => !x)) return bad(rt, 'where', loc);
  try {
    return out(rt, broadcastShapes(xs.map((x) => x!.shape), 'where'), xs[1]!.dtype, ...xs);
  } catch {
    return bad(rt, 'where', loc);
  }
};

const cast: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  if (!x) return bad(rt, 'cast', loc);
  const d = arg(args, kw, 1, 'dtype');
  const dtype = d?.t === 'str' ? d.v : d?.t === 'opaque' ? d.name : x.dtype;
  return out(rt, x.shape, dtype, x);
};

// ------------------------------------------------------------ reductions

function reduction(dtype?: string): Op {
  return (rt, args, kw, loc) => {
    const x = operand(args[0]);
    if (!x) return bad(rt, 'reduction', loc);
    const axes = axesArg(arg(args, kw, 1, 'axis'), x.shape.length);
    if (axes === 'bad') return bad(rt, 'reduction axis', loc);
    const kd = kw.get('keepdims') ?? kw.get('keep_dims') ?? args[2];
    const keepdims = kd?.t === 'bool' && kd.v;
    const all = axes ?? x.shape.map((_, i) => i);
    const shape = keepdims ? x.shape.map((d, i) => (all.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !all.includes(i));
    return out(rt, shape, dtype ?? x.dtype, x);
  };
}

// ------------------------------------------------------------ matmul and einsum

const matmul: Op = (rt, args, kw, loc) => {
  const a = operand(args[0]);
  const b = operand(args[1]);
  if (!a || !b || !a.shape.length || !b.shape.length) return bad(rt, 'matmul', loc);
  const flag = (v: Value | undefined): boolean => v?.t === 'bool' && v.v;
  const ta = flag(kw.get('transpose_a'));
  const tb = flag(kw.get('transpose_b'));
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape.slice();
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape.slice();
  if (ta) as.splice(-2, 2, as[as.length - 1]!, as[as.length - 2]!);
  if (tb) bs.splice(-2, 2, bs[bs.length - 1]!, bs[bs.length - 2]!);
  const [m, k] = as.slice(-2) as [number, number];
  const [k2, n] = bs.slice(-2) as [number, number];
  if (k !== k2) return bad(rt, `matmul of [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`, loc);
  let batch: Shape;
  try {
    batch = broadcastShapes([as.slice(0, -2), bs.slice(0, -2)], 'matmul');
  } catch {
    return bad(rt, 'matmul batch dimensions', loc);
  }
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  const layer = profiled(rt);
  if (layer) rt.collector!.addMacs(layer, numel(batch) * m * k * n);
  keep(rt, a, b);
  return out(rt, shape, a.dtype, a, b);
};

/** einsum: output shape from the subscripts; MACs the product of every label's size. */
const einsum: Op = (rt, args, _kw, loc) => {
  const eq = args[0];
  if (!eq || eq.t !== 'str') return bad(rt, 'einsum equation', loc);
  const operands = args.slice(1).map((v) => operand(v));
  if (operands.some((o) => !o)) return bad(rt, 'einsum operand', loc);
  const [lhs, rhsGiven] = eq.v.replace(/\s+/g, '').split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== operands.length) return bad(rt, 'einsum operand count', loc);
  const sizes = new Map<string, number>();
  let ellipsis: Shape = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    const shape = operands[i]!.shape;
    const dots = term.indexOf('...');
    const labels = term.replace('...', '');
    const elided = shape.length - labels.length;
    if (elided < 0 || (dots < 0 && elided !== 0)) return bad(rt, `einsum term ${term}`, loc);
    const ell = dots < 0 ? [] : shape.slice(dots, dots + elided);
    if (ell.length > ellipsis.length) ellipsis = ell;
    const dims = dots < 0 ? shape : [...shape.slice(0, dots), ...shape.slice(dots + elided)];
    for (let j = 0; j < labels.length; j++) {
      const c = labels[j]!;
      const d = dims[j]!;
      const seen = sizes.get(c);
      if (seen !== undefined && seen !== d && seen !== 1 && d !== 1) return bad(rt, `einsum label ${c}`, loc);
      sizes.set(c, Math.max(seen ?? 1, d));
    }
  }
  const rhs = rhsGiven ?? [...sizes.keys()].filter((c) => terms.join('').split(c).length === 2).sort().join('');
  const shape: Shape = [];
  for (let j = 0; j < rhs.length; j++) {
    if (rhs.startsWith('...', j)) {
      shape.push(...ellipsis);
      j += 2;
      continue;
    }
    const d = sizes.get(rhs[j]!);
    if (d === undefined) return bad(rt, `einsum output label ${rhs[j]}`, loc);
    shape.push(d);
  }
  const layer = profiled(rt);
  if (layer) rt.collector!.addMacs(layer, [...sizes.values()].reduce((p, d) => p * d, 1) * numel(ellipsis));
  keep(rt, ...operands);
  return out(rt, shape, operands[0]!.dtype, ...operands);
};

// ------------------------------------------------------------ shape manipulation

const reshape: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const target = rt.shapeArg(arg(args, kw, 1, 'shape') ?? arg(args, kw, 1, 'newshape'));
  if (!x || !target) return bad(rt, 'reshape', loc);
  const total = numel(x.shape);
  const dims = target.map((d, i) => (d === null ? (i === 0 ? x.shape[0]! : -1) : d));
  const known = numel(dims.filter((d) => d !== -1));
  const free = dims.filter((d) => d === -1).length;
  if (free > 1 || (free === 0 && known !== total) || (free === 1 && (known === 0 || total % known !== 0))) {
    return bad(rt, `reshape of [${x.shape.join(', ')}] to (${target.map((d) => d ?? 'None').join(', ')})`, loc);
  }
  return out(rt, dims.map((d) => (d === -1 ? total / known : d)), x.dtype, x);
};

const transpose: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  if (!x) return bad(rt, 'transpose', loc);
  const perm = rt.shapeArg(arg(args, kw, 1, 'axes') ?? kw.get('perm'));
  const order = perm ? perm.map((p) => (p === null ? -1 : p)) : x.shape.map((_, i) => x.shape.length - 1 - i);
  if (order.length !== x.shape.length || order.some((p) => p < 0 || p >= x.shape.length)) return bad(rt, 'transpose axes', loc);
  return out(rt, order.map((p) => x.shape[p]!), x.dtype, x);
};

const expandDims: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const a = intArg(arg(args, kw, 1, 'axis'));
  if (!x || a === undefined) return bad(rt, 'expand_dims', loc);
  const rank = x.shape.length + 1;
  const axis = a < 0 ? a + rank : a;
  if (axis < 0 || axis >= rank) return bad(rt, 'expand_dims axis', loc);
  const shape = x.shape.slice();
  shape.splice(axis, 0, 1);
  return out(rt, shape, x.dtype, x);
};

const squeeze: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  if (!x) return bad(rt, 'squeeze', loc);
  const axes = axesArg(arg(args, kw, 1, 'axis'), x.shape.length);
  if (axes === 'bad') return bad(rt, 'squeeze axis', loc);
  return out(rt, x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), x.dtype, x);
};

function tensorList(v: Value | undefined): TensorState[] | undefined {
  if (!v || (v.t !== 'list' && v.t !== 'tuple')) return undefined;
  const xs = v.items.map((x) => operand(x));
  return xs.every((x) => x) ? (xs as TensorState[]) : undefined;
}

const concatenate: Op = (rt, args, kw, loc) => {
  const xs = tensorList(args[0]);
  if (!xs || !xs.length) return bad(rt, 'concatenate', loc);
  const rank = xs[0]!.shape.length;
  const a = intArg(arg(args, kw, 1, 'axis')) ?? 0;
  const axis = a < 0 ? a + rank : a;
  const shape = xs[0]!.shape.slice();
  for (const x of xs.slice(1)) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && d !== shape[i])) return bad(rt, 'concatenate shapes', loc);
    shape[axis]! += x.shape[axis]!;
  }
  return out(rt, shape, xs[0]!.dtype, ...xs);
};

const stack: Op = (rt, args, kw, loc) => {
  const xs = tensorList(args[0]);
  if (!xs || !xs.length || xs.some((x) => x.shape.join() !== xs[0]!.shape.join())) return bad(rt, 'stack', loc);
  const rank = xs[0]!.shape.length + 1;
  const a = intArg(arg(args, kw, 1, 'axis')) ?? 0;
  const shape = xs[0]!.shape.slice();
  shape.splice(a < 0 ? a + rank : a, 0, xs.length);
  return out(rt, shape, xs[0]!.dtype, ...xs);
};

const tile: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const reps = rt.shapeArg(arg(args, kw, 1, 'repeats') ?? kw.get('multiples'));
  if (!x || !reps || reps.some((r) => r === null)) return bad(rt, 'tile', loc);
  const r = reps as number[];
  const rank = Math.max(x.shape.length, r.length);
  const xs = [...new Array<number>(rank - x.shape.length).fill(1), ...x.shape];
  const rs = [...new Array<number>(rank - r.length).fill(1), ...r];
  return out(rt, xs.map((d, i) => d * rs[i]!), x.dtype, x);
};

const broadcastTo: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const s = rt.shapeArg(arg(args, kw, 1, 'shape'));
  if (!x || !s || s.some((d) => d === null)) return bad(rt, 'broadcast_to', loc);
  return out(rt, s as number[], x.dtype, x);
};

const gather: Op = (rt, args, kw, loc) => {
  const p = operand(args[0]);
  const ids = operand(arg(args, kw, 1, 'indices'));
  if (!p || !ids) return bad(rt, 'gather', loc);
  const a = intArg(arg(args, kw, 2, 'axis')) ?? 0;
  const axis = a < 0 ? a + p.shape.length : a;
  return out(rt, [...p.shape.slice(0, axis), ...ids.shape, ...p.shape.slice(axis + 1)], p.dtype, p);
};

const embeddingLookup: Op = (rt, args, kw, loc) => {
  const p = operand(args[0]);
  const ids = operand(arg(args, kw, 1, 'ids'));
  if (!p || !ids) return bad(rt, 'embedding_lookup', loc);
  return out(rt, [...ids.shape, ...p.shape.slice(1)], p.dtype, p);
};

const oneHot: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const depth = intArg(arg(args, kw, 1, 'depth') ?? kw.get('num_classes'));
  if (!x || depth === undefined) return bad(rt, 'one_hot', loc);
  return out(rt, [...x.shape, depth], 'float32');
};

const pad: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const p = arg(args, kw, 1, 'pad_width') ?? kw.get('paddings');
  if (!x || !p || (p.t !== 'list' && p.t !== 'tuple') || p.items.length !== x.shape.length) return bad(rt, 'pad', loc);
  const shape = x.shape.map((d, i) => {
    const pair = p.items[i]!;
    if (pair.t !== 'list' && pair.t !== 'tuple') return NaN;
    return d + pair.items.reduce((s, v) => s + (intArg(v) ?? NaN), 0);
  });
  return shape.some((d) => !Number.isFinite(d)) ? bad(rt, 'pad widths', loc) : out(rt, shape, x.dtype, x);
};

const resize: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const size = rt.shapeArg(arg(args, kw, 1, 'size'));
  if (!x || x.shape.length !== 4 || !size || size.length !== 2 || size.includes(null)) return bad(rt, 'image resize', loc);
  return out(rt, [x.shape[0]!, size[0]!, size[1]!, x.shape[3]!], x.dtype, x);
};

// ------------------------------------------------------------ creation

function dtypeOf(v: Value | undefined, fallback: string): string {
  if (!v) return fallback;
  if (v.t === 'str') return v.v;
  if (v.t === 'opaque') return v.name;
  return fallback;
}

function filled(): Op {
  return (rt, args, kw, loc) => {
    const s = rt.shapeArg(arg(args, kw, 0, 'shape'));
    if (!s || s.some((d) => d === null)) return bad(rt, 'tensor of unknown shape', loc);
    return constantOut(rt, s as number[], dtypeOf(kw.get('dtype'), 'float32'));
  };
}

function like(): Op {
  return (rt, args, kw, loc) => {
    const x = operand(args[0]);
    return x ? out(rt, x.shape, dtypeOf(kw.get('dtype'), x.dtype)) : bad(rt, '*_like', loc);
  };
}

const arange: Op = (rt, args, kw, loc) => {
  const nums = [arg(args, kw, 0, 'start'), arg(args, kw, 1, 'stop') ?? kw.get('limit'), arg(args, kw, 2, 'step') ?? kw.get('delta')]
    .map((v) => (v ? toNumber(v) : undefined));
  const [a, b, c] = nums;
  if (a === undefined) return bad(rt, 'arange', loc);
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  const step = c ?? 1;
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Number.isFinite(n) ? out(rt, [n], 'int32') : bad(rt, 'arange', loc);
};

const constant: Op = (rt, args, kw, loc) => {
  const v = arg(args, kw, 0, 'value') ?? arg(args, kw, 0, 'x');
  const x = operand(v);
  return x ? constantOut(rt, x.shape, dtypeOf(kw.get('dtype'), x.dtype)) : bad(rt, 'constant', loc);
};

/** ops.shape / tf.shape / K.int_shape: the shape as a tuple, the batch as None. */
const shapeOf: Op = (rt, args) => {
  const s = tensorState(args[0]);
  return s ? rt.shapeValue(s) : unknown('shape');
};

const split: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const n = intArg(arg(args, kw, 1, 'indices_or_sections') ?? kw.get('num_or_size_splits'));
  const a = intArg(arg(args, kw, 2, 'axis')) ?? 0;
  if (!x || n === undefined || n < 1) return bad(rt, 'split', loc);
  const axis = a < 0 ? a + x.shape.length : a;
  if (x.shape[axis]! % n !== 0) return bad(rt, 'split sizes', loc);
  const shape = x.shape.map((d, i) => (i === axis ? d / n : d));
  return list(Array.from({ length: n }, () => out(rt, shape, x.dtype, x)));
};

const topK: Op = (rt, args, kw, loc) => {
  const x = operand(args[0]);
  const k = intArg(arg(args, kw, 1, 'k'));
  if (!x || k === undefined) return bad(rt, 'top_k', loc);
  const shape = [...x.shape.slice(0, -1), k];
  return tuple([out(rt, shape, x.dtype, x), out(rt, shape, 'int32')]);
};

/** Every operation by its keras.ops name; other namespaces map their names onto these. */
export const OPS: Record<string, Op> = {
  // activations and other element-wise functions
  relu: unary('output'),
  relu6: unary('output'),
  elu: unary('output'),
  selu: unary('output'),
  sigmoid: unary('output'),
  tanh: unary('output'),
  softmax: unary('output'),
  log_softmax: unary('output'),
  exp: unary('output'),
  gelu: unary('input'),
  silu: unary('input'),
  swish: unary('input'),
  softplus: unary('input'),
  softsign: unary('input'),
  leaky_relu: unary('input'),
  hard_sigmoid: unary('input'),
  hard_silu: unary('input'),
  hard_swish: unary('input'),
  mish: unary('input'),
  log: unary('input'),
  log1p: unary('input'),
  sqrt: unary('output'),
  rsqrt: unary('output'),
  square: unary('input'),
  reciprocal: unary('output'),
  abs: unary('input'),
  negative: unary('none'),
  sign: unary('none'),
  floor: unary('none'),
  ceil: unary('none'),
  round: unary('none'),
  sin: unary('input'),
  cos: unary('input'),
  erf: unary('input'),
  logical_not: unary('none', 'bool'),
  stop_gradient: unary('none'),
  identity: unary('none'),
  clip: unary('input'),
  dropout: unary('none'),
  normalize: unary('input'),
  cast,
  // binary, broadcasting
  add: binary(false),
  subtract: binary(false),
  multiply: binary(true),
  divide: binary(true),
  true_divide: binary(true),
  floor_divide: binary(false),
  mod: binary(false),
  power: binary(true),
  maximum: binary(true),
  minimum: binary(true),
  squared_difference: binary(true),
  equal: binary(false, 'bool'),
  not_equal: binary(false, 'bool'),
  greater: binary(false, 'bool'),
  greater_equal: binary(false, 'bool'),
  less: binary(false, 'bool'),
  less_equal: binary(false, 'bool'),
  logical_and: binary(false, 'bool'),
  logical_or: binary(false, 'bool'),
  where,
  // reductions
  mean: reduction(),
  sum: reduction(),
  max: reduction(),
  min: reduction(),
  prod: reduction(),
  std: reduction(),
  var: reduction(),
  logsumexp: reduction(),
  norm: reduction(),
  any: reduction('bool'),
  all: reduction('bool'),
  argmax: reduction('int32'),
  argmin: reduction('int32'),
  count_nonzero: reduction('int32'),
  // products
  matmul,
  dot: matmul,
  einsum,
  // shapes
  reshape,
  transpose,
  expand_dims: expandDims,
  squeeze,
  concatenate,
  stack,
  tile,
  broadcast_to: broadcastTo,
  take: gather,
  one_hot: oneHot,
  pad,
  split,
  top_k: topK,
  // creation
  zeros: filled(),
  ones: filled(),
  full: filled(),
  empty: filled(),
  zeros_like: like(),
  ones_like: like(),
  full_like: like(),
  arange,
  convert_to_tensor: constant,
  shape: shapeOf,
  // image
  resize,
};

/** tf.* / tf.math / tf.nn / keras.backend spellings that differ from keras.ops. */
export const TF_NAMES: Record<string, string> = {
  reduce_mean: 'mean',
  reduce_sum: 'sum',
  reduce_max: 'max',
  reduce_min: 'min',
  reduce_prod: 'prod',
  reduce_std: 'std',
  reduce_variance: 'var',
  reduce_logsumexp: 'logsumexp',
  reduce_any: 'any',
  reduce_all: 'all',
  concat: 'concatenate',
  gather: 'gather',
  constant: 'convert_to_tensor',
  range: 'arange',
  fill: 'full',
  clip_by_value: 'clip',
  pow: 'power',
  div: 'divide',
  truediv: 'true_divide',
  neg: 'negative',
  l2_normalize: 'normalize',
  int_shape: 'shape',
  batch_dot: 'matmul',
  permute_dimensions: 'transpose',
};

export const EXTRA_OPS: Record<string, Op> = {
  gather,
  embedding_lookup: embeddingLookup,
  resize_images: resize,
};

/** The keras.ops name of an op spelled the tf way (reduce_mean -> mean). */
export function canonicalOpName(name: string): string {
  return OPS[name] || EXTRA_OPS[name] ? name : (TF_NAMES[name] ?? name);
}

/** An op by name in a namespace: keras.ops names first, then the tf spellings. */
export function findOp(name: string): Op | undefined {
  const c = canonicalOpName(name);
  return OPS[c] ?? EXTRA_OPS[c];
}
