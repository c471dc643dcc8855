/**
 * What a forward pass records: per module, calls, MACs, output shapes and the
 * tensors autograd saves; per functional op (matmul, F.scaled_dot_product_attention,
 * F.linear ...), the same under the module whose forward ran it. Saved tensors
 * are counted once per storage (autograd keeps one copy of a tensor two ops save),
 * at the first op that saves it; weights are never activations.
 */
import type { LayerNode, ParamCounts, Shape } from '../../graph';
import type { Loc } from '../../python/ast';
import type { InstV, TensorV } from '../../python/values';

export interface OpStats {
  calls: number;
  macs: number;
  savedElements: number;
  savedFixedBytes: number;
  outputShapes?: Shape[];
  outputElements: number;
}

export function emptyStats(): OpStats {
  return { calls: 0, macs: 0, savedElements: 0, savedFixedBytes: 0, outputElements: 0 };
}

export interface FunctionalNode {
  /** Unique among its siblings: "matmul", "matmul_1". */
  name: string;
  /** The op as written: "matmul", "scaled_dot_product_attention", "linear". */
  type: string;
  loc: Loc;
  file?: string;
  stats: OpStats;
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

export type SavedDtype = 'act' | 'bool' | 'int64' | 'fp32';

const FIXED_BYTES: Record<Exclude<SavedDtype, 'act'>, number> = { bool: 1, int64: 8, fp32: 4 };

export class Trace {
  readonly modules = new Map<InstV, OpStats>();
  readonly functional = new Map<InstV | null, Map<string, FunctionalNode>>();
  readonly stack: InstV[] = [];
  private readonly savedStorages = new Set<number>();
  /** Storage ids of parameters and buffers: weights, not activations. */
  readonly weightStorages = new Set<number>();
  noGrad = 0;
  attention: AttentionFacts = { sdpa: false, causal: false, softmaxOverScores: false };
  /** Shape errors and other problems seen during the forward. */
  errors = 0;
  /** Foreign modules (transformers backbones) called in the forward: their subtree at the call's shapes. */
  readonly foreign = new Map<object, { root: LayerNode; params: ParamCounts }>();

  current(): InstV | null {
    return this.stack.length ? this.stack[this.stack.length - 1]! : null;
  }

  moduleStats(m: InstV): OpStats {
    let s = this.modules.get(m);
    if (!s) {
      s = emptyStats();
      this.modules.set(m, s);
    }
    return s;
  }

  /** The node for a functional op at a source location under the current module. */
  functionalNode(type: string, loc: Loc, file: string | undefined): FunctionalNode {
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
      nodes.set(key, node);
    }
    return node;
  }

  /** Count a saved tensor once per storage; returns true when it was new. */
  saveTensor(stats: OpStats, t: TensorV): boolean {
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

  saveNew(stats: OpStats, elements: number, dtype: SavedDtype): void {
    if (!(elements > 0)) return;
    if (dtype === 'act') stats.savedElements += elements;
    else stats.savedFixedBytes += elements * FIXED_BYTES[dtype];
  }

  recordOutput(stats: OpStats, outputs: TensorV[]): void {
    stats.calls++;
    if (stats.calls === 1) {
      stats.outputShapes = outputs.filter((t) => t.shape).map((t) => t.shape!.slice());
      stats.outputElements = outputs.reduce((a, t) => a + (t.shape ? t.shape.reduce((x, y) => x * y, 1) : 0), 0);
    }
  }
}
