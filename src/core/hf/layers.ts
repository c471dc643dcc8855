/**
 * Building blocks for transformers module trees: one function per kind of
 * module, each returning a LayerNode with its own parameters, output shape,
 * forward MACs and what autograd saves for backward.
 *
 * Conventions (reference/estimation.md):
 * - MACs count matrix products only (Linear, Conv1D, attention matmuls);
 *   element-wise ops, norms and softmax are 0.
 * - `savedElements` are tensors in the compute dtype; `savedFixedBytes` are
 *   tensors whose size does not follow the compute dtype (bool dropout masks,
 *   int64 token ids, fp32 upcasts inside RMSNorm and softmax).
 * - A tensor that several ops save (the input of q/k/v projections) is counted
 *   once, at the first op that saves it: callers pass `saveInput: false` to the others.
 */
import type { LayerNode, Shape } from '../graph';
import { numel } from '../frameworks/layerSpec';
import { activationRow } from './activations';

/** What a family build needs to know about the run being estimated. */
export interface BuildContext {
  batch: number;
  /** Sequence length of the (encoder) input. */
  seq: number;
  /** Compute in fp32/tf32: upcasts to fp32 are no-ops and save no second copy. */
  fp32Compute: boolean;
  /** Attention kernel: fused (sdpa/flash: no s×s scores kept) or eager (softmax(QKᵀ)V in autograd). */
  fusedAttention: boolean;
}

/** Saved-for-backward bookkeeping of one op. */
export interface Saves {
  elements: number;
  fixedBytes: number;
}

export const NO_SAVES: Saves = { elements: 0, fixedBytes: 0 };

export function addSaves(...parts: Saves[]): Saves {
  let elements = 0;
  let fixedBytes = 0;
  for (const p of parts) {
    elements += p.elements;
    fixedBytes += p.fixedBytes;
  }
  return { elements, fixedBytes };
}

/** Shape with the last dimension replaced. */
export function withLast(shape: Shape, last: number): Shape {
  return [...shape.slice(0, -1), last];
}

/** Rows of a [..., features] tensor: every dimension but the last. */
export function rowsOf(shape: Shape): number {
  return numel(shape.slice(0, -1));
}

interface NodeExtras {
  ownParams?: number;
  ownBuffers?: number;
  macs?: number;
  saves?: Saves;
  outputShapes?: Shape[];
  linearDims?: [number, number];
  note?: string;
  functional?: boolean;
  builtin?: boolean;
  calls?: number;
}

/** A module node. Containers pass their children; leaves pass their own counts. */
export function moduleNode(path: string, type: string, children: LayerNode[], extras: NodeExtras = {}): LayerNode {
  const outputShapes = extras.outputShapes;
  const node: LayerNode = {
    path,
    type,
    builtin: extras.builtin ?? true,
    ownParams: extras.ownParams ?? 0,
    ownTrainableParams: extras.ownParams ?? 0,
    ownBuffers: extras.ownBuffers ?? 0,
    calls: extras.calls ?? 1,
    macs: extras.macs ?? 0,
    savedElements: extras.saves?.elements ?? 0,
    savedFixedBytes: extras.saves?.fixedBytes ?? 0,
    outputElements: outputShapes && outputShapes.length > 0 ? numel(outputShapes[0]) : 0,
    children,
  };
  if (outputShapes) node.outputShapes = outputShapes;
  if (extras.linearDims) node.linearDims = extras.linearDims;
  if (extras.note) node.note = extras.note;
  if (extras.functional) node.functional = true;
  return node;
}

/** Join a parent path and a child name the way torch's named_modules() does. */
export function child(parent: string, name: string | number): string {
  return parent === '' ? String(name) : `${parent}.${name}`;
}

export interface LinearOptions {
  /** Module class: torch "Linear", GPT-2's "Conv1D" (weight stored [in, out]), Falcon's "FalconLinear". */
  type?: string;
  /** False when another op already saves this exact input tensor. */
  saveInput?: boolean;
  /** The weight is the same tensor as an earlier module's (tied embeddings): counted there. */
  tiedWeight?: boolean;
  /** The bias is the same tensor as an earlier module's parameter (BERT's decoder.bias). */
  tiedBias?: boolean;
  note?: string;
  /** Rows that actually pass through (MoE experts see a share of the tokens). */
  rows?: number;
}

/** y = x Wᵀ + b: in·out MACs per row; saves its input for the weight gradient. */
export function linear(path: string, inF: number, outF: number, bias: boolean, input: Shape, opts: LinearOptions = {}): LayerNode {
  const rows = opts.rows ?? rowsOf(input);
  const weight = opts.tiedWeight ? 0 : inF * outF;
  const biasParams = bias && !opts.tiedBias ? outF : 0;
  return moduleNode(path, opts.type ?? 'Linear', [], {
    ownParams: weight + biasParams,
    macs: rows * inF * outF,
    saves: opts.saveInput === false ? NO_SAVES : { elements: rows * inF, fixedBytes: 0 },
    outputShapes: [withLast(input, outF)],
    linearDims: [inF, outF],
    note: opts.note,
  });
}

/** Token or position lookup: saves the int64 indices (8 bytes each) for the sparse gradient. */
export function embedding(
  path: string,
  num: number,
  dim: number,
  indices: Shape,
  opts: { tied?: boolean; type?: string; note?: string; indicesFromBuffer?: boolean } = {},
): LayerNode {
  return moduleNode(path, opts.type ?? 'Embedding', [], {
    ownParams: opts.tied ? 0 : num * dim,
    // Indices sliced from a registered buffer (BERT's position_ids) are the buffer itself, not activations.
    saves: { elements: 0, fixedBytes: opts.indicesFromBuffer ? 0 : 8 * numel(indices) },
    outputShapes: [[...indices, dim]],
    note: opts.note,
  });
}

/**
 * nn.LayerNorm: saves its input plus fp32 mean and rstd per row. `saveInput: false` when another
 * norm already keeps the same input (parallel-residual blocks normalise one tensor twice).
 */
export function layerNorm(
  path: string,
  dim: number,
  input: Shape,
  opts: { bias?: boolean; type?: string; affine?: boolean; saveInput?: boolean } = {},
): LayerNode {
  const affine = opts.affine ?? true;
  const params = affine ? dim * (opts.bias === false ? 1 : 2) : 0;
  return moduleNode(path, opts.type ?? 'LayerNorm', [], {
    ownParams: params,
    saves: { elements: opts.saveInput === false ? 0 : numel(input), fixedBytes: 8 * rowsOf(input) },
    outputShapes: [input],
  });
}

/**
 * The RMSNorm of Llama-family and T5 models as transformers writes it: the input is
 * upcast to fp32 (saved by pow and mul), the fp32 rstd per row is saved, and the
 * normalised tensor cast back to the compute dtype is saved by the weight multiply.
 */
export function rmsNorm(path: string, type: string, dim: number, input: Shape): LayerNode {
  const n = numel(input);
  return moduleNode(path, type, [], {
    ownParams: dim,
    saves: { elements: n, fixedBytes: 4 * n + 4 * rowsOf(input) },
    outputShapes: [input],
  });
}

/** An activation module from transformers' ACT2FN table (its class and saves come from the table). */
export function activation(path: string, hfName: string, input: Shape): LayerNode {
  const row = activationRow(hfName);
  return moduleNode(path, row.module, [], {
    saves: { elements: row.savedCopies * numel(input), fixedBytes: 0 },
    outputShapes: [input],
  });
}

/** nn.Dropout: in training with p > 0 it keeps a bool mask (1 byte per element); p = 0 saves nothing. */
export function dropout(path: string, p: number, input: Shape): LayerNode {
  return moduleNode(path, 'Dropout', [], {
    saves: p > 0 ? { elements: 0, fixedBytes: numel(input) } : NO_SAVES,
    outputShapes: [input],
    note: `p=${p}`,
  });
}

/**
 * The attention-probability Dropout module. Its mask is counted in the attention op (eager), and a
 * fused kernel applies dropout itself without calling the module, so the module keeps nothing.
 */
export function probabilityDropout(path: string, p: number, scores: Shape, ctx: BuildContext): LayerNode {
  const node = dropout(path, p, scores);
  node.savedFixedBytes = 0;
  node.calls = ctx.fusedAttention ? 0 : 1;
  node.note = `p=${p}; mask counted in the attention op`;
  return node;
}

/** A parameter-free module that registers only buffers (rotary inverse frequencies). */
export function bufferModule(path: string, type: string, buffers: number): LayerNode {
  return moduleNode(path, type, [], { ownBuffers: buffers, calls: 1 });
}

/** A ModuleList: no own parameters or ops, calls 0 (torch never calls a ModuleList itself). */
export function moduleList(path: string, children: LayerNode[]): LayerNode {
  return moduleNode(path, 'ModuleList', children, { calls: 0 });
}

export interface AttentionCore {
  heads: number;
  /** Key/value heads as stored; kernels see them repeated to `heads` (transformers' repeat_kv). */
  kvHeads: number;
  headDim: number;
  queryLen: number;
  keyLen: number;
  causal: boolean;
  /** Attention-probability dropout in training. */
  dropout: number;
  /** Eager attention upcasts Q and K to fp32 before Q·Kᵀ (GPT-J): both are kept as fp32 copies. */
  eagerUpcastQk?: boolean;
  /** The eager softmax runs in fp32 (`softmax(..., dtype=torch.float32)`, Llama family, BLOOM). */
  eagerSoftmaxFp32?: boolean;
  /**
   * Elements per token of the tensor that holds the saved V, when V is a slice of a fused
   * q/k/v projection output and is not repeated (GPT-NeoX, Phi-3): a fused kernel keeps the
   * slice, and with it the whole tensor.
   */
  vStoragePerToken?: number;
}

/**
 * softmax(Q·Kᵀ/√d)·V as a functional node: 2·b·heads·q·k·d MACs (Q·Kᵀ and A·V),
 * with the masked half of causal attention counted (the stated convention).
 *
 * Saved for backward, fused kernel (scaled_dot_product_attention / flash): Q, K and V
 * (K and V repeated to all heads), the output and an fp32 log-sum-exp per query row.
 * Eager: Q and Kᵀ for the first matmul, the softmax output, the dropout mask
 * and dropped probabilities when p > 0, and V for the second matmul.
 */
export function attentionCore(path: string, core: AttentionCore, ctx: BuildContext): LayerNode {
  const { heads, headDim, queryLen, keyLen } = core;
  const b = ctx.batch;
  const scores = b * heads * queryLen * keyLen;
  const q = b * heads * queryLen * headDim;
  const k = b * heads * keyLen * headDim;
  // Eager matmul copies a strided V view into a contiguous tensor; a fused kernel keeps the view.
  const v = core.vStoragePerToken !== undefined && ctx.fusedAttention ? b * keyLen * core.vStoragePerToken : k;
  const macs = 2 * b * heads * queryLen * keyLen * headDim;
  let saves: Saves;
  if (ctx.fusedAttention) {
    saves = { elements: q + k + v + q, fixedBytes: 4 * b * heads * queryLen };
  } else {
    // softmax output: kept in fp32 where the implementation upcasts (Llama family), else in the compute dtype;
    // the cast back to the compute dtype is a second tensor unless compute is fp32 already.
    const fp32Probs = core.eagerSoftmaxFp32 === true;
    const probs: Saves = fp32Probs
      ? { elements: ctx.fp32Compute ? 0 : scores, fixedBytes: 4 * scores }
      : { elements: scores, fixedBytes: 0 };
    const drop: Saves = core.dropout > 0 ? { elements: scores, fixedBytes: scores } : NO_SAVES;
    const qk: Saves = core.eagerUpcastQk ? { elements: 0, fixedBytes: 4 * (q + k) } : { elements: q + k, fixedBytes: 0 };
    saves = addSaves(qk, { elements: v, fixedBytes: 0 }, probs, drop);
  }
  const type = ctx.fusedAttention ? 'scaled_dot_product_attention' : 'eager_attention';
  const notes = [
    ctx.fusedAttention ? 'fused kernel: no s×s scores kept' : 'eager: scores and probabilities kept for backward',
    core.causal ? 'causal: masked half counted in MACs' : '',
    core.kvHeads !== heads ? `GQA: ${core.kvHeads} KV heads repeated to ${heads}` : '',
  ].filter(Boolean);
  return moduleNode(child(path, type), type, [], {
    functional: true,
    macs,
    saves,
    outputShapes: [[b, heads, queryLen, headDim]],
    note: notes.join('; '),
  });
}
