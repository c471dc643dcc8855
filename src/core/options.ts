/**
 * Options of the estimation engine. Each is a setting (`modelProfiler.*`), a panel
 * control and a CLI flag; the names here are the ones all three use.
 */

export const MODES = ['train', 'infer'] as const;
export type Mode = (typeof MODES)[number];

export const PRECISIONS = [
  'fp32',
  'tf32',
  'fp16-mixed',
  'bf16-mixed',
  'fp16',
  'bf16',
  'fp8',
  'int8',
  'int4',
  'nf4',
] as const;
export type Precision = (typeof PRECISIONS)[number];

export const OPTIMIZERS = ['sgd', 'sgd-momentum', 'adam', 'adamw', 'adam-8bit', 'adafactor', 'lion'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export const FINE_TUNING = ['full', 'lora', 'qlora'] as const;
export type FineTuning = (typeof FINE_TUNING)[number];

export const SHARDING = ['none', 'ddp', 'zero1', 'zero2', 'zero3', 'fsdp'] as const;
export type Sharding = (typeof SHARDING)[number];

export const ATTENTION_KERNELS = ['auto', 'flash', 'eager'] as const;
export type AttentionKernel = (typeof ATTENTION_KERNELS)[number];

export interface EstimateOptions {
  mode: Mode;
  batch: number;
  /** Sequence length for sequence models; undefined = the model's own default. */
  seq?: number;
  /** Input shape without the batch dimension, e.g. [3, 224, 224]; undefined = inferred. */
  input?: number[];
  precision: Precision;
  optimizer: Optimizer;
  gradientCheckpointing: boolean;
  /** flash = fused attention (no s² scores kept); eager = explicit softmax(QKᵀ)V; auto = what the source does. */
  attention: AttentionKernel;
  fineTuning: FineTuning;
  loraRank: number;
  /** Module name patterns LoRA adapts ("q_proj", "all-linear"). */
  loraTargets: string[];
  sharding: Sharding;
  gpuCount: number;
  cpuOffload: boolean;
  /** Model FLOPs utilisation assumed for time estimates, 0 < u <= 1. */
  utilization: number;
  /** Fraction of device memory kept free for the allocator and fragmentation, e.g. 0.10. */
  headroom: number;
  /** Tokens (sequence models) or samples to train on, for total training FLOPs and time; 0 = not asked. */
  trainingTokens: number;
  /**
   * Mixed precision only: keep gradients in fp32 (torch.autocast does: parameters and their
   * gradients stay fp32) rather than 16-bit (DeepSpeed ZeRO). Undefined: fp32 without ZeRO/FSDP,
   * 16-bit with them.
   */
  fp32Gradients?: boolean;
  /**
   * True when a person chose `batch` for this run (a CLI flag, a panel control, a setting they wrote).
   * Otherwise the batch of an example call in the file (`model(torch.randn(32, ...))`) wins over it,
   * as the input shape does (DESIGN.md: comment, example, setting, inference).
   */
  batchFromUser?: boolean;
  /**
   * Options a person set for this one run (command-line flags): they win over the model's
   * `# profile:` comment, which otherwise wins over settings.
   */
  overridesProfile?: Array<keyof EstimateOptions>;
}

export const DEFAULT_OPTIONS: EstimateOptions = {
  mode: 'train',
  batch: 8,
  precision: 'fp32',
  optimizer: 'adamw',
  gradientCheckpointing: false,
  attention: 'auto',
  fineTuning: 'full',
  loraRank: 8,
  loraTargets: ['all-linear'],
  sharding: 'none',
  gpuCount: 1,
  cpuOffload: false,
  utilization: 0.4,
  headroom: 0.1,
  trainingTokens: 0,
};

export function isOneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}
