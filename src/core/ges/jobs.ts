import { JOB_ID } from './constants.js';

/**
 * Reading the entries of a job list, whatever the edition sends (see ges-api.md, "List a
 * graph's jobs"): the memory edition's `request` object (2021) or flat jobs with `taskType`,
 * `canStop`, `rawRequest` (current), and the database edition's `request` with `rawRequest`
 * and sometimes `job_id`. Everything is data from the server: an entry whose ID fails the
 * job-ID rule, or that has no status, is skipped, never listed or cancelled.
 */

export interface JobSummary {
  jobId: string;
  status: string;
  /** The kind of job: `request.command`, else `taskType`; null when the engine does not say. */
  command: string | null;
  /** False: the engine says this job cannot be cancelled. */
  canStop: boolean | null;
  progress: number | string | null;
  startTime: string | null;
  endTime: string | null;
  failReason: string | null;
  /** The algorithm of an execute-algorithm job, from the request, when there is one. */
  algorithm: string | null;
}

/** An entry left out of a list, and why. */
export interface SkippedEntry {
  why: string;
  /** The offending ID (or the entry's start) as sent; for messages, which escape and shorten it. */
  sample: string;
}

/** Statuses of jobs that have not ended (every doc version); any other word means ended. */
export const RUNNING_STATUSES = ['waiting', 'pending', 'running'] as const;
/** Ended well. */
export const SUCCESS_STATUSES = ['success', 'complete'] as const;
/** Every word the docs use, for --status filters (others are rejected as typos). */
export const KNOWN_STATUSES = [
  ...RUNNING_STATUSES,
  ...SUCCESS_STATUSES,
  'failed',
  'partiallyFailed',
] as const;

export function hasEnded(status: string): boolean {
  return !(RUNNING_STATUSES as readonly string[]).includes(status);
}

const STATUS_LIMIT = 64;
const RAW_REQUEST_LIMIT = 64 * 1024;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

function sampleOf(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 200);
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}

/** The algorithm named by a request body, or by a `rawRequest` JSON string. */
function algorithmOf(
  request: Record<string, unknown> | null,
  rawRequest: string | null,
): string | null {
  const fromBody = str(record(request?.body)?.algorithmName);
  if (fromBody) return fromBody;
  const raw = rawRequest ?? str(request?.rawRequest);
  if (!raw || raw.length > RAW_REQUEST_LIMIT) return null;
  try {
    return str(record(JSON.parse(raw))?.algorithmName);
  } catch {
    return null;
  }
}

/** One entry of a job list: the job, or why it was skipped. */
export function readJobEntry(raw: unknown): JobSummary | SkippedEntry {
  const job = record(raw);
  if (!job) return { why: 'not an object', sample: sampleOf(raw) };
  const id = job.jobId ?? job.job_id;
  if (typeof id !== 'string' || !JOB_ID.test(id)) {
    return {
      why: id === undefined ? 'no job ID' : 'a job ID that breaks the job-ID rule',
      sample: sampleOf(id ?? raw),
    };
  }
  const status = job.status;
  if (typeof status !== 'string' || status === '' || status.length > STATUS_LIMIT)
    return { why: 'no usable status', sample: id };
  const request = record(job.request);
  const progress = job.progress;
  return {
    jobId: id,
    status,
    command: str(request?.command) ?? str(job.taskType),
    canStop: typeof job.canStop === 'boolean' ? job.canStop : null,
    progress: typeof progress === 'number' && Number.isFinite(progress) ? progress : str(progress),
    startTime: str(job.startTime),
    endTime: str(job.endTime),
    failReason: str(job.failReason),
    algorithm: algorithmOf(request, str(job.rawRequest)),
  };
}

export function isSkipped(entry: JobSummary | SkippedEntry): entry is SkippedEntry {
  return 'why' in entry;
}
