/**
 * How layers nest: a Sequential's layers, a functional model's layers in call
 * order, the sublayers a custom layer or subclassed model assigns as attributes
 * (in assignment order, lists and dicts included, as Keras tracks them), and the
 * unique weights of a subtree (a shared layer's weights count once).
 */
import type { InstV, Value } from '../../../python/values';
import { layerState, type WeightRec } from './state';

function collectLayers(v: Value, out: InstV[], depth: number): void {
  if (layerState(v)) out.push(v as InstV);
  else if (depth > 0 && (v.t === 'list' || v.t === 'tuple')) for (const x of v.items) collectLayers(x, out, depth - 1);
  else if (depth > 0 && v.t === 'dict') for (const [, x] of v.map.values()) collectLayers(x, out, depth - 1);
}

/** Direct sublayers of a layer or model, each once, in Keras' order. */
export function sublayers(self: InstV): InstV[] {
  const s = layerState(self);
  if (!s) return [];
  const found: InstV[] = [];
  switch (s.kind) {
    case 'sequential':
      found.push(...(s.layers ?? []));
      break;
    case 'functional':
      if (s.graph) {
        found.push(...s.graph.inputLayers);
        for (const n of s.graph.nodes) found.push(n.layer);
      }
      break;
    case 'application':
    case 'input':
      break;
    default:
      if (s.wrapped) found.push(s.wrapped);
      for (const v of self.dict.values()) collectLayers(v, found, 2);
  }
  const seen = new Set<InstV>();
  return found.filter((l) => l !== self && !seen.has(l) && (seen.add(l), true));
}

/** Every weight of a subtree once, with the layer that owns it (trainable flags are per layer). */
export function subtreeWeights(root: InstV): Array<{ weight: WeightRec; layerTrainable: boolean }> {
  const out: Array<{ weight: WeightRec; layerTrainable: boolean }> = [];
  const seenLayers = new Set<InstV>();
  const seenWeights = new Set<WeightRec>();
  const visit = (l: InstV): void => {
    if (seenLayers.has(l)) return;
    seenLayers.add(l);
    const s = layerState(l)!;
    for (const w of s.weights) {
      if (seenWeights.has(w)) continue;
      seenWeights.add(w);
      out.push({ weight: w, layerTrainable: s.trainable });
    }
    for (const c of sublayers(l)) visit(c);
  };
  visit(root);
  return out;
}

/** count_params(): every weight, trainable or not. */
export function countParams(root: InstV): { total: number; trainable: number } {
  let total = 0;
  let trainable = 0;
  for (const { weight, layerTrainable } of subtreeWeights(root)) {
    const n = weight.shape.reduce((a, b) => a * b, 1);
    total += n;
    if (weight.trainable && layerTrainable) trainable += n;
  }
  return { total, trainable };
}

/** layer.trainable = value: Keras sets it on the layer and every sublayer. */
export function setTrainable(self: InstV, value: boolean, seen = new Set<InstV>()): void {
  if (seen.has(self)) return;
  seen.add(self);
  const s = layerState(self);
  if (!s) return;
  s.trainable = value;
  for (const c of sublayers(self)) setTrainable(c, value, seen);
}
