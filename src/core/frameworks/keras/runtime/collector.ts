/**
 * What one profiled forward records per layer: calls, the first call's output
 * shapes, MACs and the tensors kept for backward. A tensor two layers keep
 * (a Dense input that is the previous ReLU's output) counts once, at the first
 * layer that keeps it; weights are never activations.
 */
import type { Shape } from '../../../graph';
import type { InstV } from '../../../python/values';
import { emptyStats, saveNew, type LayerStats, type SavedDtype } from '../../layerStats';

function elementsOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class Collector {
  readonly layers = new Map<InstV, LayerStats>();
  private readonly saved = new Set<number>();
  /** Attention layers called with `use_causal_mask=True`. */
  readonly causal = new Set<InstV>();
  /** Layers whose call is running, innermost last: ops inside a custom call() count for it. */
  readonly stack: InstV[] = [];

  stats(layer: InstV): LayerStats {
    let s = this.layers.get(layer);
    if (!s) {
      s = emptyStats();
      this.layers.set(layer, s);
    }
    return s;
  }

  /** The layer whose call() is running, if any. */
  current(): InstV | undefined {
    return this.stack[this.stack.length - 1];
  }

  recordCall(layer: InstV, outputs: Shape[]): void {
    const s = this.stats(layer);
    s.calls++;
    if (s.calls === 1) {
      s.outputShapes = outputs.map((o) => o.slice());
      s.outputElements = outputs.reduce((a, o) => a + elementsOf(o), 0);
    }
  }

  addMacs(layer: InstV, macs: number): void {
    if (Number.isFinite(macs) && macs > 0) this.stats(layer).macs += macs;
  }

  /** Keep an existing tensor (by id) once; int tensors are kept as int64 indices. */
  saveTensor(layer: InstV, id: number, shape: Shape, integer: boolean): void {
    if (this.saved.has(id)) return;
    this.saved.add(id);
    const s = this.stats(layer);
    if (integer) s.savedFixedBytes += elementsOf(shape) * 8;
    else s.savedElements += elementsOf(shape);
  }

  /** A tensor made inside the layer's op (masks, gate activations). */
  saveNew(layer: InstV, elements: number, kind: SavedDtype): void {
    if (elements > 0) saveNew(this.stats(layer), elements, kind);
  }
}
