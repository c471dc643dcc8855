/**
 * Everything the estimate needs from a ModelGraph, gathered in one walk of the layer tree so
 * that re-estimating for other options (batch, precision, sharding, ...) is arithmetic only.
 */
import { numel } from '../frameworks/layerSpec';
import type { LayerNode, ModelGraph, ParamCounts, TransformerInfo } from '../graph';
import { safeCount } from '../graph';
import { factoredStateElements } from './optimizers';

export interface NodeFacts {
  node: LayerNode;
  /** Depth-first index; a node's subtree is [index, end). */
  index: number;
  end: number;
  depth: number;
  parent: number;
  leaf: boolean;
  /**
   * How this node's activations grow with the sequence length: 2 for attention scores
   * (an s×s output, or an attention matmul of a transformer), else 1.
   */
  seqPower: 1 | 2;
  /** Index into `blocks`, or -1 outside the transformer blocks. */
  block: number;
  /** Subtree sums, unscaled. */
  params: number;
  trainableParams: number;
  buffers: number;
  /** The node's own counts at the evaluated batch, made finite and non-negative. */
  macs: number;
  savedElements: number;
  savedFixedBytes: number;
  outputElements: number;
}

export interface ModelFacts {
  graph: ModelGraph;
  /** graph.params with every count finite and non-negative. */
  params: ParamCounts;
  transformer?: TransformerInfo;
  nodes: NodeFacts[];
  /** Batch and sequence length the graph was evaluated at (quantities scale from these). */
  batch0: number;
  seq0?: number;
  /** Elements of the model inputs at the evaluated batch. */
  inputElements: number;
  /** Linear modules (not functional ops) with their dims, in tree order. */
  linears: Array<{ index: number; path: string; dims: [number, number]; head: boolean }>;
  /** Index of the LM head (output projection to the vocabulary), -1 when none. */
  head: number;
  /** Weight-matrix elements of Linear layers other than the LM head: what weight-only quantization shrinks. */
  quantizableParams: number;
  /** Elements of all ≥2-D parameters (matrices, embeddings, the head): what GGUF quantizes. */
  matrixParams: number;
  embeddingParams: number;
  /** Σ in·out × calls over linear layers: the matmul MACs of one token. */
  linearMacsPerToken: number;
  /** Adafactor state elements for the parameters trainable in the graph. */
  adafactorElements: number;
  /** Node indices of the transformer blocks, when located. */
  blocks: number[];
  /** Params of the largest unit ZeRO-3/FSDP gathers at once: a block, else the largest layer. */
  largestUnitParams: number;
  /** Top-level segments gradient checkpointing wraps in a non-transformer model. */
  segments: number[];
  /** Blocks save dropout masks in training. */
  dropout: boolean;
  /** Total parameter tensors and the length of their names: for format headers. */
  tensorCount: number;
  tensorNameChars: number;
  /** The transformer was recognised but its blocks were not found in the tree. */
  blocksMissing: boolean;
  /** Depth-first index of the first node with trainable parameters of its own (nodes.length when none). */
  firstTrainable: number;
  /** Indices of the leaves, in forward (tree) order. */
  leaves: number[];
}

const ATTENTION_OPS = /^(matmul|bmm|baddbmm|einsum|scaled_dot_product_attention|flash_attn\w*|sdpa|attention)$/i;
const EMBEDDING = /embedding/i;
const HEAD_NAMES = /(^|\.)(lm_head|output_projection|embed_out)$/;

/** Blocks named by the evaluator, else a container with `layers` children of one type, else `layers` nodes of one user type. */
function locateBlocks(nodes: NodeFacts[], t: TransformerInfo): number[] {
  if (t.blockPaths && t.blockPaths.length > 0) {
    const wanted = new Set(t.blockPaths);
    const found = nodes.filter((n) => wanted.has(n.node.path)).map((n) => n.index);
    if (found.length > 0) return found;
  }
  for (const n of nodes) {
    const kids = n.node.children;
    if (kids.length === t.layers && kids.length > 0 && kids.every((k) => k.type === kids[0]!.type && k.children.length > 0)) {
      return nodes.filter((m) => m.parent === n.index).map((m) => m.index);
    }
  }
  const byType = new Map<string, number[]>();
  for (const n of nodes) {
    if (n.node.builtin || n.index === 0) continue;
    const list = byType.get(n.node.type) ?? [];
    list.push(n.index);
    byType.set(n.node.type, list);
  }
  for (const list of byType.values()) if (list.length === t.layers) return list;
  return [];
}

/** An s×s output (attention scores or probabilities). */
function isScores(node: LayerNode, seq: number): boolean {
  const shape = node.outputShapes?.[0];
  return !!shape && shape.length >= 2 && shape[shape.length - 1] === seq && shape[shape.length - 2] === seq;
}

/** Tokens a block runs on, from its [batch, seq, hidden] (or [seq, batch, hidden]) output. */
function tokensOf(block: LayerNode, t: TransformerInfo, batch: number): number | undefined {
  const shape = block.outputShapes?.[0];
  if (!shape || shape.length !== 3 || shape[2] !== t.hidden) return undefined;
  const seq = batch > 0 && shape[0] === batch ? shape[1]! : batch > 0 && shape[1] === batch ? shape[0]! : shape[1]!;
  return seq > 0 ? seq : undefined;
}

/** Segments for checkpointing: the children of the first node (from the root) with more than one child. */
function locateSegments(nodes: NodeFacts[]): number[] {
  let at = 0;
  while (nodes[at] && nodes[at]!.node.children.length === 1) at = at + 1;
  return nodes.filter((n) => n.parent === at).map((n) => n.index);
}

function matrixElements(node: LayerNode): number {
  if (node.paramShapes) return node.paramShapes.filter((s) => s.length >= 2).reduce((a, s) => a + numel(s), 0);
  if (node.linearDims) return Math.min(node.linearDims[0] * node.linearDims[1], node.ownParams);
  if (EMBEDDING.test(node.type)) return node.ownParams;
  return 0;
}

function adafactorOwn(node: LayerNode): number {
  const own = safeCount(node.ownParams);
  const trainable = safeCount(node.ownTrainableParams);
  if (own === 0 || trainable === 0) return 0;
  const share = Math.min(1, trainable / own);
  if (node.paramShapes) return node.paramShapes.reduce((a, s) => a + factoredStateElements(s), 0) * share;
  if (node.linearDims) {
    const [i, o] = node.linearDims;
    const matrix = Math.min(i * o, own);
    return (matrix > 0 ? i + o : 0) * share + (own - matrix) * share;
  }
  return trainable;
}

function tensorsOwn(node: LayerNode): number {
  if (node.paramShapes) return node.paramShapes.length + (node.ownBuffers > 0 ? 1 : 0);
  let n = 0;
  if (node.ownParams > 0) n += node.linearDims && node.ownParams > node.linearDims[0] * node.linearDims[1] ? 2 : 1;
  if (node.ownBuffers > 0) n += 1;
  return n;
}

export function gatherFacts(graph: ModelGraph): ModelFacts {
  const nodes: NodeFacts[] = [];
  const t = graph.transformer;
  const batch0 = graph.input?.batch && graph.input.batch > 0 ? graph.input.batch : 0;
  let seq0 = graph.input?.seq && graph.input.seq > 0 ? graph.input.seq : undefined;

  const visit = (node: LayerNode, depth: number, parent: number): void => {
    const index = nodes.length;
    const attentionOp = !!t && node.functional === true && ATTENTION_OPS.test(node.op ?? node.type);
    const facts: NodeFacts = {
      node,
      index,
      end: index + 1,
      depth,
      parent,
      leaf: node.children.length === 0,
      seqPower: attentionOp ? 2 : 1,
      block: -1,
      params: safeCount(node.ownParams),
      trainableParams: safeCount(node.ownTrainableParams),
      buffers: safeCount(node.ownBuffers),
      macs: safeCount(node.macs),
      savedElements: safeCount(node.savedElements),
      savedFixedBytes: safeCount(node.savedFixedBytes),
      outputElements: safeCount(node.outputElements),
    };
    nodes.push(facts);
    for (const child of node.children) {
      const at = nodes.length;
      visit(child, depth + 1, index);
      const c = nodes[at]!;
      facts.params += c.params;
      facts.trainableParams += c.trainableParams;
      facts.buffers += c.buffers;
    }
    facts.end = nodes.length;
  };
  visit(graph.root, 0, -1);

  let head = -1;
  const linears: ModelFacts['linears'] = [];
  let quantizable = 0;
  let matrix = 0;
  let embedding = 0;
  let linearMacs = 0;
  let adafactor = 0;
  let largestLayer = 0;
  let tensorCount = 0;
  let tensorNameChars = 0;
  for (const n of nodes) {
    const node = n.node;
    const dims = node.linearDims;
    if (dims && dims[0] > 0 && dims[1] > 0) {
      linearMacs += dims[0] * dims[1] * Math.max(1, safeCount(node.calls));
      if (!node.functional) {
        const isHead = HEAD_NAMES.test(node.path) || (!!t?.vocab && dims[1] === t.vocab);
        if (isHead) head = n.index;
        linears.push({ index: n.index, path: node.path, dims, head: false });
      }
    }
    matrix += matrixElements(node);
    if (EMBEDDING.test(node.type)) embedding += safeCount(node.ownParams);
    adafactor += adafactorOwn(node);
    largestLayer = Math.max(largestLayer, safeCount(node.ownParams));
    const tensors = tensorsOwn(node);
    tensorCount += tensors;
    tensorNameChars += tensors * (node.path.length + 8);
  }
  for (const l of linears) {
    l.head = l.index === head;
    if (!l.head) quantizable += Math.min(l.dims[0] * l.dims[1], safeCount(nodes[l.index]!.node.ownParams));
  }

  let blocks: number[] = [];
  if (t) {
    blocks = locateBlocks(nodes, t);
    blocks.forEach((b, i) => {
      for (let k = b; k < nodes[b]!.end; k++) nodes[k]!.block = i;
    });
  }
  // An image or feature input says nothing of the tokens (ViT patches): the blocks' output does.
  if (t && seq0 === undefined && blocks.length > 0) seq0 = tokensOf(nodes[blocks[0]!]!.node, t, batch0);
  if (t && seq0 !== undefined && seq0 > 1) {
    for (const n of nodes) if (isScores(n.node, seq0)) n.seqPower = 2;
  }
  const largestBlock = blocks.reduce((m, b) => Math.max(m, nodes[b]!.params), 0);
  const dropout =
    t?.dropout ??
    // A Dropout with p = 0 saves no mask (torch returns its input): only one that saves counts.
    (blocks.length > 0 &&
      nodes.slice(blocks[0]!, nodes[blocks[0]!]!.end).some((n) => /dropout/i.test(n.node.type) && n.savedElements + n.savedFixedBytes > 0));

  const inputElements = (graph.input?.shapes ?? []).reduce((a, s) => a + numel(s), 0);
  const params: ParamCounts = {
    total: safeCount(graph.params.total),
    trainable: safeCount(graph.params.trainable),
    nonTrainable: safeCount(graph.params.nonTrainable),
    buffers: safeCount(graph.params.buffers),
  };
  return {
    graph,
    params,
    transformer: t,
    nodes,
    batch0,
    seq0,
    inputElements: safeCount(inputElements),
    linears,
    head,
    quantizableParams: Math.min(safeCount(quantizable), params.total),
    matrixParams: Math.min(safeCount(matrix), params.total),
    embeddingParams: Math.min(safeCount(embedding), params.total),
    linearMacsPerToken: safeCount(linearMacs),
    adafactorElements: safeCount(adafactor),
    blocks,
    largestUnitParams: blocks.length > 0 ? largestBlock : largestLayer,
    segments: t ? [] : locateSegments(nodes),
    dropout,
    tensorCount,
    tensorNameChars,
    blocksMissing: !!t && blocks.length === 0,
    firstTrainable: nodes.find((n) => n.node.ownTrainableParams > 0)?.index ?? nodes.length,
    leaves: nodes.filter((n) => n.leaf).map((n) => n.index),
  };
}
