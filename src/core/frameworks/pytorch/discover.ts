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
import type { InputSpec, ModelGraph, ModelKind, ProfileOverrides } from '../../graph';
import type { ClassDef, Expr, Loc, Stmt } from '../../python/ast';
import type { Interp, Sink } from '../../python/interp';
import type { ClassV, FuncV, InstV, Value } from '../../python/values';
import type { CachedModel, ModelCacheScope } from '../modelCache';
import { entryGraph, needsNoArgs, topLevel, type DiscoveryContext, type FrameworkPlugin, type Guarded, type ModelEntry, missingArgumentsFinding } from '../registry';
import { newSink } from '../../python/interp';
import { callerInput, classesInside, findCaller, type CallerRecord, type TracedModel } from './callers';
import { completeForwardArgs, type ExampleCall, type ResolvedInput, resolveInput, withAlternative } from './inputs';
import { isModuleClass } from './nnModule';
import { torchFactories, torchPackage } from './package';
import type { TorchRuntime } from './runtime';
import { buildTree } from './toGraph';
import { settleSequenceLayout } from './sequenceLayout';
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

type Entry = ModelEntry;

function returnsCallOrName(body: Stmt[]): boolean {
  for (const s of body) {
    if (s.k === 'return' && s.x && (s.x.k === 'call' || s.x.k === 'name' || s.x.k === 'cond')) return true;
    if (s.k === 'if' && (returnsCallOrName(s.body) || returnsCallOrName(s.orelse))) return true;
    if ((s.k === 'for' || s.k === 'while' || s.k === 'with') && returnsCallOrName(s.body)) return true;
    if (s.k === 'try' && returnsCallOrName(s.body)) return true;
  }
  return false;
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
  const hits = reuse ? reusableResults(order.map(({ e }) => e), keys, cache) : new Map<Entry, CachedModel>();
  const graphs: ModelGraph[] = [];
  const skipped: Entry[] = [];
  const built: Built[] = [];
  for (const { e } of order) {
    const hit = hits.get(e);
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
        const key = keys.get(e);
        if (key !== undefined) cache!.set(key, { notProfiled: true });
        continue;
      }
    }
    const queriesBefore = ctx.hostQueries?.();
    const b = buildEntry(ctx, rt, e);
    const readFiles = ctx.hostQueries?.() !== queriesBefore;
    if (b) built.push({ ...b, readFiles });
    else if (!readFiles && keys.get(e) !== undefined) cache!.set(keys.get(e)!, {});
  }

  // Helpers (classes other models use as submodules) are traced after those models, at
  // the first call the first of them (in source order) makes; the others in source order.
  const inside = built.map((b) => classesInside(rt, b.inst));
  const isHelper = built.map((b, i) => b.e.kind === 'class' && inside.some((set, j) => j !== i && set.has(b.inst.cls)));
  const traced: TracedModel[] = [];
  /** The cache key of each traced model whose result is kept. */
  const tracedKeys = new Map<TracedModel, string>();
  const bySource = built.map((b, i) => ({ b, i })).sort((x, y) => x.b.e.loc.sl - y.b.e.loc.sl || x.b.e.loc.sc - y.b.e.loc.sc);
  for (const helpers of [false, true]) {
    bySource.forEach(({ b, i }) => {
      if (isHelper[i] !== helpers) return;
      const caller = helpers ? findCaller(rt, b.inst.cls, traced) : undefined;
      const queriesBefore = ctx.hostQueries?.();
      const g = profileEntry(ctx, rt, b, obs, caller, ctx.timeLeft());
      const key = keys.get(b.e);
      const callerKey = caller ? tracedKeys.get(caller.parent) : undefined;
      // A model that read other files while it was built or traced (a lazy import) is evaluated every time.
      const cacheable = key !== undefined && !b.readFiles && ctx.hostQueries?.() === queriesBefore && (!caller || callerKey !== undefined);
      if (!g) {
        if (cacheable) cache!.set(key, {});
        return;
      }
      graphs.push(g.graph);
      if (cacheable) cache!.set(key, callerKey !== undefined ? { graph: g.graph, helperOf: callerKey } : { graph: g.graph });
      if (g.trace && g.graph.input) {
        const model: TracedModel = { name: b.e.name, root: g.inst, trace: g.trace, input: g.graph.input };
        traced.push(model);
        if (cacheable) tracedKeys.set(model, key);
      }
    });
  }
  if (skipped.length) {
    const names = skipped.slice(0, 5).map((e) => e.name).join(', ') + (skipped.length > 5 ? `, … (${skipped.length - 5} more)` : '');
    interp.finding('warning', 'budget-time', `The time budget ran out before ${skipped.length} model(s) were evaluated: ${names}`, skipped[0]!.nameLoc);
  }
  return graphs;
}

/**
 * The cached results that still hold. A helper's graph was traced at another model's call:
 * it holds while that model's result holds and no model evaluated again could now be the
 * first to call it (one earlier in the file, or any when the caller is a helper itself).
 * A result whose layers include a class evaluated again is evaluated again too: that
 * class may be a helper, traced at this model's call.
 */
function reusableResults(entries: Entry[], keys: Map<Entry, string | undefined>, cache: ModelCacheScope): Map<Entry, CachedModel> {
  const hits = new Map<Entry, CachedModel>();
  const byKey = new Map<string, Entry>();
  for (const e of entries) {
    const key = keys.get(e);
    if (key === undefined) continue;
    byKey.set(key, e);
    const hit = cache.get(key);
    if (hit) hits.set(e, hit);
  }
  const before = (a: Entry, b: Entry): boolean => a.loc.sl < b.loc.sl || (a.loc.sl === b.loc.sl && a.loc.sc < b.loc.sc);
  for (let changed = true; changed; ) {
    changed = false;
    const missed = entries.filter((e) => !hits.has(e));
    const missedClasses = new Set(missed.filter((e) => e.kind === 'class').map((e) => e.name));
    for (const [e, hit] of hits) {
      let holds = !hit.graph || !hasUserLayer(hit.graph, missedClasses);
      if (holds && hit.helperOf !== undefined) {
        const caller = byKey.get(hit.helperOf);
        const callerHit = caller ? hits.get(caller) : undefined;
        holds = callerHit !== undefined && !missed.some((m) => callerHit.helperOf !== undefined || before(m, caller!));
      }
      if (!holds) {
        hits.delete(e);
        changed = true;
      }
    }
  }
  return hits;
}

/** Whether a graph has a layer (below its root) of one of these classes of the analysed file. */
function hasUserLayer(graph: ModelGraph, classes: Set<string>): boolean {
  if (!classes.size) return false;
  const stack = [...graph.root.children];
  while (stack.length) {
    const node = stack.pop()!;
    if (!node.builtin && !node.functional && node.file === undefined && classes.has(node.type)) return true;
    stack.push(...node.children);
  }
  return false;
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

/** An entry's module, built under its own budget, before any model is traced. */
interface Built {
  e: Entry;
  inst: InstV;
  profile?: ProfileOverrides;
  /** Findings and partial flag of building it. */
  build: Guarded<unknown>;
  /** Building it read other files (a lazy import): its result is not kept between analyses. */
  readFiles?: boolean;
}

interface EntryState {
  inst?: InstV;
  trace?: Trace;
  input?: InputSpec;
  profile?: ProfileOverrides;
  notModule?: boolean;
}

function buildEntry(ctx: DiscoveryContext, rt: TorchRuntime, e: Entry): Built | undefined {
  const state: EntryState = {};
  state.profile = ctx.profileFor(e.loc.sl, e.nameLoc.sl, e.kind === 'class' || e.kind === 'builder' ? undefined : e.loc.el);
  if (!state.profile && e.kind === 'instance' && e.cls?.def && !e.cls.file?.startsWith('<') && (!e.cls.file || e.cls.file === ctx.file)) {
    state.profile = ctx.profileFor(e.cls.def.loc.sl, e.cls.def.nameLoc.sl);
  }
  const build = ctx.guarded(e.name, () => {
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
    const weights = rt.namedTensors(state.inst, 'params', true).length + rt.namedTensors(state.inst, 'buffers', true).length;
    if (e.kind === 'class' && !hasOwnForward(state.inst.cls, rt.moduleClass) && weights === 0) state.notModule = true;
  });
  if (!state.inst || state.notModule) return undefined;
  const b: Built = { e, inst: state.inst, build };
  if (state.profile) b.profile = state.profile;
  return b;
}

/**
 * Trace a built entry and make its graph. A helper without a `# profile:` comment or an
 * example call of its own is profiled as `caller` ran it, on the very submodule called.
 */
function profileEntry(
  ctx: DiscoveryContext,
  rt: TorchRuntime,
  b: Built,
  obs: TorchObservations,
  caller: CallerRecord | undefined,
  timeLeft: boolean,
): { graph: ModelGraph; inst: InstV; trace?: Trace } | undefined {
  const interp = ctx.interp;
  const e = b.e;
  const state: EntryState = { inst: b.inst };
  if (b.profile) state.profile = b.profile;
  const g = ctx.guarded(e.name, () => {
    if (!timeLeft) {
      // Built, but the document's time is spent: its counts stand, its forward is not traced.
      interp.finding('warning', 'budget-time', `${e.name}: the time budget ran out before its forward was traced; shapes, MACs and activations are missing`, e.nameLoc);
      return;
    }
    rt.namedMemo = new Map();
    const examples = [...(obs.examples.get(b.inst) ?? [])];
    const cls = b.inst.cls;
    if (!examples.length) for (const [m, ex] of obs.examples) if (m.cls === cls) examples.push(...ex);
    let resolved: ResolvedInput | { missing: string };
    if (caller && !state.profile && !examples.length) {
      state.inst = caller.module;
      resolved = { args: caller.args, kwargs: caller.kwargs, spec: callerInput(rt, caller, ctx.file) };
    } else resolved = resolveInput(rt, b.inst, { options: ctx.options, profile: state.profile, examples, text: ctx.text });
    if ('missing' in resolved) {
      interp.finding('info', 'no-input', resolved.missing, e.nameLoc);
      return;
    }
    if (resolved.spec.source !== 'example' && resolved.spec.source !== 'parent') {
      completeForwardArgs(rt, b.inst, resolved, (param) =>
        interp.finding('info', 'no-input', `forward() needs '${param}', which nothing in the file gives: add an example call such as \`model(x, ${param})\``, e.nameLoc),
      );
    }
    state.input = resolved.spec;
    const traced = traceInput(interp, rt, state.inst!, resolved, e.nameLoc, (t) => (state.trace = t));
    state.trace = traced.trace;
    state.input = traced.spec;
  });
  rt.namedMemo ??= new Map();
  try {
    const findings = [...b.build.findings, ...g.findings];
    const graph = finishGraph(ctx, rt, e, state, { findings, partial: b.build.partial || g.partial });
    return { graph, inst: state.inst!, trace: state.trace };
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
  const graph = entryGraph(ctx, e, 'pytorch', tree, g, state);
  try {
    const info = detectTransformer(rt, state.inst, tree.root, state.trace);
    if (info) graph.transformer = info;
  } catch {
    // Transformer facts are an extra; a model they cannot be read from is still profiled.
  }
  return graph;
}

/** One traced forward, with the findings it raised (kept only for the attempt chosen). */
interface Attempt {
  trace: Trace;
  sink: Sink;
  args: Value[];
  kwargs: Map<string, Value>;
  spec: InputSpec;
}

function emitFindings(interp: Interp, sink: Sink): void {
  for (const f of sink.findings) interp.finding(f.severity, f.code, f.message, f.range ? { sl: f.range.start.line, sc: f.range.start.character, el: f.range.end.line, ec: f.range.end.character } : undefined, f.file);
}

/**
 * Trace the model with the resolved input. An inferred input that does not fit the layers
 * (a 2-D features input for an attention block, 224² for a CIFAR net) gives way to the
 * first alternative that fits; an input whose batch the model reads in dimension 1
 * (sequence-first RNNs and attention) is settled, and traced again when it was made batch first.
 * `onTrace` sees each trace as it starts: a budget stop keeps that trace's partial stats.
 */
function traceInput(interp: Interp, rt: TorchRuntime, model: InstV, resolved: ResolvedInput, loc: Loc, onTrace: (t: Trace) => void): { trace: Trace; spec: InputSpec } {
  const outer = interp.sink;
  const attempt = (args: Value[], kwargs: Map<string, Value>, spec: InputSpec): Attempt => {
    const trace = new Trace();
    onTrace(trace);
    const sink = newSink();
    interp.sink = sink;
    try {
      runForward(rt, model, args, kwargs, loc, trace);
    } catch (err) {
      interp.sink = outer;
      emitFindings(interp, sink);
      throw err;
    }
    interp.sink = outer;
    return { trace, sink, args, kwargs, spec };
  };
  let chosen = attempt(resolved.args, resolved.kwargs, resolved.spec);
  if (chosen.trace.errors) {
    for (const a of resolved.alternatives ?? []) {
      if (!interp.timeLeft()) break;
      const alt = withAlternative(rt, resolved, a);
      const r = attempt(alt.args, alt.kwargs, alt.spec);
      if (!r.trace.errors) {
        chosen = r;
        break;
      }
    }
  }
  // A parent's call is taken as it was made; other inputs settle where their batch is.
  const layout = chosen.spec.source === 'parent' ? undefined : settleSequenceLayout(rt, chosen.trace.sequenceFirst, chosen.spec, chosen, resolved.example);
  if (layout && !layout.args) chosen.spec = layout.spec;
  else if (layout?.args && interp.timeLeft()) {
    const r = attempt(layout.args, layout.kwargs ?? new Map(), layout.spec);
    if (r.trace.errors <= chosen.trace.errors && r.trace.sequenceFirst?.batch === layout.spec.batch) chosen = r;
  }
  onTrace(chosen.trace);
  emitFindings(interp, chosen.sink);
  return { trace: chosen.trace, spec: chosen.spec };
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
