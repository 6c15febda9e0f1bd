import { GesError, HttpError, InterruptedError } from '../errors.js';
import type { CancelOutcome } from '../library/types.js';
import { mapConcurrent } from '../pool.js';
import { checkJobId } from '../validate.js';
import type { GesApi } from './api.js';
import { GES_ERRORS } from './constants.js';
import { hasEnded, type JobSummary } from './jobs.js';
import { POLL_PAGE, type PollOptions, waitOne } from './wait.js';

/** What became of one job (see its words in the library's types, which the CLI's JSON shares). */
export type { CancelOutcome } from '../library/types.js';

export interface CancelResult {
  graph: string;
  jobId: string;
  outcome: CancelOutcome;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  /** Extra words for the reader (an uncertain cancel). */
  note?: string;
  /**
   * already-finished: the job's status then (`success`, `failed`, ...), null when GES no longer
   * knows it. With --wait: the status it ended with.
   */
  jobStatus?: string | null;
  /** With --wait: whether the job was seen gone or ended before the deadline. */
  stopped?: boolean;
  /** The failure, for exit codes and hints; absent when nothing went wrong. */
  error?: GesError;
}

/** Turns one cancel's failure into a result; throws anything that is not a GesError. */
export function failedResult(graph: string, jobId: string, error: unknown): CancelResult {
  if (!(error instanceof GesError)) throw error;
  if (error instanceof InterruptedError) {
    const interrupted =
      error.attempts === 0
        ? error.retold('interrupted before the request was sent; the job was not cancelled')
        : error.retold(
            'interrupted after the request was sent; the job may or may not have been cancelled',
          );
    return {
      graph,
      jobId,
      outcome: interrupted.attempts === 0 ? 'not-sent' : 'unknown',
      ...interrupted.fields(),
      error: interrupted,
    };
  }
  const uncertain =
    error instanceof HttpError && error.errorCode === GES_ERRORS.cancelFailed && error.attempts > 1
      ? 'an earlier attempt got no answer or a retryable error, ' +
        'so that attempt may have cancelled the job; this answer cannot tell'
      : undefined;
  return {
    graph,
    jobId,
    outcome: 'failed',
    ...error.fields(),
    ...(uncertain ? { note: uncertain } : {}),
    error,
  };
}

export const SKIPPED_MESSAGE = 'the job list marks it canStop: false, so no cancel was sent';

/** A job the list marks canStop: false: reported, and nothing sent for it. */
export function skippedResult(graph: string, jobId: string): CancelResult {
  return {
    graph,
    jobId,
    outcome: 'skipped',
    httpStatus: null,
    errorCode: null,
    errorMessage: SKIPPED_MESSAGE,
    attempts: 0,
  };
}

/**
 * Cancelling every job of a list in some states (--all): the jobs GES marks canStop: false
 * become `skipped` results (nothing is sent for them), the others' IDs are to be cancelled.
 * A job the list showed as pending or running that GES.8303 refuses ended in between, so the
 * cancels go with ignoreFinished.
 */
export function stoppableJobs(
  graph: string,
  jobs: readonly JobSummary[],
  statuses: ReadonlySet<string>,
): { skipped: CancelResult[]; ids: string[] } {
  const skipped: CancelResult[] = [];
  const ids: string[] = [];
  for (const job of jobs) {
    if (!statuses.has(job.status)) continue;
    if (job.canStop !== false) ids.push(job.jobId);
    else skipped.push(skippedResult(graph, job.jobId));
  }
  return { skipped, ids };
}

export interface CancelJobsOptions {
  /** Requests in flight, at most. */
  concurrency: number;
  signal?: AbortSignal;
  /** GES.8303 counts as done: the job's status tells finished from unknown. */
  ignoreFinished?: boolean;
}

/** GES.8303 under --ignore-finished: read the job's status to say why it could not be cancelled. */
async function alreadyFinished(api: GesApi, failed: CancelResult): Promise<CancelResult> {
  const { graph, jobId } = failed;
  // `note` stays what it was: only the uncertainty of a retried cancel; jobStatus says the rest.
  const done = (jobStatus: string | null): CancelResult => {
    const { error: _error, ...rest } = failed;
    return { ...rest, outcome: 'already-finished', jobStatus };
  };
  try {
    const { status } = await api.jobStatus(graph, jobId, POLL_PAGE);
    if (hasEnded(status)) return done(status);
    // Still pending or running, yet GES refused: not "finished", and worth saying why it may be.
    const note =
      `GES refused the cancel (GES.8303) though the job is still ${status}: ` +
      `it may be ending right now, or be of a kind GES cannot cancel`;
    return { ...failed, jobStatus: status, note: [failed.note, note].filter(Boolean).join('; ') };
  } catch (error) {
    if (error instanceof HttpError && error.errorCode === GES_ERRORS.jobNotFound) return done(null);
    if (error instanceof InterruptedError) {
      const interrupted = error.retold(
        'interrupted while reading the status of a job GES refused to cancel (GES.8303)',
        failed.attempts,
      );
      return { ...failed, errorMessage: interrupted.message, error: interrupted };
    }
    return done(null);
  }
}

/** Cancels one job (see cancelJobs): a failed request is its result, never thrown. */
export async function cancelOne(
  api: GesApi,
  graph: string,
  jobId: string,
  options: CancelJobsOptions,
): Promise<CancelResult> {
  checkJobId(jobId);
  if (options.signal?.aborted)
    return failedResult(
      graph,
      jobId,
      new InterruptedError('interrupted', 0, false, String(options.signal.reason)),
    );
  try {
    const { result } = await api.cancelJob(graph, jobId);
    return {
      graph,
      jobId,
      outcome: 'cancelled',
      httpStatus: result.status,
      errorCode: null,
      errorMessage: null,
      attempts: result.attempts,
    };
  } catch (error) {
    const failed = failedResult(graph, jobId, error);
    return options.ignoreFinished && failed.errorCode === GES_ERRORS.cancelFailed
      ? alreadyFinished(api, failed)
      : failed;
  }
}

/**
 * Cancels each job (at most `concurrency` requests in flight), yielding each result as its
 * request ends, in that order. IDs are read from `jobIds` as slots free up, so a stream of IDs
 * is never held whole. Never throws for a job; an invalid ID (UsageError) stops the reading,
 * and is thrown once the requests under way have been yielded.
 */
export function cancelJobs(
  api: GesApi,
  graph: string,
  jobIds: Iterable<string> | AsyncIterable<string>,
  options: CancelJobsOptions,
): AsyncGenerator<CancelResult, void, undefined> {
  return mapConcurrent(jobIds, options, (jobId) => cancelOne(api, graph, jobId, options));
}

/**
 * Cancelled jobs waited for at once, at most: enough that waits do not hold back the cancels
 * behind them, few enough to bound memory.
 */
export const WAITING_MAX = 1024;

/** Cancels in flight; a poll waits until there are none (cancels go first on the connections). */
class CancelsFirst {
  private active = 0;
  private held: (() => void)[] = [];

  async run<T>(cancel: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await cancel();
    } finally {
      if (--this.active === 0) {
        const held = this.held;
        this.held = [];
        for (const release of held) release();
      }
    }
  }

  readonly beforePoll = (): Promise<void> | undefined =>
    this.active === 0 ? undefined : new Promise<void>((release) => this.held.push(release));
}

/**
 * --wait: cancels each job as cancelJobs does and waits until it is gone or has ended (or the
 * wait ends), yielding each result then, with `stopped` and `jobStatus` set. Polls wait while
 * cancels are in flight, so a batch is cancelled first and watched after, and a stream keeps
 * both going (the cancels pause once WAITING_MAX jobs are waited for). After a stop the polls
 * end at once and every result still comes out.
 */
export function cancelAndWait(
  api: GesApi,
  graph: string,
  jobIds: Iterable<string> | AsyncIterable<string>,
  options: CancelJobsOptions & PollOptions,
): AsyncGenerator<CancelResult, void, undefined> {
  const gate = new CancelsFirst();
  const cancelled = mapConcurrent(jobIds, options, (jobId) =>
    gate.run(() => cancelOne(api, graph, jobId, options)),
  );
  const polls: PollOptions = { ...options, beforePoll: gate.beforePoll };
  return mapConcurrent(cancelled, { concurrency: WAITING_MAX }, async (r) => {
    if (r.outcome !== 'cancelled') return r;
    const w = await waitOne(api, r.graph, r.jobId, { ...polls, goneIsSuccess: true });
    r.stopped = !w.error;
    r.jobStatus = w.end?.state === 'terminal' || w.end?.state === 'timeout' ? w.end.status : null;
    if (w.error)
      Object.assign(r, {
        error: w.error,
        errorMessage: `the cancel was accepted, but ${w.error.message}`,
      });
    return r;
  });
}
