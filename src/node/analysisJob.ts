/**
 * Runs one analysis job with the engine: the same code in the worker thread and in
 * the in-process fallback. Import roots are found once per host configuration
 * (finding virtual environments walks folders), then reused.
 */
import { analyzeDocument } from '../core/analyze';
import type { FileReport } from '../core/report';
import { NO_FILES, type SourceHost } from '../core/sourceHost';
import { DEFAULT_OPTIONS } from '../core/options';
import type { AnalysisJob, HostConfig } from './analysisProtocol';
import { createNodeSourceHost } from './sourceHost';
import { initParserFromDisk } from './wasm';

const hosts = new Map<string, SourceHost>();

function hostFor(config: HostConfig | null): SourceHost {
  if (!config) return NO_FILES;
  const key = JSON.stringify(config);
  let host = hosts.get(key);
  if (!host) {
    host = createNodeSourceHost(config);
    // A few configurations at most (one per workspace); keep the newest.
    if (hosts.size >= 4) hosts.delete(hosts.keys().next().value!);
    hosts.set(key, host);
  }
  return host;
}

export function runAnalysisJob(job: AnalysisJob): FileReport {
  return analyzeDocument({
    file: job.file,
    text: job.text,
    kind: job.kind,
    host: hostFor(job.host),
    options: job.options,
    devices: job.devices,
    freeDiskBytes: job.freeDiskBytes,
    budgets: { timeMs: job.timeBudgetMs },
    ignoreProfileComments: job.ignoreProfileComments,
  });
}

/** A small model the engine evaluates once at start, so the first real document is not also the JIT's first. */
const WARM_UP = `import torch
from torch import nn

class WarmUp(nn.Module):
    def __init__(self, width: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
                                 nn.Flatten(), nn.Linear(width * 8 * 8, 10))

    def forward(self, x):
        return self.net(x)

# profile: input=(3,8,8)
model = WarmUp()
`;

/** Load the parser (once) and run the engine on a small model. */
export async function prepareEngine(): Promise<void> {
  await initParserFromDisk();
  analyzeDocument({ file: '/warm-up.py', text: WARM_UP, kind: 'python', host: NO_FILES, options: DEFAULT_OPTIONS, devices: [] });
}
