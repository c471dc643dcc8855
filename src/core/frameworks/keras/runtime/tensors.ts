/**
 * Symbolic tensors (KerasTensor) and weights (Variable) as interpreter classes:
 * `.shape` (batch as None, as Keras prints it), `.dtype`, arithmetic operators
 * through the op table, and indexing (`x[:, 0]`, `x[..., :3]`, `x[:, None]`).
 */
import type { Shape } from '../../../graph';
import type { Loc } from '../../../python/ast';
import type { Interp } from '../../../python/interp';
import { toNumber } from '../../../python/ops';
import { NONE, TRUE, int, native, str, unknown, type ClassV, type InstV, type Value } from '../../../python/values';
import { findOp } from './ops';
import { applyOp } from './opLayers';
import type { KerasRuntime } from './runtime';
import { tensorState } from './state';

const BINARY: Array<[string, string, boolean]> = [
  ['__add__', 'add', false],
  ['__sub__', 'subtract', false],
  ['__mul__', 'multiply', false],
  ['__truediv__', 'divide', false],
  ['__floordiv__', 'floor_divide', false],
  ['__mod__', 'mod', false],
  ['__pow__', 'power', false],
  ['__matmul__', 'matmul', false],
  ['__and__', 'logical_and', false],
  ['__or__', 'logical_or', false],
  ['__radd__', 'add', true],
  ['__rsub__', 'subtract', true],
  ['__rmul__', 'multiply', true],
  ['__rtruediv__', 'divide', true],
  ['__rpow__', 'power', true],
  ['__rmatmul__', 'matmul', true],
];

function method(name: string, fn: (self: InstV, args: Value[], kw: Map<string, Value>, loc: Loc) => Value): Value {
  return native(name, (args, kw, loc) => (args[0]?.t === 'inst' ? fn(args[0], args.slice(1), kw, loc) : unknown(name)), true);
}

function property(name: string, get: (self: InstV) => Value): Value {
  return { t: 'property', fget: native(name, (args) => (args[0]?.t === 'inst' ? get(args[0]) : unknown(name))) };
}

/** Result shape of `x[key]`, or undefined when the key is not a static index. */
function indexShape(shape: Shape, key: Value): Shape | undefined {
  const items = key.t === 'tuple' ? key.items : [key];
  const explicit = items.filter((k) => k.t !== 'none' && k.t !== 'ellipsis').length;
  const out: Shape = [];
  let dim = 0;
  for (const k of items) {
    if (k.t === 'ellipsis') {
      const fill = shape.length - explicit;
      for (let i = 0; i < fill; i++) out.push(shape[dim++]!);
    } else if (k.t === 'none') out.push(1);
    else if (k.t === 'slice') {
      const n = shape[dim++];
      if (n === undefined) return undefined;
      const num = (v: Value, dflt: number) => (v.t === 'none' ? dflt : toNumber(v));
      const step = num(k.step, 1);
      if (step === undefined || step === 0) return undefined;
      const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, step > 0 ? 0 : -1), step > 0 ? n : n - 1);
      const lo = num(k.lo, step > 0 ? 0 : n - 1);
      const hi = num(k.hi, step > 0 ? n : -n - 1);
      if (lo === undefined || hi === undefined) return undefined;
      const a = clamp(lo);
      const b = clamp(hi);
      out.push(Math.max(0, Math.ceil((b - a) / step)));
    } else if (toNumber(k) !== undefined) {
      if (dim >= shape.length) return undefined;
      dim++;
    } else return undefined;
  }
  while (dim < shape.length) out.push(shape[dim++]!);
  return out;
}

export function buildTensorClasses(rt: KerasRuntime, interp: Interp): { KerasTensor: ClassV; Variable: ClassV } {
  const KerasTensor = interp.makeClass('KerasTensor', [interp.objectClass], new Map(), 'keras');
  const d = KerasTensor.dict;
  d.set('shape', property('shape', (self) => {
    const s = tensorState(self);
    return s ? rt.shapeValue(s) : unknown('shape');
  }));
  d.set('dtype', property('dtype', (self) => str(tensorState(self)?.dtype ?? 'float32')));
  d.set('ndim', property('ndim', (self) => int(tensorState(self)?.shape.length ?? 0)));
  d.set('get_shape', method('get_shape', (self) => {
    const s = tensorState(self);
    return s ? rt.shapeValue(s) : unknown('shape');
  }));
  d.set('numpy', method('numpy', () => unknown('tensor value')));
  for (const [dunder, op, reflected] of BINARY) {
    const f = findOp(op)!;
    d.set(dunder, method(dunder, (self, args, _kw, loc) => applyOp(rt, op, f, reflected ? [args[0] ?? NONE, self] : [self, args[0] ?? NONE], new Map(), loc)));
  }
  d.set('__neg__', method('__neg__', (self, _a, _k, loc) => applyOp(rt, 'negative', findOp('negative')!, [self], new Map(), loc)));
  d.set('__pos__', method('__pos__', (self) => self));
  const getitem = (rtx: KerasRuntime, args: Value[], _kw: Map<string, Value>, loc: Loc): Value => {
    const s = tensorState(args[0])!;
    const shape = indexShape(s.shape, args[1] ?? NONE);
    if (!shape) {
      rtx.warn('keras-op', 'Indexing a Keras tensor with a computed index: its shape is unknown', loc);
      return unknown('tensor[index]');
    }
    return rtx.tensor(shape, s.dtype);
  };
  d.set('__getitem__', method('__getitem__', (self, args, _kw, loc) => applyOp(rt, 'get_item', getitem, [self, args[0] ?? NONE], new Map(), loc)));
  // Tensor methods that are ops (tf tensors have a few).
  for (const name of ['reshape', 'transpose']) {
    const f = findOp(name)!;
    d.set(name, method(name, (self, args, kw, loc) => applyOp(rt, name, f, [self, ...args], kw, loc)));
  }

  const Variable = interp.makeClass('Variable', [KerasTensor], new Map(), 'keras');
  const v = Variable.dict;
  for (const name of ['assign', 'assign_add', 'assign_sub']) v.set(name, method(name, (self) => self));
  v.set('trainable', property('trainable', (self) => (tensorState(self)?.weight?.trainable === false ? { t: 'bool', v: false } : TRUE)));
  v.set('value', method('value', (self) => self));
  return { KerasTensor, Variable };
}
