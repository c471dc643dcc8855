/**
 * The Keras runtime's shared state for one interpreter session: Keras names,
 * symbolic tensors, value conversions for the catalog, and the collector of
 * the forward being profiled.
 *
 * Files run with a placeholder batch of 1 (Keras' `None`): that builds every
 * layer. Profiling a model then runs its forward again at the requested batch
 * and sequence length with a Collector attached (see profile.ts).
 */
import type { Shape } from '../../../graph';
import type { Loc } from '../../../python/ast';
import type { Interp } from '../../../python/interp';
import { toNumber } from '../../../python/ops';
import { NONE, int, tuple, type ClassV, type InstV, type ModuleV, type Value } from '../../../python/values';
import { valueToArg } from '../../argValues';
import { FnRef, type ArgValue } from '../../layerSpec';
import type { Collector } from './collector';
import { NameCounters } from './naming';
import { isIntDtype, layerState, newTensorId, tensorState, type CallNode, type TensorState, type WeightRec } from './state';

/** Largest size accepted as a dimension (beyond 2^53 a JS number is no longer exact). */
const MAX_DIM = Number.MAX_SAFE_INTEGER;

export interface KerasClasses {
  Layer: ClassV;
  Model: ClassV;
  Sequential: ClassV;
  Functional: ClassV;
  InputLayer: ClassV;
  KerasTensor: ClassV;
  Variable: ClassV;
}

export class KerasRuntime {
  readonly names = new NameCounters();
  /** The forward being profiled; undefined while the file itself runs. */
  collector?: Collector;
  /** Keras' None batch while the file runs. */
  readonly placeholderBatch = 1;
  /** Size of None dimensions (sequence lengths) while the file runs. */
  readonly placeholderSeq = 256;
  classes!: KerasClasses;
  /** Every layer and model made, in creation order (discovery reads models from here). */
  readonly created: InstV[] = [];
  private nodeCounter = 0;
  /** Layer calls under way: ops inside a layer's call() belong to that layer. */
  callDepth = 0;
  /** keras.applications architectures, run once per session (see ../architectures). */
  architectures?: ModuleV;
  /** keras.config.set_image_data_format(): the default of every layer's data_format. */
  imageDataFormat: 'channels_last' | 'channels_first' = 'channels_last';

  constructor(readonly interp: Interp) {}

  /** A new document: Keras names start again, as in a fresh Python process. */
  beginDocument(): void {
    this.names.reset();
    this.created.length = 0;
    this.imageDataFormat = 'channels_last';
  }

  nextNodeId(): number {
    return ++this.nodeCounter;
  }

  // ------------------------------------------------------------ tensors

  tensor(shape: Shape, dtype = 'float32', node?: CallNode): InstV {
    const state: TensorState = { shape: shape.slice(), dtype, id: newTensorId() };
    if (node) state.node = node;
    return { t: 'inst', cls: this.classes.KerasTensor, dict: new Map(), native: state };
  }

  /** A weight as a tensor value (what add_weight returns). */
  variable(w: WeightRec, dtype = 'float32'): InstV {
    const state: TensorState = { shape: w.shape.slice(), dtype, id: newTensorId(), weight: w };
    return { t: 'inst', cls: this.classes.Variable, dict: new Map(), native: state };
  }

  isTensor(v: Value | undefined): v is InstV {
    return tensorState(v) !== undefined;
  }

  /** Tensors inside a value (a tensor, or lists, tuples and dicts of them), in order. */
  flattenTensors(v: Value, out: InstV[] = []): InstV[] {
    if (this.isTensor(v)) out.push(v);
    else if (v.t === 'list' || v.t === 'tuple') for (const x of v.items) this.flattenTensors(x, out);
    else if (v.t === 'dict') for (const [, x] of v.map.values()) this.flattenTensors(x, out);
    return out;
  }

  /** True when a value holds an unknown where a tensor was expected. */
  hasUnknown(v: Value): boolean {
    if (v.t === 'unknown') return true;
    if (v.t === 'list' || v.t === 'tuple') return v.items.some((x) => this.hasUnknown(x));
    if (v.t === 'dict') return [...v.map.values()].some(([, x]) => this.hasUnknown(x));
    return false;
  }

  /** A shape as Python sees it on a symbolic tensor: the batch is None. */
  shapeValue(s: TensorState): Value {
    if (s.weight) return tuple(s.shape.map((d) => int(d)));
    return tuple(s.shape.map((d, i) => (i === 0 ? NONE : int(d))));
  }

  /** A shape argument (`(None, 28, 28)`, `[3, 4]`, `28`): numbers, null for None; undefined when unknown. */
  shapeArg(v: Value | undefined): Array<number | null> | undefined {
    if (!v) return undefined;
    if (v.t === 'int') return [Number(v.v)];
    if (v.t !== 'tuple' && v.t !== 'list') {
      const s = tensorState(v);
      return s ? this.concreteShape(s) : undefined;
    }
    const out: Array<number | null> = [];
    for (const x of v.items) {
      if (x.t === 'none') out.push(null);
      else {
        const n = toNumber(x);
        if (n === undefined || !Number.isInteger(n) || n < 0 || n > MAX_DIM) return undefined;
        out.push(n);
      }
    }
    return out;
  }

  /** A tensor's shape as Python code sees it through `.shape`, batch as None. */
  private concreteShape(s: TensorState): Array<number | null> {
    return s.weight ? s.shape.slice() : s.shape.map((d, i) => (i === 0 ? null : d));
  }

  // ------------------------------------------------------------ value conversions

  /**
   * An interpreter value as a catalog argument. A layer instance passed to a
   * wrapper becomes a LayerRef of its row and arguments; callables become FnRef.
   */
  toArg(v: Value, loc: Loc): ArgValue {
    return valueToArg(v, loc, {
      instance: (inst) => {
        const s = layerState(inst);
        return s?.spec && s.args ? { $layer: s.spec.type, $args: s.args } : new FnRef(inst.cls.name);
      },
    });
  }

  isInt(t: InstV): boolean {
    const s = tensorState(t);
    return !!s && isIntDtype(s.dtype);
  }

  /** A finding at `loc` in the file being run. */
  warn(code: string, message: string, loc: Loc): void {
    this.interp.finding('warning', code, `${message} (line ${loc.sl + 1})`, loc);
  }
}
