import { JOB_ID } from './constants.js';

/**
 * Reading the entries of a job list, whatever the edition sends
 * (docs/ges-api.md#list-a-graphs-jobs): the memory edition's `request` object (2021) or flat
 * jobs with `taskType`,
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
  /** As sent (a timestamp becomes ISO 8601); null when absent or empty. */
  startTime: string | null;
  endTime: string | null;
  /** startTime in epoch milliseconds, when it is a time ges can read. */
  startedAt: number | null;
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
  const startTime = readTime(job.startTime);
  return {
    jobId: id,
    status,
    command: str(request?.command) ?? str(job.taskType),
    canStop: typeof job.canStop === 'boolean' ? job.canStop : null,
    progress: typeof progress === 'number' && Number.isFinite(progress) ? progress : str(progress),
    startTime,
    endTime: readTime(job.endTime),
    startedAt: timeOf(startTime),
    failReason: str(job.failReason),
    algorithm: algorithmOf(request, str(job.rawRequest)),
  };
}

export function isSkipped(entry: JobSummary | SkippedEntry): entry is SkippedEntry {
  return 'why' in entry;
}

/**
 * A job as its status call and its list entry tell it: the list's fields (nulls where the list
 * did not hold it), with the status call's status, the fresher of the two.
 */
export function withStatus(listed: JobSummary | null, jobId: string, status: string): JobSummary {
  return {
    jobId,
    command: null,
    canStop: null,
    progress: null,
    startTime: null,
    endTime: null,
    startedAt: null,
    failReason: null,
    algorithm: null,
    ...listed,
    status,
  };
}

/**
 * GES sends a job's times as "a date string or a timestamp"
 * (docs/ges-api.md#list-a-graphs-jobs). A timestamp (a
 * number, or 10 or 13 digits: seconds or milliseconds) becomes ISO 8601, which any reader
 * understands; a date string is kept as sent; an empty or unreadable value is null.
 */
export function readTime(value: unknown): string | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^(\d{10}|\d{13})$/.test(value)))
    return isoOfTimestamp(Number(value));
  if (typeof value !== 'string' || value === '' || value.length > TIME_LIMIT) return null;
  return value;
}

const TIME_LIMIT = 64;
/** The date strings ges reads; anything else stays text (Date.parse guesses too freely). */
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function isoOfTimestamp(n: number): string | null {
  // Before 2001 (1e9 s) is no job's time; under 1e11 a timestamp counts seconds (1e11 s is
  // the year 5138, 1e11 ms is 1973).
  if (!Number.isFinite(n) || n < 1e9) return null;
  const ms = n < 1e11 ? n * 1000 : n;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Epoch milliseconds of a time readTime kept, or null. A date string without a zone is read
 * as local time, as ECMAScript reads it: GES does not say which zone it means.
 */
export function timeOf(time: string | null): number | null {
  if (time === null || !DATE_TIME.test(time)) return null;
  const normal = time.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normal);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Newest first by start time; jobs without one after, in the order GES sent them. Does not
 * change `jobs`.
 */
export function newestFirst<T extends Pick<JobSummary, 'startedAt'>>(jobs: readonly T[]): T[] {
  return [...jobs].sort((a, b) => {
    if (a.startedAt === null || b.startedAt === null)
      return (a.startedAt === null ? 1 : 0) - (b.startedAt === null ? 1 : 0);
    return b.startedAt - a.startedAt;
  });
}

/** Whole seconds since the job started, or null when its start is unknown. */
export function ageSeconds(job: Pick<JobSummary, 'startedAt'>, now: number): number | null {
  return job.startedAt === null ? null : Math.floor((now - job.startedAt) / 1000);
}

/**
 * An age as kubectl prints one (its HumanDuration): `45s`, `3m20s`, `17m`, `5h3m`, `20h`,
 * `3d4h`, `40d`, `2y30d`; up to two seconds in the future (clock skew) is `0s`.
 */
export function humanAge(seconds: number): string {
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 ? `${days}d${hours % 24}h` : `${days}d`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 ? `${years}y${days % 365}d` : `${years}y`;
  return `${years}y`;
}

/** What a watch reports, in kubectl's words. */
type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  job: JobSummary;
}

/** The fields whose change is news (the age moves by itself and is not). */
const WATCHED: readonly (keyof JobSummary)[] = [
  'status',
  'command',
  'algorithm',
  'canStop',
  'progress',
  'startTime',
  'endTime',
  'failReason',
];

/**
 * The events that turn `before` into `after` (both keyed by job ID): ADDED and MODIFIED in
 * `after`'s order, then DELETED in `before`'s order (a DELETED event carries the job as last
 * seen).
 */
export function diffJobs(
  before: ReadonlyMap<string, JobSummary>,
  after: ReadonlyMap<string, JobSummary>,
): WatchEvent[] {
  const events: WatchEvent[] = [];
  for (const [id, job] of after) {
    const old = before.get(id);
    if (!old) events.push({ type: 'ADDED', job });
    else if (WATCHED.some((key) => old[key] !== job[key])) events.push({ type: 'MODIFIED', job });
  }
  for (const [id, job] of before) if (!after.has(id)) events.push({ type: 'DELETED', job });
  return events;
}
