/**
 * This machine's hardware for the panel: probed once, on first need, off the
 * activation path, and kept. The probe never rejects and has its own deadline, so
 * waiting for it is bounded.
 */
import type { HardwareProfile } from '../../core/hardware/types';
import { probeHardware } from '../../node/hardware/probe';

export interface HardwareSource {
  /** The profile, once detection finished. */
  current(): HardwareProfile | undefined;
  /** The profile, detecting it the first time. */
  ready(): Promise<HardwareProfile>;
}

export function localHardware(options: { workspacePath?: () => string | undefined; remote?: string; timeoutMs: () => number; unifiedMemoryShare: () => number }): HardwareSource {
  let profile: HardwareProfile | undefined;
  let detecting: Promise<HardwareProfile> | undefined;
  return {
    current: () => profile,
    ready() {
      detecting ??= probeHardware({
        workspacePath: options.workspacePath?.(),
        timeoutMs: options.timeoutMs(),
        remote: options.remote,
        unifiedMemoryShare: options.unifiedMemoryShare(),
      }).then((p) => (profile = p));
      return detecting;
    },
  };
}
