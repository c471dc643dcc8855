/**
 * What the profiler panel needs from the rest of the extension. The analysis
 * service implements it; the panel never reaches into documents or settings itself.
 * Kept free of `vscode` types (a vscode.Event is a PanelEvent) so the panel's
 * session logic runs in plain unit tests.
 */
import type { DeviceSpec, HardwareProfile } from '../../core/hardware/types';
import type { ModelReport } from '../../core/report';
import type {
  ControlsPatch,
  CurveAxis,
  CurvePoint,
  DeviceChoice,
  ModelSummary,
  PanelControls,
} from '../../shared/protocol';

export interface PanelDisposable {
  dispose(): unknown;
}

/** The shape of vscode.Event<T>. */
export type PanelEvent<T> = (listener: (e: T) => unknown) => PanelDisposable;

/**
 * Why the data changed:
 * - document: a document with models was edited (after the service's own debounce);
 * - settings: a `modelProfiler.*` setting changed;
 * - activeEditor: another editor became active (the panel follows it);
 * - hardware: detection finished or the target list changed.
 */
export type PanelChangeKind = 'document' | 'settings' | 'activeEditor' | 'hardware';

export interface PanelChange {
  kind: PanelChangeKind;
}

export interface PanelDataSource {
  /** Models of the active editor and the other visible editors, active editor first. */
  listModels(): Promise<ModelSummary[]>;
  /**
   * The model the person is looking at: the one under the cursor in the active
   * editor; else `current` (the panel's selection) when it is a model of that editor's
   * document, so coming back to the document keeps the model picked in the panel; else
   * the document's first. Undefined when the active editor has none (for example while
   * the panel itself has focus): the panel then keeps its selection.
   */
  preferredModelId(current?: string): string | undefined;
  /**
   * Controls from the settings (and the model's `# profile:` comment) before the
   * panel's own changes. `modelId` is "" when no model is selected: settings only.
   */
  defaultControls(modelId: string): PanelControls;
  /** The report for a model with the given controls; undefined when the model is gone. */
  report(modelId: string, controls: PanelControls): Promise<ModelReport | undefined>;
  /**
   * Memory against batch size or sequence length for the what-if chart, computed
   * with the engine at the given controls (for example batch 1, 2, 4, … up to past
   * the largest that fits on the biggest device).
   */
  curve(modelId: string, controls: PanelControls, axis: CurveAxis): Promise<CurvePoint[]>;
  /** Devices to check: this machine's GPUs, its RAM (kind "cpu") and `controls.targetDevices`. */
  devices(controls: PanelControls): Promise<DeviceSpec[]>;
  /** Accelerators the target picker offers (the GPU catalog). */
  targetChoices(): DeviceChoice[];
  hardware(): HardwareProfile | undefined;
  /** URI (string) of the document that defines the model, for "reveal in editor". */
  documentUri(modelId: string): string | undefined;
  onDidChange: PanelEvent<PanelChange>;
}

/** Where the panel remembers each model's controls (the extension's workspaceState). */
export interface ControlsStore {
  get(modelId: string): ControlsPatch | undefined;
  set(modelId: string, patch: ControlsPatch | undefined): void | PromiseLike<void>;
}

