/**
 * The abstract Python interpreter: runs module code, class bodies, constructors
 * and forwards over the values of values.ts. It never throws to its caller for
 * anything the source does: unknown names, unsupported constructs and Python
 * exceptions become findings and unknown values, and evaluation continues.
 * Only budget exhaustion (BudgetExceeded) unwinds, to the model being evaluated.
 */
import type { Finding, FindingSeverity } from '../source';
import type { Arg, ClassDef, Expr, FunctionDef, Loc, Param, Stmt } from './ast';
import { PyArithmeticError, binop, compare, pyEquals, toBigInt, unaryop } from './ops';
import { formatValue } from './format';
import {
  BudgetExceeded,
  ELLIPSIS,
  FALSE,
  MAX_VALUE_ITEMS,
  NONE,
  PyRaise,
  TRUE,
  bool,
  dict,
  float,
  hashKey,
  int,
  list,
  rangeLength,
  show,
  str,
  truthy,
  tuple,
  typeName,
  unknown,
  type BoundV,
  type ClassV,
  type FuncV,
  type InstV,
  type ModuleV,
  type NativeClassHooks,
  type NativeV,
  type Scope,
  type TensorV,
  type Value,
} from './values';

export interface Budgets {
  /** Statements and calls executed per model evaluation. */
  steps: number;
  /** Nested Python calls. */
  depth: number;
  /** Wall time for a whole `evaluateModels` call, in ms. */
  timeMs: number;
}

/** Where findings of the current evaluation go, and whether it was partial. */
export interface Sink {
  findings: Finding[];
  partial: boolean;
  seen: Set<string>;
}

export function newSink(): Sink {
  return { findings: [], partial: false, seen: new Set() };
}

/** Tensor semantics, provided by the torch runtime. */
export interface TensorHooks {
  attr(t: TensorV, name: string, loc: Loc): Value;
  binop(op: string, a: Value, b: Value, loc: Loc): Value;
  unary(op: string, t: TensorV, loc: Loc): Value;
  getitem(t: TensorV, index: Value, loc: Loc): Value;
  compare(op: string, a: Value, b: Value, loc: Loc): Value;
  /** Iteration over the first dimension (`q, k, v = qkv`); undefined when unknown or too long. */
  iter(t: TensorV, loc: Loc): Value[] | undefined;
}

/** Resolves `import` statements (imports.ts). */
export interface Importer {
  importModule(name: string, level: number, from: ModuleV, loc: Loc): ModuleV;
}

export interface Frame {
  scope: Scope;
  module: ModuleV;
  fn?: FuncV;
  retval: Value;
  /** The call's arguments by name, for `super()` without arguments. */
  firstArg?: Value;
  /** Values a generator function yielded so far. */
  yields?: Value[];
}

/** Steps between two looks at the clock: a step costs 0.3 to 100 µs, so the time budget overshoots by at most a few ms. */
const CLOCK_EVERY = 64;
/** Items of a large builtin result that cost one step, so building big values spends the step budget too. */
const ITEMS_PER_STEP = 64;
/** Longest finding message: values quoted in messages can be megabytes long. */
const MAX_MESSAGE = 500;

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
type Completion = 0 | 1 | 2 | 3;

/** Builtin-type method lookup (str.join, list.append, dict.items ...), builtins.ts. */
export type MethodTable = (interp: Interp, self: Value, name: string) => Value | undefined;

export class Interp {
  sink: Sink = newSink();
  builtins = new Map<string, Value>();
  methods: MethodTable = () => undefined;
  tensors?: TensorHooks;
  importer?: Importer;
  /** Called for each instantiation of a user class: model discovery uses the arguments. */
  onInstantiate?: (cls: ClassV, inst: Value, args: Value[], kwargs: Map<string, Value>, loc: Loc, file?: string) => void;

  steps = 0;
  depth = 0;
  private deadline = Infinity;
  private stepLimit = Infinity;
  private nextClockCheck = CLOCK_EVERY;
  /** Set while a share of the time budget applies (withTimeShare): its length in ms. */
  private shareMs: number | undefined;
  private currentFile: string | undefined;
  /** The location being evaluated, for budget findings. */
  lastLoc: Loc = { sl: 0, sc: 0, el: 0, ec: 0 };
  /** Classes: `object` and `type`, set by builtins.ts. */
  objectClass!: ClassV;
  /** The class of builtin values by tag (int, str, tensor ...), for isinstance and type(). */
  valueClasses = new Map<string, ClassV>();
  /** `int(t)` / `float(t)` / `t.item()` of a tensor: a number the source computes at run time. */
  tensorScalar(_t: TensorV, kind: 'int' | 'float'): Value {
    return unknown(`${kind}(tensor)`);
  }

  constructor(readonly budgets: Budgets) {}

  // ---------------------------------------------------------------- budgets

  startClock(now: number): void {
    this.deadline = now + this.budgets.timeMs;
    this.shareMs = undefined;
  }

  /**
   * Run `fn` with at most `share` of the time left, so that one runaway model or
   * module-level loop cannot take the time of every model after it. The document's
   * deadline still applies; a share of 1 changes nothing.
   */
  withTimeShare<T>(share: number, fn: () => T): T {
    const saved = { deadline: this.deadline, shareMs: this.shareMs };
    const now = Date.now();
    if (share < 1 && this.deadline > now && Number.isFinite(this.deadline)) {
      const ms = Math.max(1, Math.floor((this.deadline - now) * share));
      this.deadline = now + ms;
      this.shareMs = ms;
    }
    try {
      return fn();
    } finally {
      this.deadline = saved.deadline;
      this.shareMs = saved.shareMs;
    }
  }

  /** Start a fresh step count (one per model evaluated). */
  resetSteps(): void {
    this.steps = 0;
    this.nextClockCheck = CLOCK_EVERY;
    this.stepLimit = this.budgets.steps;
  }

  timeLeft(): boolean {
    return Date.now() < this.deadline;
  }

  step(loc: Loc): void {
    this.charge(1, loc);
  }

  /** Count `steps` of work at `loc` against the step budget, and look at the clock now and then. */
  charge(steps: number, loc: Loc): void {
    this.lastLoc = loc;
    this.steps += steps;
    if (this.steps > this.stepLimit) throw new BudgetExceeded('steps', this.budgets.steps, loc, this.currentFile);
    if (this.steps >= this.nextClockCheck) {
      this.nextClockCheck = this.steps + CLOCK_EVERY;
      if (Date.now() > this.deadline) throw new BudgetExceeded('time', this.shareMs ?? this.budgets.timeMs, loc, this.currentFile, this.shareMs !== undefined ? this.budgets.timeMs : undefined);
    }
  }

  /**
   * A builtin's or operator's result, with its size paid for in steps; too large a
   * value becomes unknown (with a finding) rather than stay in memory.
   */
  private bounded(v: Value, what: () => string, loc: Loc): Value {
    const n = v.t === 'str' ? v.v.length : v.t === 'list' || v.t === 'tuple' ? v.items.length : v.t === 'dict' || v.t === 'set' ? v.map.size : 0;
    if (n < 1024) return v;
    this.charge(Math.floor(n / ITEMS_PER_STEP), loc);
    if (n <= MAX_VALUE_ITEMS) return v;
    this.finding('warning', 'too-large', `${what()} would hold ${n.toLocaleString('en-US')} items, more than the ${MAX_VALUE_ITEMS.toLocaleString('en-US')} analysed (line ${loc.sl + 1})`, loc);
    return unknown('too large');
  }

  // ---------------------------------------------------------------- shared objects

  /**
   * Framework and standard-library modules and classes (torch.nn, keras.layers, their
   * classes: everything not defined by a source file) are built once and shared by every
   * document. A document may still assign to them (`torch.backends.cudnn.benchmark = True`,
   * `nn.Linear = MyLinear`): the write holds for that document and is undone before the
   * next one, so one file cannot change how the others are read.
   */
  private sharedWrites: Array<{ dict: Map<string, Value>; name: string; old: Value | undefined }> = [];

  private rememberShared(dict: Map<string, Value>, name: string): void {
    this.sharedWrites.push({ dict, name, old: dict.get(name) });
  }

  /** `del obj.name` / `delattr(obj, name)` on an instance's own attribute. */
  deleteInstAttr(o: InstV, name: string): void {
    if (!o.cls.def) this.rememberShared(o.dict, name);
    o.dict.delete(name);
  }

  /** Undo the current document's writes to shared objects, newest first. */
  undoSharedWrites(): void {
    for (let i = this.sharedWrites.length - 1; i >= 0; i--) {
      const w = this.sharedWrites[i]!;
      if (w.old === undefined) w.dict.delete(w.name);
      else w.dict.set(w.name, w.old);
    }
    this.sharedWrites = [];
  }

  // ---------------------------------------------------------------- findings

  get file(): string | undefined {
    return this.currentFile;
  }

  finding(severity: FindingSeverity, code: string, message: string, loc?: Loc, file = this.currentFile): void {
    if (severity !== 'info') this.sink.partial = true;
    if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
    const key = `${code}|${message}|${file ?? ''}|${loc ? `${loc.sl}:${loc.sc}` : ''}`;
    if (this.sink.seen.has(key)) return;
    this.sink.seen.add(key);
    if (this.sink.findings.length >= 200) return;
    const f: Finding = { severity, code, message };
    if (loc) f.range = { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } };
    if (file) f.file = file;
    this.sink.findings.push(f);
  }

  /** An unknown value plus a finding saying what could not be evaluated. */
  unknownAt(what: string, loc: Loc, code = 'unknown-construct'): Value {
    this.finding('warning', code, `Could not evaluate ${what} (line ${loc.sl + 1})`, loc);
    return unknown(what);
  }

  // ---------------------------------------------------------------- modules

  /** Run a module's statements with its dict as the global scope. */
  runModule(mod: ModuleV, body: Stmt[]): void {
    const frame: Frame = { scope: { vars: mod.dict }, module: mod, retval: NONE };
    const prevFile = this.currentFile;
    this.currentFile = mod.file;
    try {
      for (const s of body) {
        try {
          this.exec(s, frame);
        } catch (e) {
          if (e instanceof PyRaise) this.finding('warning', 'python-raise', `Raised at module level: ${e.message}`, e.loc);
          else throw e;
        }
      }
    } finally {
      this.currentFile = prevFile;
    }
  }

  // ---------------------------------------------------------------- statements

  execBlock(body: Stmt[], f: Frame): Completion {
    for (const s of body) {
      const c = this.exec(s, f);
      if (c !== NORMAL) return c;
    }
    return NORMAL;
  }

  exec(s: Stmt, f: Frame): Completion {
    this.step(s.loc);
    switch (s.k) {
      case 'expr':
        this.eval(s.x, f);
        return NORMAL;
      case 'assign': {
        const v = this.eval(s.x, f);
        for (const t of s.targets) this.assign(t, v, f);
        return NORMAL;
      }
      case 'augassign': {
        const cur = this.eval(s.target, f);
        const rhs = this.eval(s.x, f);
        let v: Value;
        if (s.op === '+' && cur.t === 'list') {
          const items = this.iterList(rhs, s.loc);
          if (items) cur.items.push(...items);
          v = cur;
        } else v = this.binary(s.op, cur, rhs, s.loc);
        this.assign(s.target, v, f);
        return NORMAL;
      }
      case 'annassign':
        if (f.scope.isClass && s.target.k === 'name') this.annotate(f.scope, s.target.id);
        if (s.x) this.assign(s.target, this.eval(s.x, f), f);
        return NORMAL;
      case 'if': {
        const t = this.test(s.test, f);
        return this.execBlock(t ? s.body : s.orelse, f);
      }
      case 'for':
        return this.execFor(s, f);
      case 'while': {
        let broke = false;
        for (;;) {
          this.step(s.loc);
          if (!this.test(s.test, f)) break;
          const c = this.execBlock(s.body, f);
          if (c === BREAK) {
            broke = true;
            break;
          }
          if (c === RETURN) return c;
        }
        if (!broke) return this.execBlock(s.orelse, f);
        return NORMAL;
      }
      case 'return':
        f.retval = s.x ? this.eval(s.x, f) : NONE;
        return RETURN;
      case 'try': {
        let c: Completion;
        try {
          c = this.execBlock(s.body, f);
          if (c === NORMAL) c = this.execBlock(s.orelse, f);
        } catch (e) {
          if (!(e instanceof PyRaise) || s.handlers.length === 0) throw e;
          c = this.execBlock(s.handlers[0]!.body, f);
        }
        const fin = this.execBlock(s.finalbody, f);
        return fin !== NORMAL ? fin : c;
      }
      case 'with': {
        const exits: Value[] = [];
        try {
          for (const item of s.items) {
            const v = this.eval(item.x, f);
            const enter = v.t === 'opaque' ? v.attrs?.get('__enter__') : undefined;
            const entered = enter ? this.call(enter, [], new Map(), s.loc) : v;
            const exit = v.t === 'opaque' ? v.attrs?.get('__exit__') : undefined;
            if (exit) exits.push(exit);
            if (item.as) this.assign(item.as, enter ? (entered.t === 'none' ? v : entered) : v, f);
          }
          return this.execBlock(s.body, f);
        } finally {
          for (const x of exits.reverse()) this.call(x, [], new Map(), s.loc);
        }
      }
      case 'assert': {
        const v = this.eval(s.x, f);
        if (truthy(v) === false) this.finding('warning', 'assert-failed', `Assertion fails with these values (line ${s.loc.sl + 1})`, s.loc);
        return NORMAL;
      }
      case 'pass':
      case 'global':
      case 'nonlocal':
        return NORMAL;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'del':
        for (const t of s.targets) this.del(t, f);
        return NORMAL;
      case 'raise': {
        const v = s.x ? this.eval(s.x, f) : NONE;
        throw new PyRaise(this.exceptionText(v), s.loc);
      }
      case 'def':
        this.assignName(s.fn.name, this.defineFunction(s.fn, f), f);
        return NORMAL;
      case 'class':
        this.assignName(s.cls.name, this.defineClass(s.cls, f), f);
        return NORMAL;
      case 'import':
        for (const n of s.names) {
          const mod = this.importModule(n.module, 0, f.module, s.loc);
          if (n.alias) this.assignName(n.alias, mod, f);
          else {
            const top = n.module.split('.')[0]!;
            this.assignName(top, this.importModule(top, 0, f.module, s.loc), f);
          }
        }
        return NORMAL;
      case 'from': {
        const mod = this.importModule(s.module, s.level, f.module, s.loc);
        if (s.star) {
          const all = mod.dict.get('__all__');
          const names = all && (all.t === 'list' || all.t === 'tuple') ? all.items.flatMap((x) => (x.t === 'str' ? [x.v] : [])) : [...mod.dict.keys()].filter((k) => !k.startsWith('_'));
          for (const k of names) {
            const v = mod.dict.get(k);
            if (v) this.assignName(k, v, f);
          }
          return NORMAL;
        }
        for (const n of s.names) {
          let v = this.moduleAttr(mod, n.name);
          if (v === undefined) {
            // `from pkg import submodule`
            const sub = this.importModule(s.module ? `${s.module}.${n.name}` : n.name, s.level, f.module, s.loc, true);
            v = sub.unknownLib && !mod.unknownLib ? undefined : sub;
          }
          if (v === undefined) {
            v = mod.unknownLib ? unknown(`${mod.unknownLib}.${n.name}`) : this.unknownAt(`name '${n.name}' from '${s.module}'`, s.loc, 'import-name');
          }
          this.assignName(n.alias ?? n.name, v, f);
        }
        return NORMAL;
      }
      case 'error':
        return NORMAL;
    }
  }

  private execFor(s: Extract<Stmt, { k: 'for' }>, f: Frame): Completion {
    const it = this.eval(s.iter, f);
    const items = this.iterate(it, s.loc);
    if (!items) {
      if (it.t !== 'unknown') this.finding('warning', 'unknown-iterable', `Cannot iterate over ${typeName(it)} (line ${s.loc.sl + 1})`, s.loc);
      return NORMAL;
    }
    let broke = false;
    for (const v of items) {
      this.step(s.loc);
      this.assign(s.target, v, f);
      const c = this.execBlock(s.body, f);
      if (c === BREAK) {
        broke = true;
        break;
      }
      if (c === RETURN) return c;
    }
    if (!broke) return this.execBlock(s.orelse, f);
    return NORMAL;
  }

  private annotate(scope: Scope, name: string): void {
    let ann = scope.vars.get('__annotations__');
    if (!ann || ann.t !== 'dict') {
      ann = dict();
      scope.vars.set('__annotations__', ann);
    }
    ann.map.set(hashKey(str(name)), [str(name), NONE]);
  }

  private exceptionText(v: Value): string {
    if (v.t === 'inst') {
      const args = v.dict.get('args');
      const msg = args && args.t === 'tuple' && args.items[0] ? show(args.items[0]) : '';
      return msg ? `${v.cls.name}: ${msg}` : v.cls.name;
    }
    if (v.t === 'class') return v.name;
    return show(v);
  }

  /** Condition truth; unknown conditions take the false branch with a finding. */
  test(e: Expr, f: Frame): boolean {
    const v = this.eval(e, f);
    const t = this.truth(v, e.loc);
    if (t === undefined) {
      this.finding('info', 'unknown-condition', `Condition could not be evaluated; assumed false (line ${e.loc.sl + 1})`, e.loc);
      return false;
    }
    return t;
  }

  truth(v: Value, loc: Loc): boolean | undefined {
    if (v.t === 'inst') {
      const b = this.lookupClass(v.cls, '__bool__') ?? this.lookupClass(v.cls, '__len__');
      if (b) {
        const r = this.call(this.bindMethod(v, b), [], new Map(), loc);
        return truthy(r.t === 'int' ? bool(r.v !== 0n) : r);
      }
      const hooks = this.hooks(v.cls);
      if (hooks?.getattr) {
        const len = this.nativeLen(v);
        if (len !== undefined) return len > 0;
      }
      return true;
    }
    return truthy(v);
  }

  // ---------------------------------------------------------------- assignment

  assignName(name: string, v: Value, f: Frame): void {
    const fn = f.fn?.def;
    if (fn?.globals.has(name)) {
      f.module.dict.set(name, v);
      return;
    }
    if (fn?.nonlocals.has(name)) {
      for (let s = f.scope.parent; s; s = s.parent) {
        if (s.vars.has(name)) {
          s.vars.set(name, v);
          return;
        }
      }
    }
    f.scope.vars.set(name, v);
  }

  assign(t: Expr, v: Value, f: Frame): void {
    switch (t.k) {
      case 'name':
        this.assignName(t.id, v, f);
        return;
      case 'attr':
        this.setAttr(this.eval(t.obj, f), t.name, v, t.loc);
        return;
      case 'sub':
        this.setItem(this.eval(t.obj, f), this.eval(t.index, f), v, t.loc);
        return;
      case 'tuple':
      case 'list': {
        const items = this.iterList(v, t.loc);
        const starAt = t.elts.findIndex((e) => e.k === 'star');
        if (!items) {
          for (const e of t.elts) this.assign(e.k === 'star' ? e.x : e, unknown('unpacking'), f);
          return;
        }
        if (starAt < 0) {
          if (items.length !== t.elts.length) {
            this.finding('warning', 'unpack-mismatch', `Cannot unpack ${items.length} values into ${t.elts.length} targets (line ${t.loc.sl + 1})`, t.loc);
          }
          t.elts.forEach((e, i) => this.assign(e, items[i] ?? unknown('unpacking'), f));
          return;
        }
        const after = t.elts.length - starAt - 1;
        t.elts.forEach((e, i) => {
          if (i < starAt) this.assign(e, items[i] ?? unknown('unpacking'), f);
          else if (i === starAt) this.assign((e as { x: Expr }).x, list(items.slice(starAt, items.length - after)), f);
          else this.assign(e, items[items.length - (t.elts.length - i)] ?? unknown('unpacking'), f);
        });
        return;
      }
      case 'star':
        this.assign(t.x, v, f);
        return;
      default:
        this.finding('warning', 'bad-target', `Cannot assign to this expression (line ${t.loc.sl + 1})`, t.loc);
    }
  }

  private del(t: Expr, f: Frame): void {
    if (t.k === 'name') {
      f.scope.vars.delete(t.id);
    } else if (t.k === 'attr') {
      const o = this.eval(t.obj, f);
      if (o.t === 'inst') {
        const hooks = this.hooks(o.cls);
        if (!hooks?.delattr?.(o, t.name)) this.deleteInstAttr(o, t.name);
      }
    } else if (t.k === 'sub') {
      const o = this.eval(t.obj, f);
      const k = this.eval(t.index, f);
      if (o.t === 'dict') o.map.delete(hashKey(k));
      else if (o.t === 'list' && (k.t === 'int' || k.t === 'bool')) {
        const i = Number(toBigInt(k)!);
        o.items.splice(i < 0 ? o.items.length + i : i, 1);
      } else if (o.t === 'list' && k.t === 'slice') {
        const [a, b] = this.sliceBounds(k, o.items.length);
        o.items.splice(a, Math.max(0, b - a));
      }
    } else if (t.k === 'tuple' || t.k === 'list') t.elts.forEach((e) => this.del(e, f));
  }

  // ---------------------------------------------------------------- definitions

  defineFunction(def: FunctionDef, f: Frame): Value {
    const fn: FuncV = {
      t: 'func',
      name: def.name,
      params: def.params,
      defaults: this.evalDefaults(def.params, f),
      body: def.body,
      def,
      closure: this.closureOf(f.scope),
      module: f.module,
      loc: def.loc,
    };
    let v: Value = fn;
    for (let i = def.decorators.length - 1; i >= 0; i--) {
      const d = this.eval(def.decorators[i]!, f);
      v = this.applyDecorator(d, v, def.decorators[i]!.loc);
    }
    return v;
  }

  private applyDecorator(d: Value, v: Value, loc: Loc): Value {
    if (d.t === 'unknown') return v; // unknown decorators (torch.jit.script, wraps...) keep the function
    const r = this.call(d, [v], new Map(), loc);
    return r.t === 'unknown' ? v : r;
  }

  private closureOf(scope: Scope): Scope | undefined {
    let s: Scope | undefined = scope;
    while (s && s.isClass) s = s.parent;
    return s;
  }

  private evalDefaults(params: Param[], f: Frame): Map<string, Value> {
    const m = new Map<string, Value>();
    for (const p of params) if (p.default) m.set(p.name, this.eval(p.default, f));
    return m;
  }

  defineClass(def: ClassDef, f: Frame): Value {
    const bases: ClassV[] = [];
    let metaKw: Map<string, Value> | undefined;
    for (const a of def.bases) {
      if (a.kind === 'kw') {
        metaKw ??= new Map();
        metaKw.set(a.name, this.eval(a.x, f));
        continue;
      }
      const b = this.eval(a.x, f);
      if (b.t === 'class') bases.push(b);
      else if (b.t === 'unknown') {
        this.finding('warning', 'unknown-base', `Base class of ${def.name} is unknown (${b.why}); its members are not evaluated (line ${def.nameLoc.sl + 1})`, def.nameLoc);
      } else if (b.t === 'native' || b.t === 'func') {
        // typing.NamedTuple("X", ...) style bases and generic aliases: ignore.
      } else if (b.t === 'opaque' && b.attrs?.get('__origin__')?.t === 'class') bases.push(b.attrs.get('__origin__') as ClassV);
    }
    const ns = new Map<string, Value>();
    ns.set('__module__', str(f.module.name));
    ns.set('__qualname__', str(def.name));
    const cls = this.makeClass(def.name, bases.length ? bases : [this.objectClass], ns, f.module.name);
    cls.def = def;
    cls.file = f.module.file;
    const scope: Scope = { vars: ns, parent: f.scope, isClass: true };
    const cf: Frame = { scope, module: f.module, fn: f.fn, retval: NONE };
    this.execBlock(def.body, cf);
    for (const v of ns.values()) this.setOwner(v, cls);
    // Class decorators (dataclass) and __init_subclass__-like hooks of native bases.
    const hook = this.lookupClass(cls, '__class_created__');
    let v: Value = cls;
    if (hook && hook.t === 'native') hook.fn([cls], metaKw ?? new Map(), def.loc);
    for (let i = def.decorators.length - 1; i >= 0; i--) {
      const d = this.eval(def.decorators[i]!, f);
      v = this.applyDecorator(d, v, def.decorators[i]!.loc);
    }
    return v;
  }

  private setOwner(v: Value, cls: ClassV): void {
    if (v.t === 'func') v.owner ??= cls;
    else if (v.t === 'staticmethod' || v.t === 'classmethod') this.setOwner(v.fn, cls);
    else if (v.t === 'property') {
      this.setOwner(v.fget, cls);
      if (v.fset) this.setOwner(v.fset, cls);
    }
  }

  makeClass(name: string, bases: ClassV[], ns: Map<string, Value>, module: string): ClassV {
    const cls: ClassV = { t: 'class', name, qualname: name, bases, mro: [], dict: ns, module };
    cls.mro = [cls, ...linearize(bases)];
    return cls;
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, f: Frame): Value {
    switch (e.k) {
      case 'name':
        return this.lookup(e.id, f, e.loc);
      case 'int':
        return int(e.v);
      case 'float':
        return float(e.v);
      case 'str':
        return str(e.v);
      case 'const':
        return e.v === 'True' ? TRUE : e.v === 'False' ? FALSE : e.v === 'None' ? NONE : ELLIPSIS;
      case 'fstr': {
        let out = '';
        for (const p of e.parts) {
          if (typeof p === 'string') out += p;
          else {
            const v = this.eval(p.x, f);
            if (v.t === 'unknown') return v;
            out += p.conv === 'r' ? (v.t === 'str' ? `'${v.v}'` : show(v)) : p.spec ? formatValue(v, p.spec) : show(v);
          }
        }
        return str(out);
      }
      case 'attr':
        return this.getAttr(this.eval(e.obj, f), e.name, e.loc);
      case 'sub':
        return this.getItem(this.eval(e.obj, f), this.eval(e.index, f), e.loc);
      case 'slice':
        return {
          t: 'slice',
          lo: e.lo ? this.eval(e.lo, f) : NONE,
          hi: e.hi ? this.eval(e.hi, f) : NONE,
          step: e.step ? this.eval(e.step, f) : NONE,
        };
      case 'call':
        return this.evalCall(e, f);
      case 'bin':
        return this.binary(e.op, this.eval(e.l, f), this.eval(e.r, f), e.loc);
      case 'unary': {
        const x = this.eval(e.x, f);
        if (x.t === 'tensor' && this.tensors) return this.tensors.unary(e.op, x, e.loc);
        const r = unaryop(e.op, x);
        if (r) return r;
        return this.dunder(x, e.op === '-' ? '__neg__' : e.op === '+' ? '__pos__' : '__invert__', [], e.loc) ?? this.unknownAt(`unary ${e.op} on ${typeName(x)}`, e.loc);
      }
      case 'bool': {
        const l = this.eval(e.l, f);
        const t = this.truth(l, e.loc);
        if (t === undefined) return l.t === 'unknown' ? l : unknown(e.op);
        if (e.op === 'and') return t ? this.eval(e.r, f) : l;
        return t ? l : this.eval(e.r, f);
      }
      case 'not': {
        const t = this.truth(this.eval(e.x, f), e.loc);
        return t === undefined ? unknown('not') : bool(!t);
      }
      case 'cmp': {
        let left = this.eval(e.xs[0]!, f);
        let result: Value = TRUE;
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.xs[i + 1]!, f);
          const r = this.compareValues(e.ops[i]!, left, right, e.loc);
          const t = truthy(r);
          if (t === undefined) return r;
          if (!t) return FALSE;
          result = r;
          left = right;
        }
        return result;
      }
      case 'cond': {
        const t = this.test(e.test, f);
        return this.eval(t ? e.body : e.orelse, f);
      }
      case 'lambda':
        return {
          t: 'func',
          name: '<lambda>',
          params: e.params,
          defaults: this.evalDefaults(e.params, f),
          body: e.body,
          closure: this.closureOf(f.scope),
          module: f.module,
          loc: e.loc,
        };
      case 'list':
        return list(this.evalElts(e.elts, f));
      case 'tuple':
        return tuple(this.evalElts(e.elts, f));
      case 'set': {
        const m = new Map<string, Value>();
        for (const v of this.evalElts(e.elts, f)) m.set(hashKey(v), v);
        return { t: 'set', map: m };
      }
      case 'dict': {
        const d = dict();
        for (const item of e.items) {
          if ('splat' in item) {
            const s = this.eval(item.splat, f);
            const m = this.asMapping(s, e.loc);
            if (m) for (const [k, v] of m) d.map.set(hashKey(k), [k, v]);
          } else {
            const k = this.eval(item.key, f);
            d.map.set(hashKey(k), [k, this.eval(item.value, f)]);
          }
        }
        return d;
      }
      case 'comp':
        return this.comprehension(e, f);
      case 'star':
        return this.eval(e.x, f);
      case 'walrus': {
        const v = this.eval(e.x, f);
        this.assignName(e.name, v, f);
        return v;
      }
      case 'yield': {
        const v = e.x ? this.eval(e.x, f) : NONE;
        const out = f.yields;
        if (!out) return NONE;
        if (e.from) {
          const items = this.iterList(v, e.loc);
          if (items) out.push(...items);
        } else out.push(v);
        return NONE;
      }
      case 'unknown':
        if (e.what === 'syntax error') return unknown(e.what);
        return this.unknownAt(e.what, e.loc);
    }
  }

  private evalElts(elts: Expr[], f: Frame): Value[] {
    const out: Value[] = [];
    for (const x of elts) {
      if (x.k === 'star') {
        const v = this.eval(x.x, f);
        const items = this.iterList(v, x.loc);
        if (items) out.push(...items);
        else out.push(unknown('starred'));
      } else out.push(this.eval(x, f));
    }
    return out;
  }

  private comprehension(e: Extract<Expr, { k: 'comp' }>, f: Frame): Value {
    const scope: Scope = { vars: new Map(), parent: f.scope };
    const cf: Frame = { ...f, scope, fn: undefined };
    const out: Value[] = [];
    const d = dict();
    const run = (i: number): void => {
      if (i === e.clauses.length) {
        this.step(e.loc);
        if (e.kind === 'dict') {
          const k = this.eval(e.elt, cf);
          d.map.set(hashKey(k), [k, this.eval(e.val!, cf)]);
        } else out.push(this.eval(e.elt, cf));
        return;
      }
      const c = e.clauses[i]!;
      if ('for' in c) {
        const it = this.eval(c.iter, i === 0 ? f : cf);
        const items = this.iterate(it, e.loc);
        if (!items) {
          if (it.t !== 'unknown') this.finding('warning', 'unknown-iterable', `Cannot iterate over ${typeName(it)} (line ${e.loc.sl + 1})`, e.loc);
          out.push(unknown('comprehension'));
          return;
        }
        for (const v of items) {
          this.assign(c.for, v, cf);
          run(i + 1);
        }
      } else if (this.test(c.if, cf)) run(i + 1);
    };
    run(0);
    if (e.kind === 'dict') return d;
    if (e.kind === 'set') {
      const m = new Map<string, Value>();
      for (const v of out) m.set(hashKey(v), v);
      return { t: 'set', map: m };
    }
    return e.kind === 'list' ? list(out) : { t: 'tuple', items: out, cls: GENERATOR };
  }

  lookup(name: string, f: Frame, loc: Loc): Value {
    let first = true;
    for (let s: Scope | undefined = f.scope; s; s = s.parent) {
      if (s.isClass && !first) continue;
      first = false;
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const g = f.module.dict.get(name);
    if (g !== undefined) return g;
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    return this.unknownAt(`name '${name}'`, loc, 'unknown-name');
  }

  binary(op: string, a: Value, b: Value, loc: Loc): Value {
    if ((a.t === 'tensor' || b.t === 'tensor') && this.tensors) {
      if (a.t !== 'unknown' && b.t !== 'unknown') return this.tensors.binop(op, a, b, loc);
    }
    try {
      const r = binop(op, a, b);
      if (r) return this.bounded(r, () => `${typeName(a)} ${op} ${typeName(b)}`, loc);
    } catch (e) {
      if (e instanceof PyArithmeticError) return this.unknownAt(`${show(a)} ${op} ${show(b)}: ${e.message}`, loc, 'arithmetic');
      throw e;
    }
    const name = BINOP_DUNDER[op];
    if (name) {
      const r = this.dunder(a, name, [b], loc) ?? this.dunder(b, '__r' + name.slice(2), [a], loc);
      if (r) return r;
    }
    return this.unknownAt(`${typeName(a)} ${op} ${typeName(b)}`, loc, 'unsupported-operation');
  }

  compareValues(op: string, a: Value, b: Value, loc: Loc): Value {
    if (op === 'in' || op === 'not in') {
      const r = this.contains(b, a, loc);
      if (r === undefined) return unknown('in');
      return bool(op === 'in' ? r : !r);
    }
    if (a.t === 'unknown') return a;
    if (b.t === 'unknown') return b;
    if ((a.t === 'tensor' || b.t === 'tensor') && this.tensors && op !== 'is' && op !== 'is not') return this.tensors.compare(op, a, b, loc);
    const r = compare(op, a, b);
    if (r) return r;
    return this.unknownAt(`${typeName(a)} ${op} ${typeName(b)}`, loc, 'unsupported-operation');
  }

  contains(container: Value, item: Value, loc: Loc): boolean | undefined {
    switch (container.t) {
      case 'list':
      case 'tuple':
        return container.items.some((x) => pyEquals(x, item));
      case 'dict':
        return container.map.has(hashKey(item));
      case 'set':
        return container.map.has(hashKey(item));
      case 'str':
        return item.t === 'str' ? container.v.includes(item.v) : undefined;
      case 'range': {
        const n = toBigInt(item);
        if (n === undefined) return false;
        const { start, stop, step } = container;
        return step > 0n ? n >= start && n < stop && (n - start) % step === 0n : n <= start && n > stop && (start - n) % -step === 0n;
      }
      case 'inst': {
        const r = this.dunder(container, '__contains__', [item], loc);
        if (r) return truthy(r);
        const items = this.iterList(container, loc);
        return items ? items.some((x) => pyEquals(x, item)) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Calls a dunder method defined by a user class; undefined when not defined. */
  dunder(self: Value, name: string, args: Value[], loc: Loc): Value | undefined {
    if (self.t !== 'inst') return undefined;
    const m = this.lookupClass(self.cls, name);
    if (!m) return undefined;
    return this.call(this.bindMethod(self, m), args, new Map(), loc);
  }

  // ---------------------------------------------------------------- calls

  private evalCall(e: Extract<Expr, { k: 'call' }>, f: Frame): Value {
    // super() without arguments needs the caller's frame.
    if (e.fn.k === 'name' && e.fn.id === 'super' && e.args.length === 0 && !f.scope.vars.has('super')) {
      return this.makeSuper(f, e.loc);
    }
    const fn = this.eval(e.fn, f);
    const { args, kwargs } = this.evalArgs(e.args, f, e.loc);
    return this.call(fn, args, kwargs, e.loc);
  }

  evalArgs(list: Arg[], f: Frame, loc: Loc): { args: Value[]; kwargs: Map<string, Value> } {
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    for (const a of list) {
      if (a.kind === 'pos') args.push(this.eval(a.x, f));
      else if (a.kind === 'kw') kwargs.set(a.name, this.eval(a.x, f));
      else if (a.kind === 'star') {
        const v = this.eval(a.x, f);
        const items = this.iterList(v, loc);
        if (items) args.push(...items);
        else args.push(unknown('*args'));
      } else {
        const v = this.eval(a.x, f);
        const m = this.asMapping(v, loc);
        if (m) for (const [k, x] of m) kwargs.set(k.t === 'str' ? k.v : show(k), x);
        else if (v.t !== 'unknown') this.finding('warning', 'unknown-kwargs', `Cannot expand ** of ${typeName(v)} (line ${loc.sl + 1})`, loc);
      }
    }
    return { args, kwargs };
  }

  /** Key/value pairs of a mapping (dict, dataclass-like objects with keys()). */
  asMapping(v: Value, loc: Loc): Array<[Value, Value]> | undefined {
    if (v.t === 'dict') return [...v.map.values()];
    if (v.t === 'inst') {
      const keys = this.lookupClass(v.cls, 'keys');
      if (keys) {
        const ks = this.iterList(this.call(this.bindMethod(v, keys), [], new Map(), loc), loc);
        if (ks) return ks.map((k) => [k, this.getItem(v, k, loc)]);
      }
    }
    return undefined;
  }

  private makeSuper(f: Frame, loc: Loc): Value {
    const owner = f.fn?.owner;
    const self = f.firstArg;
    if (!owner || !self) return this.unknownAt('super() outside a method', loc);
    return superObject(owner, self);
  }

  call(fn: Value, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
    switch (fn.t) {
      case 'func':
        return this.callFunction(fn, args, kwargs, loc);
      case 'native':
        this.step(loc);
        return this.callNative(fn, args, kwargs, loc);
      case 'bound':
        if (fn.fn.t === 'func') return this.callFunction(fn.fn, [fn.self, ...args], kwargs, loc);
        if (fn.fn.t === 'native') return this.callNative(fn.fn, [fn.self, ...args], kwargs, loc);
        // A classmethod of something that is not a function (`@classmethod` twice): whatever call() makes of it.
        return this.call(fn.fn, [fn.self, ...args], kwargs, loc);
      case 'class':
        return this.instantiate(fn, args, kwargs, loc);
      case 'inst': {
        const c = this.lookupClass(fn.cls, '__call__');
        if (c) return this.call(this.bindMethod(fn, c), args, kwargs, loc);
        return this.unknownAt(`call of ${fn.cls.name} object`, loc, 'not-callable');
      }
      case 'unknown':
        return fn;
      case 'staticmethod':
        return this.call(fn.fn, args, kwargs, loc);
      case 'opaque': {
        const c = fn.attrs?.get('__call__');
        if (c) return this.call(c, args, kwargs, loc);
        return this.unknownAt(`call of ${fn.name}`, loc, 'not-callable');
      }
      default:
        return this.unknownAt(`call of ${typeName(fn)}`, loc, 'not-callable');
    }
  }

  private callNative(fn: NativeV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
    try {
      return this.bounded(fn.fn(args, kwargs, loc), () => `${fn.name}()`, loc);
    } catch (e) {
      if (e instanceof PyArithmeticError) return this.unknownAt(`${fn.name}(): ${e.message}`, loc, 'arithmetic');
      throw e;
    }
  }

  callFunction(fn: FuncV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
    this.step(loc);
    if (this.depth >= this.budgets.depth) throw new BudgetExceeded('depth', this.budgets.depth, loc, this.currentFile);
    const vars = this.bind(fn, args, kwargs, loc);
    const scope: Scope = { vars, parent: fn.closure };
    const frame: Frame = { scope, module: fn.module, fn, retval: NONE, firstArg: args[0] };
    const prevFile = this.currentFile;
    this.currentFile = fn.module.file;
    this.depth++;
    try {
      if (!Array.isArray(fn.body)) return this.eval(fn.body, frame);
      if (fn.def?.generator) {
        // Generators run to completion at once; the call returns what they yielded.
        frame.yields = [];
        this.execBlock(fn.body, frame);
        return { t: 'tuple', items: frame.yields, cls: GENERATOR };
      }
      const c = this.execBlock(fn.body, frame);
      return c === RETURN ? frame.retval : NONE;
    } finally {
      this.depth--;
      this.currentFile = prevFile;
    }
  }

  /** Parameter names a call would leave without a value. */
  missingArgs(fn: FuncV, nargs: number, kwnames: Iterable<string>): string[] {
    const kw = new Set(kwnames);
    const missing: string[] = [];
    let pos = 0;
    for (const p of fn.params) {
      if (p.kind === 'pos') {
        if (pos < nargs) pos++;
        else if (!kw.has(p.name) && !fn.defaults.has(p.name)) missing.push(p.name);
      } else if (p.kind === 'kwonly' && !kw.has(p.name) && !fn.defaults.has(p.name)) missing.push(p.name);
    }
    return missing;
  }

  bind(fn: FuncV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Map<string, Value> {
    const vars = new Map<string, Value>();
    let i = 0;
    let hasKw = false;
    const used = new Set<string>();
    for (const p of fn.params) {
      if (p.kind === 'pos') {
        if (i < args.length) vars.set(p.name, args[i++]!);
        else if (kwargs.has(p.name)) {
          vars.set(p.name, kwargs.get(p.name)!);
          used.add(p.name);
        } else if (fn.defaults.has(p.name)) vars.set(p.name, fn.defaults.get(p.name)!);
        else {
          this.finding('warning', 'missing-argument', `${fn.name}() is missing argument '${p.name}' (line ${loc.sl + 1})`, loc);
          vars.set(p.name, unknown(`argument ${p.name}`));
        }
      } else if (p.kind === 'vararg') {
        vars.set(p.name, tuple(args.slice(i)));
        i = args.length;
      } else if (p.kind === 'kwonly') {
        if (kwargs.has(p.name)) {
          vars.set(p.name, kwargs.get(p.name)!);
          used.add(p.name);
        } else if (fn.defaults.has(p.name)) vars.set(p.name, fn.defaults.get(p.name)!);
        else {
          this.finding('warning', 'missing-argument', `${fn.name}() is missing keyword argument '${p.name}' (line ${loc.sl + 1})`, loc);
          vars.set(p.name, unknown(`argument ${p.name}`));
        }
      } else if (p.kind === 'kwarg') hasKw = true;
    }
    if (i < args.length) {
      this.finding('warning', 'extra-arguments', `${fn.name}() got ${args.length - i} extra positional argument(s) (line ${loc.sl + 1})`, loc);
    }
    const rest: Array<[Value, Value]> = [];
    for (const [k, v] of kwargs) {
      if (used.has(k) || (vars.has(k) && fn.params.some((p) => p.name === k && p.kind !== 'vararg' && p.kind !== 'kwarg'))) continue;
      if (hasKw) rest.push([str(k), v]);
      else this.finding('warning', 'unexpected-keyword', `${fn.name}() got an unexpected keyword argument '${k}' (line ${loc.sl + 1})`, loc);
    }
    const kwParam = fn.params.find((p) => p.kind === 'kwarg');
    if (kwParam) vars.set(kwParam.name, dict(rest));
    return vars;
  }

  instantiate(cls: ClassV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
    // Builtin types and classes with native constructors.
    for (const c of cls.mro) {
      const h = c.native;
      if (h?.construct) {
        const r = h.construct(cls, args, kwargs, loc);
        return r;
      }
      if (h?.create) break;
    }
    const newFn = this.lookupClass(cls, '__new__');
    if (newFn && newFn.t === 'staticmethod') {
      const r = this.call(newFn.fn, [cls, ...args], kwargs, loc);
      if (!(r.t === 'inst' && r.cls === cls)) return r;
    }
    let inst: InstV | undefined;
    for (const c of cls.mro) {
      if (c.native?.create) {
        inst = c.native.create(cls, loc, this.currentFile);
        break;
      }
    }
    inst ??= { t: 'inst', cls, dict: new Map() };
    const init = this.lookupClass(cls, '__init__');
    if (init) this.call(this.bindMethod(inst, init), args, kwargs, loc);
    this.onInstantiate?.(cls, inst, args, kwargs, loc, this.currentFile);
    return inst;
  }

  // ---------------------------------------------------------------- attributes

  hooks(cls: ClassV): NativeClassHooks | undefined {
    for (const c of cls.mro) if (c.native) return c.native;
    return undefined;
  }

  /** Class attribute lookup along the MRO, raw (unbound). */
  lookupClass(cls: ClassV, name: string): Value | undefined {
    for (const c of cls.mro) {
      const v = c.dict.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  bindMethod(self: Value, m: Value): Value {
    switch (m.t) {
      case 'func':
        return { t: 'bound', self, fn: m } as BoundV;
      case 'native':
        return m.method ? ({ t: 'bound', self, fn: m } as BoundV) : m;
      case 'staticmethod':
        return m.fn;
      case 'classmethod':
        return { t: 'bound', self: self.t === 'inst' ? self.cls : self, fn: m.fn as FuncV } as BoundV;
      default:
        return m;
    }
  }

  getAttr(obj: Value, name: string, loc: Loc): Value {
    const v = this.getAttrOpt(obj, name, loc);
    if (v !== undefined) return v;
    if (obj.t === 'unknown') return obj;
    if (obj.t === 'module' && obj.unknownLib) return unknown(`${obj.name}.${name}`);
    return this.unknownAt(`attribute '${name}' of ${typeName(obj)}`, loc, 'unknown-attribute');
  }

  /** Attribute lookup; undefined when missing (hasattr, getattr with default). */
  getAttrOpt(obj: Value, name: string, loc: Loc): Value | undefined {
    switch (obj.t) {
      case 'inst': {
        const cv = this.lookupClass(obj.cls, name);
        if (cv && cv.t === 'property') return this.call(cv.fget, [obj], new Map(), loc);
        const dv = obj.dict.get(name);
        if (dv !== undefined) return dv;
        if (cv !== undefined) return this.bindMethod(obj, cv);
        for (const c of obj.cls.mro) {
          const g = c.native?.getattr?.(obj, name);
          if (g !== undefined) return g;
        }
        if (name === '__class__') return obj.cls;
        if (name === '__dict__') return dict([...obj.dict].map(([k, v]) => [str(k), v]));
        const ga = this.lookupClass(obj.cls, '__getattr__');
        if (ga && ga.t === 'func') return this.call(this.bindMethod(obj, ga), [str(name)], new Map(), loc);
        return undefined;
      }
      case 'class': {
        if (name === '__name__') return str(obj.name);
        if (name === '__mro__') return tuple(obj.mro);
        if (name === '__bases__') return tuple(obj.bases);
        const v = this.lookupClass(obj, name);
        if (v === undefined) return undefined;
        if (v.t === 'classmethod') return { t: 'bound', self: obj, fn: v.fn as FuncV } as BoundV;
        if (v.t === 'staticmethod') return v.fn;
        return v;
      }
      case 'module': {
        return this.moduleAttr(obj, name);
      }
      case 'unknown':
        return obj;
      case 'tensor':
        return this.tensors ? this.tensors.attr(obj, name, loc) : unknown('tensor');
      case 'opaque': {
        if (obj.kind === 'super') return this.superAttr(obj, name, loc);
        const v = obj.attrs?.get(name);
        if (v !== undefined) return v;
        return this.methods(this, obj, name);
      }
      case 'func':
        if (name === '__name__') return str(obj.name);
        return obj.attrs?.get(name);
      case 'bound':
        if (name === '__self__') return obj.self;
        if (name === '__func__') return obj.fn;
        if (name === '__name__') return str(obj.fn.name);
        return undefined;
      case 'native':
        if (name === '__name__') return str(obj.name);
        return undefined;
      case 'property':
        // @x.setter / @x.getter build a new property around the decorated function.
        if (name === 'setter') return { t: 'native', name: 'setter', fn: (a) => ({ t: 'property', fget: obj.fget, fset: a[0] }) };
        if (name === 'getter') return { t: 'native', name: 'getter', fn: (a) => ({ t: 'property', fget: a[0] ?? NONE, fset: obj.fset }) };
        if (name === 'fget') return obj.fget;
        return undefined;
      default:
        return this.methods(this, obj, name);
    }
  }

  moduleAttr(mod: ModuleV, name: string): Value | undefined {
    const v = mod.dict.get(name);
    if (v !== undefined) return v;
    if (name === '__name__') return str(mod.name);
    if (name === '__file__' && mod.file) return str(mod.file);
    const g = mod.getattr?.(name);
    if (g !== undefined) return g;
    if (mod.unknownLib) return unknown(`${mod.name}.${name}`);
    return undefined;
  }

  private superAttr(sup: Extract<Value, { t: 'opaque' }>, name: string, loc: Loc): Value {
    const owner = sup.attrs!.get('__thisclass__') as ClassV;
    const self = sup.attrs!.get('__self__')!;
    const cls = self.t === 'inst' ? self.cls : self.t === 'class' ? self : undefined;
    if (!cls) return unknown('super');
    const idx = cls.mro.indexOf(owner);
    for (const c of cls.mro.slice(idx + 1)) {
      const v = c.dict.get(name);
      if (v === undefined) continue;
      if (v.t === 'property') return this.call(v.fget, [self], new Map(), loc);
      if (v.t === 'classmethod') return { t: 'bound', self: cls, fn: v.fn as FuncV } as BoundV;
      return this.bindMethod(self, v);
    }
    if (name === '__init__') return NOOP_METHOD;
    return this.unknownAt(`super().${name}`, loc, 'unknown-attribute');
  }

  setAttr(obj: Value, name: string, v: Value, loc: Loc): void {
    switch (obj.t) {
      case 'inst': {
        const cv = this.lookupClass(obj.cls, name);
        if (cv && cv.t === 'property') {
          if (cv.fset) this.call(cv.fset, [obj, v], new Map(), loc);
          return;
        }
        for (const c of obj.cls.mro) if (c.native?.setattr?.(obj, name, v, loc)) return;
        if (!obj.cls.def) this.rememberShared(obj.dict, name);
        obj.dict.set(name, v);
        return;
      }
      case 'class':
        if (!obj.def) this.rememberShared(obj.dict, name);
        obj.dict.set(name, v);
        return;
      case 'module':
        if (obj.file === undefined) this.rememberShared(obj.dict, name);
        obj.dict.set(name, v);
        return;
      case 'func':
        obj.attrs ??= new Map();
        obj.attrs.set(name, v);
        return;
      case 'tensor':
        if (name === 'requires_grad') {
          const t = truthy(v);
          if (t !== undefined) obj.requiresGrad = t;
        }
        return;
      case 'opaque':
        obj.attrs ??= new Map();
        obj.attrs.set(name, v);
        return;
      case 'unknown':
        return;
      default:
        this.finding('warning', 'bad-target', `Cannot set attribute '${name}' on ${typeName(obj)} (line ${loc.sl + 1})`, loc);
    }
  }

  // ---------------------------------------------------------------- items

  getItem(obj: Value, key: Value, loc: Loc): Value {
    if (obj.t === 'unknown') return obj;
    switch (obj.t) {
      case 'list':
      case 'tuple': {
        if (key.t === 'slice') {
          const items = this.sliceItems(obj.items, key);
          return obj.t === 'list' ? list(items) : tuple(items);
        }
        const i = toBigInt(key);
        if (i === undefined) return key.t === 'unknown' ? key : this.unknownAt(`index ${typeName(key)}`, loc);
        const n = Number(i);
        const v = obj.items[n < 0 ? obj.items.length + n : n];
        return v ?? this.unknownAt(`index ${n} out of range`, loc, 'index-error');
      }
      case 'str': {
        if (key.t === 'slice') return str(this.sliceItems([...obj.v], key).join(''));
        const i = toBigInt(key);
        if (i === undefined) return unknown('str index');
        const n = Number(i);
        const c = obj.v[n < 0 ? obj.v.length + n : n];
        return c === undefined ? this.unknownAt('string index out of range', loc, 'index-error') : str(c);
      }
      case 'dict': {
        const e = obj.map.get(hashKey(key));
        if (e) return e[1];
        if (key.t === 'unknown') return key;
        const missing = (obj as { missing?: Value }).missing;
        if (missing) {
          const v = this.call(missing, [], new Map(), loc);
          obj.map.set(hashKey(key), [key, v]);
          return v;
        }
        return this.unknownAt(`key ${show(key)} in dict`, loc, 'key-error');
      }
      case 'range': {
        const i = toBigInt(key);
        if (key.t === 'slice') {
          const items = this.rangeSlice(obj, key);
          return items ?? unknown('range slice');
        }
        if (i === undefined) return unknown('range index');
        const len = rangeLength(obj);
        const j = i < 0n ? len + i : i;
        if (j < 0n || j >= len) return this.unknownAt('range index out of range', loc, 'index-error');
        return int(obj.start + j * obj.step);
      }
      case 'tensor':
        return this.tensors ? this.tensors.getitem(obj, key, loc) : unknown('tensor');
      case 'inst': {
        const gi = this.lookupClass(obj.cls, '__getitem__');
        if (gi) return this.call(this.bindMethod(obj, gi), [key], new Map(), loc);
        return this.unknownAt(`${obj.cls.name}[...]`, loc, 'unsupported-operation');
      }
      case 'class': {
        const cgi = this.lookupClass(obj, '__class_getitem__');
        if (cgi) return this.call(cgi, [obj, key], new Map(), loc);
        return obj; // List[int] style generic aliases
      }
      case 'opaque': {
        if (obj.kind === 'typing') return obj;
        const gi = obj.attrs?.get('__getitem__');
        return gi ? this.call(gi, [key], new Map(), loc) : unknown('item');
      }
      default:
        return this.unknownAt(`${typeName(obj)}[...]`, loc, 'unsupported-operation');
    }
  }

  setItem(obj: Value, key: Value, v: Value, loc: Loc): void {
    switch (obj.t) {
      case 'list': {
        if (key.t === 'slice') {
          const [a, b] = this.sliceBounds(key, obj.items.length);
          const items = this.iterList(v, loc) ?? [];
          obj.items.splice(a, Math.max(0, b - a), ...items);
          return;
        }
        const i = toBigInt(key);
        if (i === undefined) return;
        const n = Number(i);
        const j = n < 0 ? obj.items.length + n : n;
        if (j >= 0 && j < obj.items.length) obj.items[j] = v;
        else this.finding('warning', 'index-error', `List index ${n} out of range (line ${loc.sl + 1})`, loc);
        return;
      }
      case 'dict':
        obj.map.set(hashKey(key), [key, v]);
        return;
      case 'inst': {
        const si = this.lookupClass(obj.cls, '__setitem__');
        if (si) this.call(this.bindMethod(obj, si), [key, v], new Map(), loc);
        return;
      }
      case 'tensor':
      case 'unknown':
        return; // in-place tensor writes do not change shapes
      default:
        this.finding('warning', 'bad-target', `Cannot assign items of ${typeName(obj)} (line ${loc.sl + 1})`, loc);
    }
  }

  sliceBounds(s: Extract<Value, { t: 'slice' }>, len: number): [number, number, number] {
    const num = (v: Value): number | undefined => {
      const b = toBigInt(v);
      return b === undefined ? undefined : Number(b);
    };
    const step = num(s.step) ?? 1;
    const norm = (v: number | undefined, def: number): number => {
      if (v === undefined) return def;
      if (v < 0) v += len;
      return step > 0 ? Math.min(Math.max(v, 0), len) : Math.min(Math.max(v, -1), len - 1);
    };
    const lo = norm(num(s.lo), step > 0 ? 0 : len - 1);
    const hi = norm(num(s.hi), step > 0 ? len : -1);
    return [lo, hi, step === 0 ? 1 : step];
  }

  sliceItems<T>(items: T[], s: Extract<Value, { t: 'slice' }>): T[] {
    const [lo, hi, step] = this.sliceBounds(s, items.length);
    const out: T[] = [];
    if (step > 0) for (let i = lo; i < hi; i += step) out.push(items[i]!);
    else for (let i = lo; i > hi; i += step) out.push(items[i]!);
    return out;
  }

  private rangeSlice(r: Extract<Value, { t: 'range' }>, s: Extract<Value, { t: 'slice' }>): Value | undefined {
    const len = rangeLength(r);
    if (len > BigInt(MAX_VALUE_ITEMS)) return undefined;
    const items = this.sliceItems([...Array(Number(len)).keys()], s);
    return list(items.map((i) => int(r.start + BigInt(i) * r.step)));
  }

  // ---------------------------------------------------------------- iteration

  /** Lazily iterates a value; undefined when it is not iterable (or unknown). */
  iterate(v: Value, loc: Loc): Iterable<Value> | undefined {
    switch (v.t) {
      case 'list':
      case 'tuple':
        return v.items.slice();
      case 'str':
        return [...v.v].map((c) => str(c));
      case 'dict':
        return [...v.map.values()].map(([k]) => k);
      case 'set':
        return [...v.map.values()];
      case 'range':
        return rangeIter(v);
      case 'tensor':
        return this.tensors?.iter(v, loc);
      case 'opaque': {
        const items = v.kind === 'iterator' ? v.attrs?.get('__items__') : undefined;
        return items && items.t === 'list' ? items.items.splice(0) : undefined;
      }
      case 'inst': {
        const it = this.lookupClass(v.cls, '__iter__');
        if (it) {
          const r = this.call(this.bindMethod(v, it), [], new Map(), loc);
          return r.t === 'inst' && r === v ? undefined : this.iterate(r, loc);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Materialised iteration, for unpacking and builtins; bounded by the step budget. */
  iterList(v: Value, loc: Loc): Value[] | undefined {
    if (v.t === 'list' || v.t === 'tuple') return v.items;
    if (v.t === 'range' && rangeLength(v) > BigInt(MAX_VALUE_ITEMS)) {
      this.finding('warning', 'too-large', `range of ${rangeLength(v)} items is too large to evaluate (line ${loc.sl + 1})`, loc);
      return undefined;
    }
    const it = this.iterate(v, loc);
    if (!it) return undefined;
    const out: Value[] = [];
    for (const x of it) {
      this.step(loc);
      out.push(x);
    }
    return out;
  }

  nativeLen(v: InstV): number | undefined {
    const l = this.lookupClass(v.cls, '__len__');
    if (l) {
      const r = this.call(this.bindMethod(v, l), [], new Map(), this.lastLoc);
      const n = toBigInt(r);
      return n === undefined ? undefined : Number(n);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- imports

  importModule(name: string, level: number, from: ModuleV, loc: Loc, quiet = false): ModuleV {
    if (!this.importer) return { t: 'module', name, dict: new Map(), unknownLib: name };
    return this.importer.importModule(name, level, from, quiet ? { ...loc, sl: -1 } : loc);
  }
}

const BINOP_DUNDER: Record<string, string> = {
  '+': '__add__',
  '-': '__sub__',
  '*': '__mul__',
  '/': '__truediv__',
  '//': '__floordiv__',
  '%': '__mod__',
  '**': '__pow__',
  '@': '__matmul__',
  '&': '__and__',
  '|': '__or__',
  '^': '__xor__',
};

/** Marks tuples made by generator expressions (they behave as lists here). */
const GENERATOR: ClassV = { t: 'class', name: 'generator', qualname: 'generator', bases: [], mro: [], dict: new Map(), module: 'builtins' };
GENERATOR.mro = [GENERATOR];

const NOOP_METHOD: Value = { t: 'native', name: '__init__', fn: () => NONE };

export function superObject(owner: ClassV, self: Value): Value {
  return { t: 'opaque', kind: 'super', name: 'super', attrs: new Map<string, Value>([['__thisclass__', owner], ['__self__', self]]) };
}

function* rangeIter(r: Extract<Value, { t: 'range' }>): Generator<Value> {
  if (r.step > 0n) for (let i = r.start; i < r.stop; i += r.step) yield int(i);
  else for (let i = r.start; i > r.stop; i += r.step) yield int(i);
}

/** C3 linearisation of the bases' MROs; falls back to depth-first order when inconsistent. */
function linearize(bases: ClassV[]): ClassV[] {
  const seqs = [...bases.map((b) => b.mro.slice()), bases.slice()].filter((s) => s.length);
  const out: ClassV[] = [];
  while (seqs.some((s) => s.length)) {
    let head: ClassV | undefined;
    for (const s of seqs) {
      if (!s.length) continue;
      const cand = s[0]!;
      if (!seqs.some((o) => o.indexOf(cand) > 0)) {
        head = cand;
        break;
      }
    }
    if (!head) {
      const seen = new Set<ClassV>();
      const dfs: ClassV[] = [];
      for (const b of bases) {
        for (const c of b.mro) {
          if (seen.has(c)) continue;
          seen.add(c);
          dfs.push(c);
        }
      }
      return dfs;
    }
    out.push(head);
    for (const s of seqs) if (s[0] === head) s.shift();
  }
  return out;
}

export { NORMAL, RETURN };
