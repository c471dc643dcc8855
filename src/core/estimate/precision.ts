/**
 * What each precision setting means in bytes: one row per setting.
 *
 * Sources (reference/estimation.md): fp32/tf32 4 B, fp16/bf16 2 B, fp8 and int8 1 B,
 * int4 0.5 B per weight; NF4 with double quantization 4 + 0.127 bits per weight
 * (QLoRA, arXiv:2305.14314 §3). Mixed precision keeps a 16-bit working copy plus an fp32
 * master copy of trainable weights and fp32 optimizer state (ZeRO, arXiv:1910.02054 §3.1).
 */
import type { EstimateOptions, Precision } from '../options';
import type { PeakTflops } from '../hardware/types';

export interface PrecisionRow {
  label: string;
  /**
   * Bytes per element of the weight matrices of Linear layers (the LM head excepted) when the
   * weights are stored quantized; equals `otherBytes` for float precisions.
   */
  matrixBytes: number;
  /** Bytes of every other stored parameter: embeddings, norms, biases, frozen weights. */
  otherBytes: number;
  /** Bytes of float buffers (BatchNorm running statistics stay fp32 under autocast). */
  bufferBytes: number;
  /** True when Linear weight matrices are stored below 16 bits (weight-only quantization). */
  quantized: boolean;
  /** False where weights cannot receive gradients: training trains LoRA adapters instead. */
  trainable: boolean;
  /** Bytes of the working copy of a trainable parameter. */
  trainBytes: number;
  /** fp32 master copy of each trainable parameter (mixed precision). */
  masterBytes: number;
  /** Gradient bytes per trainable parameter (mixed precision may keep them fp32: see gradientBytes). */
  gradBytes: number;
  /** Bytes of one optimizer state element (fp32, or the parameter dtype for pure 16-bit training). */
  stateBytes: number;
  /** Compute dtype: bytes per saved activation element. */
  actBytes: number;
  /** Device peak to use for time, most specific first. */
  peakKeys: Array<keyof PeakTflops>;
  mixed: boolean;
}

const FLOAT32: Omit<PrecisionRow, 'label' | 'peakKeys'> = {
  matrixBytes: 4,
  otherBytes: 4,
  bufferBytes: 4,
  quantized: false,
  trainable: true,
  trainBytes: 4,
  masterBytes: 0,
  gradBytes: 4,
  stateBytes: 4,
  actBytes: 4,
  mixed: false,
};

const MIXED: Omit<PrecisionRow, 'label' | 'peakKeys'> = {
  matrixBytes: 2,
  otherBytes: 2,
  bufferBytes: 4,
  quantized: false,
  trainable: true,
  trainBytes: 2,
  masterBytes: 4,
  gradBytes: 2,
  stateBytes: 4,
  actBytes: 2,
  mixed: true,
};

const HALF: Omit<PrecisionRow, 'label' | 'peakKeys'> = {
  matrixBytes: 2,
  otherBytes: 2,
  bufferBytes: 2,
  quantized: false,
  trainable: true,
  trainBytes: 2,
  masterBytes: 0,
  gradBytes: 2,
  // torch optimizers allocate state like the parameter (torch.zeros_like): 16-bit here.
  stateBytes: 2,
  actBytes: 2,
  mixed: false,
};

/**
 * Weight-only quantization (bitsandbytes / transformers): Linear weight matrices are quantized,
 * embeddings, norms, biases and the LM head stay 16-bit, compute runs in 16 bits. Training
 * trains bf16 LoRA adapters with a 32-bit optimizer (QLoRA's paged AdamW 32-bit).
 */
const QUANTIZED: Omit<PrecisionRow, 'label' | 'peakKeys' | 'matrixBytes'> = {
  otherBytes: 2,
  bufferBytes: 2,
  quantized: true,
  trainable: false,
  trainBytes: 2,
  masterBytes: 0,
  gradBytes: 2,
  stateBytes: 4,
  actBytes: 2,
  mixed: false,
};

/** NF4 with double quantization: 4 + 0.127 bits per weight (QLoRA §3). */
export const NF4_BITS = 4.127;

export const PRECISION: Record<Precision, PrecisionRow> = {
  fp32: { label: 'fp32', ...FLOAT32, peakKeys: ['fp32'] },
  tf32: { label: 'tf32', ...FLOAT32, peakKeys: ['tf32', 'fp32'] },
  'fp16-mixed': { label: 'fp16 mixed precision', ...MIXED, peakKeys: ['fp16', 'fp32'] },
  'bf16-mixed': { label: 'bf16 mixed precision', ...MIXED, peakKeys: ['bf16', 'fp32'] },
  fp16: { label: 'fp16', ...HALF, peakKeys: ['fp16', 'fp32'] },
  bf16: { label: 'bf16', ...HALF, peakKeys: ['bf16', 'fp32'] },
  fp8: { label: 'fp8', ...QUANTIZED, matrixBytes: 1, peakKeys: ['fp8', 'bf16', 'fp16', 'fp32'] },
  int8: { label: 'int8', ...QUANTIZED, matrixBytes: 1, peakKeys: ['int8', 'fp16', 'bf16', 'fp32'] },
  int4: { label: 'int4', ...QUANTIZED, matrixBytes: 0.5, peakKeys: ['bf16', 'fp16', 'fp32'] },
  nf4: { label: 'NF4', ...QUANTIZED, matrixBytes: NF4_BITS / 8, peakKeys: ['bf16', 'fp16', 'fp32'] },
};

/**
 * Gradient bytes per trainable parameter. Mixed precision under torch.autocast keeps fp32
 * parameters and so fp32 gradients (18 B/param with Adam, HF "model memory anatomy");
 * DeepSpeed ZeRO keeps 16-bit gradients (16 B/param, ZeRO §3.1).
 */
export function gradientBytes(row: PrecisionRow, options: EstimateOptions): number {
  if (!row.mixed) return row.gradBytes;
  const fp32 = options.fp32Gradients ?? (options.sharding === 'none' || options.sharding === 'ddp');
  return fp32 ? 4 : row.gradBytes;
}

/** The device's dense peak for this precision, and which figure it is (falls back down `peakKeys`). */
export function peakFor(precision: Precision, peaks: PeakTflops): { tflops: number; key: keyof PeakTflops } | undefined {
  for (const key of PRECISION[precision].peakKeys) {
    const v = peaks[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return { tflops: v, key };
  }
  return undefined;
}
