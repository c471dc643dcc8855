/**
 * Loss modules. No parameters; a class `weight` (or BCEWithLogitsLoss' `pos_weight`)
 * given as a literal list is a buffer, as torch registers it. 0 MACs.
 * Output: a scalar for reduction 'mean'/'sum' (and KLDivLoss 'batchmean'); with
 * 'none', the element-wise shape (per-sample losses for the pairwise/margin losses).
 * Saves: measured per loss with torch 1.13 (see scripts/torch_layer_probe.py), 0-dim
 * tensors included: nll_loss keeps its total weight (fp32), and a Python number a loss
 * divides or multiplies by is kept as a float64 or int64 scalar.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, SavedRef, WeightSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, boolMask, buffer, defineRow, fp32, input, scalar, tensor, type RowArgs } from './row';
import { broadcast, inputAt, showShape } from './shapes';

const LEGACY = 'size_average=None, reduce=None';
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

type OutputRule = 'elementwise' | 'class' | 'per-sample';

interface Loss {
  type: string;
  signature: string;
  /** Tensor arguments the call needs. */
  inputs: number;
  output: OutputRule;
  intInputs?: number[];
  /** Weight-like constructor arguments that torch registers as buffers. */
  buffers?: string[];
  saves(x: Shape[], reduction: string): SavedRef[];
}

const LOSSES: Loss[] = [
  { type: 'L1Loss', signature: `${LEGACY}, reduction='mean'`, inputs: 2, output: 'elementwise', saves: (x) => [act(numel(x[0]!))] },
  { type: 'MSELoss', signature: `${LEGACY}, reduction='mean'`, inputs: 2, output: 'elementwise', saves: () => [input(0), input(1)] },
  {
    type: 'CrossEntropyLoss',
    signature: "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0",
    inputs: 2,
    output: 'class',
    intInputs: [1],
    buffers: ['weight'],
    // log_softmax's output; a class-index target is kept too (with nll_loss's total
    // weight), a probability target is multiplied in (one more tensor of the input's size).
    saves: (x) => (isProbabilityTarget(x) ? [act(2 * numel(x[0]!))] : [act(numel(x[0]!)), input(1), fp32(1)]),
  },
  {
    type: 'NLLLoss',
    signature: "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'",
    inputs: 2,
    output: 'class',
    intInputs: [1],
    buffers: ['weight'],
    saves: () => [input(0), input(1), fp32(1)],
  },
  { type: 'BCELoss', signature: `weight=None, ${LEGACY}, reduction='mean'`, inputs: 2, output: 'elementwise', buffers: ['weight'], saves: () => [input(0), input(1)] },
  {
    type: 'BCEWithLogitsLoss',
    signature: `weight=None, ${LEGACY}, reduction='mean', pos_weight=None`,
    inputs: 2,
    output: 'elementwise',
    buffers: ['weight', 'pos_weight'],
    saves: () => [input(0), input(1)],
  },
  { type: 'SmoothL1Loss', signature: `${LEGACY}, reduction='mean', beta=1.0`, inputs: 2, output: 'elementwise', saves: () => [input(0), input(1)] },
  { type: 'HuberLoss', signature: "reduction='mean', delta=1.0", inputs: 2, output: 'elementwise', saves: () => [input(0), input(1)] },
  { type: 'KLDivLoss', signature: `${LEGACY}, reduction='mean', log_target=False`, inputs: 2, output: 'elementwise', saves: (_x, reduction) => (reduction === 'batchmean' ? [input(1), scalar('int')] : [input(1)]) },
  { type: 'SoftMarginLoss', signature: `${LEGACY}, reduction='mean'`, inputs: 2, output: 'elementwise', saves: () => [input(0), input(1)] },
  {
    type: 'PoissonNLLLoss',
    signature: "log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'",
    inputs: 2,
    output: 'elementwise',
    saves: (x) => [input(1), act(numel(x[0]!))],
  },
  { type: 'GaussianNLLLoss', signature: "*, full=False, eps=1e-06, reduction='mean'", inputs: 3, output: 'elementwise', saves: (x) => [act(3 * numel(x[0]!)), scalar('float')] },
  {
    type: 'CosineEmbeddingLoss',
    signature: `margin=0.0, ${LEGACY}, reduction='mean'`,
    inputs: 3,
    output: 'per-sample',
    saves: (x) => [input(0), input(1), act(4 * rows(x[0]!)), boolMask(2 * rows(x[0]!))],
  },
  { type: 'MarginRankingLoss', signature: `margin=0.0, ${LEGACY}, reduction='mean'`, inputs: 3, output: 'elementwise', saves: (x) => [act(2 * numel(x[0]!))] },
  {
    type: 'HingeEmbeddingLoss',
    signature: `margin=1.0, ${LEGACY}, reduction='mean'`,
    inputs: 2,
    output: 'elementwise',
    saves: (x) => [act(numel(x[0]!)), boolMask(2 * numel(x[0]!))],
  },
  {
    type: 'TripletMarginLoss',
    signature: `margin=1.0, p=2.0, eps=1e-06, swap=False, ${LEGACY}, reduction='mean'`,
    inputs: 3,
    output: 'per-sample',
    saves: (x) => [act(2 * numel(x[0]!) + 3 * rows(x[0]!))],
  },
  {
    type: 'MultiLabelSoftMarginLoss',
    signature: `weight=None, ${LEGACY}, reduction='mean'`,
    inputs: 2,
    output: 'per-sample',
    buffers: ['weight'],
    saves: (x) => [input(0), input(1), act(4 * numel(x[0]!)), scalar('int')],
  },
  {
    type: 'MultiMarginLoss',
    signature: `p=1, margin=1.0, weight=None, ${LEGACY}, reduction='mean'`,
    inputs: 2,
    output: 'per-sample',
    intInputs: [1],
    buffers: ['weight'],
    saves: () => [input(0), input(1)],
  },
];

/** Rows of a (N, D) input, or 1 for an unbatched (D) one. */
function rows(x: Shape): number {
  return x.length >= 2 ? x[0]! : 1;
}

/** CrossEntropyLoss takes class probabilities when the target has the input's shape. */
function isProbabilityTarget(x: Shape[]): boolean {
  return x.length > 1 && showShape(x[0]!) === showShape(x[1]!);
}

function lossBuffers(a: RowArgs, names: string[] | undefined): WeightSpec[] {
  const out: WeightSpec[] = [];
  for (const name of names ?? []) {
    const v = a.raw(name);
    if (Array.isArray(v)) out.push(buffer(name, [v.length]));
  }
  return out;
}

/** Shape of a 'none'-reduced loss. */
function unreduced(a: RowArgs, def: Loss, x: Shape[]): Shape {
  const [first, second] = [x[0]!, x[1]];
  switch (def.output) {
    case 'elementwise':
      return second ? broadcast(a, first, second) : first;
    case 'per-sample':
      return first.length >= 2 ? [first[0]!] : [];
    case 'class':
      // (N, C, d1, ...) with class-index targets -> (N, d1, ...); an unbatched (C) input -> [].
      if (isProbabilityTarget(x)) return first.length >= 2 ? [first[0]!, ...first.slice(2)] : [];
      return second ?? [];
  }
}

function lossRow(def: Loss): LayerSpec {
  return defineRow({
    type: def.type,
    signature: def.signature,
    ...(def.intInputs ? { intInputs: def.intInputs } : {}),
    weights: (a) => lossBuffers(a, def.buffers),
    forward: (a, inputs) => {
      for (let i = 0; i < def.inputs; i++) inputAt(a, inputs, i);
      const reduction = a.str('reduction');
      const allowed: readonly string[] = def.type === 'KLDivLoss' ? [...REDUCTIONS, 'batchmean'] : REDUCTIONS;
      if (!allowed.includes(reduction)) a.fail(`'${reduction}' is not a valid value for reduction`);
      const shape = reduction === 'none' ? unreduced(a, def, inputs) : [];
      return { output: tensor(shape), macs: 0, saves: def.saves(inputs, reduction) };
    },
  });
}

export const LOSS_LAYERS: LayerSpec[] = LOSSES.map(lossRow);
