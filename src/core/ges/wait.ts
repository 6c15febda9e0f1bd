import { HttpError } from '../errors.js';
import { sleep } from '../sleep.js';
import type { GesApi } from './api.js';
import { GES_ERRORS, TERMINAL_STATUSES } from './constants.js';

/** Polling: start at 0.5 s, grow by half each time, at most 5 s between polls. */
export const POLL_START_MS = 500;
export const POLL_MAX_MS = 5000;

/** A poll asks for the status only: one result row at most. */
export const POLL_PAGE = { offset: 0, limit: 1 } as const;

export function pollDelayMs(poll: number): number {
  return Math.min(POLL_MAX_MS, Math.round(POLL_START_MS * 1.5 ** poll));
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export type WaitEnd =
  /** The engine no longer knows the job (GES.8301): a cancelled job disappears. */
  | { state: 'gone'; polls: number }
  | { state: 'terminal'; status: string; polls: number }
  /** The deadline passed; `status` is the last one seen. */
  | { state: 'timeout'; status: string | null; polls: number };

export interface WaitOptions {
  /** Epoch ms after which waiting stops. */
  deadline: number;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Polls a job's status until it is gone or terminal, or the deadline passes.
 * Errors other than GES.8301 (an HTTP error, no answer, Ctrl-C) are thrown.
 */
export async function waitForJob(api: GesApi, graph: string, jobId: string, options: WaitOptions): Promise<WaitEnd> {
  const now = options.now ?? Date.now;
  let last: string | null = null;
  for (let poll = 0; ; poll++) {
    try {
      last = (await api.jobStatus(graph, jobId, POLL_PAGE)).status;
      if (isTerminal(last)) return { state: 'terminal', status: last, polls: poll + 1 };
    } catch (error) {
      if (error instanceof HttpError && error.errorCode === GES_ERRORS.jobNotFound) return { state: 'gone', polls: poll + 1 };
      throw error;
    }
    const left = options.deadline - now();
    if (left <= 0) return { state: 'timeout', status: last, polls: poll + 1 };
    await sleep(Math.min(pollDelayMs(poll), left), options.signal);
  }
}
