/**
 * Model results kept between analyses, keyed by everything their evaluation can read:
 * the model's own source and the definitions it reaches (python/dependencies.ts),
 * every module-level statement, the `# profile:` comments, the files imported and the
 * options that shape the trace. After a keystroke inside one class, only the models
 * that reach that class are evaluated again.
 *
 * Graphs are shared between reports: consumers treat them as read-only (the
 * estimation does).
 */
import { registerCache } from '../caches';
import type { ModelGraph } from '../graph';
import type { EstimateOptions } from '../options';
import type { Loc, Stmt } from '../python/ast';
import { clearDependencyMemo, strongHash, TopLevelIndex } from '../python/dependencies';

/** What one model entry came to: its graph, or nothing (not a model, or not profiled for want of arguments). */
export interface CachedModel {
  graph?: ModelGraph;
  /** The entry was skipped with a finding that names the missing arguments. */
  notProfiled?: boolean;
  /** A helper profiled at another model's call: the key of that model's result. */
  helperOf?: string;
}

/** Entries kept, over all documents (least recently used go first). */
const LIMIT = 512;
/** Layer nodes kept over all graphs: a 7B-parameter transformer is about a thousand; this bounds the memory held. */
const LAYER_LIMIT = 100_000;
const store = new Map<string, CachedModel>();
const layersOf = new Map<string, number>();
let layersKept = 0;

function forget(key: string): void {
  if (!store.delete(key)) return;
  layersKept -= layersOf.get(key) ?? 0;
  layersOf.delete(key);
}

function countLayers(graph: ModelGraph | undefined): number {
  if (!graph) return 0;
  let n = 0;
  const stack = [graph.root];
  while (stack.length) {
    const node = stack.pop()!;
    n++;
    for (const c of node.children) stack.push(c);
  }
  return n;
}

/**
 * Keys kept per model (file, kind, name): typing inside a model makes a new key at every
 * keystroke; the newest two are worth keeping (the current text and the one before, for undo).
 */
const VERSIONS_PER_MODEL = 2;
const versions = new Map<string, string[]>();

registerCache(() => {
  store.clear();
  layersOf.clear();
  layersKept = 0;
  versions.clear();
  clearDependencyMemo();
});

/** The estimate options that reach evaluation (shapes depend on batch, seq and input). */
function evaluationOptions(o: EstimateOptions): string {
  return JSON.stringify([o.batch, o.seq ?? null, o.input ?? null]);
}

/** One analysis' view of the store. */
export class ModelCacheScope {
  private index?: TopLevelIndex;
  private readonly prefix: string;
  /** Which model each key of this analysis belongs to. */
  private readonly models = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly body: Stmt[],
    options: EstimateOptions,
    /** Everything else the document's evaluation read (profile comments, imported files), as text. */
    context: string,
  ) {
    this.prefix = `${file}\n${evaluationOptions(options)}\n${strongHash(context)}`;
  }

  /**
   * The key of one model entry: `what` names it (kind and name), `loc` is where it is
   * written, inside some top-level statement. `reverseOf`: the entry takes its arguments
   * from an instantiation of this class elsewhere.
   */
  keyFor(what: string, loc: Loc, reverseOf?: string): string | undefined {
    this.index ??= new TopLevelIndex(this.text, this.body);
    const st = this.index.statementAt(loc.sl, loc.sc);
    if (!st) return undefined;
    const key = `${this.prefix}\n${what}@${loc.sl}:${loc.sc}:${loc.el}:${loc.ec}\n${this.index.keyOf(st, reverseOf)}`;
    this.models.set(key, `${this.file}\n${what}`);
    return key;
  }

  has(key: string): boolean {
    return store.has(key);
  }

  get(key: string): CachedModel | undefined {
    const hit = store.get(key);
    if (hit) {
      store.delete(key);
      store.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedModel): void {
    // A result cut short by a budget depends on the machine's load, not on the source.
    if (value.graph?.findings.some((f) => f.code.startsWith('budget'))) return;
    forget(key);
    const layers = countLayers(value.graph);
    store.set(key, value);
    layersOf.set(key, layers);
    layersKept += layers;
    const model = this.models.get(key);
    if (model !== undefined) {
      const list = (versions.get(model) ?? []).filter((k) => k !== key);
      list.push(key);
      while (list.length > VERSIONS_PER_MODEL) forget(list.shift()!);
      versions.set(model, list);
    }
    while (store.size > 1 && (store.size > LIMIT || layersKept > LAYER_LIMIT)) forget(store.keys().next().value as string);
  }
}
