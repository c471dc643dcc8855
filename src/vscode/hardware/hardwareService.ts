/**
 * This machine's hardware for the editor: probed once, shortly after activation and
 * never inside activate(); cached; probed again only on "Refresh Hardware". Never per
 * keystroke. It is the DeviceProvider the analysis service asks for the devices to
 * check: the detected GPUs and RAM (or those declared in settings) plus the target
 * devices, merged by devicesFor.
 *
 * The probe runs where the extension host runs. In remote development (SSH, WSL,
 * containers) that is the remote machine, which is where the code will run;
 * vscode.env.remoteName is handed to the probe so the views can say so.
 */
import * as vscode from 'vscode';
import { devicesFor, type DeviceSettings } from '../../core/hardware/devices';
import type { DeviceSpec, HardwareProfile } from '../../core/hardware/types';
import type { ProbeOptions } from '../../node/hardware/probe';
import { effectiveProfile } from './declared';

/** The settings the service reads (a subset of the extension's settings reader). */
export interface HardwareSettings {
  devices: DeviceSettings;
  hardware: { probeTimeoutMs: number };
}

export type Probe = (options: ProbeOptions) => Promise<HardwareProfile>;

/** Settings whose change changes the device list (not the detection itself). */
const DEVICE_SETTINGS = ['modelProfiler.targetDevices', 'modelProfiler.hardware.override', 'modelProfiler.hardware.unifiedMemoryShare'];

/** Stands in for the machine until the first probe ends: no RAM, no GPU, so only declared and target devices count. */
const UNDETECTED: HardwareProfile = {
  platform: '',
  arch: '',
  cpu: { model: '', cores: 0 },
  ram: { totalBytes: 0, availableBytes: 0 },
  gpus: [],
  sources: [],
  notes: [],
  detectedAt: 0,
};

export class HardwareService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the devices change: detection finished, or the device settings changed. */
  readonly onDidChange: vscode.Event<void> = this.changed.event;
  private readonly probing = new vscode.EventEmitter<boolean>();
  /** Fires true when a probe starts and false when it ends (the status bar's spinner). */
  readonly onDidChangeProbing: vscode.Event<boolean> = this.probing.event;

  private detected: HardwareProfile | undefined;
  private inFlight: Promise<HardwareProfile> | undefined;
  private firstProbe: Promise<HardwareProfile> | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [this.changed, this.probing];

  constructor(
    private readonly settings: () => HardwareSettings,
    private readonly probe: Probe,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (DEVICE_SETTINGS.some((key) => e.affectsConfiguration(key))) this.changed.fire();
      }),
    );
  }

  /** Schedule the first probe after activation has returned (a timer, so activate() never waits on it). */
  start(delayMs = 0): void {
    if (this.startTimer || this.firstProbe) return;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      void this.ready();
    }, delayMs);
  }

  /** The first detection's result, starting it if it has not started. */
  ready(): Promise<HardwareProfile> {
    if (!this.firstProbe) {
      if (this.startTimer) clearTimeout(this.startTimer);
      this.startTimer = undefined;
      this.firstProbe = this.refresh();
    }
    return this.firstProbe;
  }

  /** True once a detection has finished. */
  get isReady(): boolean {
    return this.detected !== undefined;
  }

  /** True while a probe runs. */
  get isProbing(): boolean {
    return this.inFlight !== undefined;
  }

  /** What detection found (undefined before the first probe ends), without the settings' declarations. */
  get detectedProfile(): HardwareProfile | undefined {
    return this.detected;
  }

  /** The hardware the views describe: detected, with what settings declare in its place. */
  profile(): HardwareProfile | undefined {
    return this.detected ? effectiveProfile(this.detected, this.settings().devices) : undefined;
  }

  /** Probe again; a probe already running is shared rather than doubled. */
  refresh(): Promise<HardwareProfile> {
    if (this.inFlight) return this.inFlight;
    const started = Date.now();
    const settings = this.settings();
    const options: ProbeOptions = {
      timeoutMs: settings.hardware.probeTimeoutMs,
      unifiedMemoryShare: settings.devices.unifiedMemoryShare,
    };
    const workspace = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (workspace) options.workspacePath = workspace.uri.fsPath;
    if (vscode.env.remoteName) options.remote = vscode.env.remoteName;
    const run = this.probe(options).then(
      (profile) => profile,
      // The probe is written never to reject; should it, the editor still gets a profile.
      (e: unknown): HardwareProfile => ({ ...UNDETECTED, platform: process.platform, arch: process.arch, notes: [`Hardware detection failed: ${String(e)}`], detectedAt: Date.now() }),
    );
    this.inFlight = run.then((profile) => {
      this.detected = profile;
      this.inFlight = undefined;
      this.log.info(`Hardware detected in ${Date.now() - started} ms: ${profile.gpus.length} GPU(s) via ${profile.sources.join(', ') || 'no tool'}${profile.notes.length ? `; notes: ${profile.notes.join('; ')}` : ''}`);
      this.probing.fire(false);
      this.changed.fire();
      return profile;
    });
    this.probing.fire(true);
    return this.inFlight;
  }

  /**
   * The devices to check (DeviceProvider): this machine's GPUs and RAM, or those declared in
   * settings, then the target devices. Before the first probe ends, only declared and target
   * devices, so nothing is judged against an unknown machine.
   */
  devices(): DeviceSpec[] {
    const settings = this.settings().devices;
    if (this.detected) return devicesFor(this.detected, settings);
    return devicesFor(UNDETECTED, settings).filter((d) => d.memoryBytes > 0);
  }

  /** Free disk on the volume holding the workspace, when detected (the storage check). */
  freeDiskBytes(): number | undefined {
    return this.detected?.disk?.freeBytes;
  }

  dispose(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    for (const d of this.subscriptions) d.dispose();
  }
}
