/**
 * torch.nn.Module semantics over the interpreter: attribute assignment
 * registers submodules, parameters and buffers (in torch's order and with its
 * precedence), containers (Sequential, ModuleList, ModuleDict, ParameterList,
 * ParameterDict), nn.Parameter, freezing, weight tying (a shared tensor is one
 * object), deepcopy, and `__call__`, which runs `forward` under the trace.
 * Catalog rows (LayerSpec) become classes whose __init__ binds the arguments
 * and registers the row's weights.
 */
import type { Loc } from '../../python/ast';
import { isSubclass } from '../../python/builtins';
import { toBigInt } from '../../python/ops';
import {
  NONE,
  TRUE,
  bool,
  int,
  list,
  native,
  str,
  truthy,
  tuple,
  unknown,
  type ClassV,
  type InstV,
  type TensorV,
  type Value,
} from '../../python/values';
import { LayerError, type Args, type LayerSpec, type OutTree } from '../layerSpec';
import { argToValue, bindLayerArgs } from '../argValues';
import { saveNew } from '../layerStats';
import { bindArgs, signatureParams } from './catalog/signature';
import type { ModuleState, TorchRuntime } from './runtime';
import { sequenceFirstCall } from './sequenceLayout';
import { Trace } from './trace';

type Kw = Map<string, Value>;

function newState(loc: Loc, file?: string): ModuleState {
  return { modules: new Map(), params: new Map(), buffers: new Map(), training: true, loc, file };
}

export interface NnClasses {
  Module: ClassV;
  Parameter: ClassV;
  Sequential: ClassV;
  ModuleList: ClassV;
  ModuleDict: ClassV;
  ParameterList: ClassV;
  ParameterDict: ClassV;
  layers: Map<string, ClassV>;
}

export function buildNn(rt: TorchRuntime, rows: LayerSpec[]): NnClasses {
  const interp = rt.interp;
  const object = interp.objectClass;
  const method = (name: string, fn: (self: InstV, args: Value[], kw: Kw, loc: Loc) => Value): Value =>
    native(
      name,
      (args, kw, loc) => {
        const self = args[0];
        if (!self || self.t !== 'inst') return unknown(name);
        return fn(self, args.slice(1), kw, loc);
      },
      true,
    );
  const st = (m: InstV): ModuleState => {
    let s = rt.state(m);
    if (!s) {
      s = newState(interp.lastLoc, interp.file);
      m.native = s;
    }
    return s;
  };

  // ---------------------------------------------------------------- Module
  const Module = interp.makeClass('Module', [object], new Map(), 'torch.nn');
  Module.builtin = 'Module';
  rt.moduleClass = Module;

  const register = (self: InstV, name: string, v: Value, loc: Loc): boolean => {
    const s = st(self);
    if (v.t === 'tensor' && v.param) {
      s.modules.delete(name);
      s.buffers.delete(name);
      self.dict.delete(name);
      s.params.set(name, v);
      return true;
    }
    if (rt.foreign?.isForeign(v)) {
      // Keeps its place in registration order: a null module entry marks it.
      s.foreign ??= new Map();
      s.foreign.set(name, v);
      s.modules.set(name, null);
      self.dict.delete(name);
      return true;
    }
    if (rt.isModule(v)) {
      s.params.delete(name);
      s.buffers.delete(name);
      s.foreign?.delete(name);
      self.dict.delete(name);
      s.modules.set(name, v);
      return true;
    }
    if (s.params.has(name) && (v.t === 'none' || v.t === 'tensor')) {
      s.params.set(name, v.t === 'none' ? null : v);
      return true;
    }
    if (s.modules.has(name) && v.t === 'none') {
      s.modules.set(name, null);
      return true;
    }
    if (s.buffers.has(name) && (v.t === 'none' || v.t === 'tensor')) {
      s.buffers.set(name, v.t === 'none' ? null : v);
      return true;
    }
    if (v.t === 'unknown' && name !== 'training') {
      interp.finding('warning', 'unknown-submodule', `self.${name} of ${self.cls.name} could not be evaluated (${v.why}); its parameters are not counted (line ${loc.sl + 1})`, loc);
    }
    return false;
  };

  Module.native = {
    create: (cls, loc, file) => {
      const inst: InstV = { t: 'inst', cls, dict: new Map(), native: newState(loc, file) };
      if (rt.captureFirst && !rt.firstCreated) rt.firstCreated = inst;
      return inst;
    },
    getattr: (self, name) => {
      const s = rt.state(self);
      if (!s) return undefined;
      if (s.params.has(name)) return s.params.get(name) ?? NONE;
      if (s.buffers.has(name)) return s.buffers.get(name) ?? NONE;
      const f = s.foreign?.get(name);
      if (f) return f;
      if (s.modules.has(name)) return s.modules.get(name) ?? NONE;
      if (name === 'training') return bool(s.training);
      return undefined;
    },
    setattr: (self, name, v, loc) => {
      if (name === 'training') {
        const t = truthy(v);
        if (t !== undefined) st(self).training = t;
        return true;
      }
      return register(self, name, v, loc);
    },
    delattr: (self, name) => {
      const s = rt.state(self);
      if (!s) return false;
      return s.params.delete(name) || s.buffers.delete(name) || s.modules.delete(name);
    },
    deepcopy: (self, into, copy) => {
      const s = rt.state(self);
      if (!s) return;
      const n = newState(s.loc, s.file);
      n.training = s.training;
      n.spec = s.spec;
      n.args = s.args;
      n.lazy = s.lazy;
      n.materialisedType = s.materialisedType;
      n.linearDims = s.linearDims;
      n.broken = s.broken;
      for (const [k, v] of s.modules) n.modules.set(k, v ? (copy(v) as InstV) : null);
      for (const [k, v] of s.params) n.params.set(k, v ? (copy(v) as TensorV) : null);
      for (const [k, v] of s.buffers) n.buffers.set(k, v ? (copy(v) as TensorV) : null);
      if (s.foreign) n.foreign = new Map(s.foreign);
      into.native = n;
    },
  };

  /** named_modules() order: self, then children depth-first; each module once. */
  const namedModules = (root: InstV, prefix = '', seen = new Set<InstV>()): Array<[string, InstV]> => {
    if (seen.has(root)) return [];
    seen.add(root);
    const out: Array<[string, InstV]> = [[prefix, root]];
    const s = rt.state(root);
    if (!s) return out;
    for (const [k, m] of s.modules) if (m) out.push(...namedModules(m, prefix ? `${prefix}.${k}` : k, seen));
    return out;
  };
  const namedTensors = (root: InstV, kind: 'params' | 'buffers', recurse: boolean): Array<[string, TensorV]> => {
    const seen = new Set<TensorV>();
    const out: Array<[string, TensorV]> = [];
    const mods = recurse ? rt.namedModules(root) : ([['', root]] as Array<[string, InstV]>);
    for (const [path, m] of mods) {
      const s = rt.state(m);
      if (!s) continue;
      for (const [k, t] of s[kind]) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${k}` : k, t]);
      }
    }
    return out;
  };
  rt.namedModules = (root) => {
    const memo = rt.namedMemo;
    if (!memo) return namedModules(root);
    let hit = memo.get(root);
    if (!hit) {
      hit = namedModules(root);
      memo.set(root, hit);
    }
    return hit;
  };
  rt.namedTensors = namedTensors;

  const recurseArg = (args: Value[], kw: Kw, i: number): boolean => truthy(args[i] ?? kw.get('recurse') ?? TRUE) !== false;
  const M = Module.dict;
  M.set('__init__', method('__init__', (self) => (st(self), NONE)));
  // A module without forward: chain its layers in registration order, as a Sequential would.
  M.set(
    'forward',
    method('forward', (self, args, _k, loc) => {
      const children = [...st(self).modules.values()].filter((m): m is InstV => !!m);
      if (!children.length || !args.length) return interp.unknownAt(`forward of ${self.cls.name} (not defined)`, loc, 'no-forward');
      interp.finding('info', 'no-forward', `${self.cls.name} defines no forward: its layers are run in registration order`, st(self).loc);
      let x: Value = args[0]!;
      for (const c of children) {
        const inner = c.cls.name === 'ModuleList' || c.cls.name === 'ModuleDict' ? [...st(c).modules.values()].filter((m): m is InstV => !!m) : [c];
        for (const m of inner) x = interp.call(m, [x], new Map(), loc);
      }
      return x;
    }),
  );
  M.set('__call__', method('__call__', (self, args, kw, loc) => callModule(rt, self, args, kw, loc)));
  M.set('add_module', method('add_module', (self, args, _kw, loc) => (args[0]?.t === 'str' && args[1] ? register(self, args[0].v, args[1], loc) || st(self).modules.set(args[0].v, null) : 0, NONE)));
  M.set('register_module', M.get('add_module')!);
  M.set(
    'register_parameter',
    method('register_parameter', (self, args) => {
      const name = args[0];
      const p = args[1] ?? NONE;
      if (name?.t !== 'str') return NONE;
      st(self).params.set(name.v, p.t === 'tensor' ? p : null);
      self.dict.delete(name.v);
      return NONE;
    }),
  );
  M.set(
    'register_buffer',
    method('register_buffer', (self, args, kw) => {
      const name = args[0];
      const t = args[1] ?? kw.get('tensor') ?? NONE;
      if (name?.t !== 'str') return NONE;
      st(self).buffers.set(name.v, t.t === 'tensor' ? { ...t, param: false, requiresGrad: false } : null);
      self.dict.delete(name.v);
      return NONE;
    }),
  );
  M.set('parameters', method('parameters', (self, args, kw) => list(namedTensors(self, 'params', recurseArg(args, kw, 0)).map(([, t]) => t))));
  M.set('named_parameters', method('named_parameters', (self, args, kw) => list(namedTensors(self, 'params', recurseArg(args, kw, 1)).map(([n, t]) => tuple([str(n), t])))));
  M.set('buffers', method('buffers', (self, args, kw) => list(namedTensors(self, 'buffers', recurseArg(args, kw, 0)).map(([, t]) => t))));
  M.set('named_buffers', method('named_buffers', (self, args, kw) => list(namedTensors(self, 'buffers', recurseArg(args, kw, 1)).map(([n, t]) => tuple([str(n), t])))));
  M.set('children', method('children', (self) => list([...st(self).modules.values()].filter((m): m is InstV => !!m))));
  M.set('named_children', method('named_children', (self) => list([...st(self).modules].filter(([, m]) => m).map(([k, m]) => tuple([str(k), m!])))));
  M.set('modules', method('modules', (self) => list(namedModules(self).map(([, m]) => m))));
  M.set('named_modules', method('named_modules', (self) => list(namedModules(self).map(([n, m]) => tuple([str(n), m])))));
  M.set(
    'apply',
    method('apply', (self, args, _kw, loc) => {
      const fn = args[0] ?? NONE;
      const visit = (m: InstV, seen: Set<InstV>): void => {
        if (seen.has(m)) return;
        seen.add(m);
        for (const c of st(m).modules.values()) if (c) visit(c, seen);
        interp.call(fn, [m], new Map(), loc);
      };
      visit(self, new Set());
      return self;
    }),
  );
  M.set(
    'requires_grad_',
    method('requires_grad_', (self, args, kw) => {
      const flag = truthy(args[0] ?? kw.get('requires_grad') ?? TRUE) !== false;
      for (const [, t] of namedTensors(self, 'params', true)) t.requiresGrad = flag;
      return self;
    }),
  );
  M.set(
    'train',
    method('train', (self, args) => {
      const mode = truthy(args[0] ?? TRUE) !== false;
      for (const [, m] of namedModules(self)) st(m).training = mode;
      return self;
    }),
  );
  M.set(
    'eval',
    method('eval', (self) => {
      for (const [, m] of namedModules(self)) st(m).training = false;
      return self;
    }),
  );
  for (const name of ['to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'type', 'share_memory', 'to_empty']) {
    M.set(name, method(name, (self) => self));
  }
  for (const name of ['zero_grad', 'register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook', 'register_backward_hook', 'load_state_dict', 'reset_parameters', '_init_weights', 'extra_repr']) {
    if (name === 'reset_parameters' || name === '_init_weights') continue;
    M.set(name, method(name, () => NONE));
  }
  M.set('state_dict', method('state_dict', () => unknown('state_dict')));
  M.set(
    'get_submodule',
    method('get_submodule', (self, args, _kw, loc) => {
      if (args[0]?.t !== 'str') return unknown('get_submodule');
      let cur: Value = self;
      for (const p of args[0].v.split('.').filter((x) => x)) cur = interp.getAttr(cur, p, loc);
      return cur;
    }),
  );
  M.set('get_parameter', M.get('get_submodule')!);

  // ---------------------------------------------------------------- Parameter
  const Parameter = interp.makeClass('Parameter', [object], new Map(), 'torch.nn');
  Parameter.native = {
    construct: (_c, args, kw) => {
      const data = args[0] ?? kw.get('data');
      const rg = truthy(args[1] ?? kw.get('requires_grad') ?? TRUE) !== false;
      if (!data || data.t !== 'tensor') {
        if (data && data.t !== 'unknown') interp.finding('warning', 'bad-parameter', `nn.Parameter of ${data.t} (line ${interp.lastLoc.sl + 1})`, interp.lastLoc);
        const t = rt.tensor(undefined, { requiresGrad: rg });
        t.param = true;
        return t;
      }
      const t = rt.tensor(data.shape, { dtype: data.dtype, requiresGrad: rg });
      t.param = true;
      return t;
    },
    isInstance: (v) => v.t === 'tensor' && !!v.param,
  };

  // ---------------------------------------------------------------- containers
  const makeContainer = (name: string, setup: (c: ClassV) => void): ClassV => {
    const c = interp.makeClass(name, [Module], new Map(), 'torch.nn');
    c.builtin = name;
    setup(c);
    return c;
  };
  const modItems = (self: InstV): Array<[string, InstV]> => [...st(self).modules].filter((e): e is [string, InstV] => !!e[1]);
  const indexOf = (self: InstV, key: Value, loc: Loc): number | undefined => {
    const n = toBigInt(key);
    if (n === undefined) return undefined;
    const len = modItems(self).length;
    const i = Number(n) < 0 ? len + Number(n) : Number(n);
    if (i < 0 || i >= len) {
      interp.finding('warning', 'index-error', `Index ${n} out of range for ${self.cls.name} of length ${len} (line ${loc.sl + 1})`, loc);
      return undefined;
    }
    return i;
  };
  const appendModule = (self: InstV, m: Value, loc: Loc): void => {
    const s = st(self);
    const key = String(s.modules.size);
    if (rt.isModule(m)) s.modules.set(key, m);
    else if (m.t === 'unknown') {
      interp.finding('warning', 'unknown-submodule', `An element of ${self.cls.name} could not be evaluated (${m.why}) (line ${loc.sl + 1})`, loc);
    } else interp.finding('warning', 'not-a-module', `${self.cls.name} got a ${m.t}, not a module (line ${loc.sl + 1})`, loc);
  };
  const sliceOf = (self: InstV, cls: ClassV, key: Value): Value => {
    const items = modItems(self);
    const picked = interp.sliceItems(items, key as Extract<Value, { t: 'slice' }>);
    const out: InstV = { t: 'inst', cls, dict: new Map(), native: newState(interp.lastLoc, interp.file) };
    picked.forEach(([k, m], i) => st(out).modules.set(cls.name === 'Sequential' ? k : String(i), m));
    return out;
  };

  const listMethods = (c: ClassV): void => {
    c.dict.set('__len__', method('__len__', (self) => int(modItems(self).length)));
    c.dict.set('__iter__', method('__iter__', (self) => list(modItems(self).map(([, m]) => m))));
    c.dict.set(
      '__getitem__',
      method('__getitem__', (self, args, _kw, loc) => {
        const key = args[0] ?? NONE;
        if (key.t === 'slice') return sliceOf(self, c, key);
        if (key.t === 'str') return st(self).modules.get(key.v) ?? interp.unknownAt(`${c.name}['${key.v}']`, loc, 'key-error');
        const i = indexOf(self, key, loc);
        return i === undefined ? unknown('index') : modItems(self)[i]![1];
      }),
    );
    c.dict.set(
      '__setitem__',
      method('__setitem__', (self, args, _kw, loc) => {
        const i = indexOf(self, args[0] ?? NONE, loc);
        if (i !== undefined && args[1] && rt.isModule(args[1])) st(self).modules.set(modItems(self)[i]![0], args[1]);
        return NONE;
      }),
    );
    c.dict.set('append', method('append', (self, args, _kw, loc) => (appendModule(self, args[0] ?? NONE, loc), self)));
    c.dict.set(
      'extend',
      method('extend', (self, args, _kw, loc) => {
        const items = interp.iterList(args[0] ?? NONE, loc);
        for (const m of items ?? []) appendModule(self, m, loc);
        return self;
      }),
    );
    c.dict.set(
      'insert',
      method('insert', (self, args, _kw, loc) => {
        const items = modItems(self).map(([, m]) => m);
        const n = Number(toBigInt(args[0] ?? NONE) ?? items.length);
        const m = args[1] ?? NONE;
        if (!rt.isModule(m)) return NONE;
        items.splice(n < 0 ? items.length + n : n, 0, m);
        st(self).modules.clear();
        items.forEach((x) => appendModule(self, x, loc));
        return NONE;
      }),
    );
    c.dict.set(
      '__add__',
      method('__add__', (self, args, _kw, loc) => {
        const out: InstV = { t: 'inst', cls: c, dict: new Map(), native: newState(loc, interp.file) };
        for (const [, m] of modItems(self)) appendModule(out, m, loc);
        for (const m of interp.iterList(args[0] ?? NONE, loc) ?? []) appendModule(out, m, loc);
        return out;
      }),
    );
  };

  const Sequential = makeContainer('Sequential', (c) => {
    c.dict.set(
      '__init__',
      method('__init__', (self, args, _kw, loc) => {
        const s = st(self);
        if (args.length === 1 && args[0]!.t === 'dict') {
          for (const [k, m] of args[0].map.values()) {
            if (k.t === 'str' && rt.isModule(m)) s.modules.set(k.v, m);
            else if (m.t === 'unknown') interp.finding('warning', 'unknown-submodule', `Sequential entry ${k.t === 'str' ? `'${k.v}'` : ''} could not be evaluated (${m.why}) (line ${loc.sl + 1})`, loc);
          }
          return NONE;
        }
        for (const a of args) {
          if (a.t === 'unknown' && a.why === 'starred') {
            interp.finding('warning', 'unknown-submodule', `Sequential(*...) of an unknown list (line ${loc.sl + 1})`, loc);
            continue;
          }
          appendModule(self, a, loc);
        }
        return NONE;
      }),
    );
    listMethods(c);
    c.dict.set(
      'forward',
      method('forward', (self, args, _kw, loc) => {
        let x: Value = args[0] ?? NONE;
        for (const [, m] of modItems(self)) x = interp.call(m, [x], new Map(), loc);
        return x;
      }),
    );
  });

  const ModuleList = makeContainer('ModuleList', (c) => {
    c.dict.set(
      '__init__',
      method('__init__', (self, args, kw, loc) => {
        st(self);
        const src = args[0] ?? kw.get('modules');
        if (src && src.t !== 'none') {
          const items = interp.iterList(src, loc);
          if (!items) interp.finding('warning', 'unknown-submodule', `ModuleList of an unknown iterable (line ${loc.sl + 1})`, loc);
          for (const m of items ?? []) appendModule(self, m, loc);
        }
        return NONE;
      }),
    );
    listMethods(c);
    c.dict.set('forward', method('forward', (_self, _a, _k, loc) => interp.unknownAt('ModuleList has no forward: iterate over it', loc, 'no-forward')));
  });

  const ModuleDict = makeContainer('ModuleDict', (c) => {
    const update = (self: InstV, src: Value, loc: Loc): void => {
      const pairs = interp.asMapping(src, loc) ?? (interp.iterList(src, loc) ?? []).map((p) => interp.iterList(p, loc) ?? []).map((kv) => [kv[0] ?? NONE, kv[1] ?? NONE] as [Value, Value]);
      for (const [k, m] of pairs) {
        if (k.t === 'str' && rt.isModule(m)) st(self).modules.set(k.v, m);
        else if (m.t === 'unknown') interp.finding('warning', 'unknown-submodule', `ModuleDict entry could not be evaluated (${m.why}) (line ${loc.sl + 1})`, loc);
      }
    };
    c.dict.set(
      '__init__',
      method('__init__', (self, args, _kw, loc) => {
        st(self);
        if (args[0] && args[0].t !== 'none') update(self, args[0], loc);
        return NONE;
      }),
    );
    c.dict.set('update', method('update', (self, args, _kw, loc) => (update(self, args[0] ?? NONE, loc), NONE)));
    c.dict.set('__getitem__', method('__getitem__', (self, args, _kw, loc) => (args[0]?.t === 'str' ? st(self).modules.get(args[0].v) ?? interp.unknownAt(`ModuleDict['${args[0].v}']`, loc, 'key-error') : unknown('key'))));
    c.dict.set(
      '__setitem__',
      method('__setitem__', (self, args) => {
        if (args[0]?.t === 'str' && args[1] && rt.isModule(args[1])) st(self).modules.set(args[0].v, args[1]);
        return NONE;
      }),
    );
    c.dict.set('__len__', method('__len__', (self) => int(modItems(self).length)));
    c.dict.set('__iter__', method('__iter__', (self) => list(modItems(self).map(([k]) => str(k)))));
    c.dict.set('__contains__', method('__contains__', (self, args) => bool(args[0]?.t === 'str' && st(self).modules.has(args[0].v))));
    c.dict.set('keys', method('keys', (self) => list(modItems(self).map(([k]) => str(k)))));
    c.dict.set('values', method('values', (self) => list(modItems(self).map(([, m]) => m))));
    c.dict.set('items', method('items', (self) => list(modItems(self).map(([k, m]) => tuple([str(k), m])))));
  });

  const paramItems = (self: InstV): Array<[string, TensorV]> => [...st(self).params].filter((e): e is [string, TensorV] => !!e[1]);
  const asParam = (v: Value): TensorV | undefined => {
    if (v.t !== 'tensor') return undefined;
    if (v.param) return v;
    return { ...rt.tensor(v.shape, { dtype: v.dtype, requiresGrad: true }), param: true };
  };
  const ParameterList = makeContainer('ParameterList', (c) => {
    c.dict.set(
      '__init__',
      method('__init__', (self, args, _kw, loc) => {
        const s = st(self);
        for (const p of args[0] ? interp.iterList(args[0], loc) ?? [] : []) {
          const t = asParam(p);
          if (t) s.params.set(String(s.params.size), t);
        }
        return NONE;
      }),
    );
    c.dict.set('append', method('append', (self, args) => {
      const t = asParam(args[0] ?? NONE);
      if (t) st(self).params.set(String(st(self).params.size), t);
      return self;
    }));
    c.dict.set('__len__', method('__len__', (self) => int(paramItems(self).length)));
    c.dict.set('__iter__', method('__iter__', (self) => list(paramItems(self).map(([, t]) => t))));
    c.dict.set('__getitem__', method('__getitem__', (self, args) => {
      const n = Number(toBigInt(args[0] ?? NONE) ?? NaN);
      const items = paramItems(self);
      return items[n < 0 ? items.length + n : n]?.[1] ?? unknown('index');
    }));
  });
  const ParameterDict = makeContainer('ParameterDict', (c) => {
    c.dict.set(
      '__init__',
      method('__init__', (self, args, _kw, loc) => {
        for (const [k, p] of args[0] ? interp.asMapping(args[0], loc) ?? [] : []) {
          const t = asParam(p);
          if (t && k.t === 'str') st(self).params.set(k.v, t);
        }
        return NONE;
      }),
    );
    c.dict.set('__getitem__', method('__getitem__', (self, args) => (args[0]?.t === 'str' ? st(self).params.get(args[0].v) ?? unknown('key') : unknown('key'))));
    c.dict.set('__setitem__', method('__setitem__', (self, args) => {
      const t = asParam(args[1] ?? NONE);
      if (t && args[0]?.t === 'str') st(self).params.set(args[0].v, t);
      return NONE;
    }));
    c.dict.set('__len__', method('__len__', (self) => int(paramItems(self).length)));
    c.dict.set('keys', method('keys', (self) => list(paramItems(self).map(([k]) => str(k)))));
    c.dict.set('values', method('values', (self) => list(paramItems(self).map(([, t]) => t))));
    c.dict.set('items', method('items', (self) => list(paramItems(self).map(([k, t]) => tuple([str(k), t])))));
  });

  // ---------------------------------------------------------------- catalog rows
  const layers = new Map<string, ClassV>();
  const specs = new Map<string, LayerSpec>();
  for (const spec of rows) {
    if (spec.framework !== 'pytorch') continue;
    specs.set(spec.type, spec);
    for (const a of spec.aliases ?? []) if (!specs.has(a)) specs.set(a, spec);
  }
  for (const spec of rows) {
    if (spec.framework !== 'pytorch') continue;
    const cls = layerClass(rt, Module, spec, layers, specs);
    layers.set(spec.type, cls);
    for (const a of spec.aliases ?? []) if (!layers.has(a)) layers.set(a, cls);
  }
  return { Module, Parameter, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, layers };
}

/** A class for one catalog row: __init__ binds and registers weights; forward asks the row. */
function layerClass(rt: TorchRuntime, Module: ClassV, spec: LayerSpec, layers: Map<string, ClassV>, specs: Map<string, LayerSpec>): ClassV {
  const interp = rt.interp;
  const cls = interp.makeClass(spec.type, [Module], new Map(), 'torch.nn');
  cls.builtin = spec.type;
  const params = signatureParams(spec.signature);
  cls.dict.set(
    '__init__',
    native(
      '__init__',
      (args, kw, loc) => {
        const self = args[0];
        if (!self || self.t !== 'inst') return NONE;
        const s = rt.state(self)!;
        const binding = bindLayerArgs(spec, args.slice(1), kw, (v) => rt.toArg(v, loc));
        if ('error' in binding) {
          s.broken = binding.error;
          interp.finding('warning', 'layer-error', `${s.broken} (line ${loc.sl + 1})`, loc);
          return NONE;
        }
        const bound = binding.args;
        s.spec = spec;
        s.args = bound;
        initLayer(rt, self, spec, bound, loc, layers, specs);
        for (const p of params) {
          if (p.kind === 'var-keyword' || p.kind === 'var-positional') continue;
          if (s.params.has(p.name) || s.buffers.has(p.name) || s.modules.has(p.name)) continue;
          self.dict.set(p.name, argToValue(bound[p.name]));
        }
        return NONE;
      },
      true,
    ),
  );
  cls.dict.set(
    'forward',
    native(
      'forward',
      (args, kw, loc) => {
        const self = args[0];
        if (!self || self.t !== 'inst') return unknown('forward');
        return layerForward(rt, self, args.slice(1), kw, loc, layers, specs);
      },
      true,
    ),
  );
  return cls;
}

function initLayer(
  rt: TorchRuntime,
  self: InstV,
  spec: LayerSpec,
  bound: Args,
  loc: Loc,
  layers: Map<string, ClassV>,
  specs: Map<string, LayerSpec>,
  inputs?: number[][],
): void {
  const interp = rt.interp;
  const s = rt.state(self)!;
  let weights;
  try {
    weights = spec.weights(bound, inputs);
  } catch (e) {
    s.broken = e instanceof Error ? e.message : String(e);
    interp.finding('warning', 'layer-error', `${s.broken} (line ${loc.sl + 1})`, loc);
    return;
  }
  if (weights === undefined) {
    s.lazy = true;
    return;
  }
  s.lazy = false;
  // torch swaps a Lazy* module's class for the regular one when it materialises.
  if (inputs && spec.materializesAs) s.materialisedType = spec.materializesAs;
  for (const w of weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (!Number.isFinite(n) || n > 1e13) {
      interp.finding('warning', 'absurd-size', `${spec.type}.${w.name} would hold ${n > 1e13 && Number.isFinite(n) ? n.toExponential(2) : 'too many'} values: not counted (line ${loc.sl + 1})`, loc);
      s.broken = 'absurd size';
      continue;
    }
    const t = rt.tensor(w.shape, { requiresGrad: w.kind === 'param' && w.trainable !== false });
    if (w.kind === 'param') {
      t.param = true;
      s.params.set(w.name, t);
    } else s.buffers.set(w.name, t);
  }
  if (!inputs) {
    // torch registers `bias` as None when the layer has none: attribute reads give None.
    for (const p of ['bias']) if (!s.params.has(p) && p in bound) s.params.set(p, null);
  }
  for (const child of spec.children?.(bound) ?? []) {
    const cc = layers.get(child.type);
    const cspec = specs.get(child.type);
    if (!cc || !cspec) continue;
    const inst: InstV = { t: 'inst', cls: cc, dict: new Map(), native: { modules: new Map(), params: new Map(), buffers: new Map(), training: true, loc, file: interp.file } };
    const cs = rt.state(inst)!;
    let cb: Args;
    try {
      cb = bindArgs(cspec.type, cspec.signature, [], child.args);
    } catch {
      cb = child.args;
    }
    cs.spec = cspec;
    cs.args = cb;
    initLayer(rt, inst, cspec, cb, loc, layers, specs);
    s.modules.set(child.name, inst);
  }
}

const VIEW_LAYERS = new Set(['Flatten', 'Unflatten']);

/** forward of a catalog layer: bind the call, ask the row, make output tensors, record. */
function layerForward(rt: TorchRuntime, self: InstV, args: Value[], kw: Kw, loc: Loc, layers: Map<string, ClassV>, specs: Map<string, LayerSpec>): Value {
  const interp = rt.interp;
  const s = rt.state(self);
  if (!s?.spec || !s.args) return interp.unknownAt(`${self.cls.name} (not built: ${s?.broken ?? 'unknown arguments'})`, loc, 'layer-error');
  const spec = s.spec;
  const tensors: TensorV[] = [];
  const call: Args = {};
  if (spec.forwardSignature) {
    const fparams = signatureParams(spec.forwardSignature);
    const values = new Map<string, Value>();
    let i = 0;
    for (const p of fparams) {
      if (p.kind === 'positional' && i < args.length) values.set(p.name, args[i++]!);
    }
    for (const [k, v] of kw) values.set(k, v);
    for (const p of fparams) {
      const v = values.get(p.name);
      if (v === undefined) continue;
      const ts = rt.flattenTensors(v);
      if (ts.length) tensors.push(...ts);
      else call[p.name] = rt.toArg(v, loc);
    }
  } else {
    for (const a of args) tensors.push(...rt.flattenTensors(a));
  }
  if (tensors.some((t) => !t.shape) || (!tensors.length && args.some((a) => a.t === 'unknown'))) {
    return unknown(`${spec.type} output`);
  }
  const shapes = tensors.map((t) => t.shape!);
  if (rt.trace && !rt.trace.sequenceFirst) rt.trace.sequenceFirst = sequenceFirstCall(spec.type, s.args, shapes);
  if (s.lazy) initLayer(rt, self, spec, s.args, loc, layers, specs, shapes);
  // Dropout with p=0 or in eval mode, and Identity, return their input itself.
  if (tensors[0] && (spec.type === 'Identity' || (/Dropout/.test(spec.type) && (s.args.p === 0 || !s.training)))) return args[0]!;
  let result;
  try {
    result = spec.forward(s.args, shapes, call);
  } catch (e) {
    if (e instanceof LayerError) {
      if (rt.trace) rt.trace.errors++;
      interp.finding('warning', 'shape-error', `${e.message} (line ${loc.sl + 1})`, loc);
      return unknown(`${spec.type} output`);
    }
    interp.finding('warning', 'layer-error', `${spec.type}: ${e instanceof Error ? e.message : String(e)} (line ${loc.sl + 1})`, loc);
    return unknown(`${spec.type} output`);
  }
  const trainable = [...s.params.values()].some((p) => p?.requiresGrad);
  const grad = !rt.trace?.noGrad && (trainable || tensors.some((t) => t.requiresGrad));
  const outs: TensorV[] = [];
  // Flatten/Unflatten give views: they share the input's storage (saved once).
  const viewOf = VIEW_LAYERS.has(spec.type) ? tensors[0] : undefined;
  const build = (o: OutTree): Value => {
    if (o === null) return NONE;
    if (Array.isArray(o)) return tuple(o.map(build));
    const t = rt.tensor(o.shape, { dtype: o.dtype === 'int' ? 'int64' : 'float32', requiresGrad: grad && o.dtype !== 'int', viewOf });
    if (viewOf) t.requiresGrad = grad;
    outs.push(t);
    return t;
  };
  const out = build(result.output);
  const trace = rt.trace;
  if (trace) {
    const stats = trace.moduleStats(self);
    stats.macs += Number.isFinite(result.macs) ? result.macs : 0;
    if (grad) {
      for (const ref of result.saves) {
        if ('input' in ref) {
          const t = tensors[ref.input];
          if (!t) continue;
          if (spec.intInputs?.includes(ref.input) && !t.isInt) t.isInt = true;
          trace.saveTensor(stats, t);
        } else if ('output' in ref) {
          const t = outs[ref.output];
          if (t) trace.saveTensor(stats, t);
        } else saveNew(stats, ref.elements, ref.dtype);
      }
    }
  }
  return out;
}

/** Lists, tuples and dicts of a call's arguments as they are now: the caller may append to them later (DenseNet's feature list). */
function snapshot(v: Value, depth = 0): Value {
  if (depth > 4) return v;
  if (v.t === 'list') return list(v.items.map((x) => snapshot(x, depth + 1)));
  if (v.t === 'tuple') return { ...v, items: v.items.map((x) => snapshot(x, depth + 1)) };
  if (v.t === 'dict') return { ...v, map: new Map([...v.map].map(([h, [k, x]]) => [h, [k, snapshot(x, depth + 1)] as [Value, Value]])) };
  return v;
}

/** Module.__call__: run forward under the trace; module-level calls are example inputs. */
export function callModule(rt: TorchRuntime, self: InstV, args: Value[], kw: Kw, loc: Loc): Value {
  const interp = rt.interp;
  if (!rt.trace && args.some((a) => a.t === 'tensor')) rt.onExampleCall?.(self, args, kw, loc);
  const own = !rt.trace;
  const trace = rt.trace ?? new Trace();
  rt.trace = trace;
  if (!self.cls.builtin && !trace.firstCalls.has(self)) {
    trace.firstCalls.set(self, { args: args.map((a) => snapshot(a)), kwargs: new Map([...kw].map(([k, v]) => [k, snapshot(v)])), loc, file: interp.file });
  }
  const forward = interp.getAttr(self, 'forward', loc);
  trace.stack.push(self);
  let out: Value;
  try {
    out = interp.call(forward, args, kw, loc);
  } finally {
    trace.stack.pop();
    if (own) rt.trace = undefined;
  }
  trace.recordOutput(trace.moduleStats(self), rt.flattenTensors(out));
  return out;
}

export function isModuleClass(rt: TorchRuntime, v: Value): v is ClassV {
  return v.t === 'class' && isSubclass(v, rt.moduleClass);
}

