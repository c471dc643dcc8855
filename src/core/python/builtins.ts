/**
 * Python builtins (len, range, zip, isinstance, int, list ...) and the methods
 * of builtin values (str.join, list.append, dict.items ...), as natives over
 * the interpreter's values.
 */
import type { Loc } from './ast';
import { superObject, type Interp } from './interp';
import { compareOrder, pyEquals, toBigInt, toNumber } from './ops';
import { formatValue, pyFixed } from './format';
import {
  FALSE,
  NONE,
  TRUE,
  bool,
  dict,
  float,
  hashKey,
  int,
  list,
  native,
  rangeLength,
  repr,
  show,
  str,
  truthy,
  tuple,
  typeName,
  unknown,
  type ClassV,
  type NativeClassHooks,
  type Value,
} from './values';

type Kw = Map<string, Value>;

export function classOf(interp: Interp, v: Value): ClassV | undefined {
  if (v.t === 'inst') return v.cls;
  return interp.valueClasses.get(v.t === 'tuple' && v.cls ? 'namedtuple' : v.t);
}

export function isSubclass(c: ClassV, of: ClassV): boolean {
  return c === of || c.mro.includes(of);
}

export function isInstance(interp: Interp, v: Value, cls: Value): boolean | undefined {
  if (cls.t === 'tuple') {
    let any = false;
    for (const c of cls.items) {
      const r = isInstance(interp, v, c);
      if (r === undefined) return undefined;
      any ||= r;
    }
    return any;
  }
  if (cls.t !== 'class') return cls.t === 'unknown' ? undefined : false;
  if (v.t === 'unknown') return undefined;
  if (cls.native?.isInstance) return cls.native.isInstance(v);
  if (v.t === 'tuple' && v.cls && isSubclass(v.cls, cls)) return true;
  const c = classOf(interp, v);
  return c ? isSubclass(c, cls) : false;
}

function num(v: Value | undefined): number | undefined {
  return v === undefined ? undefined : toNumber(v);
}

function pick(args: Value[], kw: Kw, i: number, name: string): Value | undefined {
  return args[i] ?? kw.get(name);
}

export function installBuiltins(interp: Interp): void {
  const B = interp.builtins;
  const def = (name: string, fn: (args: Value[], kw: Kw, loc: Loc) => Value): void => {
    B.set(name, native(name, fn));
  };
  const mkType = (name: string, hooks: NativeClassHooks, bases?: ClassV[]): ClassV => {
    const c = interp.makeClass(name, bases ?? (interp.objectClass ? [interp.objectClass] : []), new Map(), 'builtins');
    c.native = hooks;
    B.set(name, c);
    return c;
  };

  // object and type
  const object = interp.makeClass('object', [], new Map(), 'builtins');
  object.dict.set('__init__', native('__init__', () => NONE, true));
  object.native = { isInstance: () => true };
  interp.objectClass = object;
  B.set('object', object);

  const vc = interp.valueClasses;
  const intC = mkType('int', {
    construct: (_c, args, kw, loc) => {
      const v = args[0];
      if (!v) return int(0n);
      if (v.t === 'int') return v;
      if (v.t === 'bool') return int(v.v ? 1n : 0n);
      if (v.t === 'float') return Number.isFinite(v.v) ? int(BigInt(Math.trunc(v.v))) : interp.unknownAt('int() of inf/nan', loc, 'arithmetic');
      if (v.t === 'str') {
        const base = num(pick(args, kw, 1, 'base')) ?? 10;
        const t = v.v.trim().replace(/_/g, '');
        try {
          if (base === 10 && /^[-+]?\d+$/.test(t)) return int(BigInt(t));
          const n = parseInt(t, base);
          if (!Number.isNaN(n)) return int(n);
        } catch {
          // fall through
        }
        return interp.unknownAt(`int(${repr(v)})`, loc, 'value-error');
      }
      if (v.t === 'tensor') return interp.tensorScalar(v, 'int');
      return v.t === 'unknown' ? v : interp.unknownAt(`int() of ${typeName(v)}`, loc);
    },
    isInstance: (v) => v.t === 'int' || v.t === 'bool',
  });
  vc.set('int', intC);
  const boolC = mkType('bool', {
    construct: (_c, args, _kw, loc) => {
      if (!args[0]) return FALSE;
      const t = interp.truth(args[0], loc);
      return t === undefined ? unknown('bool') : bool(t);
    },
    isInstance: (v) => v.t === 'bool',
  }, [intC]);
  vc.set('bool', boolC);
  const floatC = mkType('float', {
    construct: (_c, args, _kw, loc) => {
      const v = args[0];
      if (!v) return float(0);
      const n = toNumber(v);
      if (n !== undefined) return float(n);
      if (v.t === 'str') {
        const t = v.v.trim().toLowerCase();
        if (t === 'inf' || t === '+inf') return float(Infinity);
        if (t === '-inf') return float(-Infinity);
        if (t === 'nan') return float(NaN);
        const x = Number(t);
        return Number.isNaN(x) ? interp.unknownAt(`float(${repr(v)})`, loc, 'value-error') : float(x);
      }
      if (v.t === 'tensor') return interp.tensorScalar(v, 'float');
      return v.t === 'unknown' ? v : interp.unknownAt(`float() of ${typeName(v)}`, loc);
    },
  });
  vc.set('float', floatC);
  const strC = mkType('str', {
    construct: (_c, args) => {
      const v = args[0];
      if (!v) return str('');
      return v.t === 'unknown' ? v : str(show(v));
    },
  });
  vc.set('str', strC);
  const listC = mkType('list', {
    construct: (_c, args, _kw, loc) => {
      if (!args[0]) return list([]);
      const items = interp.iterList(args[0], loc);
      return items ? list(items.slice()) : unknown('list()');
    },
  });
  vc.set('list', listC);
  const tupleC = mkType('tuple', {
    construct: (_c, args, _kw, loc) => {
      if (!args[0]) return tuple([]);
      const items = interp.iterList(args[0], loc);
      return items ? tuple(items.slice()) : unknown('tuple()');
    },
    isInstance: (v) => v.t === 'tuple',
  });
  vc.set('tuple', tupleC);
  const dictC = mkType('dict', {
    construct: (_c, args, kw, loc) => makeDict(interp, args, kw, loc),
  });
  vc.set('dict', dictC);
  const setC = mkType('set', {
    construct: (_c, args, _kw, loc) => {
      const m = new Map<string, Value>();
      if (args[0]) {
        const items = interp.iterList(args[0], loc);
        if (!items) return unknown('set()');
        for (const x of items) m.set(hashKey(x), x);
      }
      return { t: 'set', map: m };
    },
  });
  vc.set('set', setC);
  B.set('frozenset', setC);
  vc.set('none', mkType('NoneType', { isInstance: (v) => v.t === 'none' }));
  B.delete('NoneType');
  vc.set('func', mkType('function', { isInstance: (v) => v.t === 'func' || v.t === 'native' || v.t === 'bound' }));
  B.delete('function');
  const typeC = mkType('type', {
    construct: (_c, args, _kw, loc) => {
      if (args.length === 1) return classOf(interp, args[0]!) ?? unknown('type');
      if (args.length === 3 && args[0]!.t === 'str' && args[1]!.t === 'tuple' && args[2]!.t === 'dict') {
        const bases = args[1].items.filter((b): b is ClassV => b.t === 'class');
        const ns = new Map<string, Value>();
        for (const [k, v] of args[2].map.values()) if (k.t === 'str') ns.set(k.v, v);
        return interp.makeClass(args[0].v, bases.length ? bases : [object], ns, 'builtins');
      }
      return interp.unknownAt('type(...)', loc);
    },
    isInstance: (v) => v.t === 'class',
  });
  vc.set('class', typeC);
  mkType('range', {
    construct: (_c, args, _kw, loc) => {
      const ns = args.map((a) => toBigInt(a));
      if (ns.some((n) => n === undefined)) {
        const bad = args.find((a) => toBigInt(a) === undefined)!;
        return bad.t === 'unknown' ? bad : interp.unknownAt(`range() of ${typeName(bad)}`, loc);
      }
      const [a, b, c] = ns as bigint[];
      if (args.length === 1) return { t: 'range', start: 0n, stop: a!, step: 1n };
      if (c === 0n) return interp.unknownAt('range() step 0', loc, 'value-error');
      return { t: 'range', start: a!, stop: b!, step: c ?? 1n };
    },
    isInstance: (v) => v.t === 'range',
  });
  mkType('slice', {
    construct: (_c, args) => {
      if (args.length === 1) return { t: 'slice', lo: NONE, hi: args[0]!, step: NONE };
      return { t: 'slice', lo: args[0] ?? NONE, hi: args[1] ?? NONE, step: args[2] ?? NONE };
    },
  });
  mkType('property', {
    construct: (_c, args, kw) => ({ t: 'property', fget: pick(args, kw, 0, 'fget') ?? NONE, fset: pick(args, kw, 1, 'fset') }),
  });
  mkType('staticmethod', { construct: (_c, args) => ({ t: 'staticmethod', fn: args[0] ?? NONE }) });
  mkType('classmethod', { construct: (_c, args) => ({ t: 'classmethod', fn: args[0] ?? NONE }) });
  mkType('super', {
    construct: (_c, args, _kw, loc) => {
      if (args.length >= 2 && args[0]!.t === 'class') return superObject(args[0], args[1]!);
      return interp.unknownAt('super() with these arguments', loc);
    },
  });

  // Exceptions: plain classes whose instances keep their args.
  const exc = interp.makeClass('BaseException', [object], new Map(), 'builtins');
  exc.dict.set(
    '__init__',
    native(
      '__init__',
      (args) => {
        const self = args[0]!;
        if (self.t === 'inst') self.dict.set('args', tuple(args.slice(1)));
        return NONE;
      },
      true,
    ),
  );
  B.set('BaseException', exc);
  const exception = interp.makeClass('Exception', [exc], new Map(), 'builtins');
  B.set('Exception', exception);
  for (const name of [
    'ValueError',
    'TypeError',
    'KeyError',
    'IndexError',
    'RuntimeError',
    'NotImplementedError',
    'AssertionError',
    'AttributeError',
    'ImportError',
    'ModuleNotFoundError',
    'ZeroDivisionError',
    'StopIteration',
    'OSError',
    'FileNotFoundError',
    'UserWarning',
    'Warning',
    'DeprecationWarning',
  ]) {
    B.set(name, interp.makeClass(name, [exception], new Map(), 'builtins'));
  }
  B.set('NotImplemented', { t: 'opaque', kind: 'NotImplemented', name: 'NotImplemented' });
  B.set('Ellipsis', { t: 'ellipsis' });
  B.set('__name__', str('__main__'));

  // Functions
  def('len', (args, _kw, loc) => {
    const v = args[0] ?? NONE;
    switch (v.t) {
      case 'list':
      case 'tuple':
        return int(v.items.length);
      case 'str':
        return int(v.v.length);
      case 'dict':
      case 'set':
        return int(v.map.size);
      case 'range':
        return int(rangeLength(v));
      case 'tensor':
        return v.shape && v.shape.length ? int(v.shape[0]!) : unknown('len(tensor)');
      case 'inst': {
        const n = interp.nativeLen(v);
        return n === undefined ? interp.unknownAt(`len() of ${v.cls.name}`, loc) : int(n);
      }
      case 'unknown':
        return v;
      default:
        return interp.unknownAt(`len() of ${typeName(v)}`, loc);
    }
  });
  def('abs', (args, _kw, loc) => {
    const v = args[0] ?? NONE;
    if (v.t === 'int') return int(v.v < 0n ? -v.v : v.v);
    if (v.t === 'bool') return int(v.v ? 1n : 0n);
    if (v.t === 'float') return float(Math.abs(v.v));
    return v.t === 'unknown' ? v : interp.unknownAt(`abs() of ${typeName(v)}`, loc);
  });
  def('round', (args, kw, loc) => {
    const v = args[0] ?? NONE;
    const nd = pick(args, kw, 1, 'ndigits');
    if (v.t === 'int' || v.t === 'bool') return v.t === 'bool' ? int(v.v ? 1n : 0n) : v;
    if (v.t !== 'float') return v.t === 'unknown' ? v : interp.unknownAt(`round() of ${typeName(v)}`, loc);
    if (nd && nd.t !== 'none') {
      const d = Number(toBigInt(nd) ?? 0n);
      if (d < 0) {
        const p = 10 ** -d;
        return float(roundHalfEven(v.v / p) * p);
      }
      return float(Number(pyFixed(v.v, d)));
    }
    if (!Number.isFinite(v.v)) return interp.unknownAt('round() of inf/nan', loc, 'arithmetic');
    return int(BigInt(roundHalfEven(v.v)));
  });
  def('divmod', (args, _kw, loc) => {
    const q = interp.binary('//', args[0] ?? NONE, args[1] ?? NONE, loc);
    const r = interp.binary('%', args[0] ?? NONE, args[1] ?? NONE, loc);
    return tuple([q, r]);
  });
  def('pow', (args, _kw, loc) => interp.binary('**', args[0] ?? NONE, args[1] ?? NONE, loc));
  const minmax = (name: 'min' | 'max') => (args: Value[], kw: Kw, loc: Loc): Value => {
    let items = args.length === 1 ? interp.iterList(args[0]!, loc) : args;
    if (!items) return args[0]!.t === 'unknown' ? args[0]! : unknown(name);
    const key = kw.get('key');
    if (!items.length) return kw.get('default') ?? interp.unknownAt(`${name}() of an empty sequence`, loc, 'value-error');
    items = items.slice();
    let best = items[0]!;
    let bestK = key ? interp.call(key, [best], new Map(), loc) : best;
    for (const x of items.slice(1)) {
      const k = key ? interp.call(key, [x], new Map(), loc) : x;
      if (k.t === 'unknown' || bestK.t === 'unknown') return unknown(name);
      const c = compareOrder(k, bestK);
      if (c === undefined) return interp.unknownAt(`${name}() of ${typeName(k)}`, loc);
      if (name === 'min' ? c < 0 : c > 0) {
        best = x;
        bestK = k;
      }
    }
    return best;
  };
  def('min', minmax('min'));
  def('max', minmax('max'));
  def('sum', (args, kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : [];
    if (!items) return args[0]!.t === 'unknown' ? args[0]! : unknown('sum');
    let acc: Value = pick(args, kw, 1, 'start') ?? int(0n);
    for (const x of items) acc = interp.binary('+', acc, x, loc);
    return acc;
  });
  def('any', (args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (!items) return unknown('any');
    let unk = false;
    for (const x of items) {
      const t = interp.truth(x, loc);
      if (t) return TRUE;
      if (t === undefined) unk = true;
    }
    return unk ? unknown('any') : FALSE;
  });
  def('all', (args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (!items) return unknown('all');
    let unk = false;
    for (const x of items) {
      const t = interp.truth(x, loc);
      if (t === false) return FALSE;
      if (t === undefined) unk = true;
    }
    return unk ? unknown('all') : TRUE;
  });
  def('zip', (args, _kw, loc) => {
    const lists = args.map((a) => interp.iterList(a, loc));
    if (lists.some((l) => !l)) return unknown('zip');
    const n = Math.min(...lists.map((l) => l!.length));
    const out: Value[] = [];
    for (let i = 0; i < (lists.length ? n : 0); i++) out.push(tuple(lists.map((l) => l![i]!)));
    return list(out);
  });
  def('enumerate', (args, kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (!items) return unknown('enumerate');
    const start = toBigInt(pick(args, kw, 1, 'start') ?? int(0n)) ?? 0n;
    return list(items.map((x, i) => tuple([int(start + BigInt(i)), x])));
  });
  def('reversed', (args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    return items ? list(items.slice().reverse()) : unknown('reversed');
  });
  def('sorted', (args, kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (!items) return unknown('sorted');
    return sortValues(interp, items.slice(), kw, loc);
  });
  def('map', (args, _kw, loc) => {
    const fn = args[0] ?? NONE;
    const lists = args.slice(1).map((a) => interp.iterList(a, loc));
    if (lists.some((l) => !l) || !lists.length) return unknown('map');
    const n = Math.min(...lists.map((l) => l!.length));
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(interp.call(fn, lists.map((l) => l![i]!), new Map(), loc));
    return list(out);
  });
  def('filter', (args, _kw, loc) => {
    const fn = args[0] ?? NONE;
    const items = args[1] ? interp.iterList(args[1], loc) : undefined;
    if (!items) return unknown('filter');
    return list(items.filter((x) => interp.truth(fn.t === 'none' ? x : interp.call(fn, [x], new Map(), loc), loc)));
  });
  def('iter', (args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    return items ? { t: 'opaque', kind: 'iterator', name: 'iterator', attrs: new Map<string, Value>([['__items__', list(items.slice())]]) } : unknown('iter');
  });
  def('next', (args, _kw, loc) => {
    const it = args[0];
    if (it?.t === 'opaque' && it.kind === 'iterator') {
      const items = it.attrs!.get('__items__') as Extract<Value, { t: 'list' }>;
      const v = items.items.shift();
      return v ?? args[1] ?? interp.unknownAt('next() of an exhausted iterator', loc);
    }
    if (it && (it.t === 'list' || it.t === 'tuple')) return it.items[0] ?? args[1] ?? unknown('next');
    return unknown('next');
  });
  def('isinstance', (args) => {
    const r = isInstance(interp, args[0] ?? NONE, args[1] ?? NONE);
    return r === undefined ? unknown('isinstance') : bool(r);
  });
  def('issubclass', (args) => {
    const c = args[0];
    const of = args[1];
    if (c?.t !== 'class' || !of) return unknown('issubclass');
    if (of.t === 'tuple') return bool(of.items.some((o) => o.t === 'class' && isSubclass(c, o)));
    return of.t === 'class' ? bool(isSubclass(c, of)) : unknown('issubclass');
  });
  def('callable', (args) => {
    const v = args[0] ?? NONE;
    return bool(['func', 'native', 'bound', 'class'].includes(v.t) || (v.t === 'inst' && interp.lookupClass(v.cls, '__call__') !== undefined));
  });
  def('getattr', (args, _kw, loc) => {
    const o = args[0] ?? NONE;
    const n = args[1];
    if (n?.t !== 'str') return unknown('getattr');
    const v = interp.getAttrOpt(o, n.v, loc);
    if (v !== undefined) return v;
    if (args.length > 2) return args[2]!;
    return interp.getAttr(o, n.v, loc);
  });
  def('setattr', (args, _kw, loc) => {
    const n = args[1];
    if (n?.t === 'str') interp.setAttr(args[0] ?? NONE, n.v, args[2] ?? NONE, loc);
    return NONE;
  });
  def('hasattr', (args, _kw, loc) => {
    const n = args[1];
    const o = args[0] ?? NONE;
    if (n?.t !== 'str' || o.t === 'unknown') return unknown('hasattr');
    const v = interp.getAttrOpt(o, n.v, loc);
    return bool(v !== undefined && !(v.t === 'unknown' && o.t === 'module'));
  });
  def('delattr', (args) => {
    const o = args[0];
    const n = args[1];
    if (o?.t === 'inst' && n?.t === 'str') interp.deleteInstAttr(o, n.v);
    return NONE;
  });
  def('print', () => NONE);
  def('id', (args) => int(BigInt(hashKey(args[0] ?? NONE).length)));
  def('hash', (args) => int(BigInt(hashKey(args[0] ?? NONE).length)));
  def('repr', (args) => str(repr(args[0] ?? NONE)));
  def('vars', (args) => {
    const o = args[0];
    if (o?.t === 'inst') return dict([...o.dict].map(([k, v]) => [str(k), v]));
    return unknown('vars');
  });
  def('chr', (args) => str(String.fromCharCode(Number(toBigInt(args[0] ?? NONE) ?? 63n))));
  def('ord', (args) => (args[0]?.t === 'str' ? int(args[0].v.charCodeAt(0)) : unknown('ord')));
  def('open', (_a, _k, loc) => interp.unknownAt('open()', loc, 'io'));
  def('input', () => unknown('input'));
  def('globals', () => unknown('globals'));
  def('locals', () => unknown('locals'));
  def('exec', (_a, _k, loc) => interp.unknownAt('exec()', loc));
  def('eval', (_a, _k, loc) => interp.unknownAt('eval()', loc));
  def('__import__', (args, _kw, loc) => (args[0]?.t === 'str' ? interp.importModule(args[0].v, 0, { t: 'module', name: '__main__', dict: new Map() }, loc) : unknown('__import__')));

  interp.methods = builtinMethod;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function makeDict(interp: Interp, args: Value[], kw: Kw, loc: Loc): Value {
  const d = dict();
  const src = args[0];
  if (src) {
    const m = interp.asMapping(src, loc);
    if (m) for (const [k, v] of m) d.map.set(hashKey(k), [k, v]);
    else {
      const items = interp.iterList(src, loc);
      if (!items) return unknown('dict()');
      for (const p of items) {
        const kv = interp.iterList(p, loc);
        if (kv && kv.length === 2) d.map.set(hashKey(kv[0]!), [kv[0]!, kv[1]!]);
      }
    }
  }
  for (const [k, v] of kw) d.map.set(hashKey(str(k)), [str(k), v]);
  return d;
}

function sortValues(interp: Interp, items: Value[], kw: Kw, loc: Loc): Value {
  const key = kw.get('key');
  const rev = kw.get('reverse');
  const keyed = items.map((x) => ({ x, k: key && key.t !== 'none' ? interp.call(key, [x], new Map(), loc) : x }));
  let bad = false;
  keyed.sort((a, b) => {
    const c = compareOrder(a.k, b.k);
    if (c === undefined) bad = true;
    return c ?? 0;
  });
  if (bad) return unknown('sorted');
  if (rev && truthy(rev)) keyed.reverse();
  return list(keyed.map((e) => e.x));
}

// ---------------------------------------------------------------------- methods

type Method = (interp: Interp, self: Value, args: Value[], kw: Kw, loc: Loc) => Value;

function m(fn: Method): Method {
  return fn;
}

const STR_METHODS: Record<string, Method> = {
  join: m((interp, self, args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (!items || items.some((x) => x.t !== 'str')) return unknown('str.join');
    return str(items.map((x) => (x as { v: string }).v).join((self as { v: string }).v));
  }),
  split: m((_i, self, args) => {
    const s = (self as { v: string }).v;
    const sep = args[0];
    const parts = sep && sep.t === 'str' ? s.split(sep.v) : s.split(/\s+/).filter((x) => x);
    return list(parts.map((p) => str(p)));
  }),
  upper: m((_i, self) => str((self as { v: string }).v.toUpperCase())),
  lower: m((_i, self) => str((self as { v: string }).v.toLowerCase())),
  strip: m((_i, self) => str((self as { v: string }).v.trim())),
  lstrip: m((_i, self) => str((self as { v: string }).v.trimStart())),
  rstrip: m((_i, self) => str((self as { v: string }).v.trimEnd())),
  title: m((_i, self) => str((self as { v: string }).v.replace(/\b\w/g, (c) => c.toUpperCase()))),
  capitalize: m((_i, self) => {
    const s = (self as { v: string }).v;
    return str(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
  }),
  startswith: m((_i, self, args) => {
    const s = (self as { v: string }).v;
    const p = args[0];
    if (p?.t === 'str') return bool(s.startsWith(p.v));
    if (p?.t === 'tuple') return bool(p.items.some((x) => x.t === 'str' && s.startsWith(x.v)));
    return unknown('startswith');
  }),
  endswith: m((_i, self, args) => {
    const s = (self as { v: string }).v;
    const p = args[0];
    if (p?.t === 'str') return bool(s.endsWith(p.v));
    if (p?.t === 'tuple') return bool(p.items.some((x) => x.t === 'str' && s.endsWith(x.v)));
    return unknown('endswith');
  }),
  replace: m((_i, self, args) => {
    const [a, b] = args;
    if (a?.t !== 'str' || b?.t !== 'str') return unknown('replace');
    return str((self as { v: string }).v.split(a.v).join(b.v));
  }),
  isdigit: m((_i, self) => bool(/^\d+$/.test((self as { v: string }).v))),
  isalpha: m((_i, self) => bool(/^[a-zA-Z]+$/.test((self as { v: string }).v))),
  find: m((_i, self, args) => (args[0]?.t === 'str' ? int((self as { v: string }).v.indexOf(args[0].v)) : unknown('find'))),
  count: m((_i, self, args) => (args[0]?.t === 'str' && args[0].v ? int((self as { v: string }).v.split(args[0].v).length - 1) : unknown('count'))),
  format: m((interp, self, args, kw, loc) => str(formatString(interp, (self as { v: string }).v, args, kw, loc))),
  zfill: m((_i, self, args) => str((self as { v: string }).v.padStart(Number(toBigInt(args[0] ?? NONE) ?? 0n), '0'))),
  encode: m(() => unknown('bytes')),
};

const LIST_METHODS: Record<string, Method> = {
  append: m((_i, self, args) => {
    (self as { items: Value[] }).items.push(args[0] ?? NONE);
    return NONE;
  }),
  extend: m((interp, self, args, _kw, loc) => {
    const items = args[0] ? interp.iterList(args[0], loc) : undefined;
    if (items) (self as { items: Value[] }).items.push(...items);
    else interp.finding('warning', 'unknown-iterable', `list.extend() of an unknown value (line ${loc.sl + 1})`, loc);
    return NONE;
  }),
  insert: m((_i, self, args) => {
    const items = (self as { items: Value[] }).items;
    let i = Number(toBigInt(args[0] ?? NONE) ?? 0n);
    if (i < 0) i = Math.max(0, items.length + i);
    items.splice(i, 0, args[1] ?? NONE);
    return NONE;
  }),
  pop: m((interp, self, args, _kw, loc) => {
    const items = (self as { items: Value[] }).items;
    const i = args[0] ? Number(toBigInt(args[0]) ?? -1n) : -1;
    const j = i < 0 ? items.length + i : i;
    if (j < 0 || j >= items.length) return interp.unknownAt('pop from empty list', loc, 'index-error');
    return items.splice(j, 1)[0]!;
  }),
  remove: m((_i, self, args) => {
    const items = (self as { items: Value[] }).items;
    const j = items.findIndex((x) => pyEquals(x, args[0] ?? NONE));
    if (j >= 0) items.splice(j, 1);
    return NONE;
  }),
  index: m((interp, self, args, _kw, loc) => {
    const j = (self as { items: Value[] }).items.findIndex((x) => pyEquals(x, args[0] ?? NONE));
    return j >= 0 ? int(j) : interp.unknownAt('list.index(): not found', loc, 'value-error');
  }),
  count: m((_i, self, args) => int((self as { items: Value[] }).items.filter((x) => pyEquals(x, args[0] ?? NONE)).length)),
  copy: m((_i, self) => list((self as { items: Value[] }).items.slice())),
  reverse: m((_i, self) => {
    (self as { items: Value[] }).items.reverse();
    return NONE;
  }),
  clear: m((_i, self) => {
    (self as { items: Value[] }).items.length = 0;
    return NONE;
  }),
  sort: m((interp, self, _args, kw, loc) => {
    const s = self as { items: Value[] };
    const r = sortValues(interp, s.items.slice(), kw, loc);
    if (r.t === 'list') s.items.splice(0, s.items.length, ...r.items);
    return NONE;
  }),
};

const TUPLE_METHODS: Record<string, Method> = {
  index: LIST_METHODS.index!,
  count: LIST_METHODS.count!,
};

type DictSelf = { map: Map<string, [Value, Value]> };
const DICT_METHODS: Record<string, Method> = {
  get: m((_i, self, args) => (self as DictSelf).map.get(hashKey(args[0] ?? NONE))?.[1] ?? args[1] ?? NONE),
  items: m((_i, self) => list([...(self as DictSelf).map.values()].map(([k, v]) => tuple([k, v])))),
  keys: m((_i, self) => list([...(self as DictSelf).map.values()].map(([k]) => k))),
  values: m((_i, self) => list([...(self as DictSelf).map.values()].map(([, v]) => v))),
  pop: m((interp, self, args, _kw, loc) => {
    const d = self as DictSelf;
    const k = hashKey(args[0] ?? NONE);
    const e = d.map.get(k);
    if (e) {
      d.map.delete(k);
      return e[1];
    }
    return args[1] ?? interp.unknownAt(`key ${show(args[0] ?? NONE)} in dict.pop()`, loc, 'key-error');
  }),
  popitem: m((_i, self) => {
    const d = self as DictSelf;
    const last = [...d.map.keys()].pop();
    if (last === undefined) return unknown('popitem');
    const e = d.map.get(last)!;
    d.map.delete(last);
    return tuple([e[0], e[1]]);
  }),
  setdefault: m((_i, self, args) => {
    const d = self as DictSelf;
    const key = args[0] ?? NONE;
    const e = d.map.get(hashKey(key));
    if (e) return e[1];
    const v = args[1] ?? NONE;
    d.map.set(hashKey(key), [key, v]);
    return v;
  }),
  update: m((interp, self, args, kw, loc) => {
    const d = self as DictSelf;
    const src = args[0] ? makeDict(interp, [args[0]], kw, loc) : makeDict(interp, [], kw, loc);
    if (src.t === 'dict') for (const [k, v] of src.map) d.map.set(k, v);
    return NONE;
  }),
  copy: m((_i, self) => ({ t: 'dict', map: new Map((self as DictSelf).map) })),
  clear: m((_i, self) => {
    (self as DictSelf).map.clear();
    return NONE;
  }),
  move_to_end: m(() => NONE),
};

type SetSelf = { map: Map<string, Value> };
const SET_METHODS: Record<string, Method> = {
  add: m((_i, self, args) => {
    (self as SetSelf).map.set(hashKey(args[0] ?? NONE), args[0] ?? NONE);
    return NONE;
  }),
  discard: m((_i, self, args) => {
    (self as SetSelf).map.delete(hashKey(args[0] ?? NONE));
    return NONE;
  }),
  remove: m((_i, self, args) => {
    (self as SetSelf).map.delete(hashKey(args[0] ?? NONE));
    return NONE;
  }),
  update: m((interp, self, args, _kw, loc) => {
    for (const a of args) for (const x of interp.iterList(a, loc) ?? []) (self as SetSelf).map.set(hashKey(x), x);
    return NONE;
  }),
  union: m((interp, self, args, _kw, loc) => {
    const out = new Map((self as SetSelf).map);
    for (const a of args) for (const x of interp.iterList(a, loc) ?? []) out.set(hashKey(x), x);
    return { t: 'set', map: out };
  }),
  intersection: m((interp, self, args, _kw, loc) => {
    const other = new Set((interp.iterList(args[0] ?? NONE, loc) ?? []).map(hashKey));
    return { t: 'set', map: new Map([...(self as SetSelf).map].filter(([k]) => other.has(k))) };
  }),
  difference: m((interp, self, args, _kw, loc) => {
    const other = new Set((interp.iterList(args[0] ?? NONE, loc) ?? []).map(hashKey));
    return { t: 'set', map: new Map([...(self as SetSelf).map].filter(([k]) => !other.has(k))) };
  }),
  issubset: m((interp, self, args, _kw, loc) => {
    const other = new Set((interp.iterList(args[0] ?? NONE, loc) ?? []).map(hashKey));
    return bool([...(self as SetSelf).map.keys()].every((k) => other.has(k)));
  }),
  copy: m((_i, self) => ({ t: 'set', map: new Map((self as SetSelf).map) })),
};

const INT_METHODS: Record<string, Method> = {
  bit_length: m((_i, self) => {
    const n = toBigInt(self)!;
    return int((n < 0n ? -n : n).toString(2).replace(/^0$/, '').length);
  }),
  is_integer: m(() => TRUE),
};

const FLOAT_METHODS: Record<string, Method> = {
  is_integer: m((_i, self) => bool(Number.isInteger((self as { v: number }).v))),
};

const TABLES: Partial<Record<Value['t'], Record<string, Method>>> = {
  str: STR_METHODS,
  list: LIST_METHODS,
  tuple: TUPLE_METHODS,
  dict: DICT_METHODS,
  set: SET_METHODS,
  int: INT_METHODS,
  bool: INT_METHODS,
  float: FLOAT_METHODS,
};

function builtinMethod(interp: Interp, self: Value, name: string): Value | undefined {
  if (self.t === 'tuple' && self.cls) {
    // namedtuple fields and methods
    const fields = self.cls.dict.get('_fields');
    if (fields && fields.t === 'tuple') {
      const i = fields.items.findIndex((f) => f.t === 'str' && f.v === name);
      if (i >= 0) return self.items[i] ?? NONE;
    }
    const cv = interp.lookupClass(self.cls, name);
    if (cv) return interp.bindMethod(self, cv);
  }
  if (self.t === 'float' && (name === 'real')) return self;
  if (self.t === 'range') {
    if (name === 'start') return int(self.start);
    if (name === 'stop') return int(self.stop);
    if (name === 'step') return int(self.step);
  }
  if (self.t === 'slice') {
    if (name === 'start') return self.lo;
    if (name === 'stop') return self.hi;
    if (name === 'step') return self.step;
  }
  const table = TABLES[self.t];
  const fn = table?.[name];
  if (!fn) return undefined;
  return native(name, (args, kw, loc) => fn(interp, self, args, kw, loc));
}

function formatString(interp: Interp, fmt: string, args: Value[], kw: Kw, loc: Loc): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    let v: Value;
    const [head, ...rest] = (field ?? '').split('.');
    if (!head) v = args[auto++] ?? NONE;
    else if (/^\d+$/.test(head)) v = args[Number(head)] ?? NONE;
    else v = kw.get(head) ?? NONE;
    for (const a of rest) v = interp.getAttr(v, a, loc);
    if (conv === 'r') return repr(v);
    return spec ? formatValue(v, spec) : show(v);
  });
}

