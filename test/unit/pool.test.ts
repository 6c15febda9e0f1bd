import { describe, expect, it, vi } from 'vitest';
import { mapConcurrent } from '../../src/core/pool.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A worker whose calls wait until released one by one, recording how many ran at once. */
function gate() {
  const waiting: (() => void)[] = [];
  const state = { running: 0, max: 0 };
  const worker = async (n: number): Promise<number> => {
    state.running++;
    state.max = Math.max(state.max, state.running);
    await new Promise<void>((r) => waiting.push(r));
    state.running--;
    return n;
  };
  return { worker, state, release: () => waiting.shift()?.() };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('mapConcurrent', () => {
  it('yields each result as it ends, never more than `concurrency` at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const delays = [30, 5, 20, 1, 10, 2, 15, 3];
      let running = 0;
      let max = 0;
      const run = collect(
        mapConcurrent(delays.keys(), { concurrency: 3 }, async (i) => {
          running++;
          max = Math.max(max, running);
          await new Promise((r) => setTimeout(r, delays[i]));
          running--;
          return i;
        }),
      );
      await vi.runAllTimersAsync();
      // Three slots: 1 ends at 5, 3 at 6, 4 at 16, 5 at 18, 2 at 20, 7 at 23, 0 at 30, 6 at 33.
      expect(await run).toEqual([1, 3, 4, 5, 2, 7, 0, 6]);
      expect(max).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads only into a free slot; a slot frees when its result is taken', async () => {
    let read = 0;
    function* source() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const { worker, release } = gate();
    const results = mapConcurrent(source(), { concurrency: 4 }, worker);
    const first = results.next();
    await tick();
    expect(read).toBe(4);
    release();
    expect((await first).value).toBe(0);
    release();
    release();
    await tick();
    // Three results wait to be taken; the consumer has not asked: nothing more is read.
    expect(read).toBe(4);
    expect((await results.next()).value).toBe(1);
    await tick();
    // Taking them frees their slots: one read per slot.
    expect(read).toBe(5);
    expect((await results.next()).value).toBe(2);
    await tick();
    expect(read).toBe(6);
    await results.return(undefined);
  });

  it('a result comes out while the source is still waiting for its next item', async () => {
    let feed: ((v: IteratorResult<number>) => void) | undefined;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => {
        let n = 0;
        return {
          next: () =>
            n++ === 0
              ? Promise.resolve({ value: 1, done: false })
              : new Promise<IteratorResult<number>>((r) => (feed = r)),
        };
      },
    };
    const results = mapConcurrent(source, { concurrency: 2 }, async (x) => x * 10);
    expect(await results.next()).toEqual({ value: 10, done: false });
    const next = results.next();
    feed!({ value: undefined, done: true });
    expect(await next).toEqual({ value: undefined, done: true });
  });

  it('a source that throws: the items under way are yielded, then the error', async () => {
    async function* source() {
      yield 1;
      yield 2;
      throw new Error('bad line');
    }
    const seen: number[] = [];
    const run = async () => {
      for await (const x of mapConcurrent(source(), { concurrency: 4 }, async (x) => x))
        seen.push(x);
    };
    await expect(run()).rejects.toThrow('bad line');
    expect(seen.sort()).toEqual([1, 2]);
  });

  it('after an abort nothing more is read; the items started still come out', async () => {
    const abort = new AbortController();
    let read = 0;
    function* source() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield i;
      }
    }
    const out = await collect(
      mapConcurrent(source(), { concurrency: 2, signal: abort.signal }, async (x) => {
        if (x === 5) abort.abort('SIGINT');
        await tick();
        return x;
      }),
    );
    expect(read).toBeLessThanOrEqual(8);
    expect(out.length).toBe(read);
  });

  it('after an abort it does not wait for a source that never answers', async () => {
    const abort = new AbortController();
    const never: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
    };
    const run = collect(
      mapConcurrent(never, { concurrency: 2, signal: abort.signal }, async (x) => x),
    );
    await tick();
    abort.abort('SIGTERM');
    expect(await run).toEqual([]);
  });

  it('a worker that throws stops the reading and the error comes out', async () => {
    const run = collect(
      mapConcurrent([1, 2, 3], { concurrency: 1 }, (x) => {
        if (x === 2) throw new Error('bug');
        return Promise.resolve(x);
      }),
    );
    await expect(run).rejects.toThrow('bug');
  });
});
