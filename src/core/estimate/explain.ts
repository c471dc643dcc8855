/**
 * One line per memory term, for tooltips, the panel and the CLI: what the number is made of.
 */
import { formatBytes, formatCount, formatExact } from '../format';
import type { DeviceKind } from '../hardware/types';
import type { TransformerInfo } from '../graph';
import type { Mode } from '../options';
import { LOSS_FP32_BYTES } from './activations';
import { clampHeadroom, gatheredUnitBytes, optimizerBytes } from './memory';
import { OPTIMIZER } from './optimizers';
import { OVERHEAD } from './overhead';
import type { Plan } from './plan';
import { gradientBytes } from './precision';
import { SHARDING_ROWS } from './sharding';
import { attendedTokens, mlpsPerToken } from './transformer';
import type { MemoryBreakdown } from './types';

function bytesEach(b: number): string {
  return `${Number.isInteger(b) ? b : b.toFixed(3)} B`;
}

function shardNote(plan: Plan, sharded: boolean): string {
  const n = Math.max(1, plan.options.gpuCount);
  return sharded && n > 1 ? `, ÷ ${n} GPUs (${SHARDING_ROWS[plan.options.sharding].label})` : '';
}

function weightsLine(plan: Plan, mode: Mode): string {
  const f = plan.facts;
  const row = plan.row;
  const total = f.params.total;
  const parts: string[] = [];
  if (row.quantized && f.quantizableParams > 0) {
    parts.push(`${formatCount(f.quantizableParams)} Linear weights × ${bytesEach(row.matrixBytes)} (${row.label})`);
    parts.push(`${formatCount(total - f.quantizableParams)} other params × ${bytesEach(row.otherBytes)} (16-bit: embeddings, norms, biases, head)`);
  } else {
    parts.push(`${formatCount(total)} params × ${bytesEach(row.otherBytes)} (${row.mixed ? '16-bit working copy' : row.label})`);
  }
  if (f.params.buffers > 0) parts.push(`${formatCount(f.params.buffers)} buffer elements × ${bytesEach(row.bufferBytes)}`);
  if (plan.lora) parts.push(`${formatCount(plan.lora.params)} LoRA adapter params × ${bytesEach(row.trainBytes)}`);
  let line = parts.join(' + ');
  const o = plan.options;
  const n = Math.max(1, o.gpuCount);
  if (mode === 'infer' && n > 1) line += `, layers split over ${n} GPUs`;
  if (mode === 'train' && SHARDING_ROWS[o.sharding].params) {
    line += o.cpuOffload
      ? `; parameters offloaded to CPU, one unit gathered at a time (${formatBytes(gatheredUnitBytes(plan))})`
      : `${shardNote(plan, true)} + the largest unit gathered (${formatBytes(gatheredUnitBytes(plan))})`;
  }
  return line;
}

/** The mixture-of-experts assumption of the activation count: which experts' MLPs each token keeps. */
function expertsLine(t: TransformerInfo): string | undefined {
  if (!t.experts || t.experts <= 1) return undefined;
  const k = t.expertsPerToken;
  if (t.denseExperts) {
    return `MoE: all ${t.experts} experts' MLP activations per token (the forward runs every expert on every token${k ? `; its top-${k} gates only weight the outputs` : ''})`;
  }
  const m = mlpsPerToken(t);
  return `MoE: ${m} of ${t.experts} experts per token (top-${m} routing): each keeps its MLP activations for the tokens routed to it`;
}

function activationsLine(plan: Plan, mode: Mode): string {
  const f = plan.facts;
  const t = f.transformer;
  const shape = plan.seq ? `batch ${plan.batch} × seq ${formatExact(plan.seq)}` : `batch ${plan.batch}`;
  const dtype = `${plan.row.actBytes} B elements`;
  if (mode === 'infer') {
    return `peak of live tensors at ${shape}, ${dtype}: the largest layer input + output${t ? ', transformer block working set' : ''}${t?.vocab ? ', final hidden states + logits' : ''}`;
  }
  if (plan.firstTrainable >= f.nodes.length) return 'nothing trains: autograd saves no activations';
  const parts = [`saved for backward at ${shape}, ${dtype}`];
  if (t) {
    parts.push(
      `${t.layers} blocks by Korthikanti et al. (${plan.kernel} attention${f.dropout ? ', dropout masks' : ''}${plan.options.gradientCheckpointing ? '; checkpointed: block inputs + one block recomputed' : ''})`,
    );
    const cross = t.crossAttentionLayers ?? 0;
    if (cross > 0) parts.push(`${cross} of them with a cross-attention too (the encoder output taken as long as the input)`);
    const moe = expertsLine(t);
    if (moe) parts.push(moe);
    if (t.vocab) parts.push(`logits ${plan.batch}×${formatExact(plan.seq ?? 0)}×${formatExact(t.vocab)} × (${plan.row.actBytes} + ${LOSS_FP32_BYTES} fp32 loss) B`);
  } else if (plan.options.gradientCheckpointing && f.segments.length > 1) {
    parts.push(`checkpointed: ${f.segments.length} segment inputs + one segment recomputed`);
  } else {
    parts.push('per layer from what autograd saves');
  }
  if (f.nodes.slice(1, plan.firstTrainable).some((n) => n.leaf)) parts.push('none before the first trainable layer');
  return parts.join('; ');
}

export function explainMemory(plan: Plan, mode: Mode, kind: DeviceKind, b: MemoryBreakdown): Record<string, string> {
  const o = plan.options;
  const sh = SHARDING_ROWS[o.sharding];
  const row = plan.row;
  const opt = OPTIMIZER[o.optimizer];
  const e: Record<string, string> = {};
  e.weightsBytes = weightsLine(plan, mode);
  e.activationsBytes = activationsLine(plan, mode);
  e.overheadBytes = OVERHEAD[kind].explain;
  const h = Math.round(clampHeadroom(o.headroom) * 100);
  e.fragmentationBytes = `${h}% of the device kept free for the caching allocator and fragmentation (headroom setting)`;
  if (mode === 'infer') {
    e.gradientsBytes = 'inference: no gradients';
    e.optimizerBytes = 'inference: no optimizer state';
    e.masterWeightsBytes = 'inference: no master weights';
    const t = plan.facts.transformer;
    e.kvCacheBytes =
      t?.decoder && plan.seq
        ? `2 × ${t.layers} layers × ${t.kvHeads} KV heads × ${t.headDim} head dim × ${formatExact(attendedTokens(t, plan.seq))} tokens × batch ${plan.batch} × ${row.actBytes} B${t.slidingWindow ? ` (sliding window ${formatExact(t.slidingWindow)})` : ''}${o.gpuCount > 1 ? `, ÷ ${o.gpuCount} GPUs` : ''}`
        : 'no KV cache: not a decoder';
    return e;
  }
  const who = plan.lora
    ? `${formatCount(plan.trainable)} LoRA adapter params (rank ${o.loraRank})`
    : `${formatCount(plan.trainable)} trainable params`;
  const gb = gradientBytes(row, o);
  e.gradientsBytes =
    `${who} × ${gb} B${row.mixed ? (gb === 4 ? ' (fp32 gradients, as torch.autocast keeps them)' : ' (16-bit gradients, as ZeRO keeps them)') : ''}` +
    (sh.gradients && o.cpuOffload ? '; partitions offloaded to CPU RAM' : shardNote(plan, sh.gradients)) +
    (sh.params && !plan.lora ? " + the gathered unit's gradients" : '') +
    (sh.bucketCopy ? ' + DDP gradient buckets (a second copy unless gradient_as_bucket_view=True)' : '');
  const stateBytes = opt.fixedStateBytes ?? row.stateBytes;
  const optFull = optimizerBytes(plan);
  e.optimizerBytes = opt.factored
    ? `${opt.label}: factored second moment, rows + columns of each matrix × 4 B (${formatBytes(optFull)} in all)`
    : opt.states === 0
      ? `${opt.label}: no state`
      : `${opt.label}: ${opt.states} state${opt.states > 1 ? 's' : ''} × ${stateBytes} B × ${who}`;
  e.optimizerBytes += o.cpuOffload ? '; offloaded to CPU RAM' : shardNote(plan, sh.optimizer);
  e.masterWeightsBytes =
    row.masterBytes > 0
      ? `fp32 master copy of ${who}${o.cpuOffload ? '; offloaded to CPU RAM' : shardNote(plan, sh.optimizer)}`
      : `none: ${row.label} updates the weights directly`;
  e.kvCacheBytes = 'training: no KV cache';
  if (b.hostBytes) {
    e.hostBytes = `CPU RAM for offload: optimizer state + fp32 master weights + fp32 gradients for the CPU step${sh.params ? ' + parameters' : ''}, all GPUs of one node (not part of the device total)`;
  }
  return e;
}
