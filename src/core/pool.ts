export interface PoolOptions {
  /** Items being worked on, plus results not yet taken by the consumer, at most. */
  concurrency: number;
  /** Once aborted, no more items are read; the items already started still yield results. */
  signal?: AbortSignal;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** One turn of the event loop: a source that answers at once has had its chance. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The state of one mapConcurrent run: what is read, running and finished. */
class Lanes<T, R> {
  readonly finished: R[] = [];
  active = 0;
  reading: Promise<void> | undefined;
  ended = false;
  failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private readonly iterator: Iterator<T> | AsyncIterator<T>;

  constructor(
    source: Source<T>,
    private readonly options: PoolOptions,
    private readonly worker: (item: T) => Promise<R>,
  ) {
    this.iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (source as Iterable<T>)[Symbol.iterator]();
  }

  get stopped(): boolean {
    return Boolean(this.options.signal?.aborted || this.failure);
  }

  /** Reads items while slots are free and the run goes on (one read under way at a time). */
  fill(): void {
    while (
      this.active + this.finished.length < this.options.concurrency &&
      !this.reading &&
      !this.ended &&
      !this.stopped
    )
      this.read();
  }

  /** Resolves at the next change: an item read, a result, a failure, an abort. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  notify = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  /** Stops the source (not awaited: a pending read would hold it until the source answers). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    Promise.resolve(this.iterator.return?.()).catch(() => {});
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  private read(): void {
    let next: IteratorResult<T> | Promise<IteratorResult<T>>;
    try {
      next = this.iterator.next();
    } catch (error) {
      this.readFailed(error);
      return;
    }
    // A source that has its next item at hand (an array of IDs) costs no promise.
    if (next instanceof Promise) this.reading = next.then(this.readDone, this.readFailed);
    else this.readDone(next);
  }

  private readonly readDone = (next: IteratorResult<T>): void => {
    this.reading = undefined;
    if (next.done) this.ended = true;
    else this.start(next.value);
    this.notify();
  };

  private readonly readFailed = (error: unknown): void => {
    this.reading = undefined;
    this.ended = true;
    this.fail(error);
  };

  private start(item: T): void {
    this.active++;
    let result: Promise<R>;
    try {
      result = this.worker(item);
    } catch (error) {
      // A worker that throws at once fails like one that rejects.
      result = Promise.reject(error);
    }
    result.then(this.workDone, this.workFailed);
  }

  private readonly workDone = (result: R): void => {
    this.active--;
    this.finished.push(result);
    this.notify();
  };

  private readonly workFailed = (error: unknown): void => {
    this.active--;
    this.fail(error);
  };
}

/**
 * Runs `worker` over the items of `source` with at most `concurrency` at once and yields each
 * result as it comes, in the order they end. The source is read only when a slot is free, and a
 * slot is freed only when its result has been taken: a slow consumer slows the reading, so
 * memory is bounded by `concurrency`, not by the number of items.
 *
 * When the source throws, or a worker does, nothing more is read: the items already started
 * are yielded, then the error is thrown. After `signal` aborts, the same, without an error.
 */
export async function* mapConcurrent<T, R>(
  source: Source<T>,
  options: PoolOptions,
  worker: (item: T) => Promise<R>,
): AsyncGenerator<R, void, undefined> {
  const lanes = new Lanes(source, options, worker);
  options.signal?.addEventListener('abort', lanes.notify);
  try {
    for (;;) {
      lanes.fill();
      if (lanes.finished.length > 0) {
        yield lanes.finished.shift()!;
        continue;
      }
      if (lanes.active > 0 || (lanes.reading && !lanes.stopped)) {
        await lanes.changed();
        continue;
      }
      if (!lanes.reading) break;
      // Stopped with a read under way: one turn for it, not a wait for a source that may never
      // answer (a terminal nobody types into).
      const reading = lanes.reading;
      await Promise.race([reading, nextTurn()]);
      if (lanes.reading === reading) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', lanes.notify);
    lanes.close();
  }
  if (lanes.failure) throw lanes.failure.error;
}
