/**
 * Time on a device: two bounds, and the larger one named.
 * - compute: FLOPs / (peak dense FLOP/s for the precision × utilization), the utilization a
 *   setting (default 40% model FLOPs utilization);
 * - memory bandwidth: bytes that must be read / datasheet bandwidth. A forward reads every
 *   weight once; decoding one token reads the weights and the whole KV cache once
 *   (EleutherAI "Transformer Math 101"), so tokens/s ≤ bandwidth / (weights + KV cache) × batch.
 * Full bandwidth is assumed, so decode speeds are upper bounds.
 */
import { formatBytes, formatDuration } from '../format';
import type { DeviceSpec } from '../hardware/types';
import type { Compute } from './compute';
import type { Plan } from './plan';
import { peakFor } from './precision';
import type { MemoryBreakdown, TimeEstimate } from './types';

export function timeEstimate(plan: Plan, compute: Compute, inference: MemoryBreakdown, device: DeviceSpec): TimeEstimate {
  const o = plan.options;
  const util = Math.min(1, Math.max(0.01, o.utilization));
  const peak = peakFor(plan.precision, device.peakTflops ?? {});
  const rate = peak ? peak.tflops * 1e12 * util : undefined;
  const bandwidth = device.bandwidthBytesPerSec && device.bandwidthBytesPerSec > 0 ? device.bandwidthBytesPerSec : undefined;
  const flops = compute.flops;
  const gpus = Math.max(1, o.gpuCount);
  const result: TimeEstimate = { deviceId: device.id, deviceName: device.name, bound: 'compute', utilization: util, explain: '' };
  const notes: string[] = [];

  if (rate) {
    result.trainStepSeconds = flops.trainStep / rate;
    notes.push(`${(util * 100).toFixed(0)}% of ${peak!.tflops} TFLOP/s ${peak!.key} dense peak`);
    if (flops.training !== undefined) result.trainingSeconds = flops.training / (rate * gpus);
  } else {
    notes.push('no peak FLOP/s figure for this device: compute time unknown');
  }

  const computeForward = rate ? flops.forward / rate : 0;
  const weightsRead = bandwidth ? inference.weightsBytes / bandwidth : 0;
  if (rate || bandwidth) {
    result.inferenceSeconds = Math.max(computeForward, weightsRead);
  }
  let memoryBound = weightsRead > computeForward;

  if (flops.perToken !== undefined && (rate || bandwidth)) {
    const read = inference.weightsBytes + inference.kvCacheBytes;
    const readTime = bandwidth ? read / bandwidth : 0;
    const mathTime = rate ? (flops.perToken * plan.batch) / rate : 0;
    const step = Math.max(readTime, mathTime);
    if (step > 0) result.tokensPerSecond = plan.batch / step;
    memoryBound = readTime > mathTime;
    if (bandwidth) notes.push(`decode reads ${formatBytes(read)} per token at ${formatBytes(bandwidth)}/s`);
  } else if (bandwidth) {
    notes.push(`a forward reads ${formatBytes(inference.weightsBytes)} of weights at ${formatBytes(bandwidth)}/s`);
  }

  result.bound = o.mode === 'train' ? 'compute' : memoryBound ? 'memory' : 'compute';
  const head =
    o.mode === 'train'
      ? result.trainStepSeconds !== undefined
        ? `train step ${formatDuration(result.trainStepSeconds)}, compute-bound`
        : 'train step time unknown'
      : result.tokensPerSecond !== undefined
        ? `decode ≈ ${result.tokensPerSecond.toFixed(result.tokensPerSecond >= 100 ? 0 : 1)} tokens/s, ${result.bound}-bound`
        : result.inferenceSeconds !== undefined
          ? `forward ${formatDuration(result.inferenceSeconds)}, ${result.bound}-bound`
          : 'inference time unknown';
  result.explain = `${head} (${notes.join('; ')})`;
  return result;
}
