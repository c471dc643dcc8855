/**
 * Recurrent layers, after keras/src/layers/rnn/{lstm,gru,simple_rnn,conv_lstm}.py.
 * With G gates (LSTM 4, GRU 3, SimpleRNN 1), input features f and units u:
 * - kernel (f, G·u), recurrent_kernel (u, G·u), bias (G·u) when use_bias;
 *   GRU with reset_after=True (the Keras 2.x/3 default) keeps separate input and
 *   recurrent biases: bias (2, 3·u).
 * - ConvLSTMND: kernel (*kernel_size, channels, 4·filters),
 *   recurrent_kernel (*kernel_size, filters, 4·filters), bias (4·filters).
 * Output: (batch, units), or (batch, time, units) with return_sequences; with
 * return_state the final states follow (LSTM: h and c; GRU/SimpleRNN: h).
 * MACs per step: G·u·(f + u) (input and recurrent matmuls).
 * What backward keeps is approximated as the input plus, per step, the gate
 * pre-activations and the states.
 */
import { numel, type Args, type LayerCall, type LayerSpec, type OutTree } from '../../layerSpec';
import { boolArg, channelsFirst, choiceArg, requiredInt, requiredTuple, tupleArg } from './args';
import { checkPositive, convLength, onlyInput } from './geometry';
import { kerasRow, tensor, weight } from './row';

interface Cell {
  type: string;
  gates: number;
  /** States carried between steps: LSTM h and c, the others h. */
  states: number;
  signature: string;
}

const REGULARIZERS =
  'kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, ' +
  'kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, ' +
  'seed=None, return_sequences=False, return_state=False, go_backwards=False, stateful=False';

const CELLS: Cell[] = [
  {
    type: 'LSTM',
    gates: 4,
    states: 2,
    signature:
      "units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, kernel_initializer='glorot_uniform', " +
      "recurrent_initializer='orthogonal', bias_initializer='zeros', unit_forget_bias=True, " +
      `${REGULARIZERS}, unroll=False, use_cudnn='auto', **kwargs`,
  },
  {
    type: 'GRU',
    gates: 3,
    states: 1,
    signature:
      "units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, kernel_initializer='glorot_uniform', " +
      "recurrent_initializer='orthogonal', bias_initializer='zeros', " +
      `${REGULARIZERS}, unroll=False, reset_after=True, use_cudnn='auto', **kwargs`,
  },
  {
    type: 'SimpleRNN',
    gates: 1,
    states: 1,
    signature:
      "units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform', " +
      "recurrent_initializer='orthogonal', bias_initializer='zeros', " +
      `${REGULARIZERS}, unroll=False, **kwargs`,
  },
];

/** The output tree of a recurrent layer: the output alone, or [output, ...final states]. */
export function recurrentOutputs(args: Args, output: number[], state: number[], states: number): OutTree {
  if (!boolArg(args, 'return_state', false)) return tensor(output);
  return [tensor(output), ...new Array<OutTree>(states).fill(tensor(state))];
}

function recurrentRow(cell: Cell): LayerSpec {
  const layer = cell.type;
  return kerasRow({
    type: layer,
    signature: cell.signature,
    weights(args, inputs) {
      if (!inputs) return undefined;
      const x = onlyInput(inputs, layer, 3, 3);
      const units = requiredInt(args, 'units', layer);
      const width = cell.gates * units;
      const w = [weight('kernel', [x[2]!, width]), weight('recurrent_kernel', [units, width])];
      if (boolArg(args, 'use_bias', true)) {
        const resetAfter = layer === 'GRU' && boolArg(args, 'reset_after', true);
        w.push(weight('bias', resetAfter ? [2, width] : [width]));
      }
      return w;
    },
    forward(args, inputs): LayerCall {
      const x = onlyInput(inputs, layer, 3, 3);
      const [batch, steps, features] = x as [number, number, number];
      const units = requiredInt(args, 'units', layer);
      const output = boolArg(args, 'return_sequences', false) ? [batch, steps, units] : [batch, units];
      const perStep = cell.gates * units * (features + units);
      return {
        output: recurrentOutputs(args, output, [batch, units], cell.states),
        macs: batch * steps * perStep,
        saves: [{ input: 0 }, { elements: batch * steps * units * (cell.gates + cell.states), dtype: 'act' }],
      };
    },
  });
}

function convLstmRow(rank: 1 | 2 | 3): LayerSpec {
  const layer = `ConvLSTM${rank}D`;
  const ones = rank === 1 ? '1' : `(${new Array(rank).fill('1').join(', ')})`;
  /** Input (batch, time, *spatial, channels) or (batch, time, channels, *spatial). */
  const split = (args: Args, inputs: number[][]) => {
    const x = onlyInput(inputs, layer, rank + 3, rank + 3);
    const first = channelsFirst(args, layer);
    const channels = first ? x[2]! : x[x.length - 1]!;
    const spatial = first ? x.slice(3) : x.slice(2, -1);
    return { x, first, channels, spatial, kernel: requiredTuple(args, 'kernel_size', rank, layer) };
  };
  return kerasRow({
    type: layer,
    signature:
      `filters, kernel_size, strides=${ones}, padding='valid', data_format=None, dilation_rate=${ones}, ` +
      "activation='tanh', recurrent_activation='sigmoid', use_bias=True, kernel_initializer='glorot_uniform', " +
      "recurrent_initializer='orthogonal', bias_initializer='zeros', unit_forget_bias=True, " +
      `${REGULARIZERS}, **kwargs`,
    weights(args, inputs) {
      if (!inputs) return undefined;
      const s = split(args, inputs);
      const filters = requiredInt(args, 'filters', layer);
      const w = [
        weight('kernel', [...s.kernel, s.channels, 4 * filters]),
        weight('recurrent_kernel', [...s.kernel, filters, 4 * filters]),
      ];
      if (boolArg(args, 'use_bias', true)) w.push(weight('bias', [4 * filters]));
      return w;
    },
    forward(args, inputs): LayerCall {
      const s = split(args, inputs);
      const filters = requiredInt(args, 'filters', layer);
      const strides = tupleArg(args, 'strides', rank, 1, layer);
      const dilation = tupleArg(args, 'dilation_rate', rank, 1, layer);
      const padding = choiceArg(args, 'padding', ['valid', 'same'] as const, 'valid', layer);
      const outSpatial = checkPositive(
        s.spatial.map((n, i) => convLength(n, s.kernel[i]!, strides[i]!, dilation[i]!, padding)),
        layer,
        s.x,
      );
      const [batch, steps] = s.x as [number, number];
      const frame = s.first ? [filters, ...outSpatial] : [...outSpatial, filters];
      const output = boolArg(args, 'return_sequences', false) ? [batch, steps, ...frame] : [batch, ...frame];
      const positions = batch * steps * numel(outSpatial);
      // Input convolution (channels -> 4·filters) and recurrent convolution (filters -> 4·filters, "same").
      const macs = positions * numel(s.kernel) * 4 * filters * (s.channels + filters);
      return {
        output: recurrentOutputs(args, output, [batch, ...frame], 2),
        macs,
        saves: [{ input: 0 }, { elements: positions * filters * 6, dtype: 'act' }],
      };
    },
  });
}

export const RECURRENT_LAYERS: LayerSpec[] = [...CELLS.map(recurrentRow), convLstmRow(1), convLstmRow(2), convLstmRow(3)];
