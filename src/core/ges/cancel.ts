import { GesCliError, HttpError, InterruptedError, NetworkError, ResponseError, WaitTimeoutError } from '../errors.js';
import type { GesApi } from './api.js';
import { runPool } from '../pool.js';
import { GES_ERRORS } from './constants.js';
import { POLL_PAGE, isTerminal, waitForJob } from './wait.js';

export type CancelOutcome = 'cancelled' | 'already-finished' | 'failed' | 'dry-run';

export interface CancelResult {
  graph: string;
  jobId: string;
  outcome: CancelOutcome;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  /** Extra words for the reader (an uncertain cancel, an interruption). */
  note?: string;
  /** already-finished: the job's status then (`success`, `failed`, ...), null when GES no longer knows it. */
  jobStatus?: string | null;
  /** With --wait: whether the job was seen gone or terminal before the deadline. */
  stopped?: boolean;
  /** The failure, for exit codes and hints; absent on success. */
  error?: GesCliError;
}

/** Turns one cancel attempt's failure into a result; never throws. */
export function failedResult(graph: string, jobId: string, error: unknown): CancelResult {
  const base = { graph, jobId, outcome: 'failed' as const, errorCode: null, errorMessage: null };
  if (error instanceof HttpError) {
    const uncertain =
      error.errorCode === GES_ERRORS.cancelFailed && error.attempts > 1
        ? 'an earlier attempt got no answer or a retryable error, so that attempt may have cancelled the job; this answer cannot tell'
        : undefined;
    return {
      ...base,
      httpStatus: error.httpStatus,
      errorCode: error.errorCode,
      errorMessage: error.errorMessage ?? error.message,
      attempts: error.attempts,
      note: uncertain,
      error,
    };
  }
  if (error instanceof NetworkError || error instanceof ResponseError) {
    return {
      ...base,
      httpStatus: error instanceof ResponseError ? error.httpStatus : null,
      errorMessage: error.message,
      attempts: error.attempts,
      error,
    };
  }
  if (error instanceof InterruptedError) {
    return { ...base, httpStatus: null, errorMessage: error.message, attempts: 0, error };
  }
  throw error;
}

export interface CancelOptions {
  concurrency: number;
  signal?: AbortSignal;
  onResult?: (result: CancelResult) => void;
  /** GES.8303 counts as done: the job's status tells finished from unknown. */
  ignoreFinished?: boolean;
  /** After each cancel, wait until the job is gone or terminal, until this epoch-ms deadline. */
  waitDeadline?: number;
  now?: () => number;
}

/** GES.8303 under --ignore-finished: read the job's status to say why it could not be cancelled. */
async function alreadyFinished(api: GesApi, failed: CancelResult): Promise<CancelResult> {
  const { graph, jobId } = failed;
  const done = (jobStatus: string | null, why: string): CancelResult => {
    const { error: _error, ...rest } = failed;
    return { ...rest, outcome: 'already-finished', jobStatus, note: [failed.note, why].filter(Boolean).join('; ') };
  };
  try {
    const { status } = await api.jobStatus(graph, jobId, POLL_PAGE);
    if (isTerminal(status)) return done(status, `the job had already ended (${status})`);
    return failed; // still pending or running, yet GES refused: not "finished"
  } catch (error) {
    if (error instanceof HttpError && error.errorCode === GES_ERRORS.jobNotFound) {
      return done(null, 'GES no longer knows this job: it ended earlier, or the ID is wrong');
    }
    if (error instanceof InterruptedError) {
      const interrupted = new InterruptedError('interrupted while reading the status of a job GES refused to cancel (GES.8303)');
      return { ...failed, errorMessage: interrupted.message, error: interrupted };
    }
    return done(null, `its status could not be read (${(error as Error).message})`);
  }
}

/** --wait: follows a cancelled job until it is gone or terminal. */
async function waitAfterCancel(api: GesApi, result: CancelResult, options: CancelOptions): Promise<CancelResult> {
  const end = await waitForJob(api, result.graph, result.jobId, { deadline: options.waitDeadline!, signal: options.signal, now: options.now });
  if (end.state !== 'timeout') return { ...result, stopped: true, jobStatus: end.state === 'terminal' ? end.status : null };
  const error = new WaitTimeoutError(`the cancel was accepted, but the job was still ${end.status ?? 'running'} when the wait ran out`);
  return { ...result, stopped: false, jobStatus: end.status, errorMessage: error.message, error };
}

async function cancelOne(api: GesApi, graph: string, jobId: string, options: CancelOptions): Promise<CancelResult> {
  if (options.signal?.aborted) {
    return failedResult(graph, jobId, new InterruptedError('interrupted before the request was sent; the job was not cancelled'));
  }
  let result: CancelResult;
  try {
    const { result: answer } = await api.cancelJob(graph, jobId);
    result = { graph, jobId, outcome: 'cancelled', httpStatus: answer.status, errorCode: null, errorMessage: null, attempts: answer.attempts };
  } catch (error) {
    if (error instanceof InterruptedError) {
      return failedResult(graph, jobId, new InterruptedError('interrupted while the request was in flight; the job may or may not have been cancelled', true));
    }
    const failed = failedResult(graph, jobId, error);
    return options.ignoreFinished && failed.errorCode === GES_ERRORS.cancelFailed ? alreadyFinished(api, failed) : failed;
  }
  return options.waitDeadline === undefined ? result : waitAfterCancel(api, result, options);
}

/** Cancels each job (at most `concurrency` at once); one result per job, in input order. Never throws for a job. */
export function cancelJobs(api: GesApi, graph: string, jobIds: readonly string[], options: CancelOptions): Promise<CancelResult[]> {
  return runPool(jobIds, options.concurrency, async (jobId) => {
    let result: CancelResult;
    try {
      result = await cancelOne(api, graph, jobId, options);
    } catch (error) {
      // Only waiting after an accepted cancel throws: Ctrl-C, or a failing status query.
      if (!(error instanceof GesCliError)) throw error;
      const why = error instanceof InterruptedError ? 'interrupted' : `could not follow it: ${error.message}`;
      result = { ...failedResult(graph, jobId, error), outcome: 'cancelled', errorMessage: `the cancel was accepted; ${why}`, stopped: false };
    }
    options.onResult?.(result);
    return result;
  });
}
