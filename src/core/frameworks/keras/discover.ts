/**
 * Finding Keras models in an executed document, and profiling each one.
 *
 * Entries (each its own ModelGraph):
 * - module-level variables holding a model: keras.Sequential ('sequential'),
 *   keras.Model(inputs, outputs) ('functional'), a keras.applications
 *   constructor ('application'), a subclassed keras.Model instance ('instance').
 *   Models built inside other models are listed when a variable names them.
 * - builder: top-level functions that need no arguments and return a model.
 * - class: keras.Model subclasses defined in the document, built with their
 *   defaults; their input comes from an instance's build()/call in the file,
 *   a `# profile:` comment on the class, or the settings.
 * Builders and classes are named as if built first in a fresh session.
 *
 * Profiling runs the model's forward again at the requested batch and
 * sequence length with a Collector: output shapes, MACs and saved tensors per layer.
 */
import type { InputSpec, ModelGraph, ModelKind, ProfileOverrides } from '../../graph';
import type { ClassDef, Stmt } from '../../python/ast';
import { list, type ClassV, type FuncV, type InstV, type Value } from '../../python/values';
import { entryGraph, needsNoArgs, topLevel, type DiscoveryContext, type FrameworkPlugin, type ModelEntry, missingArgumentsFinding } from '../registry';
import { resolveInputs } from './inputs';
import { callLayer } from './runtime/call';
import { Collector } from './runtime/collector';
import { existingKerasPackage, kerasFactories } from './runtime/package';
import type { KerasRuntime } from './runtime/runtime';
import { layerState, type LayerKind } from './runtime/state';
import { buildKerasTree } from './toGraph';
import { attentionSequence, detectKerasTransformer } from './transformerInfo';

type Entry = ModelEntry;

const KIND: Partial<Record<LayerKind, ModelKind>> = {
  sequential: 'sequential',
  functional: 'functional',
  application: 'application',
  subclass: 'instance',
};

function isModel(v: Value | undefined): v is InstV {
  const s = layerState(v);
  return !!s && KIND[s.kind] !== undefined;
}

function returnsSomething(body: Stmt[]): boolean {
  for (const s of body) {
    if (s.k === 'return' && s.x) return true;
    if (s.k === 'if' && (returnsSomething(s.body) || returnsSomething(s.orelse))) return true;
    if ((s.k === 'for' || s.k === 'while' || s.k === 'with' || s.k === 'try') && returnsSomething(s.body)) return true;
  }
  return false;
}

function classEntry(ctx: DiscoveryContext, rt: KerasRuntime, cls: ClassV, def: ClassDef): Entry | undefined {
  if (!cls.mro.includes(rt.classes.Model) || cls.mro.includes(rt.classes.Sequential) || cls.builtin) return undefined;
  const init = ctx.interp.lookupClass(cls, '__init__');
  const missing = init?.t === 'func' ? ctx.interp.missingArgs(init, 1, []) : [];
  if (missing.length) return { name: def.name, kind: 'class', loc: def.loc, nameLoc: def.nameLoc, cls, missing };
  return { name: def.name, kind: 'class', loc: def.loc, nameLoc: def.nameLoc, cls, make: () => ctx.interp.call(cls, [], new Map(), def.nameLoc) };
}

export function discoverKeras(ctx: DiscoveryContext): ModelGraph[] {
  const pkg = existingKerasPackage(ctx.interp);
  if (!pkg) return [];
  const rt = pkg.rt;
  const entries: Entry[] = [];
  const seen = new Set<InstV>();
  for (const s of topLevel(ctx.ast.body)) {
    if (s.k === 'assign' || s.k === 'annassign') {
      for (const t of s.k === 'assign' ? s.targets : [s.target]) {
        if (t.k !== 'name') continue;
        const v = ctx.main.dict.get(t.id);
        if (!isModel(v) || seen.has(v) || ctx.claimed(v)) continue;
        seen.add(v);
        const ls = layerState(v)!;
        entries.push({ name: t.id, kind: ls.app ? 'application' : KIND[ls.kind]!, loc: s.loc, nameLoc: t.loc, instance: v, cls: v.cls });
      }
    } else if (s.k === 'def') {
      const f = ctx.main.dict.get(s.fn.name);
      if (f?.t !== 'func' || f.def !== s.fn || !needsNoArgs(s.fn) || !returnsSomething(s.fn.body)) continue;
      entries.push({ name: s.fn.name, kind: 'builder', loc: s.fn.loc, nameLoc: s.fn.nameLoc, make: () => ctx.interp.call(f as FuncV, [], new Map(), s.fn.nameLoc) });
    } else if (s.k === 'class') {
      const c = ctx.main.dict.get(s.cls.name);
      if (c?.t !== 'class' || c.def !== s.cls) continue;
      const e = classEntry(ctx, rt, c, s.cls);
      if (e) entries.push(e);
    }
  }
  const graphs: ModelGraph[] = [];
  for (const e of entries) {
    if (e.missing) continue;
    if (!ctx.timeLeft()) {
      ctx.interp.finding('warning', 'budget-time', `Time budget ran out before ${e.name} was evaluated`, e.nameLoc);
      continue;
    }
    const g = profileEntry(ctx, rt, e, entries);
    if (g) graphs.push(g);
  }
  // A class that needs arguments is profiled through its instances (in the file, or made
  // by a builder above); one never instantiated gets a finding that says so.
  for (const e of entries) {
    if (e.missing && !rt.created.some((m) => m.cls.mro.includes(e.cls!))) missingArgumentsFinding(ctx, e);
  }
  return graphs;
}

/**
 * The input another instance of the same class was built or called with: a model
 * variable, or an unnamed instance a functional model calls (`Net()(keras.Input(...))`).
 */
function siblingInput(entries: Entry[], cls: ClassV | undefined): InstV | undefined {
  const named = entries.find((x) => x.instance && x.instance.cls === cls && layerState(x.instance)?.input)?.instance;
  if (named) return named;
  for (const e of entries) {
    for (const n of layerState(e.instance)?.graph?.nodes ?? []) if (n.layer.cls === cls && layerState(n.layer)?.input) return n.layer;
  }
  return undefined;
}

function profileEntry(ctx: DiscoveryContext, rt: KerasRuntime, e: Entry, entries: Entry[]): ModelGraph | undefined {
  let profile: ProfileOverrides | undefined = ctx.profileFor(e.loc.sl, e.nameLoc.sl);
  if (!profile && e.kind === 'instance' && e.cls?.def && (!e.cls.file || e.cls.file === ctx.file)) {
    profile = ctx.profileFor(e.cls.def.loc.sl, e.cls.def.nameLoc.sl);
  }
  if (!profile && e.instance) {
    // A comment on the keras.Input line of a functional model counts for the model.
    for (const d of layerState(e.instance)?.input ?? []) {
      profile = ctx.profileFor(d.loc.sl, d.loc.sl);
      if (profile) break;
    }
  }
  const state: { inst?: InstV; col?: Collector; input?: InputSpec } = {};
  const g = ctx.guarded(e.name, () => {
    if (e.instance) state.inst = e.instance;
    else if (e.make) {
      rt.names.reset();
      const v = e.make();
      if (!isModel(v)) return;
      state.inst = v;
    }
    const inst = state.inst!;
    const s = layerState(inst)!;
    if (e.kind === 'class' && !s.input) {
      const sibling = layerState(siblingInput(entries, e.cls));
      if (sibling?.input) s.input = sibling.input;
    }
    const resolved = resolveInputs(inst, { options: ctx.options, profile, text: ctx.text });
    if ('missing' in resolved) {
      ctx.interp.finding('warning', 'keras-no-input', resolved.missing, e.nameLoc);
      return;
    }
    state.input = resolved.spec;
    const tensors = resolved.shapes.map((shape, i) => rt.tensor(shape, resolved.dtypes[i]));
    const col = new Collector();
    state.col = col;
    rt.collector = col;
    try {
      callLayer(rt, inst, [tensors.length === 1 ? tensors[0]! : list(tensors)], new Map(), e.nameLoc);
    } finally {
      rt.collector = undefined;
    }
  });
  const inst = state.inst;
  if (!inst) return undefined;
  ctx.claim(inst);
  const tree = buildKerasTree(rt, inst, state.col, ctx.file);
  tree.root.range = ctx.range(e.loc);
  const graph = entryGraph(ctx, e, 'keras', tree, g, { ...(state.input ? { input: state.input } : {}), ...(profile ? { profile } : {}) });
  try {
    const col = state.col;
    const info = detectKerasTransformer(tree.root, (node) => {
      const layer = tree.layers.get(node);
      const s = layerState(layer);
      return s ? { args: s.args, causal: !!col && col.causal.has(layer!) } : undefined;
    });
    if (info) graph.transformer = info;
    // An input of fixed length (keras.Input(shape=(128,))) names no sequence: the attention's is it.
    const seq = info && graph.input && graph.input.seq === undefined ? attentionSequence(tree.root) : undefined;
    if (seq !== undefined) graph.input!.seq = seq;
  } catch {
    // Transformer facts are an extra; a model they cannot be read from is still profiled.
  }
  return graph;
}

export const KERAS_PLUGIN: FrameworkPlugin = {
  id: 'keras',
  // Before torch (100): Keras models are claimed first.
  order: 50,
  modules: kerasFactories,
  prepare: (ctx) => existingKerasPackage(ctx.interp)?.rt.beginDocument(),
  discover: discoverKeras,
};
