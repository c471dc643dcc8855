/**
 * State shared by the torch runtime's pieces: symbolic tensors, the forward
 * trace, conversions between interpreter values and catalog arguments, and
 * the functional-op recorder.
 */
import type { LayerNode, ParamCounts, Shape } from '../../graph';
import type { Loc } from '../../python/ast';
import type { Interp } from '../../python/interp';
import { toNumber } from '../../python/ops';
import { int, list, newTensorId, tuple, unknown, type ClassV, type InstV, type TensorV, type Value } from '../../python/values';
import { valueToArg } from '../argValues';
import type { ArgValue, LayerSpec } from '../layerSpec';
import { ShapeError, prod } from './shapeAlgebra';
import { saveNew, type SavedDtype } from '../layerStats';
import { Trace } from './trace';

/** Integers above this are not sizes (2^53: beyond it a JS number is no longer exact). */
export const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export interface ModuleState {
  modules: Map<string, InstV | null>;
  params: Map<string, TensorV | null>;
  buffers: Map<string, TensorV | null>;
  training: boolean;
  /** Catalog row of builtin layers and their bound constructor arguments. */
  spec?: LayerSpec;
  args?: Record<string, ArgValue>;
  /** Modules of other frameworks registered as submodules, by attribute name. */
  foreign?: Map<string, Value>;
  /** Lazy layers: weights are made at the first forward. */
  lazy?: boolean;
  /** [in, out] of Linear-like rows, computed once (null: not linear-like). */
  linearDims?: [number, number] | null;
  /** The type torch reports once a Lazy* layer has materialised (LazyLinear becomes Linear). */
  materialisedType?: string;
  /** Why the layer could not be built (bad arguments): shown on its row. */
  broken?: string;
  loc: Loc;
  file?: string;
}

/** A module from another framework held by a torch module (a transformers backbone). */
export interface ForeignModules {
  isForeign(v: Value): boolean;
  /** Its subtree and counts when it was not called in the traced forward (parameters only). */
  untraced(v: Value): { root: LayerNode; params: ParamCounts } | undefined;
}

export interface TensorOpts {
  dtype?: string;
  requiresGrad?: boolean;
  /** Make a view sharing this tensor's storage. */
  viewOf?: TensorV;
}

const INT_DTYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'long', 'int']);

export class TorchRuntime {
  trace: Trace | undefined;
  moduleClass!: ClassV;
  tensorClass!: ClassV;
  /** Set by plug-ins whose models can be submodules of torch modules (transformers). */
  foreign: ForeignModules | undefined;
  /** While set, the first module created is kept (a budget may stop its __init__ half-way). */
  captureFirst = false;
  firstCreated: InstV | undefined;
  /** Called for `model(x)` at module level: the example input of that model. */
  onExampleCall?: (module: InstV, args: Value[], kwargs: Map<string, Value>, loc: Loc) => void;

  /** Reshape as torch does it (a view when the strides allow, else a copy); set by torchModules.ts. */
  reshape!: (x: TensorV, shape: Shape) => TensorV;
  /** While set, named_modules() results are memoised (the tree does not change while a built model is profiled). */
  namedMemo: Map<InstV, Array<[string, InstV]>> | undefined;
  /** named_modules() / named_parameters() order, set by nnModule.ts. */
  namedModules!: (root: InstV) => Array<[string, InstV]>;
  namedTensors!: (root: InstV, kind: 'params' | 'buffers', recurse: boolean) => Array<[string, TensorV]>;

  constructor(readonly interp: Interp) {}

  state(m: InstV): ModuleState | undefined {
    const s = m.native as ModuleState | undefined;
    return s && s.modules instanceof Map ? s : undefined;
  }

  isModule(v: Value): v is InstV {
    return v.t === 'inst' && this.state(v) !== undefined;
  }

  // ------------------------------------------------------------ tensors

  tensor(shape: Shape | undefined, opts: TensorOpts = {}): TensorV {
    const dtype = opts.dtype ?? opts.viewOf?.dtype ?? 'float32';
    const t: TensorV = {
      t: 'tensor',
      id: newTensorId(),
      shape: shape ? shape.slice() : undefined,
      dtype,
      requiresGrad: opts.requiresGrad ?? false,
    };
    if (INT_DTYPES.has(dtype)) t.isInt = true;
    if (opts.viewOf) {
      t.storage = opts.viewOf.storage ?? opts.viewOf.id;
      t.storageNumel = opts.viewOf.storageNumel ?? (opts.viewOf.shape ? prod(opts.viewOf.shape) : undefined);
      if (opts.viewOf.param) t.requiresGrad = opts.viewOf.requiresGrad;
    }
    return t;
  }

  /** Output of an op on `inputs`: requires grad when an input does (and grad mode is on). */
  derived(shape: Shape | undefined, inputs: Value[], opts: TensorOpts = {}): TensorV {
    const rg = !this.trace?.noGrad && inputs.some((x) => x.t === 'tensor' && x.requiresGrad);
    const dtype = opts.dtype ?? (inputs.find((x) => x.t === 'tensor') as TensorV | undefined)?.dtype;
    return this.tensor(shape, { ...opts, dtype, requiresGrad: opts.requiresGrad ?? rg });
  }

  /** How the op running now was called ("F.relu", "torch.matmul", "Tensor.softmax"); see `calling`. */
  private calledAs: string | undefined;

  /** Run an op called as `name`: the functional nodes it records show that name as their type. */
  calling<T>(name: string, run: () => T): T {
    const outer = this.calledAs;
    this.calledAs = name;
    try {
      return run();
    } finally {
      this.calledAs = outer;
    }
  }

  /**
   * Record a functional op under the current module: MACs, the output's first
   * shape, and what autograd saves (only when the output needs a gradient).
   */
  record(type: string, loc: Loc, outputs: TensorV[], macs: number, saved: TensorV[] = [], extra: Array<[number, SavedDtype]> = []): void {
    const trace = this.trace;
    if (!trace) return;
    const grad = outputs.some((o) => o.requiresGrad);
    const anySave = grad && (saved.length > 0 || extra.length > 0);
    if (!(macs > 0) && !anySave) return;
    const node = trace.functionalNode(type, loc, this.interp.file, this.calledAs);
    node.stats.macs += Number.isFinite(macs) ? macs : 0;
    trace.recordOutput(node.stats, outputs);
    if (!grad) return;
    for (const t of saved) trace.saveTensor(node.stats, t);
    for (const [n, d] of extra) saveNew(node.stats, n, d);
  }

  shapeError(e: unknown, what: string, loc: Loc): Value {
    if (e instanceof ShapeError) {
      if (this.trace) this.trace.errors++;
      this.interp.finding('warning', 'shape-error', `${what}: ${e.message} (line ${loc.sl + 1})`, loc);
      return unknown(what);
    }
    throw e;
  }

  // ------------------------------------------------------------ value conversions

  /** An interpreter value as a catalog argument; an absurd integer is a finding. */
  toArg(v: Value, loc: Loc): ArgValue {
    return valueToArg(v, loc, {
      tooLarge: (n, at) => {
        const text = n.toString();
        this.interp.finding('warning', 'absurd-size', `The value ${text.length > 20 ? `~1e${text.length - 1}` : text} is too large for a layer size (line ${at.sl + 1})`, at);
      },
    });
  }

  /** A shape from `view(2, 3)` / `view((2, 3))` / `view(torch.Size)` arguments. */
  shapeArgs(args: Value[]): number[] | undefined {
    const src = args.length === 1 && (args[0]!.t === 'tuple' || args[0]!.t === 'list') ? args[0]!.items : args;
    const out: number[] = [];
    for (const a of src) {
      const n = toNumber(a);
      if (n === undefined || !Number.isInteger(n)) return undefined;
      out.push(n);
    }
    return out;
  }

  sizeTuple(shape: Shape): Value {
    return tuple(shape.map((d) => int(d)));
  }

  /** Tensors of a (nested) value, depth-first, as torch's hooks flatten outputs. */
  flattenTensors(v: Value, out: TensorV[] = [], depth = 0): TensorV[] {
    if (depth > 8) return out;
    if (v.t === 'tensor') out.push(v);
    else if (v.t === 'list' || v.t === 'tuple') for (const x of v.items) this.flattenTensors(x, out, depth + 1);
    else if (v.t === 'dict') for (const [, x] of v.map.values()) this.flattenTensors(x, out, depth + 1);
    else if (v.t === 'inst' && !(v.native as ModuleState | undefined)?.modules) for (const x of v.dict.values()) this.flattenTensors(x, out, depth + 1);
    return out;
  }

  listOf(items: Value[]): Value {
    return list(items);
  }
}
