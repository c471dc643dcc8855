/**
 * Wrappers around another catalogued layer (keras/src/layers/rnn/bidirectional.py,
 * keras/src/layers/rnn/time_distributed.py). The wrapped layer arrives as a
 * `LayerRef` (see args.ts).
 * - Bidirectional: a forward and a backward copy of the layer (or `backward_layer`),
 *   each with its own weights; outputs merged by `merge_mode` (concat, sum, mul,
 *   ave, or None for both), final states of both directions after the output.
 * - TimeDistributed: the layer applied to every step of axis 1, sharing one set of
 *   weights; its input shape is the wrapper's without the time axis.
 */
import type { Shape } from '../../../graph';
import { LayerError, numel, type Args, type LayerCall, type LayerSpec, type OutTree, type SavedRef } from '../../layerSpec';
import { choiceArg, layerRefArg, rawArg, type LayerRef } from './args';
import { onlyInput } from './geometry';
import { kerasRow, tensor } from './row';

export type FindRow = (type: string) => LayerSpec | undefined;

function resolve(ref: LayerRef | undefined, find: FindRow, wrapper: string): { row: LayerSpec; args: Args } {
  if (!ref) throw new LayerError(`${wrapper}: could not evaluate the wrapped layer`);
  const row = find(ref.$layer);
  if (!row) throw new LayerError(`${wrapper}: the wrapped layer ${ref.$layer} is not in the Keras catalog`);
  return { row, args: ref.$args };
}

/** Flatten an output tree depth-first. */
function leaves(t: OutTree): Shape[] {
  if (t === null) return [];
  return 'shape' in t ? [t.shape] : t.flatMap(leaves);
}

/** A wrapped layer's saves, with references to its own outputs turned into element counts. */
function ownSaves(call: LayerCall): SavedRef[] {
  const outs = leaves(call.output);
  return call.saves.map((s) => ('output' in s ? { elements: numel(outs[s.output] ?? []), dtype: 'act' as const } : s));
}

function bidirectionalRow(find: FindRow): LayerSpec {
  const directions = (args: Args) => {
    const forward = resolve(layerRefArg(args, 'layer'), find, 'Bidirectional');
    const backwardRef = layerRefArg(args, 'backward_layer');
    const backward = backwardRef ? resolve(backwardRef, find, 'Bidirectional') : forward;
    return [forward, backward] as const;
  };
  return kerasRow({
    type: 'Bidirectional',
    signature: "layer, merge_mode='concat', weights=None, backward_layer=None, **kwargs",
    weights(args, inputs) {
      if (!inputs) return undefined;
      const [fw, bw] = directions(args);
      const a = fw.row.weights(fw.args, inputs);
      const b = bw.row.weights(bw.args, inputs);
      if (!a || !b) return undefined;
      return [
        ...a.map((w) => ({ ...w, name: `forward/${w.name}` })),
        ...b.map((w) => ({ ...w, name: `backward/${w.name}` })),
      ];
    },
    forward(args, inputs): LayerCall {
      const [fw, bw] = directions(args);
      const a = fw.row.forward(fw.args, inputs);
      const b = bw.row.forward(bw.args, inputs);
      const [outA, ...statesA] = Array.isArray(a.output) ? a.output : [a.output];
      const [outB, ...statesB] = Array.isArray(b.output) ? b.output : [b.output];
      if (!outA || !outB || Array.isArray(outA) || Array.isArray(outB)) {
        throw new LayerError('Bidirectional: the wrapped layer must return one output tensor (and optional states)');
      }
      const mode = rawArg(args, 'merge_mode') === null ? 'none' : choiceArg(args, 'merge_mode', ['concat', 'sum', 'mul', 'ave'] as const, 'concat', 'Bidirectional');
      let merged: OutTree[];
      if (mode === 'none') merged = [outA, outB];
      else if (mode === 'concat') merged = [tensor([...outA.shape.slice(0, -1), outA.shape[outA.shape.length - 1]! + outB.shape[outB.shape.length - 1]!])];
      else merged = [tensor([...outA.shape])];
      const all = [...merged, ...statesA, ...statesB];
      const saves = [...ownSaves(a), ...ownSaves(b)];
      // mul keeps both directions' outputs for its gradient.
      if (mode === 'mul') saves.push({ elements: numel(outA.shape) + numel(outB.shape), dtype: 'act' });
      return { output: all.length === 1 ? all[0]! : all, macs: a.macs + b.macs, saves };
    },
  });
}

function timeDistributedRow(find: FindRow): LayerSpec {
  /** The wrapped layer's input: the time axis folded into the batch. */
  const stepInput = (inputs: Shape[]): Shape => {
    const x = onlyInput(inputs, 'TimeDistributed', 3);
    return [x[0]! * x[1]!, ...x.slice(2)];
  };
  const unfold = (t: OutTree, batch: number, steps: number): OutTree => {
    if (t === null) return null;
    return 'shape' in t ? tensor([batch, steps, ...t.shape.slice(1)]) : t.map((u) => unfold(u, batch, steps));
  };
  return kerasRow({
    type: 'TimeDistributed',
    signature: 'layer, **kwargs',
    weights(args, inputs) {
      if (!inputs) return undefined;
      const inner = resolve(layerRefArg(args, 'layer'), find, 'TimeDistributed');
      return inner.row.weights(inner.args, [stepInput(inputs)]);
    },
    forward(args, inputs): LayerCall {
      const inner = resolve(layerRefArg(args, 'layer'), find, 'TimeDistributed');
      const x = onlyInput(inputs, 'TimeDistributed', 3);
      const call = inner.row.forward(inner.args, [stepInput(inputs)]);
      return { output: unfold(call.output, x[0]!, x[1]!), macs: call.macs, saves: call.saves };
    },
  });
}

export function wrapperRows(find: FindRow): LayerSpec[] {
  return [bidirectionalRow(find), timeDistributedRow(find)];
}
