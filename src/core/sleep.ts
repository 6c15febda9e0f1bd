import { InterruptedError } from './errors.js';

/** Waits `ms`, or rejects with InterruptedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new InterruptedError('interrupted', 0, false, String(signal.reason)));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new InterruptedError('interrupted', 0, false, String(signal!.reason)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
