/**
 * Layer.__call__: calling a layer or a model on tensors. The first call builds
 * the weights from the input shapes (as Keras does); then the catalog row, the
 * user's call(), a Sequential's layers, a functional graph or an application
 * computes the outputs.
 *
 * While the file runs, each call is recorded as an edge of the functional graph
 * (its outputs are fresh tensors pointing at the call). While a model is
 * profiled (a Collector is attached), each call records its statistics instead.
 */
import type { Loc } from '../../../python/ast';
import { NONE, dict, list, tuple, unknown, type FuncV, type InstV, type Value } from '../../../python/values';
import { signatureParams } from '../../pytorch/catalog/signature';
import { LayerError, type Args, type LayerCall, type LayerSpec, type OutTree } from '../../layerSpec';
import { planApplication } from '../applications';
import { toSnakeCase } from './naming';
import type { KerasRuntime } from './runtime';
import { layerState, tensorState, type CallNode, type InputDecl, type LayerState } from './state';

/** Call arguments that are not inputs of a layer's computation (masks, states, flags). */
const NOT_INPUTS = new Set(['mask', 'attention_mask', 'query_mask', 'value_mask', 'key_mask', 'initial_state', 'constants', 'training', 'use_causal_mask']);

/** The layer's Keras name, given on first need when its __init__ did not run. */
export function layerName(rt: KerasRuntime, s: LayerState): string {
  s.name ??= rt.names.next(toSnakeCase(s.className));
  return s.name;
}

export function callLayer(rt: KerasRuntime, self: InstV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  const s = layerState(self);
  if (!s) return unknown('layer call');
  layerName(rt, s);
  if (args.some((a) => rt.hasUnknown(a))) return unknown(`${s.className} output`);
  const col = rt.collector;
  if (!col && !s.input && (s.kind === 'subclass' || s.kind === 'sequential')) {
    // The first call gives a model its input: a graph tensor (a call), or a constant (an example call).
    const d = declFromTensor(args[0] ?? NONE, loc, tensorState(args[0])?.constant ? 'example' : 'call');
    if (d) s.input = [d];
  }
  col?.stack.push(self);
  rt.callDepth++;
  let result: Value;
  try {
    result = forward(rt, self, s, args, kwargs, loc);
  } finally {
    rt.callDepth--;
    col?.stack.pop();
  }
  const outs = rt.flattenTensors(result);
  if (col) {
    col.recordCall(self, outs.map((t) => tensorState(t)!.shape));
    return result;
  }
  const node: CallNode = { id: rt.nextNodeId(), layer: self, args, kwargs, inputs: [], outputs: [] };
  for (const a of [...args, ...kwargs.values()]) rt.flattenTensors(a, node.inputs);
  const wrapped = rewrap(rt, result, node);
  node.outputs = rt.flattenTensors(wrapped);
  s.firstCall ??= { input: args[0] ?? NONE, output: wrapped };
  return wrapped;
}

function forward(rt: KerasRuntime, self: InstV, s: LayerState, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  switch (s.kind) {
    case 'input':
      return s.tensor ?? unknown('input');
    case 'sequential':
      return sequentialForward(rt, s, args, kwargs);
    case 'functional':
      return functionalForward(rt, s, args, loc);
    case 'application':
      return applicationForward(rt, self, s, args, loc);
    default:
      if (s.op) return s.op(args, kwargs, loc);
      if (s.spec) return catalogForward(rt, self, s, s.spec, args, kwargs, loc);
      if (s.wrapped) return wrapperForward(rt, s, s.wrapped, args, kwargs, loc);
      return userForward(rt, self, s, args, kwargs, loc);
  }
}

/** Fresh output tensors that point at the call that made them (the graph's edges). */
function rewrap(rt: KerasRuntime, v: Value, node: CallNode): Value {
  const t = tensorState(v);
  if (t) return rt.tensor(t.shape, t.dtype, node);
  if (v.t === 'list') return list(v.items.map((x) => rewrap(rt, x, node)));
  if (v.t === 'tuple') return tuple(v.items.map((x) => rewrap(rt, x, node)));
  if (v.t === 'dict') return dict([...v.map.values()].map(([k, x]) => [k, rewrap(rt, x, node)]));
  return v;
}

function fail(rt: KerasRuntime, s: LayerState, e: unknown, loc: Loc): Value {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof LayerError)) throw e;
  s.broken = message;
  rt.warn('keras-layer-error', message, loc);
  return unknown(`${s.className} output`);
}

// ------------------------------------------------------------ catalog layers

/** The tensors a row computes on, in its order, and the call's other arguments. */
function rowInputs(rt: KerasRuntime, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, loc: Loc): { tensors: InstV[]; call: Args } {
  const call: Args = {};
  const tensors: InstV[] = [];
  if (!spec.forwardSignature) {
    for (const a of args) rt.flattenTensors(a, tensors);
    for (const [k, v] of kwargs) if (!NOT_INPUTS.has(k) && !rt.flattenTensors(v).length) call[k] = rt.toArg(v, loc);
    return { tensors, call };
  }
  const values = new Map<string, Value>();
  let i = 0;
  for (const p of signatureParams(spec.forwardSignature)) if (p.kind === 'positional' && i < args.length) values.set(p.name, args[i++]!);
  for (const [k, v] of kwargs) values.set(k, v);
  for (const p of signatureParams(spec.forwardSignature)) {
    const v = values.get(p.name);
    if (v === undefined) continue;
    // Not a tensor input, but the transformer facts read it (a causal decoder keeps a KV cache).
    if (p.name === 'use_causal_mask' && v.t === 'bool') call[p.name] = v.v;
    if (NOT_INPUTS.has(p.name)) continue;
    const ts = rt.flattenTensors(v);
    if (ts.length) tensors.push(...ts);
    else call[p.name] = rt.toArg(v, loc);
  }
  return { tensors, call };
}

/** True when a gradient flows back through this call: an input needs one, or the layer trains. */
function needsGrad(s: LayerState, inputs: InstV[]): boolean {
  return inputs.some((t) => tensorState(t)?.grad) || (s.trainable && s.weights.some((w) => w.trainable));
}

function toValue(rt: KerasRuntime, tree: OutTree, grad: boolean): Value {
  if (tree === null) return NONE;
  if (Array.isArray(tree)) return tuple(tree.map((t) => toValue(rt, t, grad)));
  const t = rt.tensor(tree.shape, tree.dtype === 'int' ? 'int32' : 'float32');
  if (grad) tensorState(t)!.grad = true;
  return t;
}

function catalogForward(rt: KerasRuntime, self: InstV, s: LayerState, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  const { tensors, call } = rowInputs(rt, spec, args, kwargs, loc);
  if (!tensors.length) {
    rt.warn('keras-layer-error', `${spec.type} was called without a tensor`, loc);
    return unknown(`${spec.type} output`);
  }
  const shapes = tensors.map((t) => tensorState(t)!.shape);
  let result: LayerCall;
  try {
    if (!s.built) {
      const ws = spec.weights(s.args!, shapes) ?? [];
      s.weights = ws.map((w) => ({ name: w.name, shape: w.shape.slice(), trainable: w.trainable !== false }));
      s.built = true;
      s.firstInputs = shapes.map((x) => x.slice());
    }
    result = spec.forward(s.args!, shapes, call);
  } catch (e) {
    return fail(rt, s, e, loc);
  }
  const grad = needsGrad(s, tensors);
  const out = toValue(rt, result.output, grad);
  const col = rt.collector;
  if (col) {
    col.addMacs(self, result.macs);
    if (call.use_causal_mask === true) col.causal.add(self);
    if (grad) {
      const outs = rt.flattenTensors(out);
      for (const ref of result.saves) {
        if ('input' in ref) {
          const t = tensors[ref.input];
          const ts = tensorState(t);
          if (ts) col.saveTensor(self, ts.id, ts.shape, rt.isInt(t!) || (spec.intInputs ?? []).includes(ref.input));
        } else if ('output' in ref) {
          const ts = tensorState(outs[ref.output]);
          if (ts) col.saveTensor(self, ts.id, ts.shape, false);
        } else col.saveNew(self, ref.elements, ref.dtype);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------ user layers and subclassed models

/** True when a Python function accepts a parameter by that name (or **kwargs). */
function accepts(fn: FuncV, name: string): boolean {
  return fn.params.some((p) => p.name === name || p.kind === 'kwarg');
}

/** The shapes a user build() receives: one tuple per tensor argument, batch as None. */
function buildShapes(rt: KerasRuntime, build: FuncV, args: Value[]): Value[] {
  const shapeOf = (v: Value): Value => {
    const t = tensorState(v);
    if (t) return rt.shapeValue(t);
    if (v.t === 'list' || v.t === 'tuple') return list(v.items.map(shapeOf));
    if (v.t === 'dict') return dict([...v.map.values()].map(([k, x]) => [k, shapeOf(x)]));
    return NONE;
  };
  const positional = build.params.filter((p) => p.kind === 'pos').length - 1;
  if (positional >= 2 && args.length >= 2) return args.slice(0, positional).map(shapeOf);
  return args.length ? [shapeOf(args[0]!)] : [];
}

function userForward(rt: KerasRuntime, self: InstV, s: LayerState, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  const interp = rt.interp;
  if (!s.built) {
    s.firstInputs = args.flatMap((a) => rt.flattenTensors(a)).map((t) => tensorState(t)!.shape.slice());
    const build = interp.lookupClass(self.cls, 'build');
    if (build?.t === 'func') interp.call(interp.bindMethod(self, build), buildShapes(rt, build, args), new Map(), loc);
    s.built = true;
  }
  const call = interp.lookupClass(self.cls, 'call');
  if (!call || (call.t !== 'func' && call.t !== 'native')) {
    rt.warn('keras-no-call', `${s.className} defines no call(): its outputs are unknown`, loc);
    return unknown(`${s.className} output`);
  }
  const kw = new Map(kwargs);
  if (call.t === 'func') for (const k of ['training', 'mask']) if (!accepts(call, k)) kw.delete(k);
  return interp.call(interp.bindMethod(self, call), args, kw, loc);
}

/** TimeDistributed around a layer the catalog does not know: fold time into the batch. */
function wrapperForward(rt: KerasRuntime, s: LayerState, inner: InstV, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  if (s.className !== 'TimeDistributed') {
    rt.warn('keras-unsupported', `${s.className} around ${inner.cls.name} is not modelled: its outputs are unknown`, loc);
    return unknown(`${s.className} output`);
  }
  const x = tensorState(args[0]);
  if (!x || x.shape.length < 3) {
    rt.warn('keras-layer-error', 'TimeDistributed needs an input of rank 3 or more', loc);
    return unknown('TimeDistributed output');
  }
  s.built = true;
  const [batch, steps] = x.shape as [number, number];
  const folded = rt.tensor([batch * steps, ...x.shape.slice(2)], x.dtype);
  if (x.grad) tensorState(folded)!.grad = true;
  const innerLoc = layerState(inner)?.loc ?? loc;
  const result = callLayer(rt, inner, [folded], kwargs, innerLoc);
  const unfold = (v: Value): Value => {
    const t = tensorState(v);
    if (t) {
      const u = rt.tensor([batch, steps, ...t.shape.slice(1)], t.dtype);
      if (t.grad) tensorState(u)!.grad = true;
      return u;
    }
    if (v.t === 'list' || v.t === 'tuple') return tuple(v.items.map(unfold));
    return v;
  };
  return unfold(result);
}

// ------------------------------------------------------------ containers and applications

/** A Sequential's layers, one after the other; its input shape is the first call's when it had none. */
function sequentialForward(rt: KerasRuntime, s: LayerState, args: Value[], kwargs: Map<string, Value>): Value {
  let x: Value = args[0] ?? NONE;
  const kw = new Map([...kwargs].filter(([k]) => k === 'training'));
  for (const layer of s.layers ?? []) {
    x = callLayer(rt, layer, [x], kw, layerState(layer)?.loc ?? s.loc);
    if (x.t === 'unknown') break;
  }
  s.built = true;
  return x;
}

/** Replace the graph's tensors by the ones this call computed. */
function substitute(rt: KerasRuntime, v: Value, map: Map<number, Value>): Value {
  const t = tensorState(v);
  if (t) return map.get(t.id) ?? v;
  if (v.t === 'list') return list(v.items.map((x) => substitute(rt, x, map)));
  if (v.t === 'tuple') return tuple(v.items.map((x) => substitute(rt, x, map)));
  if (v.t === 'dict') return dict([...v.map.values()].map(([k, x]) => [k, substitute(rt, x, map)]));
  return v;
}

/** A functional model on new inputs: its recorded calls again, in order. */
function functionalForward(rt: KerasRuntime, s: LayerState, args: Value[], loc: Loc): Value {
  const g = s.graph!;
  const given = args.length > 1 ? args.flatMap((a) => rt.flattenTensors(a)) : rt.flattenTensors(args[0] ?? NONE);
  if (given.length !== g.inputs.length) {
    rt.warn('keras-call', `${layerState(g.inputLayers[0])?.name ?? 'model'}: called with ${given.length} input(s), the model has ${g.inputs.length}`, loc);
    return unknown('model output');
  }
  const map = new Map<number, Value>();
  g.inputs.forEach((t, i) => map.set(tensorState(t)!.id, given[i]!));
  const col = rt.collector;
  if (col) g.inputLayers.forEach((l, i) => col.recordCall(l, [tensorState(given[i])!.shape]));
  for (const n of g.nodes) {
    const ls = layerState(n.layer);
    if (!ls || ls.kind === 'input') continue;
    const a = n.args.map((v) => substitute(rt, v, map));
    const kw = new Map([...n.kwargs].map(([k, v]) => [k, substitute(rt, v, map)] as [string, Value]));
    const r = callLayer(rt, n.layer, a, kw, ls.loc);
    const outs = rt.flattenTensors(r);
    n.outputs.forEach((t, i) => {
      if (outs[i]) map.set(tensorState(t)!.id, outs[i]!);
    });
  }
  return substitute(rt, g.outputs, map);
}

function applicationForward(rt: KerasRuntime, self: InstV, s: LayerState, args: Value[], loc: Loc): Value {
  const x = tensorState(args[0]);
  if (!x || !s.app) return unknown(`${s.className} output`);
  let plan;
  try {
    plan = planApplication(s.app, s.args ?? {}, x.shape[0]!, x.shape);
  } catch (e) {
    return fail(rt, s, e, loc);
  }
  if (!s.built) {
    s.weights = [
      { name: 'trainable weights', shape: [plan.trainable], trainable: true },
      { name: 'non-trainable weights', shape: [plan.nonTrainable], trainable: false },
    ];
    s.built = true;
    for (const note of plan.notes) rt.warn('keras-application', `${s.app.name}: ${note}`, loc);
  }
  const out = rt.tensor(plan.output);
  if (x.grad || (s.trainable && plan.trainable > 0)) tensorState(out)!.grad = true;
  if (rt.collector && plan.macs !== undefined) rt.collector.addMacs(self, plan.macs);
  return out;
}

/** An input declaration from a tensor, for containers first called on it; an Input's None dimensions stay None. */
export function declFromTensor(v: Value, loc: Loc, how: InputDecl['how']): InputDecl | undefined {
  const t = tensorState(v);
  if (!t) return undefined;
  const declared = layerState(t.node?.layer);
  if (declared?.kind === 'input' && declared.input?.[0]) return { ...declared.input[0], loc, how };
  return { shape: t.shape.slice(1), dtype: t.dtype, loc, how };
}
