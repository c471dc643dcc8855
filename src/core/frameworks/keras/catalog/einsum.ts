/**
 * Kernel, bias and output shapes of `EinsumDense`, following the rules of
 * keras/src/layers/core/einsum_dense.py (`_analyze_einsum_string`): equations of
 * the forms `ab,bc->ac`, `...b,bc->...c` (ellipsis on the left) and `ab...,bc->ac...`
 * (on the right); the first output dimension is the input's first (the batch);
 * `output_shape` excludes the batch and the elided dimensions, and `None` in it is
 * taken from the input.
 *
 * MACs of an einsum are the product of the sizes of every label and every elided
 * dimension: each output element is a sum over the contracted labels.
 */
import type { Shape } from '../../../graph';
import { LayerError } from '../../layerSpec';

export interface EinsumPlan {
  kernel: number[];
  /** Undefined without `bias_axes`. */
  bias?: number[];
  output: Shape;
  macs: number;
}

interface Split {
  input: string;
  weight: string;
  output: string;
  ellipsis: 'none' | 'left' | 'right';
}

function splitEquation(equation: string, layer: string): Split {
  const eq = equation.replace(/\s+/g, '').replace(/\.\.\./g, '0');
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(eq);
  if (m) return { input: m[1]!, weight: m[2]!, output: m[3]!, ellipsis: 'none' };
  m = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(eq);
  if (m) return { input: m[1]!, weight: m[2]!, output: m[3]!, ellipsis: 'left' };
  m = /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(eq);
  if (m) return { input: m[1]!, weight: m[2]!, output: m[3]!, ellipsis: 'right' };
  throw new LayerError(
    `${layer}: invalid einsum equation "${equation}"; it must read [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...`,
  );
}

export function planEinsumDense(
  equation: string,
  biasAxes: string | undefined,
  input: Shape,
  partialOutput: Array<number | null>,
  layer = 'EinsumDense',
): EinsumPlan {
  const s = splitEquation(equation, layer);
  const elided = input.length - s.input.length;
  if (elided < 0 || (s.ellipsis === 'none' && elided !== 0)) {
    throw new LayerError(`${layer}: equation "${equation}" does not match an input of rank ${input.length}`);
  }

  // The output: batch, then the partial shape, with elided input dimensions on the ellipsis side.
  const output: Array<number | null> = [input[0]!, ...partialOutput];
  if (s.ellipsis === 'left') output.splice(1, 0, ...input.slice(1, elided));
  if (s.ellipsis === 'right') output.push(...input.slice(input.length - elided));

  const offset = s.ellipsis === 'left' ? elided : 0;
  const inputAt = new Map<string, number>();
  [...s.input].forEach((c, i) => inputAt.set(c, input[i + offset]!));
  const outputIndex = new Map<string, number>();
  [...s.output].forEach((c, i) => outputIndex.set(c, i + offset));
  if (output.length !== s.output.length + (s.ellipsis === 'none' ? 0 : elided)) {
    throw new LayerError(
      `${layer}: output_shape has ${partialOutput.length} dimension(s) but equation "${equation}" needs ${
        s.ellipsis === 'left' ? s.output.length : s.output.length - 1
      }`,
    );
  }

  for (const [c, i] of outputIndex) {
    const fromInput = inputAt.get(c);
    const given = output[i];
    if (fromInput !== undefined) {
      if (given !== null && given !== undefined && given !== fromInput) {
        throw new LayerError(`${layer}: input and output_shape disagree at dimension '${c}' (${fromInput} vs ${given})`);
      }
      output[i] = fromInput;
    } else if (!s.weight.includes(c)) {
      throw new LayerError(`${layer}: output dimension '${c}' appears in neither the input nor the weight of "${equation}"`);
    } else if (given === null || given === undefined) {
      throw new LayerError(`${layer}: output dimension '${c}' must be given in output_shape`);
    }
  }
  const full = output as number[];

  const sizeOf = (c: string): number => {
    const fromInput = inputAt.get(c);
    if (fromInput !== undefined) return fromInput;
    const i = outputIndex.get(c);
    if (i !== undefined) return full[i]!;
    throw new LayerError(`${layer}: weight dimension '${c}' appears in neither the input nor the output of "${equation}"`);
  };
  const kernel = [...s.weight].map(sizeOf);

  let bias: number[] | undefined;
  if (biasAxes) {
    for (const c of biasAxes) {
      if (!s.output.includes(c)) throw new LayerError(`${layer}: bias axis '${c}' is not in the output "${s.output}"`);
    }
    const first = Math.min(...[...biasAxes].map((c) => s.output.indexOf(c)));
    bias = [...s.output.slice(first)].map((c) => (biasAxes.includes(c) ? full[outputIndex.get(c)!]! : 1));
    if (s.ellipsis !== 'left') for (let i = 0; i < elided; i++) bias.push(1);
  }

  const labels = new Set([...s.input, ...s.weight, ...s.output]);
  let macs = 1;
  for (const c of labels) macs *= sizeOf(c);
  const elidedDims = s.ellipsis === 'left' ? input.slice(0, elided) : input.slice(input.length - elided);
  for (const d of elidedDims) macs *= d;

  return { kernel, bias, output: full, macs };
}
