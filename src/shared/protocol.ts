/**
 * Messages between the extension and the profiler panel (webview).
 *
 * Two discriminated unions on `type`: HostToWebview (trusted, made by the extension)
 * and WebviewToHost (untrusted: the host validates each one with
 * `validateWebviewMessage` from ./validate before use).
 *
 * Handshake: the webview posts `ready` once its script runs; the host answers `init`
 * with everything it needs. Until `ready` arrives the host queues nothing but the
 * latest state, so the panel is never blank and never shows stale data.
 *
 * This file is imported by both sides: pure types and constants only, no DOM, no vscode.
 */
import type {
  AttentionKernel,
  FineTuning,
  Mode,
  Optimizer,
  Precision,
  Sharding,
} from '../core/options';
import type { ModelReport } from '../core/report';
import type { DeviceSpec, HardwareProfile } from '../core/hardware/types';
import type { Framework, ModelKind } from '../core/graph';

/** Bumped when a message changes shape; the webview ignores an `init` of another version. */
export const PROTOCOL_VERSION = 1;

/** The panel's view type, shared by createWebviewPanel and the serializer. */
export const PANEL_VIEW_TYPE = 'modelProfiler.panel';

export const CHART_IDS = ['memory', 'whatif', 'formats'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export const EXPORT_FORMATS = ['markdown', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the what-if chart puts on its x axis. */
export const CURVE_AXES = ['batch', 'seq'] as const;
export type CurveAxis = (typeof CURVE_AXES)[number];

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/**
 * The live what-if controls, remembered per model. Names follow EstimateOptions
 * (src/core/options.ts) so the host can spread them into the engine's options.
 * `null` means "the model's own default" (sequence length, input shape).
 */
export interface PanelControls {
  mode: Mode;
  batch: number;
  seq: number | null;
  /** Input shape without the batch dimension, e.g. [3, 224, 224]. */
  input: number[] | null;
  precision: Precision;
  optimizer: Optimizer;
  gradientCheckpointing: boolean;
  attention: AttentionKernel;
  fineTuning: FineTuning;
  loraRank: number;
  sharding: Sharding;
  gpuCount: number;
  cpuOffload: boolean;
  /** LoRA target module names ("q_proj", "all-linear"). */
  loraTargets?: string[];
  /** Model FLOPs utilisation the time estimates assume, in percent (the engine's `utilization` × 100). */
  utilizationPercent?: number;
  /** Tokens (sequence models) or samples of a whole training run, for its FLOPs and time; 0: not asked. */
  trainingTokens?: number;
  /** Catalog ids of the accelerators to check besides this machine's. */
  targetDevices: string[];
  /** X axis of the what-if curve. */
  curveAxis: CurveAxis;
}

export type ControlsPatch = Partial<PanelControls>;

/** One entry of the model picker. */
export interface ModelSummary {
  /** Opaque id chosen by the host, stable while the model exists (e.g. document URI + name). */
  id: string;
  /** The class, function or variable name as written in the source. */
  name: string;
  kind: ModelKind;
  framework: Framework;
  /** 1-based line of the model's name. */
  line: number;
  /** File name for people (workspace-relative path). */
  file: string;
  /** Short figure for the picker, such as "124.4M params". */
  detail?: string;
}

/** A catalog accelerator the user may pick as a target. */
export interface DeviceChoice {
  id: string;
  name: string;
  memoryBytes: number;
}

/** One point of the what-if curve, computed by the engine on the host. */
export interface CurvePoint {
  /** Batch size or sequence length. */
  x: number;
  trainBytes: number;
  inferBytes: number;
}

export interface WhatIfCurve {
  axis: CurveAxis;
  points: CurvePoint[];
}

// ---------------------------------------------------------------- host -> webview

export interface InitMessage {
  type: 'init';
  protocolVersion: number;
  models: ModelSummary[];
  selectedModelId?: string;
  report?: ModelReport;
  curve?: WhatIfCurve;
  /** Effective controls of the selected model (settings merged with what was remembered). */
  controls?: PanelControls;
  /** Devices to check: local GPUs, this machine's RAM (kind "cpu") and the chosen targets. */
  devices: DeviceSpec[];
  /** Accelerators the target picker offers. */
  targetChoices: DeviceChoice[];
  hardware?: HardwareProfile;
  theme: ThemeKind;
  /** Shown instead of a report: "No models in the open editors", an analysis error. */
  emptyReason?: string;
}

/** A new report after re-estimation (controls, document or settings changed). */
export interface UpdateMessage {
  type: 'update';
  modelId: string;
  report: ModelReport;
  curve?: WhatIfCurve;
  controls: PanelControls;
  devices: DeviceSpec[];
}

/** The set of models changed (typing, another editor became active). */
export interface ModelsChangedMessage {
  type: 'modelsChanged';
  models: ModelSummary[];
  selectedModelId?: string;
  emptyReason?: string;
}

/** An estimate is running; the panel dims its numbers until the next update. */
export interface BusyMessage {
  type: 'busy';
  busy: boolean;
}

/** Something the person should read: "Saved memory.png", "Could not analyse ...". */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'error';
  message: string;
}

export type HostToWebview = InitMessage | UpdateMessage | ModelsChangedMessage | BusyMessage | NoticeMessage;

// ---------------------------------------------------------------- webview -> host

export interface ReadyMessage {
  type: 'ready';
}

export interface SelectModelMessage {
  type: 'selectModel';
  modelId: string;
}

export interface SetControlsMessage {
  type: 'setControls';
  modelId: string;
  controls: ControlsPatch;
}

/** Forget the remembered controls of a model: back to the settings. */
export interface ResetControlsMessage {
  type: 'resetControls';
  modelId: string;
}

/**
 * Show a layer (or a finding) in the editor. The host trusts none of it: it reveals
 * only lines of files that the current report names.
 */
export interface RevealLayerMessage {
  type: 'revealLayer';
  modelId: string;
  /** 1-based line. */
  line: number;
  /** Absolute path when the layer lives in another file than the model. */
  file?: string;
  /** Layer path ("transformer.h.0.attn"), when a table row asked. */
  layerPath?: string;
}

/** Apply a recommendation of the current report; the host looks the change up itself. */
export interface ApplyRecommendationMessage {
  type: 'applyRecommendation';
  modelId: string;
  deviceId: string;
  recommendationId: string;
}

export interface ExportMessage {
  type: 'export';
  modelId: string;
  format: ExportFormat;
}

export interface SavePngMessage {
  type: 'savePng';
  modelId: string;
  chartId: ChartId;
  /** `data:image/png;base64,...` from canvas.toDataURL. */
  dataUrl: string;
}

/** An error inside the webview, for the extension's log. */
export interface WebviewErrorMessage {
  type: 'error';
  message: string;
}

export type WebviewToHost =
  | ReadyMessage
  | SelectModelMessage
  | SetControlsMessage
  | ResetControlsMessage
  | RevealLayerMessage
  | ApplyRecommendationMessage
  | ExportMessage
  | SavePngMessage
  | WebviewErrorMessage;

export type WebviewMessageType = WebviewToHost['type'];

/**
 * Bounds of what the webview may send. Numbers outside a range are clamped to it
 * (the settings in package.json use the same bounds); strings and arrays beyond
 * their limit reject the message.
 */
export const LIMITS = {
  batch: { min: 1, max: 1_048_576 },
  seq: { min: 1, max: 10_485_760 },
  loraRank: { min: 1, max: 4096 },
  gpuCount: { min: 1, max: 4096 },
  utilizationPercent: { min: 1, max: 100 },
  /** Up to 10^15 tokens (far past today's largest runs), within exact doubles. */
  trainingTokens: { min: 0, max: 1e15 },
  loraTargets: 32,
  inputDim: { min: 1, max: 1_048_576 },
  inputRank: 8,
  line: { min: 1, max: 10_000_000 },
  targetDevices: 64,
  idLength: 1024,
  pathLength: 4096,
  shortStringLength: 256,
  errorMessageLength: 4000,
  /** A 4K-wide chart PNG stays far below this. */
  dataUrlLength: 24 * 1024 * 1024,
  /** Nesting, keys per object and values in all of one message (the data URL excepted). */
  depth: 6,
  keysPerObject: 32,
  totalValues: 512,
} as const;
