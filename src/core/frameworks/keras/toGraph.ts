/**
 * A profiled Keras model -> the LayerNode tree and ParamCounts of its ModelGraph.
 * Layers are named as Keras names them (`conv2d_1`; nested `encoder.conv2d`),
 * listed in model.layers order; a layer shared by two calls appears once and
 * its weights count once. Keras counts every weight in count_params(): the
 * non-trainable ones (BatchNormalization statistics, frozen layers) are
 * parameters here too, and `buffers` stays 0.
 */
import { safeCount, type LayerNode, type ParamCounts } from '../../graph';
import type { Loc } from '../../python/ast';
import type { InstV } from '../../python/values';
import type { SourceRange } from '../../source';
import { layerName } from './runtime/call';
import type { Collector } from './runtime/collector';
import type { KerasRuntime } from './runtime/runtime';
import { sublayers } from './runtime/structure';
import { layerState, type WeightRec } from './runtime/state';
import { statsFields } from '../layerStats';

function toRange(loc: Loc): SourceRange {
  return { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } };
}

const APPLICATION_NOTE = 'keras.applications model: counted from the catalog; its layers and the activations they keep are not itemised';

export function buildKerasTree(
  rt: KerasRuntime,
  model: InstV,
  col: Collector | undefined,
  analysedFile: string,
): { root: LayerNode; params: ParamCounts; layers: Map<LayerNode, InstV> } {
  const seenLayers = new Set<InstV>();
  const seenWeights = new Set<WeightRec>();
  const params: ParamCounts = { total: 0, trainable: 0, nonTrainable: 0, buffers: 0 };
  const layers = new Map<LayerNode, InstV>();

  const visit = (layer: InstV, path: string): LayerNode => {
    seenLayers.add(layer);
    const s = layerState(layer)!;
    let own = 0;
    let ownTrainable = 0;
    for (const w of s.weights) {
      if (seenWeights.has(w)) continue;
      seenWeights.add(w);
      const n = w.shape.reduce((a, b) => a * b, 1);
      own += n;
      if (w.trainable && s.trainable) ownTrainable += n;
    }
    params.total += own;
    params.trainable += ownTrainable;
    const stats = col?.layers.get(layer);
    const node: LayerNode = {
      path,
      type: s.className,
      builtin: !!s.spec || s.kind !== 'layer' && s.kind !== 'subclass',
      ownParams: safeCount(own),
      ownTrainableParams: safeCount(ownTrainable),
      ownBuffers: 0,
      ...statsFields(stats),
      children: [],
    };
    layers.set(node, layer);
    if (stats?.outputShapes) node.outputShapes = stats.outputShapes;
    // Layers made inside a built-in source (keras.applications architectures) have no place in the user's files.
    if (!s.file?.startsWith('<')) node.range = toRange(s.loc);
    if (s.file && s.file !== analysedFile && !s.file.startsWith('<')) node.file = s.file;
    if (s.spec?.linearDims && s.args) {
      try {
        const dims = s.spec.linearDims(s.args, s.firstInputs);
        if (dims) node.linearDims = dims;
      } catch {
        // A row that cannot size itself has no LoRA dims.
      }
    }
    if (s.broken) node.note = `not built: ${s.broken}`;
    else if (s.kind === 'application') node.note = APPLICATION_NOTE;
    else if (s.app) node.note = `keras.applications.${s.app.name}: its layers as Keras builds them`;
    else if (!s.built && s.kind !== 'input') node.note = 'not built: the profiled forward did not reach it';
    for (const child of sublayers(layer)) {
      if (seenLayers.has(child)) continue;
      // Keras names may hold dots (mobilenetv2_1.00_224); paths use dots between names.
      const name = layerName(rt, layerState(child)!).replace(/\./g, '_');
      node.children.push(visit(child, path ? `${path}.${name}` : name));
    }
    return node;
  };

  const root = visit(model, '');
  params.total = safeCount(params.total);
  params.trainable = safeCount(params.trainable);
  params.nonTrainable = safeCount(params.total - params.trainable);
  return { root, params, layers };
}
