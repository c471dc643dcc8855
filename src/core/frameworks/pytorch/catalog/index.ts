/**
 * The PyTorch layer catalog: one LayerSpec row per torch.nn layer type (contract in
 * ../../layerSpec.ts), grouped by family, plus the Python prelude for torch.nn's
 * composite Transformer modules.
 *
 * Exports for the evaluator:
 * - `TORCH_LAYERS: LayerSpec[]`: every row.
 * - `torchLayer(name: string): LayerSpec | undefined`: lookup by torch class name
 *   ("Conv2d", "NonDynamicallyQuantizableLinear" for MultiheadAttention's out_proj).
 * - `TORCH_PRELUDE: string`: Python source defining Transformer, TransformerEncoder,
 *   TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer and the helper
 *   `_get_clones`, to be evaluated as part of torch.nn (also reachable as
 *   torch.nn.modules.transformer). `TORCH_PRELUDE_CLASSES` lists the classes.
 * - `bindArgs(owner, signature, positional, keywords): Args`: Python-style binding of a
 *   call to a row's `signature` (or `forwardSignature`), defaults filled in.
 *
 * How rows are called:
 * - Constructor arguments are bound by name to `signature`. Rows fill in missing
 *   defaults themselves, and throw LayerError (a message for people) on arguments
 *   that are `undefined` (not evaluated) or invalid, as torch would reject them.
 * - `weights(args)` lists the layer's own parameters and buffers with torch's names,
 *   shapes and param/buffer split. Lazy* rows return undefined until given input shapes.
 * - `children(args)` (MultiheadAttention) lists submodules the layer creates itself.
 * - `forward(args, inputs, call)` takes the call's tensor arguments' shapes (batch
 *   dimension included; unbatched inputs are accepted where torch accepts them) and
 *   its other arguments bound to `forwardSignature`.
 *
 * Conventions:
 * - MACs are multiply-accumulates of the products of tensors only: linear, bilinear,
 *   convolution (and transposed), attention projections and both attention matmuls
 *   (Q·Kᵀ and A·V), and recurrent gate matmuls, for the whole batch of the call.
 *   Element-wise work (norms, activations, adds, pooling, interpolation, losses,
 *   distances) counts 0.
 *   This reproduces torchvision's published GMACs (resnet50 4.089, vit_b_16 17.564).
 *   FLOPs = 2 × MACs.
 * - `saves` is what autograd keeps for backward in a training step, assuming the layer's
 *   inputs require grad (true after the first layer with parameters): references to
 *   inputs/outputs (so a tensor saved by two layers counts once) and tensors the op
 *   makes. Each family documents its rule; scripts/torch_layer_probe.py measures them
 *   with torch.autograd.graph.saved_tensors_hooks, and the catalog test compares.
 *   Dropout masks are bool, as CUDA's fused dropout keeps them.
 */
import type { LayerSpec } from '../../layerSpec';
import { ACTIVATION_LAYERS } from './activation';
import { ATTENTION_LAYERS } from './attention';
import { CONV_LAYERS } from './conv';
import { DISTANCE_LAYERS } from './distance';
import { DROPOUT_LAYERS } from './dropout';
import { EMBEDDING_LAYERS } from './embedding';
import { LINEAR_LAYERS } from './linear';
import { LOSS_LAYERS } from './loss';
import { NORM_LAYERS } from './norm';
import { PADDING_LAYERS } from './padding';
import { POOLING_LAYERS } from './pooling';
import { RECURRENT_LAYERS } from './recurrent';
import { SHAPE_LAYERS } from './shape';

export { TORCH_PRELUDE, TORCH_PRELUDE_CLASSES } from './prelude';
export { bindArgs } from './signature';

export const TORCH_LAYERS: LayerSpec[] = [
  ...LINEAR_LAYERS,
  ...CONV_LAYERS,
  ...NORM_LAYERS,
  ...EMBEDDING_LAYERS,
  ...RECURRENT_LAYERS,
  ...ATTENTION_LAYERS,
  ...ACTIVATION_LAYERS,
  ...DROPOUT_LAYERS,
  ...POOLING_LAYERS,
  ...SHAPE_LAYERS,
  ...PADDING_LAYERS,
  ...LOSS_LAYERS,
  ...DISTANCE_LAYERS,
];

const BY_NAME = new Map<string, LayerSpec>();
for (const row of TORCH_LAYERS) {
  for (const name of [row.type, ...(row.aliases ?? [])]) {
    if (BY_NAME.has(name)) throw new Error(`duplicate torch catalog row: ${name}`);
    BY_NAME.set(name, row);
  }
}

/** The row for a torch.nn class name or alias, if the catalog has one. */
export function torchLayer(name: string): LayerSpec | undefined {
  return BY_NAME.get(name);
}
