/**
 * Lookup tables: Embedding and EmbeddingBag. Inputs are integer indices; MACs 0.
 * Saves: the indices (int64) for the sparse weight gradient, plus EmbeddingBag's
 * bookkeeping tensors (offsets, offset2bag, bag sizes, max indices), all int64.
 */
import type { LayerSpec, SavedRef, WeightSpec } from '../../layerSpec';
import { numel } from '../../layerSpec';
import { defineRow, input, int64, param, tensor, type RowArgs } from './row';
import { inputAt, showShape } from './shapes';

function tableWeight(a: RowArgs): WeightSpec[] {
  const num = a.nonNegative('num_embeddings');
  const dim = a.nonNegative('embedding_dim');
  if (a.has('padding_idx')) {
    const p = a.int('padding_idx');
    if (p >= num || p < -num) a.fail(`padding_idx (${p}) must be within num_embeddings (${num})`);
  }
  const w: WeightSpec = param('weight', [num, dim]);
  // Embedding(_freeze=True) (what from_pretrained(freeze=True) builds) has requires_grad False.
  if (a.has('_freeze') && a.bool('_freeze')) w.trainable = false;
  return [w];
}

const MODES = ['sum', 'mean', 'max'] as const;

export const EMBEDDING_LAYERS: LayerSpec[] = [
  defineRow({
    type: 'Embedding',
    signature:
      'num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None',
    intInputs: [0],
    weights: tableWeight,
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      return { output: tensor([...x, a.nonNegative('embedding_dim')]), macs: 0, saves: [input(0)] };
    },
  }),
  defineRow({
    type: 'EmbeddingBag',
    signature:
      "num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None",
    forwardSignature: 'input, offsets=None, per_sample_weights=None',
    intInputs: [0, 1],
    weights: (a) => {
      a.choice('mode', MODES);
      return tableWeight(a);
    },
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      const mode = a.choice('mode', MODES);
      const dim = a.nonNegative('embedding_dim');
      let bags: number;
      let offsetsSaved: SavedRef;
      if (x.length === 2) {
        // (B, L): fixed-length bags; torch builds the offsets itself.
        bags = x[0]!;
        offsetsSaved = int64(bags);
      } else if (x.length === 1) {
        const offsets = inputAt(a, inputs, 1, 'offsets');
        if (offsets.length !== 1) return a.fail(`offsets must be 1D, got ${showShape(offsets)}`);
        bags = offsets[0]! - (a.bool('include_last_offset') ? 1 : 0);
        offsetsSaved = input(1);
      } else {
        return a.fail(`input must be 1D (with offsets) or 2D, got ${showShape(x)}`);
      }
      const n = numel(x);
      // Bookkeeping torch's embedding_bag keeps (measured on CPU, torch 1.13): offset2bag
      // (n+1, empty for 'sum'), bag_size (B), max_indices (B, or B·dim for 'max').
      const offset2bag = mode === 'sum' ? 0 : n + 1;
      const maxIndices = mode === 'max' ? bags * dim : bags;
      return {
        output: tensor([bags, dim]),
        macs: 0,
        saves: [input(0), offsetsSaved, int64(offset2bag + bags + maxIndices)],
      };
    },
  }),
];

