import {
  type GesError,
  InterruptedError,
  JobFailedError,
  NetworkError,
  WaitTimeoutError,
} from './errors.js';
import type { JobStatus } from './ges/api.js';
import type { CancelResult } from './ges/cancel.js';
import { ageSeconds, type JobSummary } from './ges/jobs.js';
import { type ManagedGraph, stateWords } from './ges/management.js';
import type { WaitResult } from './ges/wait.js';
import { type HintContext, hintFor } from './hints.js';
import type { PreparedRequest } from './http/client.js';
import type {
  CancelRecord,
  ErrorRecord,
  GraphRecord,
  JobRecord,
  JobStatusRecord,
  WaitOutcome,
  WaitRecord,
} from './library/types.js';

/**
 * Results as data: what the CLI prints as JSON and the library yields, built here once. Keys
 * come in a fixed order (the JSON's).
 */

/** A --dry-run result carries the request it would send. */
type Planned = { request?: PreparedRequest };

/**
 * The one error shape, per job and for a whole run: `code` is GES's error code, or the
 * system's for no answer (ECONNREFUSED); `hint` is what human output shows.
 */
export function errorRecord(error: GesError, about: HintContext = error.about ?? {}): ErrorRecord {
  const { httpStatus, errorCode } = error.fields();
  const code = errorCode ?? (error instanceof NetworkError ? (error.code ?? null) : null);
  return {
    kind: error.kind,
    code,
    message: error.message,
    httpStatus,
    hint: hintFor(error, about) ?? null,
  };
}

/** One job's cancel. */
export function cancelRecord(r: CancelResult & Planned): CancelRecord & Planned {
  const { graph, jobId, error } = r;
  const entry: CancelRecord & Planned = {
    graph,
    jobId,
    outcome: r.outcome,
    httpStatus: r.httpStatus,
    error: null,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    attempts: r.attempts,
  };
  if (error) {
    entry.error = errorRecord(error, { graph, jobId });
    // A cancel accepted but not seen stopping: the wait's failure, said of the cancel.
    if (r.outcome === 'cancelled') entry.error.message = r.errorMessage ?? error.message;
  }
  if (r.jobStatus !== undefined) entry.jobStatus = r.jobStatus;
  if (r.stopped !== undefined) entry.stopped = r.stopped;
  if (r.note) entry.note = r.note;
  if (r.request) entry.request = r.request;
  return entry;
}

/** How a wait ended, in one word. */
export function waitOutcome(r: WaitResult & Planned): WaitOutcome {
  if (r.request) return 'dry-run';
  if (!r.error) return 'success';
  if (r.error instanceof JobFailedError) return 'failed';
  if (r.error instanceof WaitTimeoutError) return 'timeout';
  if (r.error instanceof InterruptedError) return 'interrupted';
  if (r.end?.state === 'gone') return 'unknown';
  return 'error';
}

/** The status a waited-for job ended with (or had when the wait ran out). */
export function waitStatus(r: WaitResult): string | null {
  return r.end?.state === 'terminal' || r.end?.state === 'timeout' ? r.end.status : null;
}

/** One job's wait. */
export function waitRecord(r: WaitResult & Planned): WaitRecord & Planned {
  const { graph, jobId, error } = r;
  return {
    graph,
    jobId,
    outcome: waitOutcome(r),
    status: waitStatus(r),
    error: error ? errorRecord(error, { graph, jobId }) : null,
    ...(r.request ? { request: r.request } : {}),
  };
}

/** One job as lists, watch events and the status show it: the same names everywhere. */
export function jobRecord(job: JobSummary, now: number): JobRecord {
  return {
    jobId: job.jobId,
    status: job.status,
    command: job.command,
    algorithm: job.algorithm,
    canStop: job.canStop,
    progress: job.progress,
    startTime: job.startTime,
    endTime: job.endTime,
    ageSeconds: ageSeconds(job, now),
    failReason: job.failReason,
  };
}

/** One job in full: its list entry's fields, and the status call's answer. */
export function jobStatusRecord(
  graph: string,
  job: JobSummary,
  status: JobStatus,
  now: number,
): JobStatusRecord {
  return {
    graph,
    ...jobRecord(job, now),
    result: status.body.result ?? null,
    data: status.body.data ?? null,
    attempts: status.attempts,
  };
}

/** One graph of the management plane's list. */
export function graphRecord(g: ManagedGraph): GraphRecord {
  return {
    name: g.name,
    id: g.id,
    state: g.status,
    stateWords: stateWords(g.status),
    edition: g.edition,
    version: g.version,
    privateAddress: g.privateIp,
    publicAddress: g.publicIp,
    https: g.https,
  };
}
