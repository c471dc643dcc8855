/**
 * Results of the estimation engine. Field names are the CLI's JSON contract
 * (DESIGN.md "Contracts"): scripts and tests rely on them, so they only grow.
 */

/** Memory of one mode, in bytes. `totalBytes` is exactly the sum of the other terms. */
export interface MemoryBreakdown {
  weightsBytes: number;
  gradientsBytes: number;
  optimizerBytes: number;
  masterWeightsBytes: number;
  activationsBytes: number;
  kvCacheBytes: number;
  /** CUDA context, framework workspace. */
  overheadBytes: number;
  /** Allocator caching and fragmentation margin. */
  fragmentationBytes: number;
  totalBytes: number;
  /**
   * Host (CPU) RAM the plan needs besides the device: optimizer state, master weights and
   * (ZeRO-3) parameters moved there by CPU offload. Not part of `totalBytes`, which is device memory.
   */
  hostBytes?: number;
  /** One line per term, for tooltips and the panel: { weightsBytes: "6.7B params × 2 B (bf16)" }. */
  explain: Record<string, string>;
}

export interface MemoryEstimate {
  train: MemoryBreakdown;
  inference: MemoryBreakdown;
  /** Per-layer activation bytes in the chosen mode, keyed by layer path. */
  perLayerActivationBytes: Record<string, number>;
  /** Path of the leaf layer with the most activation bytes in the chosen mode ("" when none). */
  dominantLayer?: string;
}

export interface ComputeCounts {
  /** Forward pass at the requested batch. */
  forward: number;
  /** Backward pass (≈ 2 × forward). */
  backward: number;
  /** Forward + backward (+ recomputation when checkpointing). */
  trainStep: number;
  /** Forward for one sample (or one sequence). */
  perSample: number;
  /** Decode: per generated token, for sequence models. */
  perToken?: number;
  /** For `trainingTokens` tokens/samples, when asked. */
  training?: number;
  /** Cross-check for sequence models: 3·N·tokens MACs = 6·N·tokens FLOPs with N non-embedding params (Kaplan et al.). */
  trainingCheck?: number;
}

export interface StorageEstimate {
  /** Weights-only checkpoint bytes per format: fp32, bf16, fp16, int8, int4, nf4, gguf-q4_0, ... */
  checkpointBytes: Record<string, number>;
  /** Full training checkpoint: weights + optimizer state (+ master weights). */
  trainingCheckpointBytes: number;
  freeDiskBytes?: number;
  explain: Record<string, string>;
}

export interface TimeEstimate {
  deviceId: string;
  deviceName: string;
  /** Training step time in seconds (compute-bound at the stated utilisation). */
  trainStepSeconds?: number;
  /** Inference forward time for the batch in seconds. */
  inferenceSeconds?: number;
  /** Decode throughput for sequence models. */
  tokensPerSecond?: number;
  /** The whole run of `trainingTokens`, compute-bound, when asked. */
  trainingSeconds?: number;
  bound: 'compute' | 'memory';
  utilization: number;
  explain: string;
}

export type Verdict = 'fits' | 'fits-with-changes' | 'does-not-fit';

export interface Recommendation {
  /** Stable id: "bf16-mixed", "gradient-checkpointing", "adam-8bit", "batch", "lora", "qlora", "zero3", "int8", "int4", "cpu-offload". */
  id: string;
  title: string;
  /** Bytes saved on the device against the current plan. */
  savesBytes: number;
  /** Memory required after the change. */
  requiredBytes: number;
  /** What it costs: "≈33% more compute", "lower precision". */
  cost: string;
  /** Option changes that apply it (what the quick fix / panel button sets). */
  apply: Partial<Record<string, unknown>>;
  /** True when this change alone makes the workload fit the device. */
  fitsAlone: boolean;
}

export interface FitResult {
  /** Device name, e.g. "A100 80GB". */
  device: string;
  deviceId: string;
  local: boolean;
  verdict: Verdict;
  requiredBytes: number;
  availableBytes: number;
  /** Smallest number of such GPUs that fits, per sharding strategy (undefined: none does up to 1024). */
  minGpus: Partial<Record<string, number>>;
  /** Largest batch that fits with the current plan (0 = not even batch 1). */
  maxBatch: number;
  /** Longest sequence that fits at the current batch, for sequence models. */
  maxSeq?: number;
  recommendations: Recommendation[];
  /** One line: "needs 31.4 GB, has 24.0 GB (RTX 4090)". */
  reason: string;
  /** For multi-GPU plans: a DeepSpeed config or FSDP snippet that achieves it. */
  plan?: { strategy: string; gpus: number; deepspeedConfig?: unknown; fsdpSnippet?: string };
}
