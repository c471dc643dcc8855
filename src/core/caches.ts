/**
 * The engine keeps memos between analyses (parsed modules, evaluated imports, model
 * results keyed by the source they depend on). Each registers how to forget itself
 * here, so a host can start from a clean slate: the benchmark times uncached work
 * this way, and a host under memory pressure can let everything go.
 */

const clearers = new Set<() => void>();

/** Called once by each module that keeps a memo. */
export function registerCache(clear: () => void): void {
  clearers.add(clear);
}

/** Forget every memo. The next analysis does all the work again. */
export function clearEngineCaches(): void {
  for (const clear of clearers) clear();
}
