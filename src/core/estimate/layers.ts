/**
 * The layer table: the tree flattened depth-first with subtree sums and shares.
 * Training activation bytes add up over a subtree; inference bytes are peaks, so a subtree
 * shows the largest of its layers.
 */
import type { LayerRow } from '../report';
import type { Mode } from '../options';
import type { ModelFacts } from './facts';
import type { Plan } from './plan';

function lastSegment(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

/** Output shapes were evaluated at the graph's batch: show them at the plan's. */
/**
 * An output shape at another batch: the batch is dimension 0, or, in sequence-first models
 * (`batchDim` 1), dimension 1 of [seq, batch, …] outputs when dimension 0 is not the batch.
 */
function atBatch(shape: number[], from: number, to: number, batchDim: number): number[] {
  if (!(from > 0) || from === to) return shape;
  const d = shape[0] === from ? 0 : batchDim === 1 && shape[1] === from ? 1 : -1;
  if (d < 0) return shape;
  const out = shape.slice();
  out[d] = to;
  return out;
}

function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0;
}

export function layerRows(
  facts: ModelFacts,
  plan: Plan,
  mode: Mode,
  perNodeMacs: Float64Array,
  perNodeActivation: Float64Array,
  totalActivation: number,
): LayerRow[] {
  const nodes = facts.nodes;
  const macs = Float64Array.from(perNodeMacs);
  const act = Float64Array.from(perNodeActivation);
  const adapted = new Uint8Array(nodes.length);
  if (plan.lora) for (const i of plan.lora.adapted) adapted[i] = 1;
  for (let i = nodes.length - 1; i > 0; i--) {
    const parent = nodes[i]!.parent;
    macs[parent] = macs[parent]! + macs[i]!;
    act[parent] = mode === 'train' ? act[parent]! + act[i]! : Math.max(act[parent]!, act[i]!);
    adapted[parent] = adapted[parent]! | adapted[i]!;
  }
  const totalParams = facts.params.total;
  return nodes.map((n) => {
    const node = n.node;
    const row: LayerRow = {
      path: node.path,
      name: n.index === 0 ? facts.graph.name : lastSegment(node.path),
      type: node.type,
      depth: n.depth,
      params: n.params,
      ownParams: Math.max(0, node.ownParams),
      trainable: plan.lora ? adapted[n.index] === 1 : n.trainableParams > 0,
      buffers: n.buffers,
      macs: macs[n.index]!,
      activationBytes: Math.round(act[n.index]!),
      activationShare: share(act[n.index]!, totalActivation),
      paramShare: share(n.params, totalParams),
      hasChildren: !n.leaf,
    };
    if (node.range) row.line = node.range.start.line + 1;
    if (node.file) row.file = node.file;
    if (node.outputShapes) row.outputShape = node.outputShapes.map((shape) => atBatch(shape, facts.batch0, plan.batch, facts.graph.input?.batchDim ?? 0));
    if (node.functional) row.functional = true;
    if (node.note) row.note = node.note;
    return row;
  });
}
