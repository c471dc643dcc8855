/**
 * transformers' activation table (ACT2FN in transformers/activations.py): the
 * config's `hidden_act` / `activation_function` name -> the module class it
 * builds and how many input-sized tensors autograd keeps for its backward.
 *
 * Saved copies follow the op sequence of each implementation:
 * - one-op activations (F.gelu, F.silu, relu, tanh) keep one tensor (input or output);
 * - NewGELUActivation computes 0.5·x·(1 + tanh(√(2/π)(x + 0.044715·x³))) in Python:
 *   pow keeps x, tanh its output, and the final product both factors: 4 tensors;
 * - FastGELUActivation writes the same formula with x·x and more products: 7 tensors;
 * - QuickGELUActivation x·sigmoid(1.702x): the sigmoid output and x: 2 tensors.
 */
export interface ActivationRow {
  /** Module class name as transformers prints it. */
  module: string;
  /** Input-sized tensors saved for backward. */
  savedCopies: number;
  /** Gated (GLU-style) MLPs use this activation on the gate; only informs TransformerInfo.mlp. */
  family: 'gelu' | 'silu' | 'relu' | 'other';
  known: boolean;
}

const ACTIVATIONS: Record<string, Omit<ActivationRow, 'known'>> = {
  gelu: { module: 'GELUActivation', savedCopies: 1, family: 'gelu' },
  gelu_new: { module: 'NewGELUActivation', savedCopies: 4, family: 'gelu' },
  gelu_fast: { module: 'FastGELUActivation', savedCopies: 7, family: 'gelu' },
  gelu_pytorch_tanh: { module: 'PytorchGELUTanh', savedCopies: 1, family: 'gelu' },
  quick_gelu: { module: 'QuickGELUActivation', savedCopies: 2, family: 'gelu' },
  silu: { module: 'SiLU', savedCopies: 1, family: 'silu' },
  swish: { module: 'SiLU', savedCopies: 1, family: 'silu' },
  relu: { module: 'ReLU', savedCopies: 1, family: 'relu' },
  tanh: { module: 'Tanh', savedCopies: 1, family: 'other' },
  sigmoid: { module: 'Sigmoid', savedCopies: 1, family: 'other' },
  // BLOOM's own module: a custom autograd function that keeps only its input.
  bloom_gelu: { module: 'BloomGelu', savedCopies: 1, family: 'gelu' },
};

/** The row for an activation name; unknown names keep one tensor, like most one-op activations. */
export function activationRow(name: string): ActivationRow {
  const row = ACTIVATIONS[name.toLowerCase()];
  if (row) return { ...row, known: true };
  return { module: name, savedCopies: 1, family: 'other', known: false };
}

export function isKnownActivation(name: string): boolean {
  return name.toLowerCase() in ACTIVATIONS;
}
