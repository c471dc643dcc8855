/**
 * Sequence-first inputs. torch's RNN, LSTM, GRU and MultiheadAttention (and the
 * Transformer modules built on it) take [seq, batch, features] unless constructed with
 * batch_first=True, so a model fed `torch.randint(0, V, (20, 32))` runs 32 sequences of
 * 20 steps. Which dimension is the batch is known only once the forward reaches such a
 * layer: the trace records the first one's layout, and the input is settled from it.
 */
import type { InputSpec, Shape } from '../../graph';
import type { Args } from '../layerSpec';
import type { TensorV, Value } from '../../python/values';
import type { TorchRuntime } from './runtime';
import type { SequenceFirstCall } from './trace';

/** Catalog types whose input 0 is [seq, batch, features] unless `batch_first=True`. */
const SEQUENCE_FIRST_TYPES = new Set(['RNN', 'LSTM', 'GRU', 'MultiheadAttention']);

/** The layout a layer call reveals: batch and sequence of a batched, sequence-first input. */
export function sequenceFirstCall(type: string, args: Args, inputs: Shape[]): SequenceFirstCall | undefined {
  if (!SEQUENCE_FIRST_TYPES.has(type) || args.batch_first === true) return undefined;
  const x = inputs[0];
  if (!x || x.length !== 3) return undefined; // 2-D inputs are unbatched
  return { type, seq: x[0]!, batch: x[1]! };
}

export interface Relayout {
  /** The input with the batch in dimension 1. */
  spec: InputSpec;
  /** Arguments to trace again with; absent when the traced input already had that layout. */
  args?: Value[];
  kwargs?: Map<string, Value>;
}

const SEQUENCE_FIRST_NOTE = 'sequence first: the batch is dimension 1';

function withBatchDim(spec: InputSpec, batch: number, seq: number, description: string): InputSpec {
  return { ...spec, shapes: spec.shapes.map((s) => s.slice()), batch, seq, batchDim: 1, description };
}

/**
 * Where the traced input's batch really is. `spec` is the input as resolved (batch in
 * dimension 0 unless a sequence-first inference already put it in 1); `original` the
 * example call's tensors before a `# profile:` batch replaced their first dimension.
 * Returns undefined when dimension 0 is the batch (or the two cannot be told apart).
 */
export function settleSequenceLayout(
  rt: TorchRuntime,
  seen: SequenceFirstCall | undefined,
  spec: InputSpec,
  traced: { args: Value[]; kwargs: Map<string, Value> },
  original?: { args: Value[]; kwargs: Map<string, Value>; batch?: number },
): Relayout | undefined {
  const s = spec.shapes[0];
  if (!seen || !s || s.length < 2 || s[0] === s[1] || s[1] !== seen.batch) return undefined;
  const note = `${SEQUENCE_FIRST_NOTE} (${seen.type} takes [seq, batch, …])`;
  if (spec.source === 'example' && !original?.batch) {
    // The example as written: its second dimension is the batch, its first the sequence.
    return { spec: withBatchDim(spec, s[1]!, s[0]!, `${spec.description}; ${note}`) };
  }
  if (spec.batchDim === 1) return undefined;
  if (s[0] !== spec.batch) {
    // Already laid out sequence first (an inferred RNN input): only record it.
    return s[1] === spec.batch ? { spec: withBatchDim(spec, s[1], s[0]!, spec.description) } : undefined;
  }
  const batch = spec.batch;
  if (spec.source === 'example' && original) {
    // A `# profile:` batch replaced dimension 0 of the example: put it in dimension 1 instead.
    const from = original.args.find((a): a is TensorV => a.t === 'tensor' && !!a.shape)?.shape?.[1];
    if (from === undefined) return undefined;
    const re = (v: Value): Value => (v.t === 'tensor' && v.shape && v.shape.length >= 2 && v.shape[1] === from ? rt.tensor([v.shape[0]!, batch, ...v.shape.slice(2)], { dtype: v.dtype }) : v);
    const args = original.args.map(re);
    const kwargs = new Map([...original.kwargs].map(([k, v]) => [k, re(v)] as [string, Value]));
    const shapes = args.filter((a): a is TensorV => a.t === 'tensor').map((t) => t.shape ?? []);
    return { spec: { ...withBatchDim(spec, batch, shapes[0]![0]!, `${spec.description} in dimension 1 (${seen.type} takes [seq, batch, …])`), shapes }, args, kwargs };
  }
  // An input made with the batch first ([batch, seq, …] from a comment, the settings or
  // inference): the model reads it sequence first, so swap the two leading dimensions.
  const swap = (v: Value): Value => (v.t === 'tensor' && v.shape && v.shape.length >= 2 && v.shape[0] === batch ? rt.tensor([v.shape[1]!, batch, ...v.shape.slice(2)], { dtype: v.dtype }) : v);
  const args = traced.args.map(swap);
  const kwargs = new Map([...traced.kwargs].map(([k, v]) => [k, swap(v)] as [string, Value]));
  const shapes = spec.shapes.map((x) => (x.length >= 2 && x[0] === batch ? [x[1]!, batch, ...x.slice(2)] : x.slice()));
  const read = `read sequence first as [${shapes[0]!.join(', ')}] (${seen.type} takes [seq, batch, …])`;
  return { spec: { ...withBatchDim(spec, batch, s[1]!, `${spec.description}; ${read}`), shapes }, args, kwargs };
}
