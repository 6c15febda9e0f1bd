import { GesError, HttpError, JobFailedError, WaitTimeoutError } from '../errors.js';
import { mapConcurrent } from '../pool.js';
import { sleep } from '../sleep.js';
import { checkJobId } from '../validate.js';
import type { GesApi } from './api.js';
import { GES_ERRORS } from './constants.js';
import { hasEnded, SUCCESS_STATUSES } from './jobs.js';

/** Polling: start at 0.5 s, grow by half each time, at most 5 s between polls. */
export const POLL_START_MS = 500;
export const POLL_MAX_MS = 5000;

/** A poll asks for the status only: one result row at most. */
export const POLL_PAGE = { offset: 0, limit: 1 } as const;

export function pollDelayMs(poll: number): number {
  return Math.min(POLL_MAX_MS, Math.round(POLL_START_MS * 1.5 ** poll));
}

export type WaitEnd =
  /**
   * The engine no longer knows the job (GES.8301, kept as `error`): a cancelled job may disappear.
   */
  | { state: 'gone'; error: HttpError; polls: number }
  | { state: 'terminal'; status: string; polls: number }
  /** The deadline passed; `status` is the last one seen. */
  | { state: 'timeout'; status: string | null; polls: number };

export interface PollOptions {
  /** Epoch ms after which waiting stops. */
  deadline: number;
  signal?: AbortSignal;
  now?: () => number;
  /** A fixed time between polls; without it, pollDelayMs's backoff. */
  intervalMs?: number;
  /** Called before each poll; a promise it returns holds the poll until it settles. */
  beforePoll?: () => Promise<void> | undefined;
}

/**
 * Polls a job's status until it is gone or has ended, or the deadline passes.
 * Errors other than GES.8301 (an HTTP error, no answer, an interruption) are thrown.
 */
export async function waitForJob(
  api: GesApi,
  graph: string,
  jobId: string,
  options: PollOptions,
): Promise<WaitEnd> {
  const now = options.now ?? Date.now;
  let last: string | null = null;
  for (let poll = 0; ; poll++) {
    const held = options.beforePoll?.();
    if (held) await held;
    try {
      last = (await api.jobStatus(graph, jobId, POLL_PAGE)).status;
      if (hasEnded(last)) return { state: 'terminal', status: last, polls: poll + 1 };
    } catch (error) {
      if (error instanceof HttpError && error.errorCode === GES_ERRORS.jobNotFound)
        return { state: 'gone', error, polls: poll + 1 };
      throw error;
    }
    const left = options.deadline - now();
    if (left <= 0) return { state: 'timeout', status: last, polls: poll + 1 };
    await sleep(Math.min(options.intervalMs ?? pollDelayMs(poll), left), options.signal);
  }
}

export interface WaitResult {
  graph: string;
  jobId: string;
  /** How the wait ended; absent when it could not be followed (see `error`). */
  end?: WaitEnd;
  /**
   * Why this job is not a success: it failed, is unknown, was still going, or could not be read.
   * Absent on success.
   */
  error?: GesError;
}

export interface WaitOneOptions extends PollOptions {
  /**
   * True: a job GES no longer knows counts as stopped (after a cancel); false: as unknown (job
   * wait).
   */
  goneIsSuccess?: boolean;
}

export interface WaitJobsOptions extends WaitOneOptions {
  /** Jobs polled at once. */
  concurrency: number;
}

/** Waits for one job; never throws a GesError (it is kept on the result). */
export async function waitOne(
  api: GesApi,
  graph: string,
  jobId: string,
  options: WaitOneOptions,
): Promise<WaitResult> {
  try {
    const end = await waitForJob(api, graph, jobId, options);
    return { graph, jobId, end, error: errorFor(end, jobId, options) };
  } catch (error) {
    if (!(error instanceof GesError)) throw error;
    return { graph, jobId, error };
  }
}

/**
 * Waits for each job (at most `concurrency` polled at once), yielding each result as its job
 * stops, in that order. IDs are read from `jobIds` as slots free up. Never throws for a job.
 */
export function waitJobs(
  api: GesApi,
  graph: string,
  jobIds: Iterable<string> | AsyncIterable<string>,
  options: WaitJobsOptions,
): AsyncGenerator<WaitResult, void, undefined> {
  return mapConcurrent(jobIds, options, (jobId) => waitOne(api, graph, checkJobId(jobId), options));
}

function errorFor(end: WaitEnd, jobId: string, options: WaitOneOptions): GesError | undefined {
  if (end.state === 'gone') return options.goneIsSuccess ? undefined : end.error;
  if (end.state === 'timeout')
    return new WaitTimeoutError(
      `the job was still ${end.status ?? 'running'} when the wait ran out`,
    );
  if ((SUCCESS_STATUSES as readonly string[]).includes(end.status) || options.goneIsSuccess)
    return undefined;
  return new JobFailedError(`job ${jobId} ended: ${end.status}`, end.status);
}
