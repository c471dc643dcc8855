/**
 * The parts of Python's standard library that model code leans on: math,
 * functools.partial, copy.deepcopy, dataclasses, typing.NamedTuple,
 * collections (OrderedDict, namedtuple, defaultdict), enum, itertools,
 * operator, abc, and a sliver of numpy. Modules are built on first import.
 */
import type { Loc } from './ast';
import { isInstance } from './builtins';
import type { Interp } from './interp';
import { compareOrder, toBigInt, toNumber } from './ops';
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
  newTensorId,
  str,
  tuple,
  unknown,
  type ClassV,
  type DictV,
  type InstV,
  type ModuleV,
  type Value,
} from './values';

type Kw = Map<string, Value>;
type Fn = (args: Value[], kw: Kw, loc: Loc) => Value;

export type ModuleFactory = (interp: Interp) => ModuleV;

function mod(name: string, entries: Record<string, Value>): ModuleV {
  return { t: 'module', name, dict: new Map(Object.entries(entries)) };
}

function fns(table: Record<string, Fn>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, f] of Object.entries(table)) out[k] = native(k, f);
  return out;
}

function numArg(interp: Interp, v: Value | undefined, loc: Loc, what: string): number | undefined {
  if (!v) return undefined;
  const n = toNumber(v);
  if (n === undefined && v.t !== 'unknown') interp.unknownAt(`${what} of ${v.t}`, loc);
  return n;
}

/** Float results that must stay finite (inf/nan become unknown with a finding). */
function finite(interp: Interp, x: number, loc: Loc, what: string): Value {
  return Number.isFinite(x) ? float(x) : interp.unknownAt(`${what}: result is not finite`, loc, 'arithmetic');
}

const mathModule: ModuleFactory = (interp) => {
  const f1 = (name: string, op: (x: number) => number): Fn => (args, _kw, loc) => {
    const x = numArg(interp, args[0], loc, `math.${name}`);
    return x === undefined ? unknown(name) : finite(interp, op(x), loc, `math.${name}`);
  };
  const toInt = (name: string, op: (x: number) => number): Fn => (args, _kw, loc) => {
    const v = args[0];
    if (v && (v.t === 'int' || v.t === 'bool')) return int(toBigInt(v)!);
    const x = numArg(interp, v, loc, `math.${name}`);
    if (x === undefined) return unknown(name);
    if (!Number.isFinite(x)) return interp.unknownAt(`math.${name} of inf/nan`, loc, 'arithmetic');
    return int(BigInt(op(x)));
  };
  return mod('math', {
    pi: float(Math.PI),
    e: float(Math.E),
    tau: float(2 * Math.PI),
    inf: float(Infinity),
    nan: float(NaN),
    ...fns({
      sqrt: f1('sqrt', Math.sqrt),
      exp: f1('exp', Math.exp),
      log2: f1('log2', Math.log2),
      log10: f1('log10', Math.log10),
      sin: f1('sin', Math.sin),
      cos: f1('cos', Math.cos),
      tan: f1('tan', Math.tan),
      tanh: f1('tanh', Math.tanh),
      atan: f1('atan', Math.atan),
      fabs: f1('fabs', Math.abs),
      ceil: toInt('ceil', Math.ceil),
      floor: toInt('floor', Math.floor),
      trunc: toInt('trunc', Math.trunc),
      log: (args, _kw, loc) => {
        const x = numArg(interp, args[0], loc, 'math.log');
        const b = args[1] ? numArg(interp, args[1], loc, 'math.log') : Math.E;
        if (x === undefined || b === undefined) return unknown('log');
        return finite(interp, Math.log(x) / Math.log(b), loc, 'math.log');
      },
      pow: (args, _kw, loc) => {
        const x = numArg(interp, args[0], loc, 'math.pow');
        const y = numArg(interp, args[1], loc, 'math.pow');
        return x === undefined || y === undefined ? unknown('pow') : finite(interp, x ** y, loc, 'math.pow');
      },
      isqrt: (args) => {
        const n = toBigInt(args[0] ?? NONE);
        if (n === undefined || n < 0n) return unknown('isqrt');
        let x = BigInt(Math.floor(Math.sqrt(Number(n))));
        while (x * x > n) x--;
        while ((x + 1n) * (x + 1n) <= n) x++;
        return int(x);
      },
      gcd: (args) => {
        let [a, b] = args.map((x) => toBigInt(x) ?? 0n) as [bigint, bigint];
        a = a < 0n ? -a : a;
        b = b < 0n ? -b : b;
        while (b) [a, b] = [b, a % b];
        return int(a);
      },
      prod: (args, kw, loc) => {
        const items = args[0] ? interp.iterList(args[0], loc) : undefined;
        if (!items) return unknown('prod');
        let acc: Value = kw.get('start') ?? int(1n);
        for (const x of items) acc = interp.binary('*', acc, x, loc);
        return acc;
      },
      isfinite: (args) => bool(Number.isFinite(toNumber(args[0] ?? NONE) ?? NaN)),
      isnan: (args) => bool(Number.isNaN(toNumber(args[0] ?? NONE) ?? 0)),
      isclose: (args) => {
        const a = toNumber(args[0] ?? NONE);
        const b = toNumber(args[1] ?? NONE);
        return a === undefined || b === undefined ? unknown('isclose') : bool(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
      },
    }),
  });
};

/** functools.partial: a native that prepends its frozen arguments. */
function partial(interp: Interp, fn: Value, pargs: Value[], pkw: Kw): Value {
  const p = native(`partial(${fn.t === 'class' || fn.t === 'func' || fn.t === 'native' ? fn.name : 'fn'})`, (args, kw, loc) => {
    const merged = new Map(pkw);
    for (const [k, v] of kw) merged.set(k, v);
    return interp.call(fn, [...pargs, ...args], merged, loc);
  });
  (p as unknown as { partialOf: Value }).partialOf = fn;
  return p;
}

const identityDecorator: Fn = (args) => {
  const f = args[0];
  if (f && (f.t === 'func' || f.t === 'class' || f.t === 'native' || f.t === 'bound')) return f;
  return native('decorator', (a) => a[0] ?? NONE);
};

const functoolsModule: ModuleFactory = (interp) =>
  mod('functools', {
    ...fns({
      partial: (args, kw) => partial(interp, args[0] ?? NONE, args.slice(1), kw),
      reduce: (args, _kw, loc) => {
        const items = args[1] ? interp.iterList(args[1], loc) : undefined;
        if (!items) return unknown('reduce');
        let acc = args[2] ?? items[0] ?? NONE;
        for (const x of args[2] ? items : items.slice(1)) acc = interp.call(args[0] ?? NONE, [acc, x], new Map(), loc);
        return acc;
      },
      lru_cache: identityDecorator,
      cache: identityDecorator,
      wraps: () => native('wraps', (a) => a[0] ?? NONE),
      cached_property: (args) => ({ t: 'property', fget: args[0] ?? NONE }),
      total_ordering: identityDecorator,
    }),
  });

/** copy.deepcopy: new containers, instances and tensors (new identities), memoised like Python's. */
export function deepcopy(interp: Interp, v: Value, memo = new Map<Value, Value>()): Value {
  const seen = memo.get(v);
  if (seen) return seen;
  const copy = (x: Value): Value => deepcopy(interp, x, memo);
  switch (v.t) {
    case 'list': {
      const out = list([]);
      memo.set(v, out);
      out.items = v.items.map(copy);
      return out;
    }
    case 'tuple': {
      const out = { t: 'tuple' as const, items: v.items.map(copy), cls: v.cls };
      memo.set(v, out);
      return out;
    }
    case 'dict': {
      const out: DictV = { t: 'dict', map: new Map(), ordered: v.ordered };
      memo.set(v, out);
      for (const [k, [kk, vv]] of v.map) out.map.set(k, [kk, copy(vv)]);
      return out;
    }
    case 'set':
      return { t: 'set', map: new Map(v.map) };
    case 'tensor': {
      const out = { ...v, id: newTensorId() };
      memo.set(v, out);
      return out;
    }
    case 'inst': {
      const out: InstV = { t: 'inst', cls: v.cls, dict: new Map() };
      memo.set(v, out);
      for (const [k, x] of v.dict) out.dict.set(k, copy(x));
      for (const c of v.cls.mro) {
        if (c.native?.deepcopy) {
          c.native.deepcopy(v, out, copy);
          break;
        }
      }
      return out;
    }
    default:
      return v;
  }
}

function shallowCopy(v: Value): Value {
  switch (v.t) {
    case 'list':
      return list(v.items.slice());
    case 'dict':
      return { t: 'dict', map: new Map(v.map), ordered: v.ordered };
    case 'set':
      return { t: 'set', map: new Map(v.map) };
    case 'inst':
      return { t: 'inst', cls: v.cls, dict: new Map(v.dict), native: v.native };
    default:
      return v;
  }
}

const copyModule: ModuleFactory = (interp) =>
  mod('copy', fns({ deepcopy: (args) => deepcopy(interp, args[0] ?? NONE), copy: (args) => shallowCopy(args[0] ?? NONE) }));

// ------------------------------------------------------------------ dataclasses

const FIELD_KIND = 'dataclass-field';

function annotationsOf(cls: ClassV): string[] {
  const out: string[] = [];
  for (const c of [...cls.mro].reverse()) {
    const ann = c.dict.get('__annotations__');
    if (ann && ann.t === 'dict') {
      for (const [k] of ann.map.values()) if (k.t === 'str' && !out.includes(k.v)) out.push(k.v);
    }
  }
  return out;
}

function makeDataclass(interp: Interp, cls: ClassV): ClassV {
  const fields = annotationsOf(cls);
  const defaults = new Map<string, Value>();
  for (const name of fields) {
    const d = interp.lookupClass(cls, name);
    if (d !== undefined) defaults.set(name, d);
  }
  const fieldsTuple = tuple(fields.map((f) => str(f)));
  cls.dict.set('__dataclass_fields__', fieldsTuple);
  // Field markers on the class would shadow instance attributes of the same name.
  for (const name of fields) {
    const d = cls.dict.get(name);
    if (d && d.t === 'opaque' && d.kind === FIELD_KIND) {
      const dv = d.attrs?.get('default');
      if (dv) cls.dict.set(name, dv);
      else cls.dict.delete(name);
    }
  }
  if (cls.dict.has('__init__') && cls.def?.body.some((s) => s.k === 'def' && s.fn.name === '__init__')) return cls;
  cls.dict.set(
    '__init__',
    native(
      '__init__',
      (args, kw, loc) => {
        const self = args[0];
        if (!self || self.t !== 'inst') return NONE;
        let i = 1;
        for (const name of fields) {
          let v: Value | undefined;
          if (i < args.length) v = args[i++];
          else if (kw.has(name)) v = kw.get(name);
          else {
            const d = defaults.get(name);
            if (d && d.t === 'opaque' && d.kind === FIELD_KIND) {
              const factory = d.attrs?.get('default_factory');
              v = factory ? interp.call(factory, [], new Map(), loc) : d.attrs?.get('default');
            } else v = d;
          }
          if (v === undefined) {
            interp.finding('warning', 'missing-argument', `${cls.name}() is missing field '${name}' (line ${loc.sl + 1})`, loc);
            v = unknown(name);
          }
          self.dict.set(name, v);
        }
        const post = interp.lookupClass(cls, '__post_init__');
        if (post) interp.call(interp.bindMethod(self, post), [], new Map(), loc);
        return NONE;
      },
      true,
    ),
  );
  return cls;
}

const dataclassesModule: ModuleFactory = (interp) => {
  const dataclass: Fn = (args) => {
    const c = args[0];
    if (c && c.t === 'class') return makeDataclass(interp, c);
    return native('dataclass', (a) => (a[0]?.t === 'class' ? makeDataclass(interp, a[0]) : a[0] ?? NONE));
  };
  const asdict: Fn = (args) => {
    const o = args[0];
    if (o?.t !== 'inst') return unknown('asdict');
    const fields = annotationsOf(o.cls);
    return dict(fields.map((f) => [str(f), o.dict.get(f) ?? NONE]));
  };
  return mod(
    'dataclasses',
    fns({
      dataclass,
      field: (_args, kw) => ({ t: 'opaque', kind: FIELD_KIND, name: 'field', attrs: new Map(kw) }),
      asdict,
      astuple: (args) => {
        const d = asdict(args, new Map(), { sl: 0, sc: 0, el: 0, ec: 0 });
        return d.t === 'dict' ? tuple([...d.map.values()].map(([, v]) => v)) : d;
      },
      fields: (args) => {
        const o = args[0];
        const cls = o?.t === 'inst' ? o.cls : o?.t === 'class' ? o : undefined;
        if (!cls) return unknown('fields');
        return tuple(annotationsOf(cls).map((n) => ({ t: 'opaque', kind: 'Field', name: n, attrs: new Map<string, Value>([['name', str(n)]]) })));
      },
      replace: (args, kw, loc) => {
        const o = args[0];
        if (o?.t !== 'inst') return unknown('replace');
        const merged = new Map<string, Value>();
        for (const f of annotationsOf(o.cls)) merged.set(f, o.dict.get(f) ?? NONE);
        for (const [k, v] of kw) merged.set(k, v);
        return interp.call(o.cls, [], merged, loc);
      },
      is_dataclass: (args) => {
        const o = args[0];
        const cls = o?.t === 'inst' ? o.cls : o?.t === 'class' ? o : undefined;
        return bool(!!cls && interp.lookupClass(cls, '__dataclass_fields__') !== undefined);
      },
    }),
  );
};

// ------------------------------------------------------------------ namedtuples

function makeTupleClass(interp: Interp, name: string, fields: string[], defaults: Map<string, Value>, base?: ClassV): ClassV {
  const cls = interp.makeClass(name, [base ?? (interp.builtins.get('tuple') as ClassV)], new Map(), 'collections');
  cls.dict.set('_fields', tuple(fields.map((f) => str(f))));
  const construct = (c: ClassV, args: Value[], kw: Kw, loc: Loc): Value => {
    const items = fields.map((f, i) => {
      const v = args[i] ?? kw.get(f) ?? defaults.get(f);
      if (v === undefined) {
        interp.finding('warning', 'missing-argument', `${name}() is missing field '${f}' (line ${loc.sl + 1})`, loc);
        return unknown(f);
      }
      return v;
    });
    return { t: 'tuple', items, cls: c };
  };
  cls.native = { construct, isInstance: (v) => v.t === 'tuple' && !!v.cls && (v.cls === cls || v.cls.mro.includes(cls)) };
  cls.dict.set(
    '_replace',
    native(
      '_replace',
      (args, kw) => {
        const self = args[0];
        if (self?.t !== 'tuple') return unknown('_replace');
        const items = self.items.slice();
        for (const [k, v] of kw) {
          const i = fields.indexOf(k);
          if (i >= 0) items[i] = v;
        }
        return { t: 'tuple', items, cls: self.cls };
      },
      true,
    ),
  );
  cls.dict.set(
    '_asdict',
    native('_asdict', (args) => (args[0]?.t === 'tuple' ? dict(fields.map((f, i) => [str(f), (args[0] as { items: Value[] }).items[i] ?? NONE])) : unknown('_asdict')), true),
  );
  return cls;
}

/** `class Cfg(NamedTuple): a: int = 1`: fields from the annotations, defaults from the body. */
function namedTupleBase(interp: Interp): ClassV {
  const base = interp.makeClass('NamedTuple', [interp.builtins.get('tuple') as ClassV], new Map(), 'typing');
  base.dict.set(
    '__class_created__',
    native('__class_created__', (args) => {
      const cls = args[0];
      if (cls?.t !== 'class') return NONE;
      const fields = annotationsOf(cls);
      const defaults = new Map<string, Value>();
      for (const f of fields) {
        const d = cls.dict.get(f);
        if (d !== undefined) defaults.set(f, d);
      }
      const made = makeTupleClass(interp, cls.name, fields, defaults);
      cls.native = made.native;
      cls.dict.set('_fields', made.dict.get('_fields')!);
      cls.dict.set('_replace', made.dict.get('_replace')!);
      cls.dict.set('_asdict', made.dict.get('_asdict')!);
      for (const f of fields) cls.dict.delete(f);
      const construct = made.native!.construct!;
      cls.native = { ...made.native, construct: (_c, a, kw, loc) => construct(cls, a, kw, loc), isInstance: (v) => v.t === 'tuple' && v.cls === cls };
      return NONE;
    }),
  );
  return base;
}

const typingModule: ModuleFactory = (interp) => {
  const alias = (name: string): Value => ({ t: 'opaque', kind: 'typing', name });
  const out: Record<string, Value> = {};
  for (const n of ['Optional', 'List', 'Dict', 'Tuple', 'Any', 'Union', 'Callable', 'Sequence', 'Type', 'Literal', 'Iterable', 'Iterator', 'Mapping', 'ClassVar', 'Final', 'Set', 'FrozenSet', 'Annotated', 'MutableMapping']) {
    out[n] = alias(n);
  }
  out.NamedTuple = namedTupleBase(interp);
  out.TYPE_CHECKING = FALSE;
  out.Protocol = interp.makeClass('Protocol', [interp.objectClass], new Map(), 'typing');
  out.Generic = interp.makeClass('Generic', [interp.objectClass], new Map(), 'typing');
  Object.assign(
    out,
    fns({
      TypeVar: (args) => alias(args[0]?.t === 'str' ? args[0].v : 'T'),
      cast: (args) => args[1] ?? NONE,
      overload: identityDecorator,
      final: identityDecorator,
      no_type_check: identityDecorator,
    }),
  );
  return mod('typing', out);
};

const collectionsModule: ModuleFactory = (interp) => {
  const dictC = interp.builtins.get('dict') as ClassV;
  const ordered = interp.makeClass('OrderedDict', [dictC], new Map(), 'collections');
  ordered.native = {
    construct: (_c, args, kw, loc) => {
      const d = interp.call(dictC, args, kw, loc);
      if (d.t === 'dict') d.ordered = true;
      return d;
    },
    isInstance: (v) => v.t === 'dict' && !!v.ordered,
  };
  const defaultdict = interp.makeClass('defaultdict', [dictC], new Map(), 'collections');
  defaultdict.native = {
    construct: (_c, args, _kw, loc) => {
      const d = args[1] ? interp.call(dictC, [args[1]], new Map(), loc) : dict();
      if (d.t === 'dict' && args[0] && args[0].t !== 'none') (d as { missing?: Value }).missing = args[0];
      return d;
    },
  };
  const counter = interp.makeClass('Counter', [dictC], new Map(), 'collections');
  counter.native = {
    construct: (_c, args, _kw, loc) => {
      const d = dict();
      for (const x of (args[0] ? interp.iterList(args[0], loc) : []) ?? []) {
        const e = d.map.get(hashKey(x));
        d.map.set(hashKey(x), [x, int((e ? toBigInt(e[1])! : 0n) + 1n)]);
      }
      return d;
    },
  };
  const deque = interp.makeClass('deque', [interp.builtins.get('list') as ClassV], new Map(), 'collections');
  deque.native = { construct: (_c, args, _kw, loc) => list((args[0] ? interp.iterList(args[0], loc) : []) ?? []) };
  return mod('collections', {
    OrderedDict: ordered,
    defaultdict,
    Counter: counter,
    deque,
    namedtuple: native('namedtuple', (args, kw, loc) => {
      const name = args[0]?.t === 'str' ? args[0].v : 'namedtuple';
      const spec = args[1] ?? kw.get('field_names');
      let fields: string[] = [];
      if (spec?.t === 'str') fields = spec.v.replace(/,/g, ' ').split(/\s+/).filter((x) => x);
      else if (spec) fields = (interp.iterList(spec, loc) ?? []).flatMap((x) => (x.t === 'str' ? [x.v] : []));
      const defaults = new Map<string, Value>();
      const dv = kw.get('defaults');
      const ds = dv ? interp.iterList(dv, loc) ?? [] : [];
      ds.forEach((d, i) => defaults.set(fields[fields.length - ds.length + i]!, d));
      return makeTupleClass(interp, name, fields, defaults);
    }),
  });
};

const enumModule: ModuleFactory = (interp) => {
  const enumBase = interp.makeClass('Enum', [interp.objectClass], new Map(), 'enum');
  let autoCounter = 0n;
  enumBase.dict.set(
    '__class_created__',
    native('__class_created__', (args) => {
      const cls = args[0];
      if (cls?.t !== 'class') return NONE;
      let n = 0n;
      const members: Value[] = [];
      for (const [k, v] of [...cls.dict]) {
        if (k.startsWith('_') || v.t === 'func' || v.t === 'native' || v.t === 'property' || v.t === 'staticmethod' || v.t === 'classmethod') continue;
        const value = v.t === 'opaque' && v.kind === 'enum-auto' ? int(++n) : v;
        const inst: InstV = { t: 'inst', cls, dict: new Map<string, Value>([['name', str(k)], ['value', value]]) };
        cls.dict.set(k, inst);
        members.push(inst);
      }
      cls.native = {
        construct: (_c, a, _kw, loc) => {
          const m = members.find((x) => x.t === 'inst' && compareOrder(x.dict.get('value')!, a[0] ?? NONE) === 0);
          return m ?? interp.unknownAt(`${cls.name}(${a[0] ? a[0].t : ''})`, loc, 'value-error');
        },
      };
      cls.dict.set('__members__', list(members));
      cls.dict.set('__iter__', native('__iter__', () => list(members)));
      return NONE;
    }),
  );
  const intEnum = interp.makeClass('IntEnum', [enumBase], new Map(), 'enum');
  return mod('enum', {
    Enum: enumBase,
    IntEnum: intEnum,
    StrEnum: interp.makeClass('StrEnum', [enumBase], new Map(), 'enum'),
    auto: native('auto', () => ({ t: 'opaque', kind: 'enum-auto', name: `auto${++autoCounter}` })),
  });
};

const itertoolsModule: ModuleFactory = (interp) =>
  mod(
    'itertools',
    fns({
      chain: (args, _kw, loc) => {
        const out: Value[] = [];
        for (const a of args) {
          const items = interp.iterList(a, loc);
          if (!items) return unknown('chain');
          out.push(...items);
        }
        return list(out);
      },
      product: (args, kw, loc) => {
        const lists = args.map((a) => interp.iterList(a, loc));
        if (lists.some((l) => !l)) return unknown('product');
        const rep = Number(toBigInt(kw.get('repeat') ?? int(1n)) ?? 1n);
        const pools = Array.from({ length: rep }, () => lists as Value[][]).flat();
        let out: Value[][] = [[]];
        for (const pool of pools) {
          out = out.flatMap((p) => pool.map((x) => [...p, x]));
          if (out.length > 1_000_000) return unknown('product');
        }
        return list(out.map((p) => tuple(p)));
      },
      repeat: (args) => {
        const n = toBigInt(args[1] ?? NONE);
        if (n === undefined || n > 1_000_000n) return unknown('repeat');
        return list(Array.from({ length: Number(n) }, () => args[0] ?? NONE));
      },
      accumulate: (args, _kw, loc) => {
        const items = args[0] ? interp.iterList(args[0], loc) : undefined;
        if (!items) return unknown('accumulate');
        const out: Value[] = [];
        let acc: Value | undefined;
        for (const x of items) {
          acc = acc === undefined ? x : args[1] ? interp.call(args[1], [acc, x], new Map(), loc) : interp.binary('+', acc, x, loc);
          out.push(acc);
        }
        return list(out);
      },
      islice: (args, _kw, loc) => {
        const items = args[0] ? interp.iterList(args[0], loc) : undefined;
        if (!items) return unknown('islice');
        const [a, b] = args.length === 2 ? [0, Number(toBigInt(args[1]!) ?? 0n)] : [Number(toBigInt(args[1] ?? NONE) ?? 0n), Number(toBigInt(args[2] ?? NONE) ?? items.length)];
        return list(items.slice(a, b));
      },
      pairwise: (args, _kw, loc) => {
        const items = args[0] ? interp.iterList(args[0], loc) : undefined;
        if (!items) return unknown('pairwise');
        return list(items.slice(1).map((x, i) => tuple([items[i]!, x])));
      },
    }),
  );

const operatorModule: ModuleFactory = (interp) => {
  const op2 = (o: string): Fn => (args, _kw, loc) => interp.binary(o, args[0] ?? NONE, args[1] ?? NONE, loc);
  return mod(
    'operator',
    fns({
      mul: op2('*'),
      add: op2('+'),
      sub: op2('-'),
      truediv: op2('/'),
      floordiv: op2('//'),
      itemgetter: (args) => native('itemgetter', (a, _kw, loc) => interp.getItem(a[0] ?? NONE, args[0] ?? NONE, loc)),
      attrgetter: (args) => native('attrgetter', (a, _kw, loc) => (args[0]?.t === 'str' ? interp.getAttr(a[0] ?? NONE, args[0].v, loc) : unknown('attrgetter'))),
    }),
  );
};

const abcModule: ModuleFactory = (interp) =>
  mod('abc', {
    ABC: interp.makeClass('ABC', [interp.objectClass], new Map(), 'abc'),
    ABCMeta: interp.makeClass('ABCMeta', [interp.objectClass], new Map(), 'abc'),
    ...fns({ abstractmethod: identityDecorator }),
  });

/** numpy: only what sizes are computed with (np.prod(shape), np.sqrt ...). */
const numpyModule: ModuleFactory = (interp) => {
  const math = mathModule(interp);
  const m = mod('numpy', {
    pi: math.dict.get('pi')!,
    e: math.dict.get('e')!,
    inf: math.dict.get('inf')!,
    prod: math.dict.get('prod')!,
    sqrt: math.dict.get('sqrt')!,
    log: math.dict.get('log')!,
    log2: math.dict.get('log2')!,
    exp: math.dict.get('exp')!,
    ceil: native('ceil', (a, kw, loc) => interp.call(math.dict.get('ceil')!, a, kw, loc)),
    floor: native('floor', (a, kw, loc) => interp.call(math.dict.get('floor')!, a, kw, loc)),
    ...fns({
      linspace: (args) => {
        const a = toNumber(args[0] ?? NONE);
        const b = toNumber(args[1] ?? NONE);
        const n = Number(toBigInt(args[2] ?? int(50n)) ?? 50n);
        if (a === undefined || b === undefined || n > 1_000_000) return unknown('linspace');
        return list(Array.from({ length: n }, (_x, i) => float(n === 1 ? a : a + ((b - a) * i) / (n - 1))));
      },
    }),
  });
  m.unknownLib = 'numpy';
  return m;
};

/** Standard modules whose values do not matter for model sizes: reads give quiet unknowns. */
const QUIET = ['os', 'os.path', 'sys', 'time', 'random', 'warnings', 'logging', 'json', 'pathlib', 'argparse', 're', 'inspect', 'types', 'contextlib', 'numbers', 'gc', 'pickle', 'io', 'datetime', 'string', 'shutil', 'glob', 'tempfile', 'traceback', 'platform', 'subprocess', 'uuid', 'hashlib', 'csv', 'textwrap', 'pprint', 'weakref', 'threading', 'multiprocessing', 'collections.abc', 'importlib', 'builtins', 'signal', 'socket', 'queue', 'heapq', 'bisect', 'statistics', 'fractions', 'decimal', 'struct', 'zipfile', 'tarfile', 'urllib', 'base64'];

export function stdlibModules(): Map<string, ModuleFactory> {
  const m = new Map<string, ModuleFactory>([
    ['math', mathModule],
    ['functools', functoolsModule],
    ['copy', copyModule],
    ['dataclasses', dataclassesModule],
    ['typing', typingModule],
    ['typing_extensions', typingModule],
    ['collections', collectionsModule],
    ['enum', enumModule],
    ['itertools', itertoolsModule],
    ['operator', operatorModule],
    ['abc', abcModule],
    ['numpy', numpyModule],
  ]);
  for (const q of QUIET) {
    m.set(q, () => {
      const v: ModuleV = { t: 'module', name: q, dict: new Map(), unknownLib: q };
      if (q === 'sys') v.dict.set('maxsize', int(9223372036854775807n));
      return v;
    });
  }
  return m;
}

export { TRUE, isInstance };
