/**
 * The plug-in point for frameworks. Each framework contributes Python modules
 * the interpreter can import (torch, keras, tensorflow, transformers) and a
 * discovery pass that turns the evaluated file into model graphs.
 *
 * evaluate.ts runs the passes in `order` (lower first) after the file has been
 * executed. A pass claims the values it turned into graphs so that later
 * passes skip them (a transformers model is not also a torch instance entry).
 */
import type { InputSpec, LayerNode, ModelGraph, ModelKind, ParamCounts, ProfileOverrides } from '../graph';
import type { EstimateOptions } from '../options';
import type { FunctionDef, Loc, Stmt } from '../python/ast';
import type { Interp } from '../python/interp';
import type { ParsedModule } from '../python/parseModule';
import type { ModuleFactory } from '../python/stdlib';
import type { ClassV, InstV, ModuleV, Value } from '../python/values';
import type { ModelCacheScope } from './modelCache';
import type { Finding } from '../source';
import type { SourceHost } from '../sourceHost';

/** Result of running one model's evaluation under a fresh budget. */
export interface Guarded<T> {
  result?: T;
  findings: Finding[];
  /** Some part could not be evaluated (a warning finding was raised, or a budget ran out). */
  partial: boolean;
}

export interface DiscoveryContext {
  interp: Interp;
  /** Absolute path of the analysed document. */
  file: string;
  text: string;
  /** The executed document (`__main__`). */
  main: ModuleV;
  ast: ParsedModule;
  options: EstimateOptions;
  host: SourceHost;
  /**
   * `# profile:` overrides for a model whose definition starts on `startLine` with its name
   * on `nameLine` (0-based): a comment on those lines, on the comment lines directly above,
   * or, for a statement that spans lines up to `endLine`, on any of its lines.
   */
  profileFor(startLine: number, nameLine: number, endLine?: number): ProfileOverrides | undefined;
  /** Mark a value as turned into a graph; later passes skip claimed values. */
  claim(v: Value): void;
  claimed(v: Value): boolean;
  /** Run one model's evaluation with a fresh step budget and its own findings. */
  guarded<T>(what: string, fn: () => T): Guarded<T>;
  /** False once the document's time budget is spent: remaining models are skipped. */
  timeLeft(): boolean;
  /** Convert a lowered-AST location to a SourceRange. */
  range(loc: Loc): ModelGraph['range'];
  /** Results of earlier analyses, for models whose source did not change (absent: evaluate everything). */
  modelCache?: ModelCacheScope;
  /** How many distinct files the analysis has asked the host about so far (a model that imports lazily is not cached). */
  hostQueries?(): number;
  /** Only these models are wanted (absent: all). A plug-in may skip the others, or still list them. */
  only?: Set<string>;
}

/** Top-level statements, and those inside a top-level `if`/`with`/`try` (the __main__ guard). */
export function topLevel(body: Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const s of body) {
    out.push(s);
    if (s.k === 'if') out.push(...s.body, ...s.orelse);
    else if (s.k === 'with' || s.k === 'try') out.push(...s.body);
  }
  return out;
}

/** A function callable without arguments (a builder entry). */
export function needsNoArgs(fn: FunctionDef): boolean {
  return fn.params.every((p) => p.kind === 'vararg' || p.kind === 'kwarg' || p.default !== undefined);
}

/** What a discovered entry is called, what kind it is and where it is written. */
export interface EntryPlace {
  name: string;
  kind: ModelKind;
  loc: Loc;
  nameLoc: Loc;
}

/** A model a discovery pass found: an existing instance, or how to make one. */
export interface ModelEntry extends EntryPlace {
  instance?: InstV;
  make?: () => Value;
  cls?: ClassV;
  /** Class entries whose __init__ needs arguments nobody supplied. */
  missing?: string[];
}

/** An info finding on a class entry left out for want of constructor arguments. */
export function missingArgumentsFinding(ctx: DiscoveryContext, e: ModelEntry): void {
  const needs = (e.missing ?? []).map((m) => `'${m}'`).join(', ');
  ctx.interp.finding('info', 'missing-arguments', `${e.name} is not profiled: its __init__ needs ${needs}. Instantiate it in this file (e.g. \`model = ${e.name}(...)\`) to profile it`, e.nameLoc);
}

/** The graph of one entry: its place, its layer tree and counts, and how its evaluation went. */
export function entryGraph(
  ctx: DiscoveryContext,
  e: EntryPlace,
  framework: ModelGraph['framework'],
  tree: { root: LayerNode; params: ParamCounts },
  run: { findings: Finding[]; partial: boolean },
  extra: { input?: InputSpec; profile?: ProfileOverrides },
): ModelGraph {
  const graph: ModelGraph = {
    name: e.name,
    kind: e.kind,
    framework,
    range: ctx.range(e.loc),
    nameRange: ctx.range(e.nameLoc),
    params: tree.params,
    root: tree.root,
    partial: run.partial,
    findings: run.findings,
  };
  if (extra.input) graph.input = extra.input;
  if (extra.profile) graph.profile = extra.profile;
  return graph;
}

export interface FrameworkPlugin {
  /** 'pytorch', 'keras', 'transformers'. */
  id: string;
  /** Lower runs first. torch runs at 100; run before it to claim values torch would also see. */
  order: number;
  /** Called before the document runs: start observing what the plugin needs (example calls ...). */
  prepare?(ctx: DiscoveryContext): void;
  /** Modules the interpreter resolves `import` statements to. */
  modules?(): Map<string, ModuleFactory>;
  /** Model graphs found in the executed document. */
  discover?(ctx: DiscoveryContext): ModelGraph[];
}

const plugins: FrameworkPlugin[] = [];
let version = 0;

/** Register a framework (idempotent per id: a later registration replaces an earlier one). */
export function registerFramework(p: FrameworkPlugin): void {
  const i = plugins.findIndex((x) => x.id === p.id);
  if (i >= 0) plugins.splice(i, 1, p);
  else plugins.push(p);
  plugins.sort((a, b) => a.order - b.order);
  version++;
}

export function registeredFrameworks(): readonly FrameworkPlugin[] {
  return plugins;
}

/** Changes whenever the set of plugins changes (the session rebuilds its module table). */
export function registryVersion(): number {
  return version;
}
