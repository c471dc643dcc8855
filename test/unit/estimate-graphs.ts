/**
 * ModelGraphs and devices built by hand for the estimation tests. Parameter counts come from
 * the architectures' published configs (each checked against the published total in the tests);
 * the ResNet per-stage figures were measured with real torch (scripts/activation_check.py).
 */
import type { LayerNode, ModelGraph, TransformerInfo } from '../../src/core/graph';
import type { DeviceSpec } from '../../src/core/hardware/types';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';

export function options(over: Partial<EstimateOptions> = {}): EstimateOptions {
  return { ...DEFAULT_OPTIONS, ...over };
}

function node(path: string, type: string, fields: Partial<LayerNode> = {}, children: LayerNode[] = []): LayerNode {
  return {
    path,
    type,
    builtin: children.length === 0,
    ownParams: 0,
    ownTrainableParams: 0,
    ownBuffers: 0,
    calls: 1,
    macs: 0,
    savedElements: 0,
    savedFixedBytes: 0,
    outputElements: 0,
    children,
    ...fields,
    ...(fields.ownParams !== undefined && fields.ownTrainableParams === undefined ? { ownTrainableParams: fields.ownParams } : {}),
  };
}


function graphOf(name: string, root: LayerNode, extra: Partial<ModelGraph>): ModelGraph {
  let total = 0;
  let trainable = 0;
  let buffers = 0;
  const walk = (n: LayerNode): void => {
    total += n.ownParams;
    trainable += n.ownTrainableParams;
    buffers += n.ownBuffers;
    n.children.forEach(walk);
  };
  walk(root);
  return {
    name,
    kind: 'class',
    framework: 'pytorch',
    range: rangeOf(0, 0, 10, 0),
    nameRange: rangeOf(0, 6, 0, 6 + name.length),
    params: { total, trainable, nonTrainable: total - trainable, buffers },
    root,
    partial: false,
    findings: [],
    ...extra,
  };
}

export interface TransformerSpec {
  name: string;
  info: TransformerInfo;
  batch: number;
  seq: number;
  /** Vocabulary of the token embedding (also the head's, when there is a head). */
  vocab: number;
  /** Learned absolute positions (GPT-2, BERT): rows of the position embedding. */
  positions?: number;
  /** BERT token types. */
  tokenTypes?: number;
  /** Biases on attention and MLP linears (GPT-2, BERT) or none (Llama). */
  bias: boolean;
  /** Parameters of one norm: 2h for LayerNorm (weight, bias), h for RMSNorm. */
  normParams: number;
  /** BERT puts a LayerNorm after the embeddings; decoders one after the last block. */
  embeddingNorm?: boolean;
  finalNorm?: boolean;
  /** LM head: untied (own weights), tied (shares the embedding: 0 own params), or none. */
  head: 'untied' | 'tied' | 'none';
  pooler?: boolean;
  classes?: number;
  /** Only the stack of blocks, fed hidden states (as scripts/activation_check.py measures it). */
  blocksOnly?: boolean;
}

/** Eager attention as a forward records it: Q·Kᵀ (saves Q, K), softmax (saves its output), A·V (saves A, V). */
function eagerAttention(p: string, b: number, s: number, t: TransformerInfo): LayerNode[] {
  const tokens = b * s;
  const q = t.heads * t.headDim;
  const kv = t.kvHeads * t.headDim;
  const scores = b * t.heads * s * s;
  const op = (name: string, fields: Partial<LayerNode>): LayerNode => node(`${p}.self_attn.${name}`, name.replace(/_\d+$/, ''), { functional: true, ...fields });
  return [
    op('matmul', { macs: scores * t.headDim, savedElements: tokens * (q + kv), outputElements: scores, outputShapes: [[b, t.heads, s, s]] }),
    op('softmax', { savedElements: scores, outputElements: scores, outputShapes: [[b, t.heads, s, s]] }),
    op('matmul_1', { macs: scores * t.headDim, savedElements: scores + tokens * kv, outputElements: tokens * q, outputShapes: [[b, t.heads, s, t.headDim]] }),
  ];
}

/** A decoder or encoder as transformers builds it: embeddings, `layers` blocks, norms, head. */
export function transformerGraph(spec: TransformerSpec): ModelGraph {
  const t = spec.info;
  const { batch: b, seq: s } = spec;
  const tokens = b * s;
  const h = t.hidden;
  const q = t.heads * t.headDim;
  const kv = t.kvHeads * t.headDim;
  const linear = (path: string, i: number, o: number, bias = spec.bias): LayerNode =>
    node(path, 'Linear', {
      ownParams: i * o + (bias ? o : 0),
      linearDims: [i, o],
      paramShapes: bias ? [[o, i], [o]] : [[o, i]],
      macs: tokens * i * o,
      savedElements: tokens * i,
      outputElements: tokens * o,
      outputShapes: [[b, s, o]],
    });
  const norm = (path: string): LayerNode =>
    node(path, spec.normParams === h ? 'RMSNorm' : 'LayerNorm', {
      ownParams: spec.normParams,
      paramShapes: spec.normParams === h ? [[h]] : [[h], [h]],
      savedElements: tokens * h,
      outputElements: tokens * h,
      outputShapes: [[b, s, h]],
    });
  let children: LayerNode[] = [];
  const emb = (path: string, rows: number): LayerNode =>
    node(path, 'Embedding', {
      ownParams: rows * h,
      paramShapes: [[rows, h]],
      savedFixedBytes: tokens * 8,
      outputElements: tokens * h,
      outputShapes: [[b, s, h]],
    });
  children.push(emb('embed_tokens', spec.vocab));
  if (spec.positions) children.push(emb('embed_positions', spec.positions));
  if (spec.tokenTypes) children.push(emb('token_type_embeddings', spec.tokenTypes));
  if (spec.embeddingNorm) children.push(norm('embed_norm'));
  const blocks: LayerNode[] = [];
  for (let i = 0; i < t.layers; i++) {
    const p = `layers.${i}`;
    // Fused models record one scaled_dot_product_attention op; eager ones Q·Kᵀ, softmax and A·V.
    const scores = t.fusedAttention
      ? [
          node(`${p}.self_attn.scaled_dot_product_attention`, 'scaled_dot_product_attention', {
            functional: true,
            macs: 2 * b * t.heads * s * s * t.headDim,
            savedElements: tokens * (2 * q + 2 * kv),
            outputElements: tokens * q,
            outputShapes: [[b, t.heads, s, t.headDim]],
          }),
        ]
      : eagerAttention(p, b, s, t);
    const attn = node(`${p}.self_attn`, 'Attention', {}, [
      linear(`${p}.self_attn.q_proj`, h, q),
      linear(`${p}.self_attn.k_proj`, h, kv),
      linear(`${p}.self_attn.v_proj`, h, kv),
      ...scores,
      linear(`${p}.self_attn.o_proj`, q, h),
    ]);
    const mlp =
      t.mlp === 'swiglu'
        ? node(`${p}.mlp`, 'MLP', {}, [
            linear(`${p}.mlp.gate_proj`, h, t.ffn),
            linear(`${p}.mlp.up_proj`, h, t.ffn),
            linear(`${p}.mlp.down_proj`, t.ffn, h),
          ])
        : node(`${p}.mlp`, 'MLP', {}, [linear(`${p}.mlp.fc1`, h, t.ffn), linear(`${p}.mlp.fc2`, t.ffn, h)]);
    blocks.push(node(p, 'Block', {}, [norm(`${p}.input_layernorm`), attn, norm(`${p}.post_attention_layernorm`), mlp]));
  }
  children.push(node('layers', 'ModuleList', {}, blocks));
  if (spec.finalNorm) children.push(norm('norm'));
  if (spec.pooler) children.push(linear('pooler', h, h, true));
  if (spec.classes) children.push(linear('classifier', h, spec.classes, true));
  if (spec.head !== 'none') {
    const head = linear('lm_head', h, spec.vocab, false);
    if (spec.head === 'tied') {
      head.ownParams = 0;
      head.ownTrainableParams = 0;
      head.paramShapes = [];
    }
    children.push(head);
  }
  if (spec.blocksOnly) children = children.filter((c) => c.path === 'layers');
  const root = node('', spec.name, {}, children);
  return graphOf(spec.name, root, {
    kind: 'pretrained',
    framework: 'transformers',
    input: spec.blocksOnly
      ? { shapes: [[b, s, h]], dtypes: ['float'], source: 'example', description: 'hidden states', batch: b, seq: s }
      : { shapes: [[b, s]], dtypes: ['int'], source: 'config', description: 'test', batch: b, seq: s },
    transformer: t,
  });
}

/**
 * A Llama-family decoder at the 7–8B size (32 layers, hidden 4096, 32 heads of 128, RMSNorm,
 * SwiGLU, untied head, no biases); the members differ in KV heads, FFN, vocabulary and context.
 */
export function llamaFamily(
  name: string,
  dims: { kvHeads: number; ffn: number; vocab: number; maxSeq: number; slidingWindow?: number },
  batch: number,
  seq: number,
): ModelGraph {
  const { vocab, ...rest } = dims;
  return transformerGraph({
    name,
    info: { layers: 32, hidden: 4096, heads: 32, headDim: 128, mlp: 'swiglu', vocab, decoder: true, causal: true, fusedAttention: true, ...rest },
    batch,
    seq,
    vocab,
    bias: false,
    normParams: 4096,
    finalNorm: true,
    head: 'untied',
  });
}

/** Llama-2-7B (config.json: 32 KV heads, FFN 11008, vocab 32000, 4096 positions). */
export function llama2_7b(batch = 1, seq = 4096): ModelGraph {
  return llamaFamily('Llama2_7B', { kvHeads: 32, ffn: 11008, vocab: 32000, maxSeq: 4096 }, batch, seq);
}

/** Llama-3-8B (config.json: 8 KV heads, FFN 14336, vocab 128256, 8192 positions). */
export function llama3_8b(batch = 1, seq = 8192): ModelGraph {
  return llamaFamily('Llama3_8B', { kvHeads: 8, ffn: 14336, vocab: 128256, maxSeq: 8192 }, batch, seq);
}

/** GPT-2 small (12 layers, 768, 12 heads, 1024 positions, vocab 50257, head tied to the token embedding). */
export function gpt2(batch = 8, seq = 1024): ModelGraph {
  return transformerGraph({
    name: 'GPT2',
    info: { layers: 12, hidden: 768, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, mlp: 'gelu', vocab: 50257, decoder: true, causal: true, maxSeq: 1024, tiedEmbeddings: true, dropout: true },
    batch,
    seq,
    vocab: 50257,
    positions: 1024,
    bias: true,
    normParams: 1536,
    finalNorm: true,
    head: 'tied',
  });
}

/** bert-large-uncased for sequence classification with 2 labels (config.json: 24 layers, 1024, 16 heads, FFN 4096, vocab 30522, 512 positions). */
export function bertLargeClassifier(batch = 4, seq = 512): ModelGraph {
  return transformerGraph({
    name: 'BertForSequenceClassification',
    info: { layers: 24, hidden: 1024, heads: 16, kvHeads: 16, headDim: 64, ffn: 4096, mlp: 'gelu', decoder: false, causal: false, maxSeq: 512, dropout: true },
    batch,
    seq,
    vocab: 30522,
    positions: 512,
    tokenTypes: 2,
    bias: true,
    normParams: 2048,
    embeddingNorm: true,
    head: 'none',
    pooler: true,
    classes: 2,
  });
}

/**
 * torchvision ResNets as their top-level children, measured with torch 1.13 / torchvision 0.14
 * at batch 1, 3×224×224, fp32 (scripts/activation_check.py): parameters, buffers, Conv/Linear
 * MACs, bytes autograd saved (float / int64 pooling indices) and output elements.
 */
const RESNET_STAGES = {
  resnet18: [
    ['conv1', 'Conv2d', 9408, 0, 118013952, 602112, 0, 802816],
    ['bn1', 'BatchNorm2d', 128, 129, 0, 3212288, 0, 802816],
    ['relu', 'ReLU', 0, 0, 0, 3211264, 0, 802816],
    ['maxpool', 'MaxPool2d', 0, 0, 0, 0, 1605632, 200704],
    ['layer1', 'Sequential', 147968, 516, 462422016, 7229440, 0, 200704],
    ['layer2', 'Sequential', 525568, 1285, 411041792, 3622912, 0, 100352],
    ['layer3', 'Sequential', 2099712, 2565, 411041792, 1826816, 0, 50176],
    ['layer4', 'Sequential', 8393728, 5125, 411041792, 944128, 0, 25088],
    ['avgpool', 'AdaptiveAvgPool2d', 0, 0, 0, 0, 0, 512],
    ['fc', 'Linear', 513000, 0, 512000, 2048, 0, 1000],
  ],
  resnet50: [
    ['conv1', 'Conv2d', 9408, 0, 118013952, 602112, 0, 802816],
    ['bn1', 'BatchNorm2d', 128, 129, 0, 3212288, 0, 802816],
    ['relu', 'ReLU', 0, 0, 0, 3211264, 0, 802816],
    ['maxpool', 'MaxPool2d', 0, 0, 0, 0, 1605632, 200704],
    ['layer1', 'Sequential', 215808, 2826, 667942912, 32937984, 0, 802816],
    ['layer2', 'Sequential', 1219584, 7181, 1027604480, 23339008, 0, 401408],
    ['layer3', 'Sequential', 7098368, 20499, 1464336384, 16621568, 0, 200704],
    ['layer4', 'Sequential', 14964736, 22538, 809238528, 4796416, 0, 100352],
    ['avgpool', 'AdaptiveAvgPool2d', 0, 0, 0, 0, 0, 2048],
    ['fc', 'Linear', 2049000, 0, 2048000, 8192, 0, 1000],
  ],
} as const;

/** Autograd's saved bytes for a whole forward at batch 1 and 2 (same measurement). */
export const RESNET_SAVED_BYTES = { resnet18: [22256640, 44436480], resnet50: [86334464, 172243968] } as const;

export function resnetGraph(which: keyof typeof RESNET_STAGES, batch = 1): ModelGraph {
  const stages = RESNET_STAGES[which].map(([name, type, params, buffers, macs, savedFloat, savedOther, out]) =>
    node(name, type, {
      builtin: type !== 'Sequential',
      ownParams: params,
      ownBuffers: buffers,
      macs: macs * batch,
      savedElements: (savedFloat / 4) * batch,
      savedFixedBytes: savedOther * batch,
      outputElements: out * batch,
      ...(type === 'Linear' ? { linearDims: [params === 513000 ? 512 : 2048, 1000] as [number, number] } : {}),
    }),
  );
  const root = node('', which === 'resnet18' ? 'ResNet18' : 'ResNet50', {}, stages);
  return graphOf(which, root, {
    input: { shapes: [[batch, 3, 224, 224]], dtypes: ['float'], source: 'default', description: 'ImageNet 3×224×224', batch },
  });
}

const GiB = 2 ** 30;

/** NVIDIA A100 80GB SXM datasheet: 80 GB HBM2e (80 GiB), 2,039 GB/s; dense TF32 156, BF16/FP16 312, FP32 19.5 TFLOP/s. */
export function a100_80(local = false): DeviceSpec {
  return {
    id: 'a100-80gb',
    name: 'A100 80GB',
    kind: 'gpu',
    vendor: 'nvidia',
    memoryBytes: 80 * GiB,
    bandwidthBytesPerSec: 2.039e12,
    peakTflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    local,
  };
}

/** NVIDIA RTX 4090 (Ada whitepaper): 24 GB GDDR6X (24 GiB), 1,008 GB/s; FP32 82.6, dense FP16/BF16 tensor 165.2 TFLOP/s. */
export function rtx4090(local = true): DeviceSpec {
  return {
    id: 'local-gpu-0',
    name: 'RTX 4090',
    kind: 'gpu',
    vendor: 'nvidia',
    memoryBytes: 24 * GiB,
    bandwidthBytesPerSec: 1.008e12,
    peakTflops: { fp32: 82.6, tf32: 82.6, fp16: 165.2, bf16: 165.2 },
    local,
  };
}

/** NVIDIA V100 SXM2 16GB datasheet: 16 GiB HBM2, 900 GB/s; FP32 15.7, FP16 tensor 125 TFLOP/s, no bf16. */
export function v100_16(): DeviceSpec {
  return {
    id: 'v100-16gb',
    name: 'V100 16GB',
    kind: 'gpu',
    vendor: 'nvidia',
    memoryBytes: 16 * GiB,
    bandwidthBytesPerSec: 900e9,
    peakTflops: { fp32: 15.7, fp16: 125 },
    local: false,
  };
}

export function cpuDevice(ramBytes: number): DeviceSpec {
  return { id: 'local-cpu', name: 'CPU', kind: 'cpu', vendor: 'cpu', memoryBytes: ramBytes, peakTflops: {}, local: true };
}

/** A plain stack of `layers` bias-free Linear(i, o) layers: Ψ = layers · i · o, for the ZeRO formulas. */
export function linearStack(layers: number, i: number, o: number, batch = 1): ModelGraph {
  const children = Array.from({ length: layers }, (_, k) =>
    node(String(k), 'Linear', {
      ownParams: i * o,
      linearDims: [i, o],
      paramShapes: [[o, i]],
      macs: batch * i * o,
      savedElements: batch * i,
      outputElements: batch * o,
      outputShapes: [[batch, o]],
    }),
  );
  return graphOf('Stack', node('', 'Sequential', {}, children), {
    kind: 'sequential',
    input: { shapes: [[batch, i]], dtypes: ['float'], source: 'example', description: 'test', batch },
  });
}
