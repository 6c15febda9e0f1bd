import { GesCliError, HttpError, InterruptedError, NetworkError, ResponseError } from '../errors.js';
import type { GesApi } from './api.js';
import { GES_ERRORS } from './constants.js';

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
  /** The failure, for exit codes and hints; absent on success. */
  error?: GesCliError;
}

/** Runs `worker` over `items` with at most `concurrency` in flight; results keep input order. */
export async function runPool<T, R>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
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

/** Cancels each job (at most `concurrency` at once); one result per job, in input order. */
export function cancelJobs(
  api: GesApi,
  graph: string,
  jobIds: readonly string[],
  options: { concurrency: number; signal?: AbortSignal; onResult?: (result: CancelResult) => void },
): Promise<CancelResult[]> {
  return runPool(jobIds, options.concurrency, async (jobId) => {
    let result: CancelResult;
    if (options.signal?.aborted) {
      result = failedResult(graph, jobId, new InterruptedError('interrupted before the request was sent; the job was not cancelled'));
    } else {
      try {
        const { result: answer } = await api.cancelJob(graph, jobId);
        result = { graph, jobId, outcome: 'cancelled', httpStatus: answer.status, errorCode: null, errorMessage: null, attempts: answer.attempts };
      } catch (error) {
        result = failedResult(
          graph,
          jobId,
          error instanceof InterruptedError
            ? new InterruptedError('interrupted while the request was in flight; the job may or may not have been cancelled', true)
            : error,
        );
      }
    }
    options.onResult?.(result);
    return result;
  });
}
