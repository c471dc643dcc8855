/**
 * Checkpoint size on disk per format: one row per format.
 *
 * - float formats (safetensors): every parameter and buffer at the format's width, plus the
 *   safetensors header (8-byte length + a JSON entry per tensor, estimated at its name + 64 bytes).
 * - bitsandbytes-style formats (fp8, int8, int4, nf4): Linear weight matrices quantized, the
 *   LM head, embeddings, norms, biases and buffers kept in 16 bits (transformers keeps the head
 *   unquantized); NF4 with double quantization is 4.127 bits/weight (QLoRA §3). Scales of
 *   int8/int4 are not counted (≤ 3%).
 * - GGUF (llama.cpp): every ≥2-D tensor (matrices, embeddings, the output head) at the type's
 *   bits per weight, 1-D tensors (norms, biases) in F32. Bits per weight are the block sizes of
 *   ggml-common.h: Q8_0 34 B / 32 weights = 8.5, Q4_0 18 B / 32 = 4.5, Q6_K 210 B / 256 = 6.5625,
 *   Q5_K 176 / 256 = 5.5, Q4_K 144 / 256 = 4.5, Q3_K 110 / 256 = 3.4375, Q2_K 84 / 256 = 2.625
 *   (the k-quants notes say 2.5625, leaving out one of the two fp16 super-block scales).
 *   llama.cpp's quantizer keeps the output head at Q6_K for the types below it
 *   (llama_tensor_get_type in llama-quant.cpp), and so does this estimate.
 *   Header: tensor infos (name + ~40 bytes) and 32-byte alignment per tensor, plus
 *   tokenizer metadata (≈ 24 bytes per vocabulary entry) for language models. Real "_M" mixes
 *   keep some tensors at a higher type; the single-type figure is given.
 * - training checkpoint: what resuming needs: weights in the training precision (with the fp32
 *   master copy under mixed precision) and the optimizer state; for LoRA only the adapters and
 *   their state (the base is reloaded from its own checkpoint).
 */
import { formatBytes } from '../format';
import { optimizerBytes } from './memory';
import type { Plan } from './plan';
import type { StorageEstimate } from './types';

interface FormatRow {
  id: string;
  kind: 'float' | 'quantized' | 'gguf';
  /** Bits per weight of the quantized (or every) tensor. */
  bits: number;
}

/** A GGUF type from its ggml block: bytes per block of `weights` weights. */
function gguf(id: string, blockBytes: number, weights: number): FormatRow {
  return { id: `gguf-${id}`, kind: 'gguf', bits: (blockBytes * 8) / weights };
}

export const STORAGE_FORMATS: FormatRow[] = [
  { id: 'fp32', kind: 'float', bits: 32 },
  { id: 'fp16', kind: 'float', bits: 16 },
  { id: 'bf16', kind: 'float', bits: 16 },
  { id: 'fp8', kind: 'quantized', bits: 8 },
  { id: 'int8', kind: 'quantized', bits: 8 },
  { id: 'int4', kind: 'quantized', bits: 4 },
  { id: 'nf4', kind: 'quantized', bits: 4.127 },
  gguf('q8_0', 34, 32),
  gguf('q6_k', 210, 256),
  gguf('q5_k', 176, 256),
  gguf('q4_k', 144, 256),
  gguf('q4_0', 18, 32),
  gguf('q3_k', 110, 256),
  gguf('q2_k', 84, 256),
];

const Q6_K_BITS = (210 * 8) / 256;
const GGUF_TOKEN_BYTES = 24;
const GGUF_TENSOR_INFO_BYTES = 40;
const GGUF_ALIGNMENT = 32;

function safetensorsHeader(plan: Plan): number {
  const f = plan.facts;
  const raw = 8 + f.tensorCount * 64 + f.tensorNameChars;
  return Math.ceil(raw / 8) * 8;
}

function ggufHeader(plan: Plan): number {
  const f = plan.facts;
  const vocab = f.transformer?.vocab ?? 0;
  return 24 + f.tensorCount * (GGUF_TENSOR_INFO_BYTES + GGUF_ALIGNMENT / 2) + f.tensorNameChars + vocab * GGUF_TOKEN_BYTES;
}

export function formatBytesOf(plan: Plan, row: FormatRow): number {
  const f = plan.facts;
  const { total: params, buffers } = f.params;
  if (row.kind === 'float') return ((params + buffers) * row.bits) / 8 + safetensorsHeader(plan);
  if (row.kind === 'quantized') {
    const q = f.quantizableParams;
    return (q * row.bits) / 8 + (params - q + buffers) * 2 + safetensorsHeader(plan);
  }
  const m = f.matrixParams;
  const head = f.head >= 0 ? Math.min(f.nodes[f.head]!.params, m) : 0;
  const headBits = Math.max(row.bits, Q6_K_BITS);
  return ((m - head) * row.bits + head * headBits) / 8 + (params - m + buffers) * 4 + ggufHeader(plan);
}

/** Weights (with master copy) and optimizer state, as a resumable training checkpoint holds them. */
export function trainingCheckpointBytes(plan: Plan): number {
  const row = plan.row;
  const weights = plan.lora
    ? plan.lora.params * row.trainBytes
    : plan.facts.params.total * row.otherBytes + plan.facts.params.buffers * row.bufferBytes;
  return weights + plan.trainable * row.masterBytes + optimizerBytes(plan);
}

export function storageEstimate(plan: Plan, freeDiskBytes?: number): StorageEstimate {
  const checkpointBytes: Record<string, number> = {};
  for (const row of STORAGE_FORMATS) checkpointBytes[row.id] = Math.round(formatBytesOf(plan, row));
  const training = Math.round(trainingCheckpointBytes(plan));
  const explain: Record<string, string> = {
    checkpointBytes:
      'safetensors at full width; fp8/int8/int4/nf4 quantize Linear weights only (head, embeddings, norms, biases 16-bit); GGUF quantizes every matrix and keeps 1-D tensors in F32',
    trainingCheckpointBytes: plan.lora
      ? `LoRA: adapters${plan.row.masterBytes ? ' + fp32 master copy' : ''} + optimizer state (the base model is reloaded separately)`
      : `weights (${plan.row.label})${plan.row.masterBytes ? ' + fp32 master copy' : ''} + optimizer state`,
  };
  const out: StorageEstimate = { checkpointBytes, trainingCheckpointBytes: training, explain };
  if (freeDiskBytes !== undefined && Number.isFinite(freeDiskBytes) && freeDiskBytes >= 0) {
    out.freeDiskBytes = freeDiskBytes;
    const fp = checkpointBytes[plan.row.mixed || plan.row.otherBytes === 4 ? 'fp32' : 'bf16'] ?? 0;
    explain.freeDiskBytes =
      training <= freeDiskBytes
        ? `${formatBytes(freeDiskBytes)} free: room for ${Math.floor(freeDiskBytes / Math.max(1, training))} training checkpoint(s)`
        : `${formatBytes(freeDiskBytes)} free: a training checkpoint (${formatBytes(training)}) does not fit${fp <= freeDiskBytes ? '; the weights alone do' : ''}`;
  }
  return out;
}
