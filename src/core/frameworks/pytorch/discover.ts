/**
 * Finding torch models in an executed document, and profiling each one.
 *
 * Entries (each its own ModelGraph, evaluated with its own arguments):
 * - class: every nn.Module subclass defined at the top level of the document
 *   (directly or through other classes, LightningModule included), built with
 *   its defaults; when __init__ needs arguments, the first instantiation seen
 *   in the file supplies them, else a finding names what is missing. Helper
 *   classes used inside other models (a Block) are listed too, because people
 *   hover them; classes that define no forward and hold no parameters
 *   (abstract bases, mixins) are left out.
 * - instance / sequential: top-level assignments (also inside a top-level
 *   `if __name__ == "__main__":`) whose value is a module with parameters or
 *   buffers. Parameter-free builtin modules (losses, activations) are left out.
 * - builder: top-level functions that need no arguments and return a call or
 *   a name, when calling them returns a module.
 */
import { hasUnbuiltLayer, type InputSpec, type ModelGraph, type ModelKind, type ProfileOverrides } from '../../graph';
import type { ClassDef, Expr, FunctionDef, Loc, Stmt } from '../../python/ast';
import type { ClassV, FuncV, InstV, Value } from '../../python/values';
import type { DiscoveryContext, FrameworkPlugin } from '../registry';
import { newSink } from '../../python/interp';
import { completeForwardArgs, type ExampleCall, resolveInput, withAlternative } from './inputs';
import { isModuleClass } from './nnModule';
import { torchFactories, torchPackage } from './package';
import type { TorchRuntime } from './runtime';
import { buildTree } from './toGraph';
import { Trace } from './trace';
import { detectTransformer } from './transformerInfo';

/** Per-document observations made while the file executed. */
export interface TorchObservations {
  examples: Map<InstV, ExampleCall[]>;
  instantiations: Map<ClassV, { args: Value[]; kwargs: Map<string, Value> }>;
}

const observations = new WeakMap<object, TorchObservations>();

/** Start observing example calls and instantiations (called before the document runs). */
export function observeTorch(ctxKey: object, rt: TorchRuntime): TorchObservations {
  const obs: TorchObservations = { examples: new Map(), instantiations: new Map() };
  observations.set(ctxKey, obs);
  rt.onExampleCall = (m, args, kwargs, loc) => {
    let list = obs.examples.get(m);
    if (!list) obs.examples.set(m, (list = []));
    if (list.length < 4) list.push({ args, kwargs, line: loc.sl });
  };
  rt.interp.onInstantiate = (cls, _inst, args, kwargs) => {
    if (!obs.instantiations.has(cls)) obs.instantiations.set(cls, { args, kwargs });
  };
  return obs;
}

interface Entry {
  name: string;
  kind: ModelKind;
  loc: Loc;
  nameLoc: Loc;
  /** What to profile: an existing instance, or how to make one. */
  instance?: InstV;
  make?: () => Value;
  cls?: ClassV;
  /** Class entries whose __init__ needs arguments nobody supplied. */
  missing?: string[];
}

function returnsCallOrName(body: Stmt[]): boolean {
  for (const s of body) {
    if (s.k === 'return' && s.x && (s.x.k === 'call' || s.x.k === 'name' || s.x.k === 'cond')) return true;
    if (s.k === 'if' && (returnsCallOrName(s.body) || returnsCallOrName(s.orelse))) return true;
    if ((s.k === 'for' || s.k === 'while' || s.k === 'with') && returnsCallOrName(s.body)) return true;
    if (s.k === 'try' && returnsCallOrName(s.body)) return true;
  }
  return false;
}

function needsNoArgs(fn: FunctionDef): boolean {
  return fn.params.every((p) => p.kind === 'vararg' || p.kind === 'kwarg' || p.default !== undefined);
}

/** Top-level statements, and those inside a top-level `if`/`with`/`try` (the __main__ guard). */
function topLevel(body: Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const s of body) {
    out.push(s);
    if (s.k === 'if') out.push(...s.body, ...s.orelse);
    else if (s.k === 'with') out.push(...s.body);
    else if (s.k === 'try') out.push(...s.body);
  }
  return out;
}

function hasOwnForward(cls: ClassV, moduleClass: ClassV): boolean {
  for (const c of cls.mro) {
    if (c === moduleClass) return false;
    if (c.dict.has('forward')) return true;
  }
  return false;
}

export function discoverTorch(ctx: DiscoveryContext): ModelGraph[] {
  const interp = ctx.interp;
  const pkg = torchPackage(interp);
  const rt = pkg.rt;
  const obs = observations.get(ctx) ?? { examples: new Map(), instantiations: new Map() };
  const entries: Entry[] = [];
  const seenInstances = new Set<InstV>();

  for (const s of topLevel(ctx.ast.body)) {
    if (s.k === 'class') {
      const v = ctx.main.dict.get(s.cls.name);
      if (!v || v.t !== 'class' || v.def !== s.cls || !isModuleClass(rt, v)) continue;
      entries.push(classEntry(ctx, v, s.cls));
    } else if (s.k === 'assign' || s.k === 'annassign') {
      const targets = s.k === 'assign' ? s.targets : [s.target];
      for (const t of targets) {
        if (t.k !== 'name') continue;
        const v = ctx.main.dict.get(t.id);
        if (!v || !rt.isModule(v) || seenInstances.has(v) || ctx.claimed(v)) continue;
        seenInstances.add(v);
        if (!hasWeights(rt, v)) continue;
        const rhs: Expr | undefined = s.k === 'assign' ? s.x : s.x;
        const kind: ModelKind = v.cls.name === 'Sequential' && rhs?.k === 'call' ? 'sequential' : 'instance';
        entries.push({ name: t.id, kind, loc: s.loc, nameLoc: t.loc, instance: v, cls: v.cls });
      }
    } else if (s.k === 'def') {
      const f = ctx.main.dict.get(s.fn.name);
      if (!f || f.t !== 'func' || f.def !== s.fn || !needsNoArgs(s.fn) || !returnsCallOrName(s.fn.body)) continue;
      entries.push({ name: s.fn.name, kind: 'builder', loc: s.fn.loc, nameLoc: s.fn.nameLoc, make: () => interp.call(f as FuncV, [], new Map(), s.fn.nameLoc) });
    }
  }

  // Only the models asked for, unless one of them takes its arguments from the others.
  const only = ctx.only;
  if (only && entries.some((e) => only.has(e.name)) && !entries.some((e) => only.has(e.name) && e.missing?.length)) {
    for (let i = entries.length - 1; i >= 0; i--) if (!only.has(entries[i]!.name)) entries.splice(i, 1);
  }
  // Classes that need arguments go last: other models' constructors may instantiate them.
  const order = entries.map((e, i) => ({ e, i })).sort((a, b) => Number(!!a.e.missing?.length) - Number(!!b.e.missing?.length) || a.i - b.i);
  const cache = ctx.modelCache;
  const keys = new Map<Entry, string | undefined>();
  for (const { e } of order) keys.set(e, cache?.keyFor(`${e.kind} ${e.name}`, e.loc, e.missing?.length ? e.name : undefined));
  // A class that takes its arguments from an instantiation seen while other models are
  // built needs those models evaluated first: earlier results serve only when every
  // such class is unchanged too.
  const reuse = cache !== undefined && order.every(({ e }) => !e.missing?.length || (keys.get(e) !== undefined && cache.has(keys.get(e)!)));
  const graphs: ModelGraph[] = [];
  const skipped: Entry[] = [];
  for (const [index, { e }] of order.entries()) {
    const key = keys.get(e);
    const hit = reuse && key !== undefined ? cache!.get(key) : undefined;
    if (hit) {
      if (hit.notProfiled) missingArgumentsFinding(ctx, e);
      if (hit.graph) graphs.push(hit.graph);
      continue;
    }
    if (!ctx.timeLeft()) {
      skipped.push(e);
      continue;
    }
    if (e.missing?.length) {
      const inst = e.cls ? obs.instantiations.get(e.cls) : undefined;
      if (inst) e.make = () => interp.call(e.cls!, inst.args, inst.kwargs, e.nameLoc);
      else {
        missingArgumentsFinding(ctx, e);
        if (key !== undefined) cache!.set(key, { notProfiled: true });
        continue;
      }
    }
    const queriesBefore = ctx.hostQueries?.();
    // While other models wait, one may take only half the time left.
    const g = profileEntry(ctx, rt, e, obs, index < order.length - 1 ? 0.5 : 1);
    if (g) graphs.push(g);
    // A model that read other files while it was built (a lazy import) is evaluated every time.
    if (key !== undefined && ctx.hostQueries?.() === queriesBefore) cache!.set(key, { graph: g });
  }
  if (skipped.length) {
    const names = skipped.slice(0, 5).map((e) => e.name).join(', ') + (skipped.length > 5 ? `, … (${skipped.length - 5} more)` : '');
    interp.finding('warning', 'budget-time', `The time budget ran out before ${skipped.length} model(s) were evaluated: ${names}`, skipped[0]!.nameLoc);
  }
  return graphs;
}

function missingArgumentsFinding(ctx: DiscoveryContext, e: Entry): void {
  ctx.interp.finding('info', 'missing-arguments', `${e.name} is not profiled: its __init__ needs ${e.missing!.map((m) => `'${m}'`).join(', ')}. Instantiate it in this file (e.g. \`model = ${e.name}(...)\`) to profile it`, e.nameLoc);
}

function hasWeights(rt: TorchRuntime, m: InstV): boolean {
  if (!m.cls.builtin) return true;
  return rt.namedTensors(m, 'params', true).length > 0 || rt.namedTensors(m, 'buffers', true).length > 0;
}

function classEntry(ctx: DiscoveryContext, cls: ClassV, def: ClassDef): Entry {
  const e: Entry = { name: def.name, kind: 'class', loc: def.loc, nameLoc: def.nameLoc, cls };
  const init = ctx.interp.lookupClass(cls, '__init__');
  if (init && init.t === 'func') {
    const missing = ctx.interp.missingArgs(init, 1, []);
    if (missing.length) e.missing = missing;
  }
  if (!e.missing) e.make = () => ctx.interp.call(cls, [], new Map(), def.nameLoc);
  return e;
}

function profileEntry(ctx: DiscoveryContext, rt: TorchRuntime, e: Entry, obs: TorchObservations, timeShare: number): ModelGraph | undefined {
  const interp = ctx.interp;
  const state: { inst?: InstV; trace?: Trace; input?: InputSpec; profile?: ProfileOverrides; notModule?: boolean } = {};
  state.profile = ctx.profileFor(e.loc.sl, e.nameLoc.sl, e.kind === 'class' || e.kind === 'builder' ? undefined : e.loc.el);
  if (!state.profile && e.kind === 'instance' && e.cls?.def && !e.cls.file?.startsWith('<') && (!e.cls.file || e.cls.file === ctx.file)) {
    state.profile = ctx.profileFor(e.cls.def.loc.sl, e.cls.def.nameLoc.sl);
  }
  const g = ctx.guarded(e.name, () => {
    if (e.instance) state.inst = e.instance;
    else if (e.make) {
      rt.captureFirst = true;
      rt.firstCreated = undefined;
      try {
        const v = e.make();
        if (rt.isModule(v)) state.inst = v;
        else state.notModule = true;
      } finally {
        rt.captureFirst = false;
        if (!state.inst && !state.notModule && e.kind !== 'builder') state.inst = rt.firstCreated;
      }
    }
    if (!state.inst) return;
    rt.namedMemo = new Map();
    const weights = rt.namedTensors(state.inst, 'params', true).length + rt.namedTensors(state.inst, 'buffers', true).length;
    if (e.kind === 'class' && !hasOwnForward(state.inst.cls, rt.moduleClass) && weights === 0) {
      state.notModule = true;
      return;
    }
    const examples = [...(obs.examples.get(state.inst) ?? [])];
    const cls = state.inst.cls;
    if (!examples.length) for (const [m, ex] of obs.examples) if (m.cls === cls) examples.push(...ex);
    const resolved = resolveInput(rt, state.inst, { options: ctx.options, profile: state.profile, examples, text: ctx.text });
    if ('missing' in resolved) {
      interp.finding('info', 'no-input', resolved.missing, e.nameLoc);
      return;
    }
    if (resolved.spec.source !== 'example') {
      completeForwardArgs(rt, state.inst, resolved, (param) =>
        interp.finding('info', 'no-input', `forward() needs '${param}', which nothing in the file gives: add an example call such as \`model(x, ${param})\``, e.nameLoc),
      );
    }
    state.input = resolved.spec;
    if (!resolved.alternatives?.length) {
      state.trace = runForward(rt, state.inst, resolved.args, resolved.kwargs, e.nameLoc);
      return;
    }
    // An inferred input may not fit the layers (a 2-D features input for an attention
    // block, 224² for a CIFAR net): try the usual alternatives, keeping the first that fits.
    const sink = interp.sink;
    const attempt = (args: Value[], kwargs: Map<string, Value>) => {
      interp.sink = newSink();
      try {
        const trace = new Trace();
        state.trace = trace;
        runForward(rt, state.inst!, args, kwargs, e.nameLoc, trace);
        return { trace, sink: interp.sink };
      } finally {
        interp.sink = sink;
      }
    };
    const first = attempt(resolved.args, resolved.kwargs);
    let chosen = first;
    if (first.trace.errors) {
      for (const a of resolved.alternatives) {
        if (!interp.timeLeft()) break;
        const alt = withAlternative(rt, resolved, a);
        const r = attempt(alt.args, alt.kwargs);
        if (!r.trace.errors) {
          chosen = r;
          state.input = alt.spec;
          break;
        }
      }
    }
    state.trace = chosen.trace;
    for (const f of chosen.sink.findings) interp.finding(f.severity, f.code, f.message, f.range ? { sl: f.range.start.line, sc: f.range.start.character, el: f.range.end.line, ec: f.range.end.character } : undefined, f.file);
  }, timeShare);
  if (!state.inst || state.notModule) {
    rt.namedMemo = undefined;
    return undefined;
  }
  rt.namedMemo ??= new Map();
  try {
    return finishGraph(ctx, rt, e, state, g);
  } finally {
    rt.namedMemo = undefined;
  }
}

function finishGraph(
  ctx: DiscoveryContext,
  rt: TorchRuntime,
  e: Entry,
  state: { inst?: InstV; trace?: Trace; input?: InputSpec; profile?: ProfileOverrides },
  g: { findings: ModelGraph['findings']; partial: boolean },
): ModelGraph {
  if (!state.inst) throw new Error('no instance');
  const tree = buildTree(rt, state.inst, state.trace, ctx.file, e.kind === 'instance' || e.kind === 'sequential' || e.kind === 'builder' ? state.inst.cls.name : undefined, ctx.range(e.loc));
  const graph: ModelGraph = {
    name: e.name,
    kind: e.kind,
    framework: 'pytorch',
    range: ctx.range(e.loc),
    nameRange: ctx.range(e.nameLoc),
    params: tree.params,
    root: tree.root,
    // A layer that could not be built (bad or absurd arguments) is missing from the counts,
    // whether the findings saying so came from this evaluation or from the module level.
    partial: g.partial || hasUnbuiltLayer(tree.root),
    findings: g.findings,
  };
  if (state.input) graph.input = state.input;
  if (state.profile) graph.profile = state.profile;
  try {
    const info = detectTransformer(rt, state.inst, tree.root, state.trace);
    if (info) graph.transformer = info;
  } catch {
    // Transformer facts are an extra; a model they cannot be read from is still profiled.
  }
  return graph;
}

/** Trace one forward. The trace object outlives a budget stop, so partial stats are kept. */
export function runForward(rt: TorchRuntime, model: InstV, args: Value[], kwargs: Map<string, Value>, loc: Loc, trace = new Trace()): Trace {
  for (const [, t] of rt.namedTensors(model, 'params', true)) trace.weightStorages.add(t.storage ?? t.id);
  for (const [, t] of rt.namedTensors(model, 'buffers', true)) trace.weightStorages.add(t.storage ?? t.id);
  const prev = rt.trace;
  rt.trace = trace;
  try {
    rt.interp.call(model, args, kwargs, loc);
  } finally {
    rt.trace = prev;
  }
  return trace;
}

export const PYTORCH_PLUGIN: FrameworkPlugin = {
  id: 'pytorch',
  order: 100,
  modules: torchFactories,
  prepare: (ctx) => {
    observeTorch(ctx, torchPackage(ctx.interp).rt);
  },
  discover: discoverTorch,
};
