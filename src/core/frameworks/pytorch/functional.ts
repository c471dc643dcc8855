/**
 * Tensor methods, torch.* functions and torch.nn.functional ops over symbolic
 * tensors: output shapes, MACs (matrix products and convolutions, the
 * convention behind torchvision's GMACs), and what autograd saves, following
 * each op's backward formula. One table row per op.
 */
import type { Shape } from '../../graph';
import type { Loc } from '../../python/ast';
import { toBigInt, toNumber } from '../../python/ops';
import { NONE, bool, float, int, list, str, truthy, tuple, unknown, type TensorV, type Value } from '../../python/values';
import { MAX_SIZE, type TorchRuntime } from './runtime';
import * as S from './shapeAlgebra';
import { contiguousStrides, expandStrides, isContiguous, viewStrides } from './strides';

type Kw = Map<string, Value>;
export type Op = (rt: TorchRuntime, args: Value[], kw: Kw, loc: Loc) => Value;

const isT = (v: Value | undefined): v is TensorV => !!v && v.t === 'tensor';
const shapeOf = (v: Value | undefined): Shape | undefined => (isT(v) ? v.shape : v && (v.t === 'int' || v.t === 'float' || v.t === 'bool') ? [] : undefined);

function num(v: Value | undefined): number | undefined {
  if (!v) return undefined;
  const n = toNumber(v);
  return n === undefined ? undefined : n;
}
function intv(v: Value | undefined): number | undefined {
  const b = v ? toBigInt(v) : undefined;
  return b === undefined ? undefined : Number(b);
}
function arg(args: Value[], kw: Kw, i: number, name: string): Value | undefined {
  return args[i] ?? kw.get(name);
}
function ints(v: Value | undefined): number[] | undefined {
  if (!v || v.t === 'none') return undefined;
  if (v.t === 'tuple' || v.t === 'list') {
    const out = v.items.map(intv);
    return out.every((x) => x !== undefined) ? (out as number[]) : undefined;
  }
  const n = intv(v);
  return n === undefined ? undefined : [n];
}
function dtypeName(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.t === 'opaque' && v.kind === 'dtype') return v.name;
  if (v.t === 'class') return v.name === 'int' ? 'int64' : v.name === 'float' ? 'float32' : v.name === 'bool' ? 'bool' : undefined;
  return undefined;
}

/** Wrap a shape computation: shape errors become findings and unknown values. */
function guarded(rt: TorchRuntime, what: string, loc: Loc, f: () => Value): Value {
  try {
    return f();
  } catch (e) {
    return rt.shapeError(e, what, loc);
  }
}

// ------------------------------------------------------------------ op builders

type SaveRule = 'none' | 'input' | 'output';

/** Element-wise op of one tensor: same shape, with a save rule from its backward. */
function unary(name: string, save: SaveRule, dtype?: string): Op {
  return (rt, args, _kw, loc) => {
    const x = args[0];
    if (!isT(x)) return x && x.t !== 'unknown' && num(x) !== undefined ? x : unknown(name);
    const out = rt.derived(x.shape, [x], dtype ? { dtype } : {});
    rt.record(name, loc, [out], 0, save === 'input' ? [x] : save === 'output' ? [out] : []);
    return out;
  };
}

/** In-place variant: the tensor itself comes back. */
function inplace(name: string, save: SaveRule): Op {
  return (rt, args, _kw, loc) => {
    const x = args[0];
    if (!isT(x)) return unknown(name);
    if (save !== 'none' && x.requiresGrad) rt.record(name, loc, [x], 0, [x]);
    return x;
  };
}

/** Broadcasting binary op; `mul`-like ops save each operand for the other's gradient. */
function binary(name: string, rule: 'none' | 'mul' | 'div' | 'pow', dtype?: string): Op {
  return (rt, args, kw, loc) => {
    const a = args[0];
    const b = args[1] ?? kw.get('other') ?? kw.get('exponent');
    if (!a || !b) return unknown(name);
    const sa = shapeOf(a);
    const sb = shapeOf(b);
    if (!sa || !sb) return unknown(name);
    return guarded(rt, name, loc, () => {
      const shape = S.broadcast(sa, sb);
      const ins = [a, b].filter(isT);
      const out = rt.derived(shape, ins, dtype ? { dtype } : {});
      const saved: TensorV[] = [];
      const extra: Array<[number, 'int64']> = [];
      const ag = isT(a) && a.requiresGrad;
      const bg = isT(b) && b.requiresGrad;
      if (rule === 'mul') {
        if (bg && isT(a)) saved.push(a);
        if (ag && isT(b)) saved.push(b);
        // A Python number becomes a wrapped 0-d tensor (8 bytes) that MulBackward keeps.
        if (ag && !isT(b)) extra.push([1, 'int64']);
        if (bg && !isT(a)) extra.push([1, 'int64']);
      } else if (rule === 'div') {
        if ((ag || bg) && isT(b)) saved.push(b);
        if (bg && isT(a)) saved.push(a);
        if (ag && !isT(b)) extra.push([1, 'int64']);
      } else if (rule === 'pow') {
        if (isT(a)) saved.push(a);
        if (bg) saved.push(out);
      }
      rt.record(name, loc, [out], 0, saved, extra);
      return out;
    });
  };
}

function reduction(name: string): Op {
  const pairwise = name === 'max' ? binary('maximum', 'mul') : name === 'min' ? binary('minimum', 'mul') : undefined;
  return (rt, args, kw, loc) => {
    const x = args[0];
    if (!isT(x) || !x.shape) return unknown(name);
    // torch.max(a, b) is the element-wise maximum.
    if (pairwise && (isT(args[1]) || isT(kw.get('other')))) return pairwise(rt, args, kw, loc);
    const dimV = arg(args, kw, 1, 'dim');
    const keep = truthy(arg(args, kw, 2, 'keepdim') ?? bool(false)) === true;
    const dims = dimV && dimV.t !== 'none' ? ints(dimV) : undefined;
    if (dimV && dimV.t !== 'none' && !dims) return unknown(name);
    return guarded(rt, name, loc, () => {
      const out = rt.derived(S.reduce(x.shape!, dims, keep), [x], name === 'argmax' || name === 'argmin' ? { dtype: 'int64', requiresGrad: false } : {});
      // What each reduction's backward keeps (measured with torch 1.13's saved_tensors_hooks).
      if ((name === 'max' || name === 'min') && dims) {
        const idx = rt.tensor(out.shape, { dtype: 'int64' });
        rt.record(name, loc, [out], 0, [idx]);
        return tuple([out, idx]);
      }
      if (name === 'prod' || name === 'norm' || name === 'std' || name === 'amax' || name === 'amin' || name === 'logsumexp') rt.record(name, loc, [out], 0, [x, out]);
      else if (name === 'var' || (name === 'mean' && dims)) rt.record(name, loc, [out], 0, [x]);
      return out;
    });
  };
}

function softmaxLike(name: string): Op {
  return (rt, args, kw, loc) => {
    const x = args[0];
    if (!isT(x) || !x.shape) return unknown(name);
    const d = intv(arg(args, kw, 1, 'dim')) ?? -1;
    return guarded(rt, name, loc, () => {
      S.normDim(d, x.shape!.length);
      const dt = dtypeName(kw.get('dtype'));
      const out = rt.derived(x.shape, [x], dt ? { dtype: dt } : {});
      rt.record(name, loc, [out], 0, [out]);
      if (rt.trace && x.shape!.length >= 2 && x.shape![x.shape!.length - 1] === x.shape![x.shape!.length - 2]) rt.trace.attention.softmaxOverScores = true;
      return out;
    });
  };
}

/** A view of x with the given layout (strides undefined: contiguous). */
function viewOf(rt: TorchRuntime, x: TensorV, shape: Shape, strides?: number[]): TensorV {
  const out = rt.tensor(shape, { viewOf: x, requiresGrad: x.requiresGrad && !rt.trace?.noGrad });
  if (x.isInt) out.isInt = true;
  out.dtype = x.dtype;
  if (strides && !isContiguous(shape, strides)) out.strides = strides;
  return out;
}

function stridesOf(x: TensorV): number[] {
  return x.strides ?? contiguousStrides(x.shape ?? []);
}

/** view/reshape: a view when the layout allows one, else (reshape) a copy. */
export function reshapeTensor(rt: TorchRuntime, x: TensorV, shape: Shape): TensorV {
  return reshaped(rt, x, shape);
}

function reshaped(rt: TorchRuntime, x: TensorV, shape: Shape): TensorV {
  if (!x.strides) return viewOf(rt, x, shape);
  const st = viewStrides(x.shape!, x.strides, shape);
  return st ? viewOf(rt, x, shape, st) : copyOf(rt, x, shape);
}

function permutedStrides(x: TensorV, dims: number[]): number[] {
  const st = stridesOf(x);
  return dims.map((d) => st[S.normDim(d, st.length)]!);
}

function copyOf(rt: TorchRuntime, x: TensorV, shape = x.shape, dtype?: string): TensorV {
  return rt.derived(shape, [x], dtype ? { dtype } : {});
}

const view: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('view');
  const dt = dtypeName(args[1]);
  if (dt) return copyOf(rt, x, x.shape, dt);
  const to = rt.shapeArgs(args.slice(1));
  if (!to) return unknown('view');
  return guarded(rt, 'view', loc, () => reshaped(rt, x, S.reshape(x.shape!, to)));
};

const reshape: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('reshape');
  const to = rt.shapeArgs(args.slice(1));
  if (!to) return unknown('reshape');
  return guarded(rt, 'reshape', loc, () => {
    return reshaped(rt, x, S.reshape(x.shape!, to));
  });
};

const permute: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('permute');
  const dims = rt.shapeArgs(args.slice(1));
  if (!dims) return unknown('permute');
  return guarded(rt, 'permute', loc, () => viewOf(rt, x, S.permute(x.shape!, dims), permutedStrides(x, dims)));
};

const transpose: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('transpose');
  const a = intv(arg(args, kw, 1, 'dim0'));
  const b = intv(arg(args, kw, 2, 'dim1'));
  if (a === undefined || b === undefined) return unknown('transpose');
  return guarded(rt, 'transpose', loc, () => {
    const dims = x.shape!.map((_v, i) => i);
    const i = S.normDim(a, dims.length);
    const j = S.normDim(b, dims.length);
    [dims[i], dims[j]] = [dims[j]!, dims[i]!];
    return viewOf(rt, x, S.permute(x.shape!, dims), permutedStrides(x, dims));
  });
};

const tOp: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('t');
  if (x.shape.length < 2) return x;
  return guarded(rt, 't', loc, () => viewOf(rt, x, S.transpose(x.shape!, 0, 1), permutedStrides(x, [1, 0])));
};

const contiguous: Op = (rt, args) => {
  const x = args[0];
  if (!isT(x)) return unknown('contiguous');
  return x.strides ? copyOf(rt, x) : x;
};

const flattenOp: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('flatten');
  const s = intv(arg(args, kw, 1, 'start_dim')) ?? 0;
  const e = intv(arg(args, kw, 2, 'end_dim')) ?? -1;
  return guarded(rt, 'flatten', loc, () => {
    return reshaped(rt, x, S.flatten(x.shape!, s, e));
  });
};

const unflatten: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('unflatten');
  const d = intv(arg(args, kw, 1, 'dim'));
  const sizes = ints(arg(args, kw, 2, 'sizes'));
  if (d === undefined || !sizes) return unknown('unflatten');
  return guarded(rt, 'unflatten', loc, () => {
    const dd = S.normDim(d, x.shape!.length);
    const inner = S.reshape([x.shape![dd]!], sizes);
    return reshaped(rt, x, [...x.shape!.slice(0, dd), ...inner, ...x.shape!.slice(dd + 1)]);
  });
};

const squeeze: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('squeeze');
  const d = arg(args, kw, 1, 'dim');
  return guarded(rt, 'squeeze', loc, () => {
    const dim = d && d.t !== 'none' ? intv(d) : undefined;
    const shape = x.shape!;
    const st = stridesOf(x);
    const keep = shape.map((n, i) => (dim === undefined ? n !== 1 : i !== S.normDim(dim, shape.length) || n !== 1));
    return viewOf(rt, x, shape.filter((_n, i) => keep[i]), st.filter((_n, i) => keep[i]));
  });
};

const unsqueeze: Op = (rt, args, kw, loc) => {
  const x = args[0];
  const d = intv(arg(args, kw, 1, 'dim'));
  if (!isT(x) || !x.shape || d === undefined) return unknown('unsqueeze');
  return guarded(rt, 'unsqueeze', loc, () => {
    const shape = S.unsqueeze(x.shape!, d);
    const at = shape.indexOf(1, S.normDim(d, x.shape!.length, 1));
    const st = stridesOf(x).slice();
    st.splice(at, 0, at < st.length ? st[at]! * x.shape![at]! : 1);
    return viewOf(rt, x, shape, st);
  });
};

const expand: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('expand');
  const to = rt.shapeArgs(args.slice(1));
  if (!to) return unknown('expand');
  return guarded(rt, 'expand', loc, () => {
    const shape = S.expand(x.shape!, to);
    return viewOf(rt, x, shape, expandStrides(x.shape!, stridesOf(x), shape));
  });
};

const expandAs: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  const o = args[1];
  if (!isT(x) || !x.shape || !isT(o) || !o.shape) return unknown('expand_as');
  return guarded(rt, 'expand_as', loc, () => {
    const shape = S.expand(x.shape!, o.shape!);
    return viewOf(rt, x, shape, expandStrides(x.shape!, stridesOf(x), shape));
  });
};

const repeatOp: Op = (rt, args, _kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('repeat');
  const reps = rt.shapeArgs(args.slice(1));
  if (!reps) return unknown('repeat');
  return guarded(rt, 'repeat', loc, () => copyOf(rt, x, S.repeat(x.shape!, reps)));
};

const repeatInterleave: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('repeat_interleave');
  const r = intv(arg(args, kw, 1, 'repeats'));
  const d = arg(args, kw, 2, 'dim');
  if (r === undefined) return unknown('repeat_interleave');
  return guarded(rt, 'repeat_interleave', loc, () => {
    if (!d || d.t === 'none') return copyOf(rt, x, [S.prod(x.shape!) * r]);
    const dd = S.normDim(intv(d) ?? 0, x.shape!.length);
    const shape = x.shape!.slice();
    shape[dd] = shape[dd]! * r;
    return copyOf(rt, x, shape);
  });
};

const size: Op = (rt, args, kw) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown('size');
  const d = arg(args, kw, 1, 'dim');
  if (!d || d.t === 'none') return rt.sizeTuple(x.shape);
  const i = intv(d);
  if (i === undefined) return unknown('size');
  const r = x.shape.length;
  const j = i < 0 ? r + i : i;
  return j >= 0 && j < r ? int(x.shape[j]!) : unknown('size');
};

function matmulOp(name: string): Op {
  return (rt, args, kw, loc) => {
    const a = args[0];
    const b = args[1] ?? kw.get('other') ?? kw.get('mat2');
    if (!isT(a) || !isT(b) || !a.shape || !b.shape) return unknown(name);
    return guarded(rt, name, loc, () => {
      if ((name === 'bmm' && (a.shape!.length !== 3 || b.shape!.length !== 3)) || (name === 'mm' && (a.shape!.length !== 2 || b.shape!.length !== 2))) {
        throw new S.ShapeError(`${name} expects ${name === 'bmm' ? '3' : '2'}-D tensors, got [${a.shape!.join(', ')}] and [${b.shape!.join(', ')}]`);
      }
      const { shape, macs } = S.matmul(a.shape!, b.shape!);
      const out = rt.derived(shape, [a, b]);
      // torch.matmul folds batch dimensions with expand + reshape: an operand whose layout
      // cannot be viewed that way is copied, and the copy is what bmm/mm saves.
      const saved: TensorV[] = [];
      if (name === 'matmul') {
        const fold = (t: TensorV, isA: boolean): TensorV => {
          const sh = t.shape!;
          if (rt.trace?.weightStorages.has(t.storage ?? t.id) || !t.strides) return t;
          const other = isA ? b.shape! : a.shape!;
          let target: number[];
          let src = sh;
          let st = t.strides;
          if (sh.length >= 3 && other.length >= 3) {
            const batch = S.broadcast(sh.slice(0, -2), other.slice(0, -2));
            src = [...batch, ...sh.slice(-2)];
            st = expandStrides(sh, t.strides, src);
            target = [S.prod(batch), ...sh.slice(-2)];
          } else if (isA && sh.length >= 3) target = [S.prod(sh.slice(0, -1)), sh[sh.length - 1]!];
          else return t;
          return viewStrides(src, st, target) ? t : rt.tensor(target, { dtype: t.dtype });
        };
        if (b.requiresGrad) saved.push(fold(a, true));
        if (a.requiresGrad) saved.push(fold(b, false));
      } else {
        if (b.requiresGrad) saved.push(a);
        if (a.requiresGrad) saved.push(b);
      }
      rt.record(name, loc, [out], macs, saved);
      return out;
    });
  };
}

const einsumOp: Op = (rt, args, _kw, loc) => {
  const eq = args[0];
  const ops = args.length === 2 && (args[1]!.t === 'list' || args[1]!.t === 'tuple') ? args[1]!.items : args.slice(1);
  if (eq?.t !== 'str' || !ops.every((o) => isT(o) && o.shape)) return unknown('einsum');
  const ts = ops as TensorV[];
  return guarded(rt, 'einsum', loc, () => {
    const { shape, macs } = S.einsum(eq.v, ts.map((t) => t.shape!));
    const out = rt.derived(shape, ts);
    const saved = ts.length > 1 ? ts.filter((_t, i) => ts.some((o, j) => j !== i && o.requiresGrad)) : [];
    rt.record('einsum', loc, [out], macs, saved);
    return out;
  });
};

const catOp = (stacked: boolean): Op => (rt, args, kw, loc) => {
  const seq = arg(args, kw, 0, 'tensors');
  const items = seq && (seq.t === 'list' || seq.t === 'tuple') ? seq.items : undefined;
  const d = intv(arg(args, kw, 1, 'dim')) ?? 0;
  if (!items || !items.every((t) => isT(t) && t.shape)) return unknown(stacked ? 'stack' : 'cat');
  const ts = items as TensorV[];
  return guarded(rt, stacked ? 'stack' : 'cat', loc, () => {
    const shape = stacked ? S.stack(ts.map((t) => t.shape!), d) : S.cat(ts.map((t) => t.shape!), d);
    return rt.derived(shape, ts);
  });
};

const splitOp = (mode: 'split' | 'chunk' | 'unbind' | 'tensor_split'): Op => (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x) || !x.shape) return unknown(mode);
  const d = intv(arg(args, kw, mode === 'unbind' ? 1 : 2, 'dim')) ?? 0;
  return guarded(rt, mode, loc, () => {
    const dd = S.normDim(d, x.shape!.length);
    const len = x.shape![dd]!;
    let sizes: number[];
    if (mode === 'unbind') {
      S.checkPieces('unbind', len);
      const st = stridesOf(x).filter((_v, i) => i !== dd);
      return tuple(Array.from({ length: len }, () => viewOf(rt, x, [...x.shape!.slice(0, dd), ...x.shape!.slice(dd + 1)], st)));
    }
    const spec = arg(args, kw, 1, mode === 'chunk' ? 'chunks' : 'split_size_or_sections');
    if (mode === 'chunk') {
      const n = intv(spec);
      if (n === undefined) return unknown(mode);
      sizes = S.chunkSizes(len, n);
    } else {
      const s = spec && (spec.t === 'list' || spec.t === 'tuple') ? ints(spec) : intv(spec);
      if (s === undefined) return unknown(mode);
      sizes = S.splitSizes(len, s);
    }
    const st = stridesOf(x);
    return tuple(sizes.map((n) => viewOf(rt, x, x.shape!.map((v, i) => (i === dd ? n : v)), st)));
  });
};

const maskedFill: Op = (rt, args, kw, loc) => {
  const x = args[0];
  const mask = arg(args, kw, 1, 'mask');
  if (!isT(x) || !x.shape) return unknown('masked_fill');
  return guarded(rt, 'masked_fill', loc, () => {
    const shape = isT(mask) && mask.shape ? S.broadcast(x.shape!, mask.shape) : x.shape!;
    const out = rt.derived(shape, [x]);
    if (rt.trace && isT(mask) && mask.shape) rt.trace.attention.causal ||= mask.dtype === 'bool' || !!mask.storage;
    rt.record('masked_fill', loc, [out], 0, isT(mask) ? [mask] : []);
    return out;
  });
};

const whereOp: Op = (rt, args, _kw, loc) => {
  const [c, a, b] = args;
  const shapes = [c, a, b].map(shapeOf);
  if (shapes.some((s) => !s)) return unknown('where');
  return guarded(rt, 'where', loc, () => {
    const shape = S.broadcast(S.broadcast(shapes[0]!, shapes[1]!), shapes[2]!);
    const out = rt.derived(shape, [a!, b!].filter(isT));
    rt.record('where', loc, [out], 0, isT(c) ? [c] : []);
    return out;
  });
};

/** tril/triu: in a forward they build causal masks. */
const triangular: Op = (rt, args) => {
  const x = args[0];
  if (!isT(x)) return unknown('tril');
  if (rt.trace && x.shape && x.shape.length >= 2 && x.shape[x.shape.length - 1] === x.shape[x.shape.length - 2]) rt.trace.attention.causal = true;
  return rt.derived(x.shape, [x]);
};

// ------------------------------------------------------------------ indexing

export function indexTensor(rt: TorchRuntime, x: TensorV, key: Value, loc: Loc): Value {
  if (!x.shape) return unknown('index');
  const shape = x.shape;
  const xst = stridesOf(x);
  const items = key.t === 'tuple' ? key.items : [key];
  return guarded(rt, 'indexing', loc, () => {
    const out: number[] = [];
    const outSt: number[] = [];
    let dim = 0;
    const consumed = items.filter((i) => i.t !== 'none' && i.t !== 'ellipsis').reduce((n, i) => n + (isT(i) && i.dtype === 'bool' && i.shape ? Math.max(1, i.shape.length) : 1), 0);
    let advanced: number[] | undefined;
    let advancedIndex: TensorV | undefined;
    for (const it of items) {
      if (it.t === 'ellipsis') {
        const n = shape.length - consumed;
        for (let i = 0; i < n; i++) {
          out.push(shape[dim]!);
          outSt.push(xst[dim++]!);
        }
      } else if (it.t === 'none') {
        out.push(1);
        outSt.push(0);
      } else if (it.t === 'slice') {
        const len = shape[dim];
        if (len === undefined) throw new S.ShapeError(`too many indices for a ${shape.length}-D tensor`);
        const [a, b, step] = rt.interp.sliceBounds(it, len);
        out.push(step > 0 ? Math.max(0, Math.ceil((b - a) / step)) : Math.max(0, Math.ceil((a - b) / -step)));
        outSt.push(xst[dim++]! * step);
      } else if (it.t === 'int' || it.t === 'bool') {
        if (dim >= shape.length) throw new S.ShapeError(`too many indices for a ${shape.length}-D tensor`);
        const i = Number(toBigInt(it)!);
        const len = shape[dim++]!;
        if (i >= len || i < -len) throw new S.ShapeError(`index ${i} is out of bounds for dimension of size ${len}`);
      } else if (isT(it) || it.t === 'list') {
        const ish = isT(it) ? it.shape : [it.items.length];
        if (!ish) return unknown('index');
        if (isT(it) && it.dtype === 'bool') {
          // Boolean masks select a data-dependent number of elements.
          return rt.derived(undefined, [x]);
        }
        if (isT(it)) advancedIndex ??= it;
        dim++;
        if (!advanced) {
          out.push(-1);
          outSt.push(0);
        }
        advanced = advanced ? S.broadcast(advanced, ish) : ish.slice();
      } else return unknown('index');
    }
    while (dim < shape.length) {
      out.push(shape[dim]!);
      outSt.push(xst[dim++]!);
    }
    if (advanced) {
      // Advanced indexing gathers into a new tensor; its backward keeps the index.
      const final: number[] = [];
      for (const d of out) if (d === -1) final.push(...advanced);
      else final.push(d);
      const res = rt.derived(final, [x]);
      if (advancedIndex) rt.record('index', loc, [res], 0, [advancedIndex]);
      return res;
    }
    return viewOf(rt, x, out, outSt);
  });
}

// ------------------------------------------------------------------ creation

function shapeFrom(rt: TorchRuntime, args: Value[], kw: Kw): number[] | undefined {
  const s = kw.get('size');
  if (s) return rt.shapeArgs([s]);
  return rt.shapeArgs(args);
}

function created(rt: TorchRuntime, shape: number[] | undefined, kw: Kw, defaultDtype = 'float32', loc?: Loc): Value {
  if (!shape) return unknown('tensor');
  if (shape.some((d) => d < 0 || !Number.isFinite(d))) return loc ? rt.interp.unknownAt(`tensor of shape [${shape.join(', ')}]`, loc, 'shape-error') : unknown('tensor');
  // Sizes beyond exact integers, or more elements than any machine holds, are reported, not computed.
  if (shape.some((d) => d > MAX_SIZE) || S.prod(shape) > 1e18) {
    if (loc) rt.interp.finding('warning', 'absurd-size', `A tensor of shape [${shape.map((d) => (d > 1e15 ? d.toExponential(0) : d)).join(', ')}] is too large to evaluate (line ${loc.sl + 1})`, loc);
    return unknown('tensor');
  }
  const dtype = dtypeName(kw.get('dtype')) ?? defaultDtype;
  const rg = truthy(kw.get('requires_grad') ?? bool(false)) === true;
  return rt.tensor(shape, { dtype, requiresGrad: rg });
}

const factory = (dtype = 'float32'): Op => (rt, args, kw, loc) => created(rt, shapeFrom(rt, args, kw), kw, dtype, loc);
const likeFactory: Op = (rt, args, kw) => {
  const x = args[0];
  if (!isT(x)) return unknown('like');
  return created(rt, x.shape, kw, x.dtype);
};
const fullOp: Op = (rt, args, kw, loc) => {
  const fill = arg(args, kw, 1, 'fill_value');
  const dflt = fill && (fill.t === 'int') ? 'int64' : fill?.t === 'bool' ? 'bool' : 'float32';
  return created(rt, rt.shapeArgs([args[0] ?? kw.get('size') ?? NONE]), kw, dflt, loc);
};
const arange: Op = (rt, args, kw, loc) => {
  const nums = args.map(num);
  if (nums.some((n) => n === undefined) || !nums.length) return unknown('arange');
  const [a, b, c] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (c === 0) return unknown('arange');
  const n = Math.max(0, Math.ceil((b - a) / c));
  const allInt = args.every((x) => x.t === 'int' || x.t === 'bool');
  return created(rt, [n], kw, allInt ? 'int64' : 'float32', loc);
};
const linspace: Op = (rt, args, kw, loc) => created(rt, [intv(arg(args, kw, 2, 'steps')) ?? 100], kw, 'float32', loc);
const eye: Op = (rt, args, kw, loc) => {
  const n = intv(args[0]);
  const m = intv(args[1]) ?? n;
  return n === undefined ? unknown('eye') : created(rt, [n, m!], kw, 'float32', loc);
};
const randint: Op = (rt, args, kw, loc) => {
  const sizeV = kw.get('size') ?? (args.length >= 3 ? args[2] : args[1]);
  return created(rt, sizeV ? rt.shapeArgs([sizeV]) : undefined, kw, 'int64', loc);
};
const tensorOp: Op = (rt, args, kw) => {
  const data = args[0] ?? kw.get('data');
  if (!data) return unknown('tensor');
  if (isT(data)) return copyOf(rt, data);
  const shape: number[] = [];
  let cur: Value = data;
  let sawFloat = false;
  let sawBool = false;
  const scan = (v: Value): void => {
    if (v.t === 'list' || v.t === 'tuple') v.items.forEach(scan);
    else if (v.t === 'float') sawFloat = true;
    else if (v.t === 'bool') sawBool = true;
  };
  scan(data);
  while (cur.t === 'list' || cur.t === 'tuple') {
    shape.push(cur.items.length);
    if (!cur.items.length) break;
    cur = cur.items[0]!;
  }
  if (cur.t === 'unknown') return unknown('tensor');
  return created(rt, shape, kw, sawFloat ? 'float32' : sawBool ? 'bool' : 'int64');
};

// ------------------------------------------------------------------ nn.functional

const fLinear: Op = (rt, args, kw, loc) => {
  const x = arg(args, kw, 0, 'input');
  const w = arg(args, kw, 1, 'weight');
  const b = arg(args, kw, 2, 'bias');
  if (!isT(x) || !isT(w) || !x.shape || !w.shape) return unknown('linear');
  return guarded(rt, 'linear', loc, () => {
    const wt = w.shape!.length === 2 ? [w.shape![1]!, w.shape![0]!] : w.shape!;
    const { shape, macs } = S.matmul(x.shape!, wt);
    const out = rt.derived(shape, [x, w, ...(isT(b) ? [b] : [])]);
    const saved: TensorV[] = [];
    if (w.requiresGrad) saved.push(x);
    if (x.requiresGrad) saved.push(w);
    rt.record('linear', loc, [out], macs, saved);
    return out;
  });
};

function fConv(rank: number, transposed: boolean): Op {
  const name = `conv${transposed ? '_transpose' : ''}${rank}d`;
  return (rt, args, kw, loc) => {
    const x = arg(args, kw, 0, 'input');
    const w = arg(args, kw, 1, 'weight');
    if (!isT(x) || !isT(w) || !x.shape || !w.shape) return unknown(name);
    const tup = (v: Value | undefined, d: number): number[] => {
      const n = ints(v);
      return !n ? Array(rank).fill(d) : n.length === 1 ? Array(rank).fill(n[0]) : n;
    };
    const stride = tup(arg(args, kw, 3, 'stride'), 1);
    const padV = arg(args, kw, 4, 'padding');
    const groups = intv(arg(args, kw, transposed ? 6 : 6, 'groups')) ?? 1;
    const dilation = tup(arg(args, kw, transposed ? 7 : 5, 'dilation'), 1);
    const outPad = transposed ? tup(arg(args, kw, 5, 'output_padding'), 0) : [];
    return guarded(rt, name, loc, () => {
      const batched = x.shape!.length === rank + 2;
      const spatial = x.shape!.slice(batched ? 2 : 1);
      const k = w.shape!.slice(2);
      let pad: number[];
      if (padV?.t === 'str') pad = padV.v === 'same' ? k.map((kk, i) => Math.floor((dilation[i]! * (kk - 1)) / 2)) : k.map(() => 0);
      else pad = tup(padV, 0);
      const cout = transposed ? w.shape![1]! * groups : w.shape![0]!;
      const outSp = spatial.map((l, i) =>
        transposed ? S.convTransposeOut(l, k[i]!, stride[i]!, pad[i]!, outPad[i]!, dilation[i]!) : padV?.t === 'str' && padV.v === 'same' ? l : S.convOut(l, k[i]!, stride[i]!, pad[i]!, dilation[i]!),
      );
      const n = batched ? x.shape![0]! : 1;
      const shape = batched ? [n, cout, ...outSp] : [cout, ...outSp];
      const wn = S.prod(w.shape!);
      const macs = transposed ? n * S.prod(spatial) * wn : n * S.prod(outSp) * wn;
      const out = rt.derived(shape, [x, w]);
      const saved: TensorV[] = [];
      if (w.requiresGrad) saved.push(x);
      if (x.requiresGrad) saved.push(w);
      rt.record(name, loc, [out], macs, saved);
      return out;
    });
  };
}

function fPool(rank: number, kind: 'max' | 'avg' | 'lp'): Op {
  const name = `${kind}_pool${rank}d`;
  return (rt, args, kw, loc) => {
    const x = arg(args, kw, 0, 'input');
    if (!isT(x) || !x.shape) return unknown(name);
    const off = kind === 'lp' ? 1 : 0;
    const tup = (v: Value | undefined, d: number[] | number): number[] => {
      const n = ints(v);
      if (!n) return Array.isArray(d) ? d : Array(rank).fill(d);
      return n.length === 1 ? Array(rank).fill(n[0]) : n;
    };
    const k = tup(arg(args, kw, 1 + off, 'kernel_size'), 1);
    const strideV = arg(args, kw, 2 + off, 'stride');
    const stride = strideV && strideV.t !== 'none' && !(strideV.t === 'list' && !strideV.items.length) ? tup(strideV, 1) : k;
    const pad = kind === 'lp' ? k.map(() => 0) : tup(arg(args, kw, 3, 'padding'), 0);
    const dil = kind === 'max' ? tup(arg(args, kw, 4, 'dilation'), 1) : k.map(() => 1);
    const ceil = truthy(arg(args, kw, kind === 'max' ? 5 : 4, 'ceil_mode') ?? bool(false)) === true;
    return guarded(rt, name, loc, () => {
      const lead = x.shape!.slice(0, x.shape!.length - rank);
      const spatial = x.shape!.slice(x.shape!.length - rank);
      const outSp = spatial.map((l, i) => S.convOut(l, k[i]!, stride[i]!, pad[i]!, dil[i]!, ceil));
      const out = rt.derived([...lead, ...outSp], [x]);
      if (kind === 'max') {
        const idx = rt.tensor(out.shape, { dtype: 'int64' });
        rt.record(name, loc, [out], 0, [x, idx]);
      } else rt.record(name, loc, [out], 0, kind === 'lp' ? [x, out] : [x]);
      return out;
    });
  };
}

function fAdaptive(rank: number, kind: 'max' | 'avg'): Op {
  const name = `adaptive_${kind}_pool${rank}d`;
  return (rt, args, kw, loc) => {
    const x = arg(args, kw, 0, 'input');
    const o = arg(args, kw, 1, 'output_size');
    if (!isT(x) || !x.shape || !o) return unknown(name);
    const spatial = x.shape.slice(x.shape.length - rank);
    const sizes = o.t === 'tuple' || o.t === 'list' ? o.items.map((v, i) => (v.t === 'none' ? spatial[i]! : intv(v))) : Array(rank).fill(intv(o));
    if (sizes.some((s) => s === undefined)) return unknown(name);
    const out = rt.derived([...x.shape.slice(0, x.shape.length - rank), ...(sizes as number[])], [x]);
    if (kind === 'max') rt.record(name, loc, [out], 0, [x, rt.tensor(out.shape, { dtype: 'int64' })]);
    else rt.record(name, loc, [out], 0, [x]);
    return out;
  };
}

const fDropout: Op = (rt, args, kw, loc) => {
  const x = arg(args, kw, 0, 'input');
  if (!isT(x)) return unknown('dropout');
  const p = num(arg(args, kw, 1, 'p')) ?? 0.5;
  const training = truthy(arg(args, kw, 2, 'training') ?? bool(true)) !== false;
  if (!training || p <= 0) return x;
  const out = rt.derived(x.shape, [x]);
  rt.record('dropout', loc, [out], 0, [], [[x.shape ? S.prod(x.shape) : 0, 'bool']]);
  return out;
};

const fLayerNorm: Op = (rt, args, kw, loc) => {
  const x = arg(args, kw, 0, 'input');
  const ns = ints(arg(args, kw, 1, 'normalized_shape'));
  if (!isT(x) || !x.shape || !ns) return unknown('layer_norm');
  const w = arg(args, kw, 2, 'weight');
  const out = rt.derived(x.shape, [x, ...(isT(w) ? [w] : [])]);
  const rows = S.prod(x.shape.slice(0, x.shape.length - ns.length));
  rt.record('layer_norm', loc, [out], 0, [x], [[2 * rows, 'fp32']]);
  return out;
};

const fNormalize: Op = (rt, args, kw, loc) => {
  const x = arg(args, kw, 0, 'input');
  if (!isT(x)) return unknown('normalize');
  const out = rt.derived(x.shape, [x]);
  rt.record('normalize', loc, [out], 0, [x]);
  return out;
};

const fEmbedding: Op = (rt, args, kw, loc) => {
  const idx = arg(args, kw, 0, 'input');
  const w = arg(args, kw, 1, 'weight');
  if (!isT(idx) || !isT(w) || !idx.shape || !w.shape) return unknown('embedding');
  const out = rt.derived([...idx.shape, w.shape[w.shape.length - 1]!], [w], { dtype: w.dtype });
  if (!idx.isInt) idx.isInt = true;
  rt.record('embedding', loc, [out], 0, [idx]);
  return out;
};

const fSdpa: Op = (rt, args, kw, loc) => {
  const q = arg(args, kw, 0, 'query');
  const k = arg(args, kw, 1, 'key');
  const v = arg(args, kw, 2, 'value');
  if (!isT(q) || !isT(k) || !isT(v) || !q.shape || !k.shape || !v.shape) return unknown('scaled_dot_product_attention');
  const causal = truthy(arg(args, kw, 5, 'is_causal') ?? bool(false)) === true;
  return guarded(rt, 'scaled_dot_product_attention', loc, () => {
    const L = q.shape![q.shape!.length - 2]!;
    const E = q.shape![q.shape!.length - 1]!;
    const Sk = k.shape![k.shape!.length - 2]!;
    const Ev = v.shape![v.shape!.length - 1]!;
    if (k.shape![k.shape!.length - 1] !== E) throw new S.ShapeError(`query and key head dims differ (${E} vs ${k.shape![k.shape!.length - 1]})`);
    // Grouped-query attention (enable_gqa): key/value heads divide the query heads.
    const qh = q.shape!.slice(0, -2);
    const kh = k.shape!.slice(0, -2);
    const last = qh.length - 1;
    const gqa = truthy(kw.get('enable_gqa') ?? bool(false)) === true && last >= 0 && kh.length === qh.length && kh[last]! > 0 && qh[last]! % kh[last]! === 0;
    const batch = gqa ? [...S.broadcast(qh.slice(0, last), kh.slice(0, last)), qh[last]!] : S.broadcast(qh, kh);
    const shape = [...batch, L, Ev];
    const b = S.prod(batch);
    const macs = b * L * Sk * E + b * L * Sk * Ev;
    const out = rt.derived(shape, [q, k, v]);
    if (rt.trace) {
      const a = rt.trace.attention;
      a.sdpa = true;
      a.causal ||= causal;
      a.queryShape ??= q.shape!.slice();
      a.keyShape ??= k.shape!.slice();
    }
    // Fused attention keeps q, k, v, the output and the fp32 log-sum-exp per query row.
    rt.record('scaled_dot_product_attention', loc, [out], macs, [q, k, v, out], [[b * L, 'fp32']]);
    return out;
  });
};

const fInterpolate: Op = (rt, args, kw) => {
  const x = arg(args, kw, 0, 'input');
  if (!isT(x) || !x.shape) return unknown('interpolate');
  const rank = x.shape.length - 2;
  const sizeV = arg(args, kw, 1, 'size');
  const sf = arg(args, kw, 2, 'scale_factor');
  let sp: number[] | undefined;
  if (sizeV && sizeV.t !== 'none') {
    const s = ints(sizeV);
    sp = s && s.length === 1 ? Array(rank).fill(s[0]) : s;
  } else if (sf && sf.t !== 'none') {
    const f = sf.t === 'tuple' || sf.t === 'list' ? sf.items.map(num) : Array(rank).fill(num(sf));
    if (f.every((v) => v !== undefined)) sp = x.shape.slice(2).map((l, i) => Math.floor(l * (f[i] as number)));
  }
  if (!sp) return unknown('interpolate');
  const out = rt.derived([...x.shape.slice(0, 2), ...sp], [x]);
  return out;
};

const fPad: Op = (rt, args, kw, loc) => {
  const x = arg(args, kw, 0, 'input');
  const p = ints(arg(args, kw, 1, 'pad'));
  if (!isT(x) || !x.shape || !p) return unknown('pad');
  return guarded(rt, 'pad', loc, () => {
    const shape = x.shape!.slice();
    for (let i = 0; i * 2 < p.length; i++) {
      const d = shape.length - 1 - i;
      if (d < 0) throw new S.ShapeError('pad: padding has more dimensions than the input');
      shape[d] = shape[d]! + p[2 * i]! + (p[2 * i + 1] ?? 0);
    }
    return rt.derived(shape, [x]);
  });
};

const fLoss: Op = (rt, args, kw, loc) => {
  const x = args[0];
  if (!isT(x)) return unknown('loss');
  const red = arg(args, kw, 99, 'reduction');
  const out = rt.derived(red?.t === 'str' && red.v === 'none' ? x.shape : [], [x]);
  rt.record('loss', loc, [out], 0, [x]);
  return out;
};

const fOneHot: Op = (rt, args, kw) => {
  const x = args[0];
  const n = intv(arg(args, kw, 1, 'num_classes'));
  if (!isT(x) || !x.shape || n === undefined || n < 0) return unknown('one_hot');
  return rt.tensor([...x.shape, n], { dtype: 'int64' });
};

const fPixelShuffle = (down: boolean): Op => (rt, args, kw, loc) => {
  const x = args[0];
  const r = intv(arg(args, kw, 1, down ? 'downscale_factor' : 'upscale_factor'));
  if (!isT(x) || !x.shape || r === undefined || x.shape.length < 3) return unknown('pixel_shuffle');
  return guarded(rt, 'pixel_shuffle', loc, () => {
    const s = x.shape!;
    const [c, h, w] = s.slice(-3) as [number, number, number];
    const lead = s.slice(0, -3);
    return rt.derived(down ? [...lead, c * r * r, h / r, w / r] : [...lead, c / (r * r), h * r, w * r], [x]);
  });
};

const fGlu: Op = (rt, args, kw, loc) => {
  const x = args[0];
  const d = intv(arg(args, kw, 1, 'dim')) ?? -1;
  if (!isT(x) || !x.shape) return unknown('glu');
  return guarded(rt, 'glu', loc, () => {
    const dd = S.normDim(d, x.shape!.length);
    const out = rt.derived(x.shape!.map((v, i) => (i === dd ? v / 2 : v)), [x]);
    rt.record('glu', loc, [out], 0, [x]);
    return out;
  });
};

// ------------------------------------------------------------------ tables

const ACTIVATIONS: Record<string, SaveRule> = {
  relu: 'output',
  relu6: 'input',
  leaky_relu: 'input',
  elu: 'input',
  selu: 'input',
  celu: 'input',
  gelu: 'input',
  silu: 'input',
  mish: 'input',
  sigmoid: 'output',
  tanh: 'output',
  hardswish: 'input',
  hardsigmoid: 'input',
  hardtanh: 'input',
  softplus: 'input',
  softsign: 'input',
  logsigmoid: 'input',
  exp: 'output',
  log: 'input',
  sqrt: 'output',
  rsqrt: 'output',
  abs: 'input',
  sin: 'input',
  cos: 'input',
  neg: 'none',
  square: 'input',
  reciprocal: 'output',
  erf: 'input',
  clamp: 'input',
  clip: 'input',
  floor: 'none',
  ceil: 'none',
  round: 'none',
  sign: 'none',
  tril: 'none',
  triu: 'none',
  cumsum: 'none',
  flip: 'none',
  roll: 'none',
  clone: 'none',
  nan_to_num: 'none',
  logical_not: 'none',
};

/** dtype/device conversions: the tensor itself when nothing changes, else a copy. */
function convert(name: string, target?: string): Op {
  return (rt, args, kw) => {
    const x = args[0];
    if (!isT(x)) return unknown(name);
    let dt = target;
    if (name === 'to') dt = dtypeName(kw.get('dtype')) ?? args.slice(1).map(dtypeName).find((d) => d);
    else if (name === 'type_as') dt = isT(args[1]) ? args[1].dtype : undefined;
    else if (name === 'type') dt = dtypeName(args[1]);
    if (!dt || dt === x.dtype) return x;
    return copyOf(rt, x, x.shape, dt);
  };
}

/** Ops shared by torch.X, torch.nn.functional.X and tensor methods. */
export function commonOps(): Map<string, Op> {
  const m = new Map<string, Op>();
  for (const [name, dt] of [['float', 'float32'], ['half', 'float16'], ['bfloat16', 'bfloat16'], ['double', 'float64'], ['to', undefined], ['type_as', undefined], ['type', undefined], ['cuda', undefined], ['cpu', undefined]] as Array<[string, string | undefined]>) {
    m.set(name, convert(name, dt));
  }
  m.set('detach', (rt, args) => {
    const x = args[0];
    if (!isT(x)) return unknown('detach');
    const out = viewOf(rt, x, x.shape ?? [], x.strides);
    out.shape = x.shape;
    out.requiresGrad = false;
    return out;
  });
  for (const [name, save] of Object.entries(ACTIVATIONS)) m.set(name, unary(name, save));
  for (const name of ['relu_', 'sigmoid_', 'tanh_', 'clamp_', 'exp_', 'mul_', 'add_', 'sub_', 'div_', 'masked_fill_', 'zero_', 'fill_', 'normal_', 'uniform_', 'copy_', 'clamp_min_', 'fill_diagonal_', 'pow_']) {
    m.set(name, inplace(name, name === 'relu_' || name === 'sigmoid_' || name === 'tanh_' ? 'output' : 'none'));
  }
  m.set('add', binary('add', 'none'));
  m.set('sub', binary('sub', 'none'));
  m.set('subtract', binary('sub', 'none'));
  m.set('mul', binary('mul', 'mul'));
  m.set('multiply', binary('mul', 'mul'));
  m.set('div', binary('div', 'div'));
  m.set('true_divide', binary('div', 'div'));
  m.set('pow', binary('pow', 'pow'));
  // Index arithmetic (ids % vocab, positions // 2): the result broadcasts like add.
  m.set('remainder', binary('remainder', 'none'));
  m.set('fmod', binary('fmod', 'none'));
  m.set('floor_divide', binary('floor_divide', 'none'));
  m.set('maximum', binary('maximum', 'mul'));
  m.set('minimum', binary('minimum', 'mul'));
  m.set('eq', binary('eq', 'none', 'bool'));
  m.set('ne', binary('ne', 'none', 'bool'));
  m.set('gt', binary('gt', 'none', 'bool'));
  m.set('lt', binary('lt', 'none', 'bool'));
  m.set('ge', binary('ge', 'none', 'bool'));
  m.set('le', binary('le', 'none', 'bool'));
  m.set('logical_and', binary('logical_and', 'none', 'bool'));
  m.set('logical_or', binary('logical_or', 'none', 'bool'));
  m.set('long', (rt, args) => (isT(args[0]) ? copyOf(rt, args[0], args[0].shape, 'int64') : unknown('long')));
  m.set('int', (rt, args) => (isT(args[0]) ? copyOf(rt, args[0], args[0].shape, 'int32') : unknown('int')));
  m.set('bool', (rt, args) => (isT(args[0]) ? copyOf(rt, args[0], args[0].shape, 'bool') : unknown('bool')));
  for (const r of ['sum', 'mean', 'max', 'min', 'amax', 'amin', 'argmax', 'argmin', 'std', 'var', 'norm', 'prod', 'logsumexp', 'all', 'any']) m.set(r, reduction(r));
  m.set('softmax', softmaxLike('softmax'));
  m.set('log_softmax', softmaxLike('log_softmax'));
  m.set('matmul', matmulOp('matmul'));
  m.set('mm', matmulOp('mm'));
  m.set('bmm', matmulOp('bmm'));
  m.set('einsum', einsumOp);
  m.set('cat', catOp(false));
  m.set('concat', catOp(false));
  m.set('concatenate', catOp(false));
  m.set('stack', catOp(true));
  m.set('split', splitOp('split'));
  m.set('chunk', splitOp('chunk'));
  m.set('unbind', splitOp('unbind'));
  m.set('masked_fill', maskedFill);
  m.set('where', whereOp);
  m.set('tril', triangular);
  m.set('triu', triangular);
  m.set('flatten', flattenOp);
  m.set('unflatten', unflatten);
  m.set('reshape', reshape);
  m.set('permute', permute);
  m.set('transpose', transpose);
  m.set('swapaxes', transpose);
  m.set('squeeze', squeeze);
  m.set('unsqueeze', unsqueeze);
  m.set('repeat_interleave', repeatInterleave);
  m.set('t', tOp);
  m.set('numel', (_rt, args) => (isT(args[0]) && args[0].shape ? int(S.prod(args[0].shape)) : unknown('numel')));
  m.set('outer', (rt, args, _kw, loc) => {
    const [a, b] = args;
    if (!isT(a) || !isT(b) || !a.shape || !b.shape) return unknown('outer');
    const out = rt.derived([a.shape[0]!, b.shape[0]!], [a, b]);
    rt.record('outer', loc, [out], 0, [a, b]);
    return out;
  });
  return m;
}

export function tensorMethods(): Map<string, Op> {
  const m = commonOps();
  m.set('view', view);
  m.set('view_as', (rt, args, kw, loc) => (isT(args[1]) && args[1].shape ? view(rt, [args[0]!, rt.sizeTuple(args[1].shape)], kw, loc) : unknown('view_as')));
  m.set('reshape_as', (rt, args, kw, loc) => (isT(args[1]) && args[1].shape ? reshape(rt, [args[0]!, rt.sizeTuple(args[1].shape)], kw, loc) : unknown('reshape_as')));
  m.set('contiguous', contiguous);
  m.set('expand', expand);
  m.set('expand_as', expandAs);
  m.set('repeat', repeatOp);
  m.set('size', size);
  m.set('dim', (_rt, args) => (isT(args[0]) && args[0].shape ? int(args[0].shape.length) : unknown('dim')));
  m.set('ndimension', m.get('dim')!);
  m.set('item', (rt, args) => rt.interp.tensorScalar(args[0] as TensorV, 'float'));
  m.set('tolist', () => unknown('tolist'));
  m.set('numpy', () => unknown('numpy'));
  m.set('element_size', (_rt, args) => int(isT(args[0]) && (args[0].dtype === 'float16' || args[0].dtype === 'bfloat16') ? 2 : 4));
  m.set('requires_grad_', (_rt, args, kw) => {
    const x = args[0];
    if (isT(x)) x.requiresGrad = truthy(args[1] ?? kw.get('requires_grad') ?? bool(true)) !== false;
    return x ?? NONE;
  });
  m.set('new_zeros', (rt, args, kw, loc) => created(rt, rt.shapeArgs(args.slice(1)), kw, isT(args[0]) ? args[0].dtype : 'float32', loc));
  m.set('new_ones', m.get('new_zeros')!);
  m.set('new_empty', m.get('new_zeros')!);
  m.set('new_full', (rt, args, kw, loc) => created(rt, rt.shapeArgs([args[1] ?? NONE]), kw, isT(args[0]) ? args[0].dtype : 'float32', loc));
  m.set('new_tensor', (rt, args, kw, loc) => tensorOp(rt, args.slice(1), kw, loc));
  m.set('sum_to_size', reduction('sum'));
  m.set('topk', (rt, args, kw) => {
    const x = args[0];
    const k = intv(arg(args, kw, 1, 'k'));
    const d = intv(arg(args, kw, 2, 'dim')) ?? -1;
    if (!isT(x) || !x.shape || k === undefined) return unknown('topk');
    const shape = x.shape.slice();
    shape[d < 0 ? shape.length + d : d] = k;
    return tuple([rt.derived(shape, [x]), rt.tensor(shape, { dtype: 'int64' })]);
  });
  m.set('gather', (rt, args, kw, loc) => {
    const x = args[0];
    const idx = arg(args, kw, 2, 'index');
    if (!isT(x) || !isT(idx)) return unknown('gather');
    const out = rt.derived(idx.shape, [x]);
    rt.record('gather', loc, [out], 0, [x, idx]);
    return out;
  });
  const scatter: Op = (rt, args, kw, loc) => {
    const x = args[0];
    const idx = arg(args, kw, 2, 'index');
    const src = arg(args, kw, 3, 'src') ?? kw.get('value');
    if (!isT(x)) return unknown('scatter');
    const out = rt.derived(x.shape, [x, ...(isT(src) ? [src] : [])]);
    rt.record('scatter', loc, [out], 0, isT(idx) ? [idx] : []);
    return out;
  };
  for (const n of ['scatter', 'scatter_add', 'scatter_reduce', 'index_add', 'index_copy', 'index_fill', 'masked_scatter']) m.set(n, scatter);
  for (const n of ['scatter_', 'scatter_add_', 'index_add_', 'index_copy_', 'index_fill_', 'masked_scatter_']) m.set(n, (_rt, args) => args[0] ?? NONE);
  m.set('sort', (rt, args) => {
    const x = args[0];
    if (!isT(x)) return unknown('sort');
    return tuple([rt.derived(x.shape, [x]), rt.tensor(x.shape, { dtype: 'int64' })]);
  });
  m.set('narrow', (rt, args, kw, loc) => {
    const x = args[0];
    const d = intv(arg(args, kw, 1, 'dim'));
    const len = intv(arg(args, kw, 3, 'length'));
    if (!isT(x) || !x.shape || d === undefined || len === undefined) return unknown('narrow');
    return guarded(rt, 'narrow', loc, () => {
      const dd = S.normDim(d, x.shape!.length);
      return viewOf(rt, x, x.shape!.map((v, i) => (i === dd ? len : v)), stridesOf(x));
    });
  });
  m.set('select', (rt, args, kw, loc) => {
    const x = args[0];
    const d = intv(arg(args, kw, 1, 'dim'));
    if (!isT(x) || !x.shape || d === undefined) return unknown('select');
    return guarded(rt, 'select', loc, () => {
      const dd = S.normDim(d, x.shape!.length);
      const st = stridesOf(x).filter((_v, i) => i !== dd);
      return viewOf(rt, x, x.shape!.filter((_v, i) => i !== dd), st);
    });
  });
  m.set('unfold', (rt, args, kw, loc) => {
    const x = args[0];
    const d = intv(arg(args, kw, 1, 'dimension'));
    const size = intv(arg(args, kw, 2, 'size'));
    const step = intv(arg(args, kw, 3, 'step'));
    if (!isT(x) || !x.shape || d === undefined || size === undefined || !step) return unknown('unfold');
    return guarded(rt, 'unfold', loc, () => {
      const dd = S.normDim(d, x.shape!.length);
      const n = Math.floor((x.shape![dd]! - size) / step) + 1;
      if (n < 1) throw new S.ShapeError(`unfold: size ${size} is larger than dimension ${dd} (${x.shape![dd]})`);
      return viewOf(rt, x, [...x.shape!.map((v, i) => (i === dd ? n : v)), size], [...stridesOf(x).map((v, i) => (i === dd ? v * step : v)), stridesOf(x)[dd]!]);
    });
  });
  m.set('is_contiguous', (_rt, args) => bool(isT(args[0]) && !args[0].strides));
  m.set('stride', (_rt, args, kw) => {
    const x = args[0];
    if (!isT(x) || !x.shape) return unknown('stride');
    const st = stridesOf(x);
    const d = arg(args, kw, 1, 'dim');
    const i = d ? intv(d) : undefined;
    return i === undefined ? tuple(st.map((v) => int(v))) : int(st[i < 0 ? st.length + i : i] ?? 1);
  });
  m.set('argsort', (rt, args) => (isT(args[0]) ? rt.tensor(args[0].shape, { dtype: 'int64' }) : unknown('argsort')));
  m.set('nonzero', (rt, args) => (isT(args[0]) ? rt.tensor(undefined, { dtype: 'int64' }) : unknown('nonzero')));
  m.set('index_select', (rt, args, kw, loc) => {
    const x = args[0];
    const d = intv(arg(args, kw, 1, 'dim'));
    const idx = arg(args, kw, 2, 'index');
    if (!isT(x) || !x.shape || !isT(idx) || !idx.shape || d === undefined) return unknown('index_select');
    const shape = x.shape.slice();
    shape[d < 0 ? shape.length + d : d] = S.prod(idx.shape);
    const out = rt.derived(shape, [x]);
    rt.record('index_select', loc, [out], 0, [idx]);
    return out;
  });
  return m;
}

export function torchFunctions(): Map<string, Op> {
  // torch.X(t, ...) is t.X(...) for the tensor methods (topk, gather, scatter ...).
  const m = tensorMethods();
  for (const name of ['zeros', 'ones', 'empty', 'randn', 'rand']) m.set(name, factory());
  for (const name of ['zeros_like', 'ones_like', 'empty_like', 'randn_like', 'rand_like', 'full_like']) m.set(name, likeFactory);
  m.set('full', fullOp);
  m.set('arange', arange);
  m.set('range', arange);
  m.set('linspace', linspace);
  m.set('eye', eye);
  m.set('randint', randint);
  m.set('randperm', (rt, args, kw, loc) => created(rt, ints(args[0]), kw, 'int64', loc));
  m.set('tensor', tensorOp);
  m.set('as_tensor', tensorOp);
  m.set('from_numpy', () => unknown('from_numpy'));
  m.set('numel', (_rt, args) => (isT(args[0]) && args[0].shape ? int(S.prod(args[0].shape)) : unknown('numel')));
  m.set('is_tensor', (_rt, args) => bool(isT(args[0])));
  m.set('broadcast_shapes', (rt, args, _kw, loc) => guarded(rt, 'broadcast_shapes', loc, () => rt.sizeTuple(args.map((a) => ints(a) ?? []).reduce((x, y) => S.broadcast(x, y), []))));
  m.set('manual_seed', () => NONE);
  m.set('set_grad_enabled', () => NONE);
  m.set('compile', (_rt, args) => args[0] ?? NONE);
  m.set('conv1d', fConv(1, false));
  m.set('conv2d', fConv(2, false));
  m.set('conv3d', fConv(3, false));
  return m;
}

export function functionalOps(): Map<string, Op> {
  const m = commonOps();
  m.set('linear', fLinear);
  m.set('conv1d', fConv(1, false));
  m.set('conv2d', fConv(2, false));
  m.set('conv3d', fConv(3, false));
  m.set('conv_transpose1d', fConv(1, true));
  m.set('conv_transpose2d', fConv(2, true));
  m.set('conv_transpose3d', fConv(3, true));
  for (const r of [1, 2, 3]) {
    m.set(`max_pool${r}d`, fPool(r, 'max'));
    m.set(`avg_pool${r}d`, fPool(r, 'avg'));
    m.set(`adaptive_max_pool${r}d`, fAdaptive(r, 'max'));
    m.set(`adaptive_avg_pool${r}d`, fAdaptive(r, 'avg'));
  }
  m.set('lp_pool1d', fPool(1, 'lp'));
  m.set('lp_pool2d', fPool(2, 'lp'));
  m.set('dropout', fDropout);
  m.set('dropout1d', fDropout);
  m.set('dropout2d', fDropout);
  m.set('dropout3d', fDropout);
  m.set('alpha_dropout', fDropout);
  m.set('layer_norm', fLayerNorm);
  m.set('group_norm', fLayerNorm);
  m.set('rms_norm', fLayerNorm);
  m.set('batch_norm', (rt, args, _kw, loc) => {
    const x = args[0];
    if (!isT(x)) return unknown('batch_norm');
    const out = rt.derived(x.shape, [x]);
    rt.record('batch_norm', loc, [out], 0, [x], [[x.shape && x.shape.length > 1 ? 2 * x.shape[1]! : 0, 'fp32']]);
    return out;
  });
  m.set('instance_norm', m.get('batch_norm')!);
  m.set('normalize', fNormalize);
  m.set('embedding', fEmbedding);
  m.set('scaled_dot_product_attention', fSdpa);
  m.set('interpolate', fInterpolate);
  m.set('upsample', fInterpolate);
  m.set('pad', fPad);
  m.set('one_hot', fOneHot);
  m.set('pixel_shuffle', fPixelShuffle(false));
  m.set('pixel_unshuffle', fPixelShuffle(true));
  m.set('glu', fGlu);
  for (const l of ['cross_entropy', 'mse_loss', 'l1_loss', 'nll_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'smooth_l1_loss', 'kl_div', 'huber_loss', 'cosine_similarity']) m.set(l, fLoss);
  return m;
}

/** Attributes of tensors that are values, not methods. */
export function tensorAttr(rt: TorchRuntime, x: TensorV, name: string): Value | undefined {
  switch (name) {
    case 'shape':
      return x.shape ? rt.sizeTuple(x.shape) : unknown('shape');
    case 'ndim':
      return x.shape ? int(x.shape.length) : unknown('ndim');
    case 'dtype':
      return { t: 'opaque', kind: 'dtype', name: x.dtype };
    case 'device':
      return { t: 'opaque', kind: 'device', name: 'cpu', attrs: new Map<string, Value>([['type', str('cpu')]]) };
    case 'T':
    case 'mT':
    case 'mH':
      if (!x.shape || x.shape.length < 2) return x;
      {
        const n = x.shape.length;
        const dims = name === 'T' ? x.shape.map((_v, i) => n - 1 - i) : [...x.shape.slice(0, -2).map((_v, i) => i), n - 1, n - 2];
        return viewOf(rt, x, S.permute(x.shape, dims), permutedStrides(x, dims));
      }
    case 'data':
      return x;
    case 'grad':
      return NONE;
    case 'requires_grad':
      return bool(x.requiresGrad);
    case 'is_cuda':
      return bool(false);
    case 'is_leaf':
      return bool(true);
    case 'real':
      return x;
    default:
      return undefined;
  }
}

export { float, list, str };
