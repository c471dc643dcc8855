/**
 * `model-profiler`: the engine on the command line. Same core as the extension, so the
 * JSON it prints is the contract the views and the tests check.
 */
import { dirname, resolve } from 'node:path';
import { analyzeDocument, documentKind } from './core/analyze';
import { fitSummaryLine } from './core/estimate';
import { findDevice } from './core/hardware/catalog';
import { devicesFor } from './core/hardware/devices';
import { formatHardwareText } from './core/hardware/hardwareText';
import type { DeviceSpec, HardwareProfile } from './core/hardware/types';
import type { FileReport } from './core/report';
import { probeHardware } from './node/hardware/probe';
import { createNodeSourceHost, readTextFile } from './node/sourceHost';
import { initParserFromDisk } from './node/wasm';
import { parseArgs, UsageError, USAGE, type CliArgs } from './cli/args';
import { renderFile } from './cli/text';

declare const PACKAGE_VERSION: string | undefined;

/** Files above this size are refused with a message rather than read (the engine has its own budgets too). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The JSON contract of DESIGN.md: `{ file, models: [...], findings }`, timings left out (they vary run to run). */
function toJson(report: FileReport): string {
  const { timings: _timings, ...contract } = report;
  return JSON.stringify(contract, null, 2) + '\n';
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

async function detect(args: CliArgs, workspace: string): Promise<HardwareProfile | undefined> {
  if (args.noDetect) return undefined;
  return probeHardware({ workspacePath: workspace, timeoutMs: 4000, unifiedMemoryShare: 0.75 });
}

function resolveDevices(args: CliArgs, profile: HardwareProfile | undefined): DeviceSpec[] {
  const unknown = args.devices.filter((d) => !findDevice(d));
  if (unknown.length > 0) throw new UsageError(`unknown device ${unknown.map((d) => `"${d}"`).join(', ')}; run "model-profiler hardware" or see the README's device list`);
  if (args.command === 'fits' && args.devices.length > 0) {
    return args.devices.map((d) => ({ ...findDevice(d)!, local: false }));
  }
  if (!profile) return args.devices.map((d) => ({ ...findDevice(d)!, local: false }));
  return devicesFor(profile, { targetDevices: args.devices, override: null, unifiedMemoryShare: 0.75 });
}

async function profileCommand(args: CliArgs): Promise<number> {
  const file = resolve(args.file!);
  const read = readTextFile(file, MAX_FILE_BYTES);
  if ('error' in read) throw new UsageError(`cannot read ${args.file}: ${read.error}`);
  const text = read.text;
  const workspace = dirname(file);
  const [profile] = await Promise.all([detect(args, workspace), initParserFromDisk()]);
  const devices = resolveDevices(args, profile);
  const report = analyzeDocument({
    file: toPosix(file),
    text,
    kind: documentKind(file),
    host: createNodeSourceHost({ workspaceFolders: [toPosix(workspace)], resolveInstalledPackages: true }),
    options: args.options,
    devices,
    freeDiskBytes: profile?.disk?.freeBytes,
    models: args.models,
    budgets: { timeMs: 10_000 },
  });
  if (args.models.length > 0 && report.models.length === 0) {
    throw new UsageError(`no model named ${args.models.map((m) => `"${m}"`).join(', ')} in ${args.file}`);
  }

  if (args.command === 'profile') {
    process.stdout.write(args.json ? toJson(report) : renderFile(report, args.depth));
    return 0;
  }
  // fits: one line per model; exit 0 only when every model fits some device.
  if (report.models.length === 0) {
    process.stdout.write(args.json ? toJson(report) : `No models found in ${args.file}.\n`);
    return 2;
  }
  const allFit = report.models.every((m) => m.fit.some((f) => f.verdict === 'fits'));
  if (args.json) process.stdout.write(toJson(report));
  else for (const m of report.models) process.stdout.write(fitSummaryLine(m) + '\n');
  return allFit ? 0 : 1;
}

async function hardwareCommand(args: CliArgs): Promise<number> {
  const profile = await probeHardware({ workspacePath: process.cwd(), timeoutMs: 5000, unifiedMemoryShare: 0.75 });
  const devices = devicesFor(profile, { targetDevices: args.devices, override: null, unifiedMemoryShare: 0.75 });
  process.stdout.write(args.json ? JSON.stringify({ hardware: profile, devices }, null, 2) + '\n' : formatHardwareText(profile, devices) + '\n');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`model-profiler: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    switch (args.command) {
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case 'version':
        process.stdout.write(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
        return 0;
      case 'hardware':
        return await hardwareCommand(args);
      default:
        return await profileCommand(args);
    }
  } catch (e) {
    // One line for people; the stack only when asked for.
    const message = e instanceof UsageError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
    process.stderr.write(`model-profiler: ${message}\n`);
    if (process.env.MODEL_PROFILER_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return 2;
  }
}

/** Run a command line and set the exit code; the `model-profiler` launcher calls this. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`model-profiler: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) void runCli(process.argv.slice(2));
