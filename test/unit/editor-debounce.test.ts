/** Debounced work per document (src/vscode/analysis/debounce.ts), with real timers. */
import { strict as assert } from 'node:assert';
import { KeyedDebouncer } from '../../src/vscode/analysis/debounce';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** For runs that must not fail. */
const unexpected = (e: unknown): void => assert.fail(`unexpected error: ${String(e)}`);

describe('keyed debouncer', () => {
  it('runs only the newest work once the calls pause', async () => {
    const runs: number[] = [];
    const d = new KeyedDebouncer<number>(unexpected);
    for (let i = 1; i <= 5; i++) {
      d.schedule('doc', 40, async () => {
        runs.push(i);
        return i;
      });
      await sleep(10);
    }
    assert.deepEqual(runs, []);
    assert.equal(await d.whenDone('doc'), 5);
    assert.deepEqual(runs, [5]);
    assert.equal(d.isPending('doc'), false);
    assert.equal(d.whenDone('doc'), undefined);
  });

  it('keeps keys apart', async () => {
    const d = new KeyedDebouncer<string>(unexpected);
    d.schedule('a', 10, async () => 'A');
    d.schedule('b', 10, async () => 'B');
    assert.deepEqual(await Promise.all([d.whenDone('a'), d.whenDone('b')]), ['A', 'B']);
  });

  it('lets a caller take a pending run over and hand its result to those waiting', async () => {
    let ran = false;
    const d = new KeyedDebouncer<string>(unexpected);
    d.schedule('doc', 30, async () => {
      ran = true;
      return 'debounced';
    });
    const waiting = d.whenDone('doc')!;
    const handOver = d.takeOver('doc');
    assert.ok(handOver);
    handOver('now');
    assert.equal(await waiting, 'now');
    await sleep(50);
    assert.equal(ran, false, 'the timer was cancelled');
    assert.equal(d.takeOver('doc'), undefined);
  });

  it('gives waiters undefined when the key is cancelled, and a failed run reports its error', async () => {
    const errors: unknown[] = [];
    const d = new KeyedDebouncer<string>((e) => errors.push(e));
    d.schedule('closed', 30, async () => 'never');
    const waiting = d.whenDone('closed')!;
    d.cancel('closed');
    assert.equal(await waiting, undefined);

    d.schedule('broken', 5, async () => {
      throw new Error('engine failed');
    });
    assert.equal(await d.whenDone('broken'), undefined);
    assert.equal((errors[0] as Error).message, 'engine failed');
  });

  it('carries waiters over when the key is scheduled again', async () => {
    const d = new KeyedDebouncer<number>(unexpected);
    d.schedule('doc', 20, async () => 1);
    const first = d.whenDone('doc')!;
    d.schedule('doc', 20, async () => 2);
    assert.equal(await first, 2);
  });
});
