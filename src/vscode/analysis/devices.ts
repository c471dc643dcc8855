/**
 * Where the analysis gets the devices the fit verdict is computed for.
 *
 * The hardware service (GPU probe, status bar) implements DeviceProvider and hands
 * itself to `AnalysisService.setDeviceProvider`. Until it does, the default below
 * checks this machine's RAM (read from the OS, no probe) and the target devices of
 * the settings, so every view has a verdict from the first analysis on.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { devicesFor, type DeviceSettings } from '../../core/hardware/devices';
import type { DeviceSpec, HardwareProfile } from '../../core/hardware/types';

export interface DeviceProvider {
  /** Devices to check, this machine's first; cheap (cached), called on every analysis. */
  devices(): DeviceSpec[];
  /** Fires when the list changes (probe finished, targets or override changed). */
  readonly onDidChange: vscode.Event<void>;
  /** Free disk on the volume that holds the workspace, when known (storage fit). */
  freeDiskBytes?(): number | undefined;
}

/** This machine as far as the OS says without probing: no GPUs, its RAM. */
export function unprobedProfile(): HardwareProfile {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    arch: os.arch(),
    cpu: { model: cpus[0]?.model?.trim() || 'unknown CPU', cores: cpus.length },
    ram: { totalBytes: os.totalmem(), availableBytes: os.freemem() },
    gpus: [],
    sources: ['os'],
    notes: ['GPUs have not been detected yet'],
    detectedAt: Date.now(),
  };
}

/**
 * The catalog targets of the settings plus this machine's RAM; no GPU detection.
 * Its list depends only on settings, whose changes the analysis service already
 * follows, so `onDidChange` never fires.
 */
export class DefaultDeviceProvider implements DeviceProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private cached: { key: string; devices: DeviceSpec[] } | undefined;
  private readonly profile = unprobedProfile();

  constructor(private readonly settings: () => DeviceSettings) {}

  devices(): DeviceSpec[] {
    const settings = this.settings();
    const key = JSON.stringify(settings);
    if (this.cached?.key !== key) this.cached = { key, devices: devicesFor(this.profile, settings) };
    return this.cached.devices;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
