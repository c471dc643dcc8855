/**
 * Helper modules: classes such as a transformer `Block` or a ResNet `BasicBlock` that
 * other models of the file use as submodules. People hover them, so they are listed, but
 * an input inferred for them alone rarely fits (a decoder step needs its hidden state, an
 * attention block its rotary tables). They are profiled as their parent runs them: the
 * submodule of the first traced model that calls one, at the arguments that call received.
 */
import type { InputSpec } from '../../graph';
import type { ClassV, InstV, TensorV } from '../../python/values';
import type { TorchRuntime } from './runtime';
import type { ModuleCall, Trace } from './trace';

/** A model already traced, whose calls helpers may take their inputs from. */
export interface TracedModel {
  name: string;
  root: InstV;
  trace: Trace;
  input: InputSpec;
}

/** The first call of a helper class's instance inside a traced model. */
export interface CallerRecord extends ModuleCall {
  /** The submodule that was called (profiled in place of a fresh instance). */
  module: InstV;
  parent: TracedModel;
  /** Its named_modules() path in the parent; undefined for a module the parent does not register. */
  path?: string;
}

/** Classes of the modules registered below `root` (named_modules() without the root itself). */
export function classesInside(rt: TorchRuntime, root: InstV): Set<ClassV> {
  const out = new Set<ClassV>();
  for (const [path, m] of rt.namedModules(root)) if (path !== '' && !m.cls.builtin) out.add(m.cls);
  return out;
}

/** The first call of an instance of `cls` below the root of the traced models, in their order. */
export function findCaller(rt: TorchRuntime, cls: ClassV, traced: readonly TracedModel[]): CallerRecord | undefined {
  for (const parent of traced) {
    if (parent.root.cls === cls) continue;
    for (const [module, call] of parent.trace.firstCalls) {
      if (module === parent.root || module.cls !== cls) continue;
      const path = rt.namedModules(parent.root).find(([, m]) => m === module)?.[0];
      const rec: CallerRecord = { ...call, module, parent };
      if (path !== undefined) rec.path = path;
      return rec;
    }
  }
  return undefined;
}

/**
 * The input of a helper profiled at its parent's call: every tensor argument, the parent's
 * batch (found in dimension 1 when the call is sequence first) and its sequence length
 * where the first tensor carries it.
 */
export function callerInput(rt: TorchRuntime, rec: CallerRecord, analysedFile: string): InputSpec {
  const tensors: TensorV[] = [];
  for (const a of rec.args) rt.flattenTensors(a, tensors);
  for (const v of rec.kwargs.values()) rt.flattenTensors(v, tensors);
  const known = tensors.filter((t) => t.shape);
  const batch = rec.parent.input.batch;
  const first = known[0]?.shape;
  const where = rec.path !== undefined ? `${rec.parent.name}.${rec.path}` : `${rec.parent.name}'s forward`;
  const file = rec.file && rec.file !== analysedFile ? ` of ${rec.file.split('/').pop()}` : '';
  const spec: InputSpec = {
    shapes: known.map((t) => t.shape!.slice()),
    dtypes: known.map((t) => (t.isInt ? 'int' : 'float')),
    source: 'parent',
    description: `as called by ${where}, line ${rec.loc.sl + 1}${file}`,
    batch,
  };
  if (first && first[0] !== batch && first[1] === batch) {
    spec.batchDim = 1;
    spec.description += '; the batch is dimension 1';
  }
  const seq = rec.parent.input.seq;
  const seqDim = spec.batchDim === 1 ? 0 : 1;
  if (seq !== undefined && first && first.length > seqDim && first[seqDim] === seq) spec.seq = seq;
  return spec;
}
