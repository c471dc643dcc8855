/**
 * Test helpers for the Python evaluator and the torch runtime: run source
 * through the interpreter or through evaluateModels with an in-memory
 * workspace, and read results back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateModels, type EvaluateContext } from '../../../src/core/frameworks/evaluate';
import { walkLayers, type LayerNode, type ModelGraph } from '../../../src/core/graph';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../../src/core/options';
import { PySession } from '../../../src/core/python/session';
import { show, type Value } from '../../../src/core/python/values';
import type { Finding } from '../../../src/core/source';
import { NO_FILES, type SourceHost } from '../../../src/core/sourceHost';
import { initParserFromDisk } from '../../../src/node/wasm';

export async function initEngine(): Promise<void> {
  await initParserFromDisk();
}

/** A workspace held in memory: absolute path -> content. */
export function memoryHost(files: Record<string, string>, importRoots: string[] = []): SourceHost {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  return {
    readFile: (p) => files[p],
    isFile: (p) => p in files,
    isDirectory: (p) => dirs.has(p),
    importRoots,
  };
}

export interface Evaluated {
  graphs: ModelGraph[];
  findings: Finding[];
  ms: number;
}

export function evaluate(
  source: string,
  opts: { options?: Partial<EstimateOptions>; host?: SourceHost; file?: string; budgets?: EvaluateContext['budgets'] } = {},
): Evaluated {
  const t0 = performance.now();
  const r = evaluateModels(source, {
    file: opts.file ?? '/ws/model.py',
    host: opts.host ?? NO_FILES,
    options: { ...DEFAULT_OPTIONS, ...opts.options },
    budgets: opts.budgets,
  });
  return { ...r, ms: performance.now() - t0 };
}

export function graphNamed(r: Evaluated, name: string): ModelGraph {
  const g = r.graphs.find((x) => x.name === name);
  if (!g) throw new Error(`no graph named ${name}; got ${r.graphs.map((x) => x.name).join(', ') || 'none'}; findings: ${JSON.stringify([...r.findings, ...r.graphs.flatMap((x) => x.findings)].map((f) => f.message))}`);
  return g;
}

export function layer(g: ModelGraph, path: string): LayerNode {
  for (const { node } of walkLayers(g.root)) if (node.path === path) return node;
  throw new Error(`no layer ${path} in ${g.name}`);
}

export function totalMacs(g: ModelGraph): number {
  let n = 0;
  for (const { node } of walkLayers(g.root)) n += node.macs;
  return n;
}

/** Saved-for-backward bytes at fp32 (4 bytes per compute element plus fixed-size tensors). */
export function savedBytesFp32(g: ModelGraph): number {
  let n = 0;
  for (const { node } of walkLayers(g.root)) n += node.savedElements * 4 + node.savedFixedBytes;
  return n;
}

/** Run source with the interpreter only (no model discovery); values shown as Python's str(). */
export function runPython(source: string, budgets = { steps: 1_000_000, depth: 100, timeMs: 5000 }): { vars: Map<string, Value>; str: (name: string) => string; findings: Finding[] } {
  const s = new PySession(budgets, new Map());
  s.begin('/ws/main.py', NO_FILES, budgets);
  const { module } = s.runMain('/ws/main.py', source);
  return {
    vars: module.dict,
    str: (name) => {
      const v = module.dict.get(name);
      if (!v) throw new Error(`${name} is not defined`);
      return show(v);
    },
    findings: s.interp.sink.findings,
  };
}

/** A Python model source kept next to the tests. */
export function modelSource(name: string): string {
  return readFileSync(join(__dirname, 'models', name), 'utf8');
}
