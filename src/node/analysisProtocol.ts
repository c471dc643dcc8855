/**
 * Messages between the extension host and the analysis worker
 * (src/node/analysisWorker.ts, bundled as dist/analysisWorker.js). Everything is
 * plain data, copied by structured clone; the report is the engine's FileReport.
 */
import type { DocumentKind } from '../core/analyze';
import type { DeviceSpec } from '../core/hardware/types';
import type { EstimateOptions } from '../core/options';
import type { FileReport } from '../core/report';

/** How the worker reads imported files: the workspace folders (and installed packages), or no file system. */
export interface HostConfig {
  workspaceFolders: string[];
  resolveInstalledPackages: boolean;
}

/** One document to analyse. */
export interface AnalysisJob {
  /** Absolute path (forward slashes), or a URI string for documents not on disk. */
  file: string;
  text: string;
  kind: DocumentKind;
  options: EstimateOptions;
  devices: DeviceSpec[];
  freeDiskBytes?: number;
  /** Wall-time budget for evaluating the document (modelProfiler.analysis.timeBudgetMs). */
  timeBudgetMs: number;
  /** null: a document with no file system behind it (untitled, virtual): imports are not followed. */
  host: HostConfig | null;
  /** `# profile:` comments do not override `options` (the panel's controls already start from them). */
  ignoreProfileComments?: boolean;
}

export type ToWorker = { type: 'analyze'; id: number; job: AnalysisJob };

export type FromWorker =
  | { type: 'ready'; initMs: number }
  | { type: 'result'; id: number; report: FileReport; ms: number }
  | { type: 'error'; id: number; message: string };
