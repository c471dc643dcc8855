/**
 * What a forward pass records: per module, calls, MACs, output shapes and the
 * tensors autograd saves; per functional op (matmul, F.scaled_dot_product_attention,
 * F.linear ...), the same under the module whose forward ran it. Saved tensors
 * are counted once per storage (autograd keeps one copy of a tensor two ops save),
 * at the first op that saves it; weights are never activations.
 */
import type { LayerNode, ParamCounts, Shape } from '../../graph';
import type { Loc } from '../../python/ast';
import type { InstV, TensorV, Value } from '../../python/values';
import { emptyStats, type LayerStats } from '../layerStats';

export interface FunctionalNode {
  /** Unique among its siblings: "matmul", "matmul_1". */
  name: string;
  /** The op: "matmul", "scaled_dot_product_attention", "linear" (names the node's path). */
  type: string;
  /** How the forward called it, as torch names the call: "torch.matmul", "F.relu", "Tensor.softmax", "Tensor.__matmul__". */
  calledAs?: string;
  loc: Loc;
  file?: string;
  stats: LayerStats;
}

/** Facts the transformer detection reads after the forward. */
export interface AttentionFacts {
  sdpa: boolean;
  causal: boolean;
  /** [batch, heads, query_len, head_dim] of the first attention seen. */
  queryShape?: Shape;
  keyShape?: Shape;
  softmaxOverScores: boolean;
}

/** A sequence-first layer's call: its input 0 was [seq, batch, features]. */
export interface SequenceFirstCall {
  /** Catalog type ("GRU", "MultiheadAttention"). */
  type: string;
  seq: number;
  batch: number;
}

/** The arguments a user-defined module's first call received, and where the call is. */
export interface ModuleCall {
  args: Value[];
  kwargs: Map<string, Value>;
  loc: Loc;
  file?: string;
}


export class Trace {
  readonly modules = new Map<InstV, LayerStats>();
  readonly functional = new Map<InstV | null, Map<string, FunctionalNode>>();
  readonly stack: InstV[] = [];
  private readonly savedStorages = new Set<number>();
  /** Storage ids of parameters and buffers: weights, not activations. */
  readonly weightStorages = new Set<number>();
  noGrad = 0;
  attention: AttentionFacts = { sdpa: false, causal: false, softmaxOverScores: false };
  /** Shape errors and other problems seen during the forward. */
  errors = 0;
  /** The first call of a sequence-first layer (RNN/LSTM/GRU/MultiheadAttention without batch_first). */
  sequenceFirst: SequenceFirstCall | undefined;
  /** First calls of user-defined modules, in the order they happened (helper classes are profiled at them). */
  readonly firstCalls = new Map<InstV, ModuleCall>();
  /** Foreign modules (transformers backbones) called in the forward: their subtree at the call's shapes. */
  readonly foreign = new Map<object, { root: LayerNode; params: ParamCounts }>();

  current(): InstV | null {
    return this.stack.length ? this.stack[this.stack.length - 1]! : null;
  }

  moduleStats(m: InstV): LayerStats {
    let s = this.modules.get(m);
    if (!s) {
      s = emptyStats();
      this.modules.set(m, s);
    }
    return s;
  }

  /** The node for a functional op at a source location under the current module. */
  functionalNode(type: string, loc: Loc, file: string | undefined, calledAs?: string): FunctionalNode {
    const parent = this.current();
    let nodes = this.functional.get(parent);
    if (!nodes) {
      nodes = new Map();
      this.functional.set(parent, nodes);
    }
    const key = `${type}@${file ?? ''}:${loc.sl}:${loc.sc}`;
    let node = nodes.get(key);
    if (!node) {
      let n = 0;
      for (const x of nodes.values()) if (x.type === type) n++;
      node = { name: n ? `${type}_${n}` : type, type, loc, file, stats: emptyStats() };
      if (calledAs) node.calledAs = calledAs;
      nodes.set(key, node);
    }
    return node;
  }

  /** Count a saved tensor once per storage; returns true when it was new. */
  saveTensor(stats: LayerStats, t: TensorV): boolean {
    const storage = t.storage ?? t.id;
    if (this.savedStorages.has(storage) || this.weightStorages.has(storage) || t.param) return false;
    if (!t.shape) return false;
    this.savedStorages.add(storage);
    const elements = t.storageNumel ?? t.shape.reduce((a, b) => a * b, 1);
    if (t.dtype === 'bool') stats.savedFixedBytes += elements;
    else if (t.isInt) stats.savedFixedBytes += elements * 8;
    else stats.savedElements += elements;
    return true;
  }

  recordOutput(stats: LayerStats, outputs: TensorV[]): void {
    stats.calls++;
    if (stats.calls === 1) {
      stats.outputShapes = outputs.filter((t) => t.shape).map((t) => t.shape!.slice());
      stats.outputElements = outputs.reduce((a, t) => a + (t.shape ? t.shape.reduce((x, y) => x * y, 1) : 0), 0);
    }
  }
}
