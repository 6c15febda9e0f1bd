/**
 * At most `size` requests of a client on the wire at once, as many as its pool has connections;
 * the rest wait here, in order. undici would queue them itself, but inside each attempt's
 * deadline: a request that waited for a free connection longer than --connect-timeout failed as
 * if nothing answered at the address.
 */
export class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /**
   * Takes a slot: at once (undefined) when one is free, else a promise that resolves when one
   * is, or rejects when a signal aborts first.
   */
  take(signals: readonly (AbortSignal | undefined)[]): Promise<void> | undefined {
    if (this.busy < this.size) {
      this.busy++;
      return undefined;
    }
    const signal = AbortSignal.any(signals.filter((s) => s !== undefined));
    return new Promise((resolve, reject) => {
      const go = (): void => {
        signal.removeEventListener('abort', stop);
        this.busy++;
        resolve();
      };
      const stop = (): void => {
        this.waiting.splice(this.waiting.indexOf(go), 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      this.waiting.push(go);
      signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** Gives a slot back, to the request that has waited longest. */
  release(): void {
    this.busy--;
    this.waiting.shift()?.();
  }
}
