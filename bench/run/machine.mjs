// The machine a benchmark ran on, recorded next to every figure.
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

function osName() {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch {
    // Not Linux, or no os-release.
  }
  return process.platform;
}

export function describeMachine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    arch: process.arch,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
  };
}

/** 1-minute load average: other work on the machine skews wall times, so it is recorded. */
export function load() {
  return Math.round(loadavg()[0] * 100) / 100;
}
