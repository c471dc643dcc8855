/**
 * The estimation engine's public API: ModelGraph + options + devices -> ModelReport.
 * Pure and fast (one walk of the layer tree, then arithmetic), so views re-run it on every
 * control change. Formulas and sources: reference/estimation.md and each module's header.
 */
import type { DeviceKind, DeviceSpec } from '../hardware/types';
import type { ModelGraph } from '../graph';
import type { EstimateOptions } from '../options';
import type { ModelReport } from '../report';
import type { Finding } from '../source';
import { inferActivations, trainActivations } from './activations';
import { assumptionsFor } from './assumptions';
import { computeCounts } from './compute';
import { explainMemory } from './explain';
import { gatherFacts } from './facts';
import { fitDevice } from './fit';
import { layerRows } from './layers';
import { finalize, inferTerms, trainTerms } from './memory';
import { makePlan, type Plan } from './plan';
import { PRECISION } from './precision';
import { resolveOptions } from './resolveOptions';
import { storageEstimate } from './storage';
import { timeEstimate } from './time';

export { fitSummaryLine, memoryAtBatch } from './summary';

/** The options an estimate of this model runs with: settings overridden by its `# profile:` comment, checked. */
export function effectiveOptions(graph: ModelGraph, options: EstimateOptions): EstimateOptions {
  return resolveOptions(graph, options).options;
}

/** The device kind the report's own memory figures assume: the first local accelerator, else the first device, else a CUDA GPU. */
function primaryKind(devices: DeviceSpec[]): DeviceKind {
  const local = devices.find((d) => d.local && d.kind !== 'cpu') ?? devices.find((d) => d.local) ?? devices[0];
  return local?.kind ?? 'gpu';
}

function planFindings(plan: Plan): Finding[] {
  const o = plan.options;
  const out: Finding[] = [];
  const f = plan.facts;
  if (o.mode === 'train' && plan.loraForced) {
    out.push({
      severity: 'info',
      code: 'estimate/quantized-training',
      message: `${PRECISION[plan.precision].label} weights take no gradients: the training estimate trains LoRA adapters (rank ${o.loraRank}, ${o.loraTargets.join(', ')}) on the frozen base`,
    });
  }
  if (o.mode === 'train' && plan.lora && plan.lora.adapted.length === 0) {
    out.push({
      severity: 'warning',
      code: 'estimate/lora-no-targets',
      message: `LoRA targets ${o.loraTargets.join(', ')} match no Linear layer of ${f.graph.name}: nothing would train`,
    });
  }
  if (f.blocksMissing) {
    out.push({
      severity: 'info',
      code: 'estimate/transformer-blocks-not-found',
      message: `The ${f.transformer!.layers} transformer blocks were not found in the layer tree: their activations come from the per-block formula alone`,
    });
  }
  return out;
}

/** Turn a ModelGraph into the report every view renders. Never throws on odd counts: numbers are finite and >= 0. */
export function buildModelReport(
  graph: ModelGraph,
  options: EstimateOptions,
  devices: DeviceSpec[],
  extra?: { freeDiskBytes?: number },
): ModelReport {
  const { options: o, findings: optionFindings } = resolveOptions(graph, options);
  const facts = gatherFacts(graph);
  const plan = makePlan(facts, o);
  const kind = primaryKind(devices);
  const n = facts.nodes.length;

  const trainPerNode = new Float64Array(n);
  const inferPerNode = new Float64Array(n);
  const train = finalize(trainTerms(plan, kind, trainActivations(plan, trainPerNode)), o.headroom);
  train.explain = explainMemory(plan, 'train', kind, train);
  const inference = finalize(inferTerms(plan, kind, inferActivations(plan, inferPerNode)), o.headroom);
  inference.explain = explainMemory(plan, 'infer', kind, inference);

  const perNode = o.mode === 'train' ? trainPerNode : inferPerNode;
  const perLayerActivationBytes: Record<string, number> = {};
  let dominant = -1;
  for (let i = 0; i < n; i++) {
    const v = Math.round(perNode[i]!);
    if (v <= 0) continue;
    perLayerActivationBytes[facts.nodes[i]!.node.path] = (perLayerActivationBytes[facts.nodes[i]!.node.path] ?? 0) + v;
    if (dominant < 0 || perNode[i]! > perNode[dominant]!) dominant = i;
  }
  const activationTotal = (o.mode === 'train' ? train : inference).activationsBytes;

  const compute = computeCounts(plan);
  const shared = new Map<string, number>();
  const line = graph.nameRange.start.line + 1;
  const report: ModelReport = {
    id: `${graph.name}@${line}`,
    name: graph.name,
    kind: graph.kind,
    framework: graph.framework,
    line,
    range: graph.range,
    nameRange: graph.nameRange,
    options: o,
    params: { ...facts.params },
    layers: layerRows(facts, plan, o.mode, compute.perNodeMacs, perNode, activationTotal),
    macs: compute.macs,
    flops: compute.flops,
    memory: {
      train,
      inference,
      perLayerActivationBytes,
      dominantLayer: dominant >= 0 ? facts.nodes[dominant]!.node.path : '',
    },
    storage: storageEstimate(plan, extra?.freeDiskBytes),
    time: devices.map((d) => timeEstimate(plan, compute, inference, d)),
    fit: devices.map((d) => fitDevice(plan, d, shared)),
    assumptions: assumptionsFor(plan),
    findings: [...graph.findings, ...optionFindings, ...planFindings(plan)],
    partial: graph.partial,
  };
  if (graph.file) report.file = graph.file;
  if (graph.input) report.input = graph.input;
  if (graph.profile) report.profile = graph.profile;
  if (graph.transformer) report.transformer = graph.transformer;
  return report;
}
