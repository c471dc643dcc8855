/**
 * Recurrent layers: RNN, LSTM, GRU and RNNCell, LSTMCell, GRUCell.
 *
 * Weights per layer l and direction (suffix '' or '_reverse'), in torch's order:
 * weight_ih_l{l} [G·H, in_l], weight_hh_l{l} [G·H, H_out], bias_ih_l{l} [G·H], bias_hh_l{l} [G·H],
 * and for LSTM with proj_size P: weight_hr_l{l} [P, H]. G = 1 (RNN), 4 (LSTM), 3 (GRU);
 * H_out = P when projecting, else H; in_l = input_size for l = 0, else D·H_out.
 *
 * Outputs: RNN/GRU `output, h_n`; LSTM `output, (h_n, c_n)`.
 * MACs per time step, batch row, layer and direction: G·H·(in_l + H_out) (+ H·P for the projection).
 * Saves (torch's non-cuDNN kernels, measured with torch 1.13 on CPU): per step the gates and
 * hidden states the cell math keeps (RNN H, GRU 7H, LSTM 7H + P per batch row), each
 * layer's input, and the initial state: a zero state torch makes, or the given hx (an
 * input: for LSTM the tuple (h0, c0) arrives as tensor arguments 2 and 3). cuDNN's
 * reserve space is of the same order.
 */
import type { Shape } from '../../../graph';
import type { LayerSpec, OutTree, SavedRef, WeightSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { act, boolMask, defineRow, input, output, param, tensor, type RowArgs } from './row';
import { rankedInput, showShape } from './shapes';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };
/** Activation elements kept per time step and batch row, in units of H (see the header). */
const STEP_UNITS: Record<Kind, number> = { RNN: 1, LSTM: 7, GRU: 7 };

interface RnnConfig {
  kind: Kind;
  inputSize: number;
  hidden: number;
  layers: number;
  directions: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  proj: number;
}

/** Deepest stack read: its weights are listed one per layer, and torch models stack a handful. */
const MAX_RNN_LAYERS = 512;

function readRnn(a: RowArgs, kind: Kind): RnnConfig {
  const hidden = a.positive('hidden_size');
  const layers = a.positive('num_layers');
  if (layers > MAX_RNN_LAYERS) a.fail(`num_layers=${layers} is more than the ${MAX_RNN_LAYERS} layers analysed`);
  const dropout = a.num('dropout');
  if (dropout < 0 || dropout > 1) a.fail(`dropout must be a number in [0, 1], got ${dropout}`);
  if (kind === 'RNN') a.choice('nonlinearity', ['tanh', 'relu'] as const);
  const proj = kind === 'LSTM' ? a.nonNegative('proj_size') : 0;
  if (proj >= hidden && proj > 0) a.fail(`proj_size (${proj}) has to be smaller than hidden_size (${hidden})`);
  return {
    kind,
    inputSize: a.nonNegative('input_size'),
    hidden,
    layers,
    directions: a.bool('bidirectional') ? 2 : 1,
    bias: a.bool('bias'),
    batchFirst: a.bool('batch_first'),
    dropout,
    proj,
  };
}

function hiddenOut(c: RnnConfig): number {
  return c.proj > 0 ? c.proj : c.hidden;
}

function layerInput(c: RnnConfig, layer: number): number {
  return layer === 0 ? c.inputSize : c.directions * hiddenOut(c);
}

function rnnWeights(c: RnnConfig): WeightSpec[] {
  const g = GATES[c.kind] * c.hidden;
  const w: WeightSpec[] = [];
  for (let l = 0; l < c.layers; l++) {
    for (let d = 0; d < c.directions; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      w.push(param(`weight_ih${sfx}`, [g, layerInput(c, l)]), param(`weight_hh${sfx}`, [g, hiddenOut(c)]));
      if (c.bias) w.push(param(`bias_ih${sfx}`, [g]), param(`bias_hh${sfx}`, [g]));
      if (c.proj > 0) w.push(param(`weight_hr${sfx}`, [c.proj, c.hidden]));
    }
  }
  return w;
}

function rnnForward(a: RowArgs, inputs: Shape[], kind: Kind) {
  const c = readRnn(a, kind);
  const x = rankedInput(a, inputs, [2, 3]);
  const batched = x.length === 3;
  const steps = batched && c.batchFirst ? x[1]! : x[0]!;
  const batch = batched ? (c.batchFirst ? x[0]! : x[1]!) : 1;
  if (x[x.length - 1] !== c.inputSize) {
    a.fail(`input's last dimension must be input_size=${c.inputSize}, got ${showShape(x)}`);
  }
  const hOut = hiddenOut(c);
  const seqOut = batched ? (c.batchFirst ? [batch, steps, c.directions * hOut] : [steps, batch, c.directions * hOut]) : [steps, c.directions * hOut];
  const state = (size: number) => (batched ? [c.layers * c.directions, batch, size] : [c.layers * c.directions, size]);
  const out: OutTree =
    kind === 'LSTM'
      ? [tensor(seqOut), [tensor(state(hOut)), tensor(state(c.hidden))]]
      : [tensor(seqOut), tensor(state(hOut))];

  const g = GATES[kind] * c.hidden;
  let macs = 0;
  for (let l = 0; l < c.layers; l++) {
    const perRow = g * (layerInput(c, l) + hOut) + (c.proj > 0 ? c.hidden * c.proj : 0);
    macs += c.directions * steps * batch * perRow;
  }

  const rowsPerLayer = steps * batch;
  // Layer 0 reads the input; batch_first inputs are transposed, and each direction's
  // input projection keeps its own contiguous copy.
  const saves: SavedRef[] = batched && c.batchFirst ? Array.from({ length: c.directions }, () => act(numel(x))) : [input(0)];
  let elements = 0;
  const perStep = STEP_UNITS[kind] * c.hidden + (c.proj > 0 ? c.proj : 0);
  elements += c.layers * c.directions * rowsPerLayer * perStep;
  // Upper layers read the previous layer's concatenated output.
  elements += (c.layers - 1) * rowsPerLayer * c.directions * hOut;
  const states = c.layers * c.directions * batch;
  if (kind === 'RNN') {
    // A plain RNN keeps its initial state besides each step's output.
    if (inputs[1]) saves.push(input(1));
    else elements += states * c.hidden;
  } else if (inputs[1]) {
    // GRU/LSTM steps keep their incoming state: for the first step that is the given hx
    // (h0, and c0 for LSTM), not a zero state of torch's making.
    saves.push(input(1));
    elements -= states * hOut;
    if (kind === 'LSTM' && inputs[2]) {
      saves.push(input(2));
      elements -= states * c.hidden;
    }
  }
  saves.push(act(elements));
  if (c.dropout > 0 && c.layers > 1) saves.push(boolMask((c.layers - 1) * rowsPerLayer * c.directions * hOut));
  return { output: out, macs, saves };
}

function cellWeights(a: RowArgs, kind: Kind): WeightSpec[] {
  const h = a.positive('hidden_size');
  const g = GATES[kind] * h;
  const w = [param('weight_ih', [g, a.nonNegative('input_size')]), param('weight_hh', [g, h])];
  if (a.bool('bias')) w.push(param('bias_ih', [g]), param('bias_hh', [g]));
  return w;
}

function cellForward(a: RowArgs, inputs: Shape[], kind: Kind) {
  const x = rankedInput(a, inputs, [1, 2]);
  const h = a.positive('hidden_size');
  const inputSize = a.nonNegative('input_size');
  if (x[x.length - 1] !== inputSize) a.fail(`input's last dimension must be input_size=${inputSize}, got ${showShape(x)}`);
  if (kind === 'RNN') a.choice('nonlinearity', ['tanh', 'relu'] as const);
  const batch = x.length === 2 ? x[0]! : 1;
  const state = x.length === 2 ? [batch, h] : [h];
  const macs = batch * GATES[kind] * h * (inputSize + h);
  // Without hx, torch makes one zero state (LSTMCell uses the same zeros for h and c);
  // LSTMCell's hx is the tuple (h, c): tensor arguments 2 and 3.
  const hx: SavedRef[] = inputs[1] ? [input(1)] : [act(batch * h)];
  if (kind === 'LSTM' && inputs[2]) hx.push(input(2));
  if (kind === 'RNN') {
    return { output: tensor(state), macs, saves: [input(0), ...hx, output(0)] };
  }
  if (kind === 'LSTM') {
    // The four gates (activated in place) and tanh(c').
    return { output: [tensor(state), tensor(state)], macs, saves: [input(0), ...hx, act(5 * batch * h)] };
  }
  // GRU: gates r, z, the candidate and its pieces: 6H per row.
  return { output: tensor(state), macs, saves: [input(0), ...hx, act(6 * batch * h)] };
}

const RNN_TAIL = 'bias=True, batch_first=False, dropout=0.0, bidirectional=False';

export const RECURRENT_LAYERS: LayerSpec[] = [
  defineRow({
    type: 'RNN',
    signature: `input_size, hidden_size, num_layers=1, nonlinearity='tanh', ${RNN_TAIL}, device=None, dtype=None`,
    forwardSignature: 'input, hx=None',
    weights: (a) => rnnWeights(readRnn(a, 'RNN')),
    forward: (a, inputs) => rnnForward(a, inputs, 'RNN'),
  }),
  defineRow({
    type: 'LSTM',
    signature: `input_size, hidden_size, num_layers=1, ${RNN_TAIL}, proj_size=0, device=None, dtype=None`,
    forwardSignature: 'input, hx=None',
    weights: (a) => rnnWeights(readRnn(a, 'LSTM')),
    forward: (a, inputs) => rnnForward(a, inputs, 'LSTM'),
  }),
  defineRow({
    type: 'GRU',
    signature: `input_size, hidden_size, num_layers=1, ${RNN_TAIL}, device=None, dtype=None`,
    forwardSignature: 'input, hx=None',
    weights: (a) => rnnWeights(readRnn(a, 'GRU')),
    forward: (a, inputs) => rnnForward(a, inputs, 'GRU'),
  }),
  defineRow({
    type: 'RNNCell',
    signature: "input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None",
    forwardSignature: 'input, hx=None',
    weights: (a) => cellWeights(a, 'RNN'),
    forward: (a, inputs) => cellForward(a, inputs, 'RNN'),
  }),
  defineRow({
    type: 'LSTMCell',
    signature: 'input_size, hidden_size, bias=True, device=None, dtype=None',
    forwardSignature: 'input, hx=None',
    weights: (a) => cellWeights(a, 'LSTM'),
    forward: (a, inputs) => cellForward(a, inputs, 'LSTM'),
  }),
  defineRow({
    type: 'GRUCell',
    signature: 'input_size, hidden_size, bias=True, device=None, dtype=None',
    forwardSignature: 'input, hx=None',
    weights: (a) => cellWeights(a, 'GRU'),
    forward: (a, inputs) => cellForward(a, inputs, 'GRU'),
  }),
];
