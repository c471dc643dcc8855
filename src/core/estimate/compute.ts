/**
 * Compute counts, in MACs and in FLOPs (1 MAC = 2 FLOPs), named separately everywhere.
 * - forward: the graph's MACs, scaled from the evaluated batch/sequence to the plan's
 *   (attention score matmuls quadratically in the sequence);
 * - backward ≈ 2 × forward (gradients for inputs and for weights);
 * - train step = forward + backward, + one more forward with gradient checkpointing;
 * - per generated token (decoders): the linear layers' in·out MACs (≈ N, so ≈ 2·N FLOPs)
 *   + attention 2·L·H·Q·T at context T (PaLM, arXiv:2204.02311 App. B);
 * - a training run of D tokens (or samples): train-step MACs per token × D; for sequence
 *   models the 6·N·D FLOPs rule (Kaplan et al., arXiv:2001.08361) with N non-embedding
 *   params is given beside it as a cross-check.
 */
import type { ComputeCounts } from './types';
import { scales, type Plan } from './plan';
import { attentionMacsPerToken } from './transformer';

export interface Compute {
  macs: ComputeCounts;
  flops: ComputeCounts;
  /** Own forward MACs per node at the plan's batch and sequence. */
  perNodeMacs: Float64Array;
}

function doubled(c: ComputeCounts): ComputeCounts {
  const out: ComputeCounts = {
    forward: 2 * c.forward,
    backward: 2 * c.backward,
    trainStep: 2 * c.trainStep,
    perSample: 2 * c.perSample,
  };
  if (c.perToken !== undefined) out.perToken = 2 * c.perToken;
  if (c.training !== undefined) out.training = 2 * c.training;
  if (c.trainingCheck !== undefined) out.trainingCheck = 2 * c.trainingCheck;
  return out;
}

export function computeCounts(plan: Plan): Compute {
  const f = plan.facts;
  const s = scales(plan);
  const perNodeMacs = new Float64Array(f.nodes.length);
  let forward = 0;
  for (const n of f.nodes) {
    perNodeMacs[n.index] = n.macs * s.batch * (n.seqPower === 2 ? s.seq * s.seq : s.seq);
    forward += perNodeMacs[n.index]!;
  }
  const backward = 2 * forward;
  const trainStep = forward + backward + (plan.options.gradientCheckpointing ? forward : 0);
  const macs: ComputeCounts = {
    forward,
    backward,
    trainStep,
    perSample: plan.batch > 0 ? forward / plan.batch : 0,
  };
  const t = f.transformer;
  const nonEmbedding = Math.max(0, f.params.total - f.embeddingParams);
  if (t?.decoder && plan.seq) {
    const linear = f.linearMacsPerToken > 0 ? f.linearMacsPerToken : nonEmbedding;
    macs.perToken = linear + attentionMacsPerToken(t, plan.seq);
  }
  const d = plan.options.trainingTokens;
  if (d > 0) {
    const units = plan.seq ? plan.batch * plan.seq : plan.batch;
    macs.training = units > 0 ? (trainStep / units) * d : 0;
    if (t && plan.seq) macs.trainingCheck = 3 * nonEmbedding * d;
  }
  return { macs, flops: doubled(macs), perNodeMacs };
}
