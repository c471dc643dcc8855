/**
 * A traced torch module -> the LayerNode tree and parameter counts of the
 * ModelGraph. Counting follows torch exactly: modules in named_modules() order
 * (a module registered twice appears once), parameters in named_parameters()
 * order, shared tensors counted once at their first owner, buffers apart.
 */
import { safeCount, type LayerNode, type ParamCounts } from '../../graph';
import type { Loc } from '../../python/ast';
import type { InstV, TensorV } from '../../python/values';
import type { SourceRange } from '../../source';
import type { TorchRuntime } from './runtime';
import type { FunctionalNode, Trace } from './trace';
import { statsFields } from '../layerStats';

function toRange(loc: Loc): SourceRange {
  return { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } };
}

function numel(t: TensorV): number {
  return t.shape ? t.shape.reduce((a, b) => a * b, 1) : 0;
}

/** A foreign subtree re-rooted under `prefix` (its root path '' becomes the attribute's path). */
function graft(node: LayerNode, prefix: string): LayerNode {
  return {
    ...node,
    path: node.path ? `${prefix}.${node.path}` : prefix,
    children: node.children.map((c) => graft(c, prefix)),
  };
}

export interface BuiltTree {
  root: LayerNode;
  params: ParamCounts;
}

export function buildTree(rt: TorchRuntime, model: InstV, trace: Trace | undefined, analysedFile: string, rootType?: string, rootRange?: SourceRange): BuiltTree {
  const seenModules = new Set<InstV>();
  const seenParams = new Set<TensorV>();
  const seenBuffers = new Set<TensorV>();
  const counts: ParamCounts = { total: 0, trainable: 0, nonTrainable: 0, buffers: 0 };

  // Code of the runtime's own Python (torch.nn's Transformer classes) has no place in the
  // user's files: such nodes point where their nearest user-written ancestor was made.
  const place = (loc: Loc, file: string | undefined, parent: LayerNode | undefined): Pick<LayerNode, 'range' | 'file'> => {
    if (file?.startsWith('<')) return parent ? { ...(parent.range ? { range: parent.range } : {}), ...(parent.file ? { file: parent.file } : {}) } : {};
    return { range: toRange(loc), ...(file && file !== analysedFile ? { file } : {}) };
  };

  const functionalNode = (parent: LayerNode, f: FunctionalNode): LayerNode => ({
    path: parent.path ? `${parent.path}.${f.name}` : f.name,
    type: f.calledAs ?? f.type,
    op: f.type,
    ...place(f.loc, f.file, parent),
    functional: true,
    builtin: true,
    ownParams: 0,
    ownTrainableParams: 0,
    ownBuffers: 0,
    ...statsFields(f.stats),
    ...(f.stats.outputShapes ? { outputShapes: f.stats.outputShapes } : {}),
    children: [],
  });

  const visit = (m: InstV, path: string, parent?: LayerNode): LayerNode => {
    seenModules.add(m);
    const s = rt.state(m)!;
    let own = 0;
    let ownTrainable = 0;
    for (const t of s.params.values()) {
      if (!t || seenParams.has(t)) continue;
      seenParams.add(t);
      const n = numel(t);
      own += n;
      if (t.requiresGrad) ownTrainable += n;
    }
    let ownBuffers = 0;
    for (const t of s.buffers.values()) {
      if (!t || seenBuffers.has(t)) continue;
      seenBuffers.add(t);
      ownBuffers += numel(t);
    }
    counts.total += own;
    counts.trainable += ownTrainable;
    counts.buffers += ownBuffers;
    const stats = trace?.modules.get(m);
    const node: LayerNode = {
      path,
      type: path === '' && rootType ? rootType : (s.materialisedType ?? m.cls.name),
      builtin: !!m.cls.builtin,
      ownParams: safeCount(own),
      ownTrainableParams: safeCount(ownTrainable),
      ownBuffers: safeCount(ownBuffers),
      ...statsFields(stats),
      children: [],
    };
    if (stats?.outputShapes) node.outputShapes = stats.outputShapes;
    if (path === '' && rootRange) node.range = rootRange;
    else if (path !== '' || !rootType) Object.assign(node, place(s.loc, s.file, parent));
    if (s.spec?.linearDims && s.args) {
      if (s.linearDims === undefined) {
        try {
          s.linearDims = s.spec.linearDims(s.args) ?? null;
        } catch {
          s.linearDims = null; // a row that cannot size itself has no LoRA dims
        }
      }
      if (s.linearDims) node.linearDims = s.linearDims;
    }
    if (s.broken) node.note = `not built: ${s.broken}`;
    else if (s.lazy) node.note = 'lazy layer: sized at its first call, which the forward did not reach';
    for (const [name, child] of s.modules) {
      const foreign = child ? undefined : s.foreign?.get(name);
      if (foreign) {
        // A transformers backbone: its subtree as traced at the call's shapes (or parameters only).
        const sub = trace?.foreign.get(foreign as object) ?? rt.foreign?.untraced(foreign);
        if (!sub) continue;
        node.children.push(graft(sub.root, path ? `${path}.${name}` : name));
        counts.total += sub.params.total;
        counts.trainable += sub.params.trainable;
        counts.buffers += sub.params.buffers;
        continue;
      }
      if (!child || seenModules.has(child)) continue;
      node.children.push(visit(child, path ? `${path}.${name}` : name, node));
    }
    const fns = trace?.functional.get(m);
    if (fns) for (const f of fns.values()) node.children.push(functionalNode(node, f));
    return node;
  };

  const root = visit(model, '');
  counts.total = safeCount(counts.total);
  counts.trainable = safeCount(counts.trainable);
  counts.nonTrainable = safeCount(counts.total - counts.trainable);
  counts.buffers = safeCount(counts.buffers);
  return { root, params: counts };
}
