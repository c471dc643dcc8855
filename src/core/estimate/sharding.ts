/**
 * Multi-GPU training strategies: what each one partitions over the N data-parallel GPUs.
 * ZeRO stages after Rajbhandari et al. 2020 (arXiv:1910.02054 §5, Figure 1): stage 1
 * partitions optimizer state (with the fp32 master copy), stage 2 also gradients, stage 3
 * also parameters. FSDP full shard partitions like stage 3 (PyTorch FSDP docs).
 * torch DDP keeps its gradient buckets as a second copy of the gradients unless
 * `gradient_as_bucket_view=True` (torch.nn.parallel.DistributedDataParallel docs).
 */
import type { Sharding } from '../options';

export interface ShardingRow {
  label: string;
  optimizer: boolean;
  gradients: boolean;
  params: boolean;
  /** DDP's gradient buckets: one more copy of the gradients. */
  bucketCopy: boolean;
  /** DeepSpeed zero_optimization.stage, for the config a plan emits. */
  deepspeedStage?: 0 | 1 | 2 | 3;
}

export const SHARDING_ROWS: Record<Sharding, ShardingRow> = {
  none: { label: 'one GPU', optimizer: false, gradients: false, params: false, bucketCopy: false },
  ddp: { label: 'DDP', optimizer: false, gradients: false, params: false, bucketCopy: true },
  zero1: { label: 'ZeRO-1', optimizer: true, gradients: false, params: false, bucketCopy: false, deepspeedStage: 1 },
  zero2: { label: 'ZeRO-2', optimizer: true, gradients: true, params: false, bucketCopy: false, deepspeedStage: 2 },
  zero3: { label: 'ZeRO-3', optimizer: true, gradients: true, params: true, bucketCopy: false, deepspeedStage: 3 },
  fsdp: { label: 'FSDP full shard', optimizer: true, gradients: true, params: true, bucketCopy: false },
};

/** Strategies the fit reports a minimum GPU count for. */
export const MULTI_GPU: Sharding[] = ['ddp', 'zero1', 'zero2', 'zero3', 'fsdp'];
