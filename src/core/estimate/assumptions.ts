/**
 * The conventions and figures a report's numbers rest on, in words, for people.
 * Only what applies to this model and these options is listed.
 */
import { formatExact } from '../format';
import { OPTIMIZER } from './optimizers';
import { CUBLAS_WORKSPACE_BYTES, CUDA_CONTEXT_EAGER_BYTES, CUDA_CONTEXT_LAZY_BYTES } from './overhead';
import type { Plan } from './plan';
import { gradientBytes } from './precision';

function mb(n: number): string {
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
}

export function assumptionsFor(plan: Plan): string[] {
  const o = plan.options;
  const f = plan.facts;
  const t = f.transformer;
  const row = plan.row;
  const list: string[] = [
    '1 MAC (multiply-accumulate) = 2 FLOPs; MACs and FLOPs are reported separately.',
    'Bytes: GB = 10^9 bytes, GiB = 2^30 bytes.',
    'Parameters count shared (tied) tensors once, as torch parameters() does; buffers are counted apart.',
  ];
  if (row.mixed) {
    list.push(
      `${row.label}: 16-bit weights and activations, an fp32 master copy of trainable weights (4 B), fp32 optimizer state; gradients ${gradientBytes(row, o) === 4 ? 'fp32 (torch.autocast), 18 B/param with Adam' : '16-bit (DeepSpeed ZeRO), 16 B/param with Adam (ZeRO §3.1)'}.`,
    );
  } else if (row.quantized) {
    list.push(
      `${row.label}: Linear weight matrices at ${row.matrixBytes.toFixed(3).replace(/\.?0+$/, '')} B each; embeddings, norms, biases and the output head stay 16-bit; compute in 16 bits.`,
    );
  } else {
    list.push(`${row.label}: weights, gradients, optimizer state and activations all ${row.otherBytes} B per element.`);
  }
  const opt = OPTIMIZER[o.optimizer];
  list.push(
    opt.factored
      ? 'Adafactor: factored second moment (a row and a column vector per matrix, fp32), no first moment; without parameter shapes a layer falls back to full-size state.'
      : `${opt.label}: ${opt.states} state${opt.states === 1 ? '' : 's'} per trainable parameter.`,
  );
  if (plan.lora) {
    list.push(
      `LoRA: rank ${o.loraRank} adapters r·(in+out) on ${plan.lora.adapted.length} Linear layers (${o.loraTargets.join(', ')}; "all-linear" excludes the output head); the base is frozen: no gradients or optimizer state.`,
    );
  }
  list.push(
    'Training activations: what autograd saves for backward, per layer; nothing before the first layer that trains.',
    'Backward ≈ 2 × forward MACs; a train step = forward + backward' + (o.gradientCheckpointing ? ' + one recomputed forward (gradient checkpointing, ≈33% more).' : '.'),
  );
  if (t) {
    list.push(
      `Transformer blocks: Korthikanti et al. 2022 (arXiv:2205.05198) activation formula per block, adapted to ${t.mlp === 'swiglu' ? 'SwiGLU' : t.mlp.toUpperCase()} and ${t.kvHeads < t.heads ? `grouped-query attention (${t.kvHeads} KV heads)` : 'multi-head attention'}; ${f.dropout ? 'dropout masks saved' : 'no dropout'}.`,
      `Attention kernel: ${plan.kernel}${o.attention === 'auto' ? ' (as the source does)' : ' (setting)'}; ${plan.kernel === 'flash' ? 'the s×s score matrix is never stored' : 'scores and probabilities are stored (s² per head)'}.`,
      'Causal attention: the masked half of Q·Kᵀ and A·V is counted in MACs, as dense kernels compute it.',
    );
    if (o.gradientCheckpointing) list.push('Gradient checkpointing: full recomputation keeps each block input (2sbh at 16 bits) plus one block recomputed during backward.');
    if (t.vocab) list.push('Logits: batch × seq × vocab in the compute dtype plus the fp32 log-softmax cross-entropy saves.');
    if (t.decoder) {
      list.push(
        `KV cache: 2 × layers × KV heads × head dim × tokens × batch × ${row.actBytes} B${t.slidingWindow ? `, tokens capped by the ${formatExact(t.slidingWindow)}-token sliding window` : ''}.`,
        'Decode: per token ≈ 2·N FLOPs over the Linear layers + 4·L·H·Q·T FLOPs of attention at context T (PaLM App. B).',
      );
    }
  } else if (o.gradientCheckpointing) {
    list.push('Gradient checkpointing: each top-level segment keeps its input; one segment is recomputed at a time.');
  }
  list.push(
    'Inference activations: the largest input + output pair of one layer (tensors kept alive across layers, such as residual streams, are not added).',
    `Overhead: CUDA context ${mb(CUDA_CONTEXT_LAZY_BYTES)} with lazy module loading (PyTorch default; ${mb(CUDA_CONTEXT_EAGER_BYTES)} eager, pytorch PR #86509) + cuBLAS workspace ${mb(CUBLAS_WORKSPACE_BYTES)}; none on CPU or Apple silicon.`,
    `Headroom: ${Math.round(o.headroom * 100)}% of device memory kept free for the caching allocator and fragmentation (the ZeRO paper, §3.2, reports out-of-memory with over 30% still free, from fragmentation).`,
  );
  if (o.gpuCount > 1 || o.sharding !== 'none') {
    list.push(`Batch ${o.batch} is per GPU (the micro-batch); ZeRO/FSDP per-GPU memory per the DeepSpeed docs, the largest block gathered for ZeRO-3/FSDP.`);
  }
  if (o.cpuOffload) list.push('CPU offload: optimizer state and fp32 master weights (and with ZeRO-3 the weights) live in host RAM; reported as hostBytes.');
  if (f.batch0 > 0 && (f.batch0 !== plan.batch || (f.seq0 !== undefined && f.seq0 !== plan.seq))) {
    list.push(
      `The graph was evaluated at batch ${f.batch0}${f.seq0 ? ` × seq ${formatExact(f.seq0)}` : ''}; other batches scale linearly${f.seq0 ? ', sequences linearly (attention scores quadratically)' : ''}.`,
    );
  }
  list.push(
    `Time: compute-bound at ${Math.round(o.utilization * 100)}% of the device's peak dense FLOP/s (utilization setting); decode and forward memory-bound at full datasheet bandwidth; the larger bound is reported.`,
    'Storage: NF4 4.127 bits/weight (QLoRA); GGUF bits per weight from the ggml block sizes (Q8_0 8.5, Q6_K 6.5625, Q5_K 5.5, Q4_K 4.5, Q4_0 4.5, Q3_K 3.4375, Q2_K 2.625); GGUF keeps 1-D tensors in F32.',
  );
  return list;
}
