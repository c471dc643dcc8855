/**
 * Debounced work per key (one key per document): every `schedule` restarts the key's
 * timer, so the work runs once the calls pause. Callers can wait for the result of
 * the pending run (`whenDone`), or take the pending run over and do the work at once
 * (`takeOver`, when a person asks and should not wait for the pause).
 *
 * No `vscode` here, so it is unit-tested with real timers.
 */

interface Pending<T> {
  timer: ReturnType<typeof setTimeout>;
  waiters: Array<(result: T | undefined) => void>;
  work: () => Promise<T | undefined>;
}

export class KeyedDebouncer<T> {
  private readonly pending = new Map<string, Pending<T>>();

  constructor(private readonly onError: (e: unknown) => void) {}

  /** Run `work` after `delayMs` unless the key is scheduled again first (then only the newest work runs). */
  schedule(key: string, delayMs: number, work: () => Promise<T | undefined>): void {
    const old = this.pending.get(key);
    if (old) clearTimeout(old.timer);
    const entry: Pending<T> = { waiters: old?.waiters ?? [], work, timer: setTimeout(() => void this.run(key, entry), delayMs) };
    this.pending.set(key, entry);
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  /** The result of the key's pending run; undefined when none is pending. */
  whenDone(key: string): Promise<T | undefined> | undefined {
    const entry = this.pending.get(key);
    if (!entry) return undefined;
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /**
   * Cancel the key's timer and return a function that hands a result to those waiting
   * for it: the caller does the work itself, now. Undefined when nothing was pending.
   */
  takeOver(key: string): ((result: T | undefined) => void) | undefined {
    const entry = this.pending.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(key);
    return (result) => entry.waiters.forEach((w) => w(result));
  }

  /** Drop the key's pending run; those waiting get undefined. */
  cancel(key: string): void {
    this.takeOver(key)?.(undefined);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }

  private async run(key: string, entry: Pending<T>): Promise<void> {
    if (this.pending.get(key) === entry) this.pending.delete(key);
    let result: T | undefined;
    try {
      result = await entry.work();
    } catch (e) {
      this.onError(e);
    }
    for (const w of entry.waiters) w(result);
  }
}
