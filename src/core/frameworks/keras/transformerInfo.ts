/**
 * Recognises a transformer in a profiled Keras model, so the estimate applies the
 * per-block activation formula and sizes a KV cache as it does for torch models.
 *
 * Attention layers are MultiHeadAttention (num_heads, key_dim) and GroupedQueryAttention
 * (num_query_heads, num_key_value_heads, head_dim), per keras.io/api/layers/attention_layers.
 * The blocks are the layers that hold them: of the layers above an attention layer
 * (below the model), the class with the most instances, the outermost on a tie. Without
 * such a layer (attention called straight in a functional model) each attention layer
 * counts as one block and the blocks are left for the estimate to find.
 * Hidden size: the attention output's last dimension (Keras' output_shape defaults to the
 * query's). FFN: the widest Dense/EinsumDense of a block that reads the hidden size; its
 * activation names the MLP (silu/swish with a gate: SwiGLU). Vocabulary: the largest
 * Embedding, when a Dense outside the blocks maps the hidden size back to it (an LM head).
 * Causal: an attention call with `use_causal_mask=True`. A block with two attention layers
 * (self and cross) is a decoder block of an encoder-decoder model.
 */
import type { LayerNode, TransformerInfo } from '../../graph';
import type { Args } from '../layerSpec';
import { activationName, rawArg } from './catalog/args';

const ATTENTION = new Set(['MultiHeadAttention', 'GroupedQueryAttention']);
const DENSE = new Set(['Dense', 'EinsumDense']);

/** What the detector reads of one layer beside its node. */
export interface KerasLayerFacts {
  args?: Args;
  /** Its attention call asked for a causal mask. */
  causal?: boolean;
}

function positiveInt(args: Args | undefined, name: string): number | undefined {
  const v = args ? rawArg(args, name) : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

interface Placed {
  node: LayerNode;
  /** Ancestors below the root, outermost first. */
  above: LayerNode[];
}

function walk(root: LayerNode): Placed[] {
  const out: Placed[] = [];
  const visit = (node: LayerNode, above: LayerNode[]): void => {
    out.push({ node, above });
    const next = node === root ? above : [...above, node];
    for (const c of node.children) visit(c, next);
  };
  visit(root, []);
  return out;
}

/** The layers that hold the attention layers: the class with the most of them, outermost on a tie. */
function findBlocks(attention: Placed[]): LayerNode[] {
  const byType = new Map<string, { nodes: Set<LayerNode>; depth: number }>();
  for (const a of attention) {
    a.above.forEach((n, depth) => {
      const entry = byType.get(n.type) ?? { nodes: new Set<LayerNode>(), depth };
      entry.nodes.add(n);
      entry.depth = Math.min(entry.depth, depth);
      byType.set(n.type, entry);
    });
  }
  let best: { nodes: Set<LayerNode>; depth: number } | undefined;
  for (const entry of byType.values()) {
    if (!best || entry.nodes.size > best.nodes.size || (entry.nodes.size === best.nodes.size && entry.depth < best.depth)) best = entry;
  }
  return best ? [...best.nodes] : [];
}

function inside(node: LayerNode, block: LayerNode): boolean {
  return node === block || node.path.startsWith(block.path + '.');
}

/** Tokens per sequence at the first attention layer called: its output is [batch, tokens, features]. */
export function attentionSequence(root: LayerNode): number | undefined {
  const first = walk(root).find((p) => ATTENTION.has(p.node.type) && p.node.calls > 0);
  const out = first?.node.outputShapes?.[0];
  return out && out.length === 3 ? out[1] : undefined;
}

export function detectKerasTransformer(root: LayerNode, facts: (node: LayerNode) => KerasLayerFacts | undefined): TransformerInfo | undefined {
  const all = walk(root);
  const attention = all.filter((p) => ATTENTION.has(p.node.type) && p.node.calls > 0);
  if (!attention.length) return undefined;
  const first = attention[0]!;
  const args = facts(first.node)?.args;
  const heads = positiveInt(args, 'num_heads') ?? positiveInt(args, 'num_query_heads');
  const headDim = positiveInt(args, 'key_dim') ?? positiveInt(args, 'head_dim');
  const out = first.node.outputShapes?.[0];
  const hidden = out && out.length >= 3 ? out[out.length - 1] : undefined;
  if (!heads || !headDim || !hidden) return undefined;
  const kvHeads = positiveInt(args, 'num_key_value_heads') ?? heads;

  const blocks = findBlocks(attention);
  const inBlocks = (n: LayerNode) => blocks.some((b) => inside(n, b));
  const attentionIn = (b: LayerNode) => attention.filter((a) => inside(a.node, b)).length;
  const blockScope = blocks[0] ? all.filter((p) => inside(p.node, blocks[0]!)) : all;

  // Feed-forward: Dense layers of a block that read the hidden size, those that widen it
  // when there are any (a block may keep its width: transformer_text's ff_dim is the embedding's).
  const denses = blockScope.filter((p) => DENSE.has(p.node.type) && p.node.linearDims && !p.above.some((n) => ATTENTION.has(n.type)));
  const reading = denses.filter((p) => p.node.linearDims![0] === hidden);
  const widening = reading.filter((p) => p.node.linearDims![1] !== hidden);
  const up = widening.length ? widening : reading.slice(0, 1);
  const ffn = up.length ? Math.max(...up.map((p) => p.node.linearDims![1])) : hidden * 4;
  const wide = up.filter((p) => p.node.linearDims![1] === ffn);
  const down = denses.some((p) => p.node.linearDims![0] === ffn && p.node.linearDims![1] === hidden);
  const acts = wide.map((p) => activationName(facts(p.node)?.args ? rawArg(facts(p.node)!.args!, 'activation') : undefined));
  // A block whose widening Dense has no activation of its own (SwiGLU gates, or an Activation layer after it).
  const blockActs = blockScope.filter((p) => p.node.type === 'Activation').map((p) => activationName(facts(p.node)?.args ? rawArg(facts(p.node)!.args!, 'activation') : undefined));
  const act = acts.find((a) => a !== 'linear') ?? blockActs[0];
  const gated = act === 'silu' || act === 'swish';
  const mlp: TransformerInfo['mlp'] = gated && wide.length >= 2 && down ? 'swiglu' : act === 'relu' ? 'relu' : 'gelu';

  // Embeddings: the largest is the tokens'; another of the hidden width is the positions'.
  const embeddings = all
    .filter((p) => p.node.type === 'Embedding')
    .map((p) => ({ node: p.node, num: positiveInt(facts(p.node)?.args, 'input_dim'), dim: positiveInt(facts(p.node)?.args, 'output_dim') }))
    .filter((e): e is { node: LayerNode; num: number; dim: number } => e.num !== undefined && e.dim !== undefined);
  const tokens = embeddings.slice().sort((a, b) => b.num - a.num)[0];
  const positions = embeddings.find((e) => e !== tokens && e.dim === hidden);
  const head = all.find((p) => DENSE.has(p.node.type) && !inBlocks(p.node) && tokens && p.node.linearDims?.[0] === hidden && p.node.linearDims[1] === tokens.num);

  const causal = attention.some((a) => facts(a.node)?.causal === true);
  const decoderBlocks = blocks.filter((b) => attentionIn(b) >= 2).length;
  const info: TransformerInfo = {
    layers: blocks.length || attention.length,
    hidden,
    heads,
    kvHeads,
    headDim,
    ffn,
    mlp,
    decoder: causal || decoderBlocks > 0,
    causal,
  };
  if (blocks.length) info.blockPaths = blocks.map((b) => b.path);
  if (decoderBlocks > 0 && decoderBlocks < blocks.length) info.decoderLayers = decoderBlocks;
  if (head && tokens) {
    info.vocab = tokens.num;
    // A Dense head owns its kernel: Keras layers do not share weights with an Embedding.
    info.tiedEmbeddings = false;
  }
  if (positions) info.maxSeq = positions.num;
  const norms = blockScope.filter((p) => /^(LayerNormalization|RMSNormalization)$/.test(p.node.type));
  if (norms.length) {
    const rms = norms.every((p) => p.node.type === 'RMSNormalization' || rawArg(facts(p.node)?.args ?? {}, 'rms_scaling') === true);
    info.norm = rms ? 'rmsnorm' : 'layernorm';
  }
  return info;
}
