/**
 * Ops applied to graph tensors outside any layer (`x = x + shortcut`,
 * `tf.concat([a, b], -1)`, `tf.nn.relu(x)` in functional code) become nodes of
 * the functional graph, as Keras does (TFOpLambda layers in Keras 2, operations
 * in Keras 3): the model includes what comes before them, and profiling replays
 * them. Inside a layer's call(), and on constant tensors, ops just compute.
 */
import type { Loc } from '../../../python/ast';
import type { InstV, Value } from '../../../python/values';
import { callLayer } from './call';
import type { Op } from './ops';
import type { KerasRuntime } from './runtime';
import { tensorState, type LayerState } from './state';

function onGraph(rt: KerasRuntime, args: Value[], kwargs: Map<string, Value>): boolean {
  const tensors = [...args, ...kwargs.values()].flatMap((v) => rt.flattenTensors(v));
  return tensors.some((t) => {
    const s = tensorState(t)!;
    return !s.constant && !s.weight;
  });
}

export function applyOp(rt: KerasRuntime, name: string, op: Op, args: Value[], kwargs: Map<string, Value>, loc: Loc): Value {
  if (rt.collector || rt.callDepth > 0 || !onGraph(rt, args, kwargs)) return op(rt, args, kwargs, loc);
  const s: LayerState = {
    kind: 'layer',
    className: `ops.${name}`,
    name: rt.names.next(name),
    weights: [],
    built: true,
    trainable: true,
    loc,
    op: (a, kw, l) => op(rt, a, kw, l),
  };
  if (rt.interp.file) s.file = rt.interp.file;
  const layer: InstV = { t: 'inst', cls: rt.classes.Layer, dict: new Map(), native: s };
  return callLayer(rt, layer, args, kwargs, loc);
}
