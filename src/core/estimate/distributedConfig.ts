/**
 * Ready-to-use multi-GPU settings for a plan: a DeepSpeed config (keys from the DeepSpeed
 * configuration docs: train_micro_batch_size_per_gpu, gradient_accumulation_steps, bf16/fp16,
 * zero_optimization.stage, offload_optimizer/offload_param) or a PyTorch FSDP snippet
 * (torch.distributed.fsdp: ShardingStrategy.FULL_SHARD, MixedPrecision, CPUOffload).
 */
import type { EstimateOptions } from '../options';
import { SHARDING_ROWS } from './sharding';
import type { FitResult } from './types';

export type MultiGpuPlan = NonNullable<FitResult['plan']>;

function precisionBlock(o: EstimateOptions): Record<string, unknown> {
  if (o.precision === 'bf16-mixed' || o.precision === 'bf16') return { bf16: { enabled: true } };
  if (o.precision === 'fp16-mixed' || o.precision === 'fp16') {
    return { fp16: { enabled: true, loss_scale: 0, initial_scale_power: 16 } };
  }
  return {};
}

export function deepspeedConfig(o: EstimateOptions, accumulation = 1): Record<string, unknown> {
  const stage = SHARDING_ROWS[o.sharding].deepspeedStage ?? 0;
  const zero: Record<string, unknown> = { stage, overlap_comm: true, contiguous_gradients: true };
  if (o.cpuOffload) {
    zero.offload_optimizer = { device: 'cpu', pin_memory: true };
    if (stage === 3) zero.offload_param = { device: 'cpu', pin_memory: true };
  }
  return {
    train_micro_batch_size_per_gpu: o.batch,
    gradient_accumulation_steps: accumulation,
    ...precisionBlock(o),
    zero_optimization: zero,
  };
}

export function fsdpSnippet(o: EstimateOptions): string {
  const dtype = o.precision.startsWith('bf16') ? 'torch.bfloat16' : o.precision.startsWith('fp16') ? 'torch.float16' : undefined;
  const lines = [
    'import torch',
    'from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, ShardingStrategy, MixedPrecision, CPUOffload',
    '',
    'model = FSDP(',
    '    model,',
    '    sharding_strategy=ShardingStrategy.FULL_SHARD,',
  ];
  if (dtype) lines.push(`    mixed_precision=MixedPrecision(param_dtype=${dtype}, reduce_dtype=${dtype}, buffer_dtype=${dtype}),`);
  if (o.cpuOffload) lines.push('    cpu_offload=CPUOffload(offload_params=True),');
  lines.push('    device_id=torch.cuda.current_device(),', ')');
  lines.push(`# launch: torchrun --nproc_per_node=${o.gpuCount} train.py  (micro-batch ${o.batch} per GPU)`);
  return lines.join('\n');
}

/** The settings that realise a multi-GPU or offload plan; undefined for single-GPU plans without offload. */
export function multiGpuPlan(o: EstimateOptions, accumulation = 1): MultiGpuPlan | undefined {
  if (o.mode !== 'train') return undefined;
  const sharded = o.sharding !== 'none' && o.sharding !== 'ddp';
  if (!sharded && !o.cpuOffload) return undefined;
  if (o.sharding === 'fsdp') return { strategy: 'fsdp', gpus: o.gpuCount, fsdpSnippet: fsdpSnippet(o) };
  return { strategy: o.sharding, gpus: o.gpuCount, deepspeedConfig: deepspeedConfig(o, accumulation) };
}
