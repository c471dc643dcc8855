/**
 * The one report type every view renders (hover, CodeLens, diagnostics, panel,
 * CLI). One per model. It is plain serialisable data: the CLI prints it as JSON,
 * the panel receives it over the webview protocol.
 */
import type { ModelKind, Framework, InputSpec, ParamCounts, ProfileOverrides, Shape, TransformerInfo } from './graph';
import type { EstimateOptions } from './options';
import type { Finding, SourceRange } from './source';
import type {
  ComputeCounts,
  FitResult,
  MemoryEstimate,
  StorageEstimate,
  TimeEstimate,
} from './estimate/types';

/** A flattened row of the layer tree, depth-first, parents before children. */
export interface LayerRow {
  path: string;
  /** Last segment of the path ("0", "conv1"), or the model name for the root. */
  name: string;
  type: string;
  depth: number;
  /** 1-based line in `file` (or the analysed file), for "reveal in editor". */
  line?: number;
  file?: string;
  outputShape?: Shape[];
  /** Parameters in this subtree (shared tensors once). */
  params: number;
  /** Parameters registered directly on this layer. */
  ownParams: number;
  trainable: boolean;
  buffers: number;
  /** Forward MACs of this subtree at the requested batch. */
  macs: number;
  /** Activation bytes this subtree keeps for backward (train) at the requested options. */
  activationBytes: number;
  /** Share of the model's total activation memory, 0..1. */
  activationShare: number;
  /** Share of the model's total params, 0..1. */
  paramShare: number;
  hasChildren: boolean;
  functional?: boolean;
  note?: string;
}

export interface ModelReport {
  /** Stable id within a file: `${name}@${line}`. */
  id: string;
  name: string;
  kind: ModelKind;
  framework: Framework;
  /** 1-based line of the model's name. */
  line: number;
  range: SourceRange;
  nameRange: SourceRange;
  file?: string;

  options: EstimateOptions;
  /** The model's `# profile:` comment, when one applies: its values and where it is (commands rewrite it). */
  profile?: ProfileOverrides;
  input?: InputSpec;
  transformer?: TransformerInfo;

  params: ParamCounts;
  layers: LayerRow[];
  macs: ComputeCounts;
  flops: ComputeCounts;
  memory: MemoryEstimate;
  storage: StorageEstimate;
  time: TimeEstimate[];
  fit: FitResult[];

  /** Conventions and assumptions the numbers rest on, for people. */
  assumptions: string[];
  findings: Finding[];
  partial: boolean;
}

/** The result of analysing one file. */
export interface FileReport {
  file: string;
  models: ModelReport[];
  /** Findings not tied to one model (syntax errors, budget exhaustion, unreadable input). */
  findings: Finding[];
  /** Milliseconds spent, by stage, for the benchmark and the status bar tooltip. */
  timings?: { parseMs: number; evaluateMs: number; estimateMs: number };
}
