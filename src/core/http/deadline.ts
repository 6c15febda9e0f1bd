/**
 * Deadlines of the attempts in flight, all checked by one interval timer while there are any.
 * A timer per attempt would cost a batch of thousands of requests two timers each (one to
 * connect, one for the answer); here an attempt costs an entry in a set and a clock read.
 */

/**
 * A monotonic clock in milliseconds. Not performance.now(): its first use loads Node's timing
 * modules, a cost every start would pay for one clock.
 */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Something with a deadline: `expireAt` on the nowMs() clock. */
export interface Expiring {
  expireAt: number;
  expire(): void;
}

/** How often deadlines are checked: how late one may be noticed. */
export const DEADLINE_TICK_MS = 50;

const watched = new Set<Expiring>();
let ticker: NodeJS.Timeout | undefined;

function check(): void {
  if (watched.size === 0) {
    clearInterval(ticker);
    ticker = undefined;
    return;
  }
  const now = nowMs();
  for (const item of watched) {
    if (item.expireAt <= now) {
      watched.delete(item);
      item.expire();
    }
  }
}

/**
 * Calls `item.expire()` once its `expireAt` has passed, unless `unwatch` comes first. The
 * timer does not keep the process alive: a request in flight does (its socket).
 */
export function watch(item: Expiring): void {
  watched.add(item);
  if (!ticker) {
    ticker = setInterval(check, DEADLINE_TICK_MS);
    ticker.unref();
  }
}

export function unwatch(item: Expiring): void {
  watched.delete(item);
}
