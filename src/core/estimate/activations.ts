/**
 * Activation memory.
 *
 * Training: what autograd saves for backward. Per layer from the graph (LayerNode.savedElements
 * × the compute dtype's bytes + savedFixedBytes), scaled from the evaluated batch and sequence
 * to the plan's; transformer blocks by the per-block formula (./transformer); the logits of an
 * LM head; nothing before the first layer that trains (autograd records no graph there).
 * Gradient checkpointing (full recomputation) keeps each block's (or top-level segment's)
 * input and, during backward, one recomputed block at a time.
 *
 * Inference: the peak of live tensors, the largest over layers of input + output, the
 * transformer block peak, and the final hidden states + logits. Under a fused attention
 * kernel the s×s scores a graph may record are never materialised, so they are skipped.
 *
 * Totals come from per-subtree sums cached on the facts, so searches (max batch, max
 * sequence) cost no tree walk; the report's per-layer breakdown walks the tree once.
 */
import type { ModelFacts, NodeFacts } from './facts';
import { scales, type Plan } from './plan';
import { blockLivePerToken, blockSavedPerToken, checkpointedPerToken, crossAttentionSavedPerToken } from './transformer';

/** Bytes the loss adds per logit besides the logits themselves: the fp32 log-softmax cross-entropy saves. */
export const LOSS_FP32_BYTES = 4;

/** Saved elements and fixed bytes of a set of nodes, split by how they grow with the sequence. */
interface Sums {
  elements1: number;
  elements2: number;
  fixed1: number;
  fixed2: number;
}

function emptySums(): Sums {
  return { elements1: 0, elements2: 0, fixed1: 0, fixed2: 0 };
}

function add(s: Sums, n: NodeFacts): void {
  if (n.seqPower === 2) {
    s.elements2 += n.savedElements;
    s.fixed2 += n.savedFixedBytes;
  } else {
    s.elements1 += n.savedElements;
    s.fixed1 += n.savedFixedBytes;
  }
}

function bytesOf(s: Sums, act: number, batch: number, seq: number): number {
  return batch * ((s.elements1 * act + s.fixed1) * seq + (s.elements2 * act + s.fixed2) * seq * seq);
}

/** What the training total needs from the tree for one "first trainable layer". */
interface TrainSums {
  /** Nodes outside transformer blocks and checkpoint segments that save. */
  rest: Sums;
  /** Transformer blocks that save (not in the frozen prefix). */
  liveBlocks: number;
  /** Per checkpoint segment: its saved sums, whether it saves, and the elements of its input. */
  segments: Array<{ sums: Sums; live: boolean; input: number; inputPower: 1 | 2 }>;
}

const trainCache = new WeakMap<ModelFacts, Map<number, TrainSums>>();

function frozen(n: NodeFacts, first: number): boolean {
  return n.index < first && n.end <= first;
}

function trainSums(f: ModelFacts, first: number): TrainSums {
  let byFirst = trainCache.get(f);
  if (!byFirst) trainCache.set(f, (byFirst = new Map()));
  const hit = byFirst.get(first);
  if (hit) return hit;
  const inSegment = new Int32Array(f.nodes.length).fill(-1);
  const segments: TrainSums['segments'] = [];
  let input = f.inputElements;
  let inputPower: 1 | 2 = 1;
  f.segments.forEach((seg, i) => {
    const n = f.nodes[seg]!;
    const sums = emptySums();
    for (let k = seg; k < n.end; k++) {
      inSegment[k] = i;
      if (!frozen(f.nodes[k]!, first)) add(sums, f.nodes[k]!);
    }
    segments.push({ sums, live: !frozen(n, first), input, inputPower });
    input = n.outputElements;
    inputPower = n.seqPower;
  });
  const rest = emptySums();
  const useSegments = !f.transformer && f.segments.length > 1;
  for (const n of f.nodes) {
    if (frozen(n, first) || n.block >= 0 || (useSegments && inSegment[n.index]! >= 0)) continue;
    add(rest, n);
  }
  const liveBlocks = f.blocks.filter((b) => !frozen(f.nodes[b]!, first)).length;
  const sums: TrainSums = { rest, liveBlocks, segments };
  byFirst.set(first, sums);
  return sums;
}

/**
 * Bytes of the LM head's logits for the loss: the logits in the compute dtype + the fp32 log-softmax.
 * Only a model with an output projection to the vocabulary has them (a BERT encoder's token
 * embedding alone gives it a vocabulary but no logits).
 */
export function logitsTrainBytes(plan: Plan): number {
  const t = plan.facts.transformer;
  if (!t?.vocab || !plan.seq || plan.facts.head < 0) return 0;
  return plan.batch * plan.seq * t.vocab * (plan.row.actBytes + LOSS_FP32_BYTES);
}

/**
 * Per-block bytes: all saved tensors, what checkpointing keeps, and what a cross-attention
 * adds to each of the last `crossAttentionLayers` blocks.
 */
function blockBytes(plan: Plan): { full: number; kept: number; cross: number } {
  const t = plan.facts.transformer!;
  const tokens = plan.batch * plan.seq!;
  const per = blockSavedPerToken(t, plan.seq!, plan.kernel, plan.facts.dropout);
  const cross = crossAttentionSavedPerToken(t, plan.seq!, plan.kernel, plan.facts.dropout);
  return {
    full: tokens * (per.elements * plan.row.actBytes + per.bytes),
    kept: tokens * checkpointedPerToken(t) * plan.row.actBytes,
    cross: t.crossAttentionLayers ? tokens * (cross.elements * plan.row.actBytes + cross.bytes) : 0,
  };
}

/** Of `blocks` live blocks (a frozen prefix left out), those with a cross-attention: the last ones. */
function crossBlocks(plan: Plan, blocks: number): number {
  return Math.min(blocks, Math.max(0, plan.facts.transformer?.crossAttentionLayers ?? 0));
}

/** Training activation bytes; with `perNode`, also the bytes attributed to each node's own ops. */
export function trainActivations(plan: Plan, perNode?: Float64Array): number {
  const f = plan.facts;
  const first = plan.firstTrainable;
  if (first >= f.nodes.length) return 0;
  if (perNode) return trainPerNode(plan, perNode);
  const act = plan.row.actBytes;
  const s = scales(plan);
  const sums = trainSums(f, first);
  const ckpt = plan.options.gradientCheckpointing;
  let total = bytesOf(sums.rest, act, s.batch, s.seq);
  if (f.transformer && plan.seq) {
    const { full, kept, cross } = blockBytes(plan);
    const blocks = f.blocks.length > 0 ? sums.liveBlocks : f.transformer.layers;
    const withCross = crossBlocks(plan, blocks);
    if (blocks > 0) total += ckpt ? blocks * kept + full + (withCross > 0 ? cross : 0) : blocks * full + withCross * cross;
    return total + logitsTrainBytes(plan);
  }
  if (f.segments.length > 1) {
    let maxFull = 0;
    for (const seg of sums.segments) {
      const full = bytesOf(seg.sums, act, s.batch, s.seq);
      if (!ckpt) total += full;
      else if (seg.live) {
        total += seg.input * act * s.batch * (seg.inputPower === 2 ? s.seq * s.seq : s.seq);
        maxFull = Math.max(maxFull, full);
      }
    }
    total += maxFull;
  }
  return total;
}

function nodeScale(n: NodeFacts, s: { batch: number; seq: number }): number {
  return s.batch * (n.seqPower === 2 ? s.seq * s.seq : s.seq);
}

/** Share `value` over a subtree in proportion to the nodes' own bytes (all to its root when they have none). */
function distribute(perNode: Float64Array, own: Float64Array, from: number, to: number, value: number): void {
  let sum = 0;
  for (let i = from; i < to; i++) sum += own[i]!;
  if (sum <= 0) {
    perNode[from] = perNode[from]! + value;
    return;
  }
  for (let i = from; i < to; i++) perNode[i] = perNode[i]! + (value * own[i]!) / sum;
}

/** The same total as trainActivations, attributed to the nodes: one walk of the tree. */
function trainPerNode(plan: Plan, out: Float64Array): number {
  const f = plan.facts;
  const nodes = f.nodes;
  const act = plan.row.actBytes;
  const s = scales(plan);
  const first = plan.firstTrainable;
  const ckpt = plan.options.gradientCheckpointing;
  const own = new Float64Array(nodes.length);
  for (const n of nodes) own[n.index] = frozen(n, first) ? 0 : (n.savedElements * act + n.savedFixedBytes) * nodeScale(n, s);
  let total = 0;
  const keep = (i: number, v: number): void => {
    out[i] = out[i]! + v;
    total += v;
  };
  const t = f.transformer;
  if (t && plan.seq) {
    const { full, kept, cross } = blockBytes(plan);
    if (f.blocks.length > 0) {
      for (const n of nodes) if (n.block < 0) keep(n.index, own[n.index]!);
      const live = f.blocks.filter((b) => !frozen(nodes[b]!, first));
      const firstCross = live.length - crossBlocks(plan, live.length);
      live.forEach((b, i) => {
        const last = i === live.length - 1;
        const value = ckpt ? kept + (last ? full + (firstCross < live.length ? cross : 0) : 0) : full + (i >= firstCross ? cross : 0);
        distribute(out, own, b, nodes[b]!.end, value);
        total += value;
      });
    } else {
      // Blocks not located: the formula alone stands for the stack (tree values would double count).
      const withCross = crossBlocks(plan, t.layers);
      keep(0, ckpt ? t.layers * kept + full + (withCross > 0 ? cross : 0) : t.layers * full + withCross * cross);
    }
    const logits = logitsTrainBytes(plan);
    if (logits > 0) keep(f.head >= 0 ? f.head : 0, logits);
    return total;
  }
  if (ckpt && f.segments.length > 1) {
    const sums = trainSums(f, first);
    const inSegment = new Uint8Array(nodes.length);
    let maxAt = -1;
    let maxFull = 0;
    const fulls = f.segments.map((seg, i) => {
      let full = 0;
      for (let k = seg; k < nodes[seg]!.end; k++) {
        inSegment[k] = 1;
        full += own[k]!;
      }
      if (sums.segments[i]!.live && full > maxFull) {
        maxFull = full;
        maxAt = seg;
      }
      return full;
    });
    f.segments.forEach((seg, i) => {
      const info = sums.segments[i]!;
      const kept = info.live ? info.input * act * s.batch * (info.inputPower === 2 ? s.seq * s.seq : s.seq) : 0;
      const value = kept + (seg === maxAt ? fulls[i]! : 0);
      distribute(out, own, seg, nodes[seg]!.end, value);
      total += value;
    });
    for (const n of nodes) if (!inSegment[n.index]) keep(n.index, own[n.index]!);
    return total;
  }
  for (let i = 0; i < nodes.length; i++) keep(i, own[i]!);
  return total;
}

/** Inference peak bytes; with `perNode`, each layer's live bytes (blocks and the head get the formula peaks). */
export function inferActivations(plan: Plan, perNode?: Float64Array): number {
  const f = plan.facts;
  const act = plan.row.actBytes;
  const s = scales(plan);
  const skipScores = plan.kernel === 'flash';
  let peak = 0;
  let prev = f.inputElements * s.batch * s.seq;
  for (const i of f.leaves) {
    const n = f.nodes[i]!;
    if (skipScores && n.seqPower === 2 && n.block >= 0) continue;
    const cur = n.outputElements * nodeScale(n, s);
    const live = (prev + cur) * act;
    if (perNode) perNode[i] = Math.max(perNode[i]!, live);
    if (live > peak) peak = live;
    prev = cur;
  }
  const t = f.transformer;
  if (t && plan.seq) {
    const tokens = plan.batch * plan.seq;
    const block = tokens * blockLivePerToken(t, plan.seq, plan.kernel) * act;
    if (perNode) {
      for (const b of f.blocks) perNode[b] = Math.max(perNode[b]!, block);
      if (f.blocks.length === 0) perNode[0] = Math.max(perNode[0]!, block);
    }
    peak = Math.max(peak, block);
    if (t.vocab && f.head >= 0) {
      const logits = tokens * (t.hidden + t.vocab) * act;
      const at = f.head >= 0 ? f.head : 0;
      if (perNode) perNode[at] = Math.max(perNode[at]!, logits);
      peak = Math.max(peak, logits);
    }
  }
  return peak;
}
