/**
 * einops (rearrange, repeat, reduce, and the Rearrange/Reduce layers), which
 * vision transformers and diffusion models use to move axes around. Shapes
 * follow einops' pattern rules; the ops do no multiply-accumulates.
 */
import type { Loc } from '../../python/ast';
import { toBigInt } from '../../python/ops';
import { NONE, native, unknown, type ClassV, type InstV, type ModuleV, type TensorV, type Value } from '../../python/values';
import type { TorchRuntime } from './runtime';
import { ShapeError } from './shapeAlgebra';

type Group = string[] | '...';

function parseSide(side: string): Group[] {
  const groups: Group[] = [];
  const re = /\.\.\.|\(([^)]*)\)|[A-Za-z_][A-Za-z0-9_]*|\d+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(side))) {
    const tok = m[0];
    if (tok === '...') groups.push('...');
    else if (m[1] !== undefined) groups.push(m[1].split(/\s+/).filter((a) => a && a !== '1'));
    else if (/^\d+$/.test(tok)) {
      if (tok !== '1') throw new ShapeError(`einops: anonymous axis ${tok} is not supported`);
      groups.push([]);
    } else groups.push([tok]);
  }
  return groups;
}

/** True when the pattern keeps the axes in order (only splits and merges): a reshape. */
export function keepsAxisOrder(pattern: string): boolean {
  const [lhs, rhs] = pattern.split('->');
  if (rhs === undefined) return false;
  const flat = (side: string) => parseSide(side).flatMap((g) => (g === '...' ? ['...'] : g));
  return flat(lhs!).join(' ') === flat(rhs).join(' ');
}

/** Output shape of an einops pattern applied to `shape`. */
export function einopsShape(pattern: string, shape: number[], lengths: Map<string, number>, kind: 'rearrange' | 'repeat' | 'reduce'): number[] {
  const [lhs, rhs] = pattern.split('->');
  if (rhs === undefined) throw new ShapeError(`einops: pattern '${pattern}' has no '->'`);
  const left = parseSide(lhs!);
  const right = parseSide(rhs);
  const sizes = new Map(lengths);
  const ellIdx = left.indexOf('...');
  const fixed = left.length - (ellIdx >= 0 ? 1 : 0);
  if (ellIdx < 0 ? shape.length !== fixed : shape.length < fixed) {
    throw new ShapeError(`einops: pattern '${lhs!.trim()}' expects ${fixed}${ellIdx >= 0 ? '+' : ''} dimensions, the tensor has ${shape.length}`);
  }
  const ellLen = shape.length - fixed;
  let ellipsis: number[] = [];
  let d = 0;
  for (const g of left) {
    if (g === '...') {
      ellipsis = shape.slice(d, d + ellLen);
      d += ellLen;
      continue;
    }
    const dim = shape[d++]!;
    const unknownAxes = g.filter((a) => !sizes.has(a));
    const known = g.filter((a) => sizes.has(a)).reduce((p, a) => p * sizes.get(a)!, 1);
    if (unknownAxes.length > 1) throw new ShapeError(`einops: cannot infer ${unknownAxes.join(', ')} in (${g.join(' ')})`);
    if (unknownAxes.length === 1) {
      if (known === 0 || dim % known !== 0) throw new ShapeError(`einops: ${dim} is not divisible by ${known} in (${g.join(' ')})`);
      sizes.set(unknownAxes[0]!, dim / known);
    } else if (known !== dim) throw new ShapeError(`einops: (${g.join(' ')}) is ${known}, the dimension is ${dim}`);
  }
  const out: number[] = [];
  for (const g of right) {
    if (g === '...') {
      out.push(...ellipsis);
      continue;
    }
    let p = 1;
    for (const a of g) {
      const n = sizes.get(a);
      if (n === undefined) throw new ShapeError(`einops: axis '${a}' on the right is unknown${kind === 'repeat' ? ' (give its length)' : ''}`);
      p *= n;
    }
    out.push(p);
  }
  return out;
}

function lengthsOf(kw: Map<string, Value>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of kw) {
    const n = toBigInt(v);
    if (n !== undefined) m.set(k, Number(n));
  }
  return m;
}

function apply(rt: TorchRuntime, kind: 'rearrange' | 'repeat' | 'reduce', x: Value | undefined, pattern: Value | undefined, kw: Map<string, Value>, loc: Loc): Value {
  if (!x || pattern?.t !== 'str') return unknown(kind);
  const tensors: TensorV[] = x.t === 'tensor' ? [x] : x.t === 'list' || x.t === 'tuple' ? (x.items.filter((t) => t.t === 'tensor') as TensorV[]) : [];
  if (!tensors.length || tensors.some((t) => !t.shape)) return unknown(kind);
  // A list of tensors is stacked along a new first axis, as einops does.
  const shape = x.t === 'tensor' ? x.shape! : [tensors.length, ...tensors[0]!.shape!];
  try {
    const out = einopsShape(pattern.v, shape, lengthsOf(kw), kind);
    // A rearrange that keeps the axis order is a reshape: a view when the layout allows.
    if (kind === 'rearrange' && x.t === 'tensor' && keepsAxisOrder(pattern.v)) return rt.reshape(x, out);
    return rt.derived(out, tensors);
  } catch (e) {
    return rt.shapeError(e, kind, loc);
  }
}

export function einopsModules(rt: TorchRuntime, moduleClass: ClassV): Map<string, ModuleV> {
  const interp = rt.interp;
  const fn = (kind: 'rearrange' | 'repeat' | 'reduce') =>
    native(kind, (args, kw, loc) => {
      const rest = new Map(kw);
      if (kind === 'reduce') rest.delete('reduction');
      return apply(rt, kind, args[0], args[1] ?? kw.get('pattern'), rest, loc);
    });
  const einops: ModuleV = { t: 'module', name: 'einops', dict: new Map() };
  for (const k of ['rearrange', 'repeat', 'reduce'] as const) einops.dict.set(k, fn(k));
  einops.dict.set('pack', native('pack', () => unknown('einops.pack')));

  const layer = (name: string, kind: 'rearrange' | 'reduce'): ClassV => {
    const cls = interp.makeClass(name, [moduleClass], new Map(), 'einops.layers.torch');
    cls.builtin = name;
    cls.dict.set(
      '__init__',
      native(
        '__init__',
        (args, kw) => {
          const self = args[0] as InstV;
          self.dict.set('pattern', args[1] ?? kw.get('pattern') ?? NONE);
          const lengths = new Map(kw);
          lengths.delete('pattern');
          lengths.delete('reduction');
          self.dict.set('__lengths__', { t: 'dict', map: new Map([...lengths].map(([k, v]) => [`s${k}`, [{ t: 'str', v: k }, v]])) });
          return NONE;
        },
        true,
      ),
    );
    cls.dict.set(
      'forward',
      native(
        'forward',
        (args, _kw, loc) => {
          const self = args[0] as InstV;
          const lengths = new Map<string, Value>();
          const d = self.dict.get('__lengths__');
          if (d && d.t === 'dict') for (const [k, v] of d.map.values()) if (k.t === 'str') lengths.set(k.v, v);
          return apply(rt, kind, args[1], self.dict.get('pattern'), lengths, loc);
        },
        true,
      ),
    );
    return cls;
  };
  const layers: ModuleV = { t: 'module', name: 'einops.layers.torch', dict: new Map() };
  layers.dict.set('Rearrange', layer('Rearrange', 'rearrange'));
  layers.dict.set('Reduce', layer('Reduce', 'reduce'));
  const layersPkg: ModuleV = { t: 'module', name: 'einops.layers', dict: new Map([['torch', layers]]) };
  einops.dict.set('layers', layersPkg);
  return new Map([
    ['einops', einops],
    ['einops.layers', layersPkg],
    ['einops.layers.torch', layers],
  ]);
}
