/**
 * The model graph: what the frameworks' evaluation of the source produces and
 * what the estimation engine consumes. It holds counts, not bytes: bytes depend
 * on precision, optimizer and the rest of the estimate options.
 *
 * All counts are plain numbers. Producers guarantee they are finite and >= 0
 * (see `safeCount`); a count that could not be determined is 0 plus a finding.
 */
import type { Finding, SourceRange } from './source';
import type { Precision } from './options';

export type Framework = 'pytorch' | 'keras' | 'transformers';

/**
 * How the model appears in the source:
 * - class: an nn.Module / keras.Model subclass, profiled with its default arguments
 * - sequential: an `nn.Sequential(...)` / `keras.Sequential([...])` value
 * - builder: a function that returns a model
 * - instance: a module-level instantiation `model = Net(num_classes=100)`
 * - functional: a Keras functional `keras.Model(inputs, outputs)`
 * - pretrained: `from_pretrained("id")` or a transformers config
 * - application: a catalogued constructor such as `keras.applications.ResNet50()`
 */
export type ModelKind =
  | 'class'
  | 'sequential'
  | 'builder'
  | 'instance'
  | 'functional'
  | 'pretrained'
  | 'application';

/** A tensor shape. The batch dimension is included and concrete (the evaluated batch). */
export type Shape = number[];

/**
 * Where the input shape came from, in the order DESIGN.md ranks the sources. 'parent': a
 * helper module (a Block used by a GPT) profiled at the call its parent model made.
 */
export type InputSource = 'comment' | 'example' | 'parent' | 'setting' | 'build' | 'config' | 'inferred' | 'default';

export interface InputSpec {
  /** One entry per model input, each with the batch dimension first. */
  shapes: Shape[];
  /** Element type of each input: float inputs, or integer token ids for embeddings. */
  dtypes: Array<'float' | 'int'>;
  source: InputSource;
  /** Shown to people: "from `# profile:` on line 12", "CIFAR-10 hint: 3×32×32". */
  description: string;
  batch: number;
  /** Sequence length, for sequence models. */
  seq?: number;
  /**
   * Dimension of `shapes[0]` that holds the batch, when it is not 0: sequence-first models
   * (torch RNNs and attention without batch_first) take [seq, batch, ...].
   */
  batchDim?: number;
}

/**
 * One module in the hierarchy (torch: a named submodule; Keras: a layer),
 * or a functional op recorded in a forward (`matmul`, `F.scaled_dot_product_attention`),
 * marked with `functional: true`.
 *
 * "own" quantities exclude children; the totals are sums over the subtree.
 */
export interface LayerNode {
  /** Dotted path as torch names it in `named_modules()` ("encoder.layers.0.self_attn"); "" for the root. */
  path: string;
  /** Layer type as written by the framework: "Linear", "Conv2d", "Dense", or the user's class name. */
  type: string;
  /** Where the layer is constructed (or the op is called). */
  range?: SourceRange;
  /** Absolute path of the file that holds `range`, when it is not the analysed file. */
  file?: string;
  /** True for functional ops recorded in forward rather than registered modules. */
  functional?: boolean;
  /**
   * Functional ops: the op itself ("relu", "matmul", "softmax"), which names the path,
   * while `type` shows how the forward called it ("F.relu", "torch.matmul", "Tensor.softmax").
   */
  op?: string;
  /** True when the catalog knows this type; false for user classes and unknown layers. */
  builtin: boolean;

  /** Parameters registered directly on this module, shared tensors counted at their first owner only. */
  ownParams: number;
  ownTrainableParams: number;
  /** Buffers registered directly on this module (torch); Keras non-trainable weights are params. */
  ownBuffers: number;

  /** How many times forward called this module (0 when forward was not traced). */
  calls: number;
  /** Output shape of the first call; several for multi-output layers (LSTM: output, (h, c)). */
  outputShapes?: Shape[];
  /** Own forward MACs summed over calls, at the evaluated batch. */
  macs: number;
  /**
   * Elements autograd saves for backward in this layer's own ops, in the compute
   * dtype (inputs of linear/conv, outputs of activations, inputs of norms), summed over calls.
   */
  savedElements: number;
  /** Saved bytes that do not depend on precision: bool masks (1 byte), int64 indices (8 bytes). */
  savedFixedBytes: number;
  /** Elements of the output of one call: used for the peak of live activations at inference. */
  outputElements: number;

  /** For Linear-like layers: [in_features, out_features], so LoRA adapters can be sized. */
  linearDims?: [number, number];
  /**
   * Shapes of the parameters registered directly on this module (torch order), when known.
   * Optimizers that factor their state (Adafactor) and quantized storage formats (GGUF keeps
   * 1-D tensors in fp32) read them; without them the engine falls back on `linearDims`.
   */
  paramShapes?: number[][];
  /** A note shown next to the row ("unknown layer from timm", "evaluated partially"). */
  note?: string;

  children: LayerNode[];
}

/**
 * Transformer facts the estimation engine needs for the Korthikanti activation
 * formula, the KV cache and the logits buffer. Present when the model is (or
 * contains) a stack of attention blocks that the evaluation recognised.
 */
export interface TransformerInfo {
  layers: number;
  hidden: number;
  heads: number;
  /** Grouped-query attention: number of key/value heads (== heads for plain MHA). */
  kvHeads: number;
  headDim: number;
  /** Feed-forward inner size. */
  ffn: number;
  mlp: 'gelu' | 'swiglu' | 'relu';
  /** Vocabulary size for the logits buffer, when the model ends in an LM head. */
  vocab?: number;
  /** Decoder-only or encoder-decoder models generate tokens and keep a KV cache. */
  decoder: boolean;
  causal: boolean;
  slidingWindow?: number;
  /** Longest context the model supports (block_size, max_position_embeddings). */
  maxSeq?: number;
  tiedEmbeddings?: boolean;
  /** The forward used a fused attention kernel (scaled_dot_product_attention / flash). */
  fusedAttention?: boolean;
  /**
   * Paths of the repeated blocks in the layer tree ("transformer.h.0", ...), so the engine
   * applies the per-block activation formula to exactly these subtrees. When absent the
   * engine looks for a container with `layers` children of one type.
   */
  blockPaths?: string[];
  /** The blocks apply dropout with p > 0 in training (masks are saved). Absent: inferred from Dropout layers in a block. */
  dropout?: boolean;
  /** Normalisation layers of the blocks. Absent: rmsnorm for SwiGLU models (the Llama family), else layernorm. */
  norm?: 'layernorm' | 'rmsnorm';
  /** Mixture of experts: experts per MoE layer (Mixtral num_local_experts); `ffn` is one expert's size. */
  experts?: number;
  /** Mixture of experts: experts each token is routed to (Mixtral num_experts_per_tok). */
  expertsPerToken?: number;
  /** Encoder-decoder models: decoder blocks (`layers` counts encoder and decoder blocks together). */
  decoderLayers?: number;
  /**
   * Mixture of experts: the forward runs every expert on every token and weights their outputs
   * with (sparse) gates, so each token keeps `experts` MLPs' activations, not `expertsPerToken`.
   */
  denseExperts?: boolean;
  /**
   * Blocks that also attend to an encoder's output (cross-attention with its own norm, as in
   * nn.TransformerDecoderLayer): the last this many of the `layers` blocks.
   */
  crossAttentionLayers?: number;
}

/** A `# profile:` comment's settings for one model (all optional). */
export interface ProfileOverrides {
  batch?: number;
  input?: Shape;
  seq?: number;
  precision?: string;
  optimizer?: string;
  mode?: string;
  /** Where the comment is, for diagnostics and for quick fixes that rewrite it. */
  range: SourceRange;
}

/**
 * How a pretrained model's weights are stored and loaded, from its config.json and the
 * `from_pretrained` arguments (`torch_dtype`, `load_in_4bit`, `quantization_config`).
 */
export interface WeightFormat {
  /** dtype of the stored checkpoint (config.json `torch_dtype`): "float16", "bfloat16", "float32". */
  checkpointDtype?: string;
  /** dtype the source loads the weights in (`torch_dtype=` argument; "auto" resolved to the checkpoint's). */
  loadDtype?: string;
  /** Quantised loading (bitsandbytes) or a pre-quantised checkpoint (GPTQ, AWQ, fp8). */
  quantization?: {
    /** "bitsandbytes", "gptq", "awq", "fp8", ... as transformers' `quant_method` names them. */
    method: string;
    bits: number;
    /** bitsandbytes 4-bit: "nf4" or "fp4". */
    quantType?: string;
    doubleQuant?: boolean;
    computeDtype?: string;
  };
  /** The precision option these facts point to ("bf16", "int8", "nf4"), for the estimator's default. */
  suggestedPrecision?: Precision;
  /** For people: "checkpoint bfloat16; loaded in 4-bit NF4 (bitsandbytes), double quantization". */
  description: string;
}

export interface ParamCounts {
  /** Framework's own total: torch `sum(p.numel() for p in m.parameters())`; Keras `count_params()`. */
  total: number;
  trainable: number;
  nonTrainable: number;
  /** torch buffers (BatchNorm running stats); 0 for Keras, whose statistics are non-trainable params. */
  buffers: number;
}

export interface ModelGraph {
  /** The class, function or variable name as written in the source. */
  name: string;
  kind: ModelKind;
  framework: Framework;
  /** Range of the whole definition / statement. */
  range: SourceRange;
  /** Range of the name itself: diagnostics and hovers anchor here. */
  nameRange: SourceRange;
  /** Absolute path of the file that defines the model, when not the analysed file. */
  file?: string;

  params: ParamCounts;
  /** The module tree; its root has path "" and the model's type. */
  root: LayerNode;
  /** Undefined when no input shape could be found; then MACs and activations are 0 with a finding. */
  input?: InputSpec;
  transformer?: TransformerInfo;
  profile?: ProfileOverrides;
  /** Pretrained models: stored/loaded dtype and quantisation, when the config or the call says. */
  weightFormat?: WeightFormat;

  /** True when some part could not be evaluated and the counts are a lower bound. */
  partial: boolean;
  findings: Finding[];
}

/** Clamp a computed count into a finite, non-negative number (NaN/Infinity/negative -> 0). */
export function safeCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The note of a Keras layer the profiled forward never called: not an error, Keras does not build it either. */
export const NOT_REACHED = 'not built: the profiled forward did not reach it';

/** True when some layer of the tree could not be built (toGraph notes it "not built: why"): its weights are missing from the counts. */
export function hasUnbuiltLayer(node: LayerNode): boolean {
  return (node.note?.startsWith('not built: ') === true && node.note !== NOT_REACHED) || node.children.some(hasUnbuiltLayer);
}

/** Depth-first walk over a layer tree, parents before children. */
export function* walkLayers(node: LayerNode, depth = 0): Generator<{ node: LayerNode; depth: number }> {
  yield { node, depth };
  for (const child of node.children) yield* walkLayers(child, depth + 1);
}

/** Sum of a numeric field over a subtree. */
export function subtreeSum(node: LayerNode, pick: (n: LayerNode) => number): number {
  let sum = 0;
  for (const { node: n } of walkLayers(node)) sum += pick(n);
  return sum;
}
