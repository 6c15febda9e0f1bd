import { GesError, InterruptedError, ResponseError } from '../errors.js';
import { httpErrorFor, parseJsonBody, summariseBody, TooDeepError } from '../http/body.js';
import type { HttpClient, HttpRequest, HttpResult } from '../http/client.js';
import { graphPath, jobPath } from './constants.js';
import { isSkipped, type JobSummary, readJobEntry, type SkippedEntry, withStatus } from './jobs.js';

export interface Page {
  offset?: number;
  limit?: number;
}

export interface JobStatus {
  status: string;
  /** The whole answer: `data` with result pages, and on some editions `result`. */
  body: Record<string, unknown>;
  attempts: number;
}

/** One job in full (see GesApi.jobDetails). */
export interface JobDetails {
  job: JobSummary;
  status: JobStatus;
  /** Why the job list could not be read (its fields are null then). */
  listError?: GesError;
}

export interface Answer {
  body: unknown;
  result: HttpResult;
}

/** Jobs asked for per page when reading a graph's job list. */
export const LIST_PAGE_SIZE = 100;
/** However the server pages (or lies about its count), a job list stops at these. */
export const LIST_MAX_PAGES = 1000;
export const LIST_MAX_BYTES = 64 * 1024 * 1024;

/** One page of a job list: the jobs it adds (each ID once) and the entries left out. */
export interface JobPage {
  jobs: JobSummary[];
  /** At most 20 kept; `skippedCount` counts all. */
  skipped: SkippedEntry[];
  skippedCount: number;
}

export interface JobList {
  jobs: JobSummary[];
  /**
   * Entries left out (bad or missing ID, no status), each listed once; at most 20 kept,
   * `skippedCount` counts all.
   */
  skipped: SkippedEntry[];
  skippedCount: number;
}

/** The typed GES service-plane calls this tool makes. */
export class GesApi {
  /** Headers of every service-plane call. */
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly http: HttpClient,
    readonly projectId: string,
    /** The X-Language the service-plane docs mark mandatory (en-us or zh-cn). */
    readonly language = 'en-us',
    /** Stops every request of this API's calls (a library call's signal). */
    private readonly signal?: AbortSignal,
  ) {
    this.headers = { 'X-Language': language };
  }

  /** The same API over the same connections, its requests stopped by `signal`. */
  withSignal(signal: AbortSignal | undefined): GesApi {
    return new GesApi(this.http, this.projectId, this.language, signal);
  }

  cancelRequest(graph: string, jobId: string): HttpRequest {
    return { method: 'DELETE', path: jobPath(this.projectId, graph, jobId), headers: this.headers };
  }

  statusRequest(graph: string, jobId: string, page: Page = {}): HttpRequest {
    return {
      method: 'GET',
      path: `${jobPath(this.projectId, graph, jobId)}/status`,
      query: { offset: page.offset, limit: page.limit },
      headers: this.headers,
    };
  }

  listRequest(graph: string, page: Page = {}): HttpRequest {
    return {
      method: 'GET',
      path: `${graphPath(this.projectId, graph)}/jobs/status`,
      query: { offset: page.offset, limit: page.limit },
      headers: this.headers,
    };
  }

  /**
   * Sends a request; a non-2xx answer throws HttpError, a 2xx body that is not JSON throws
   * ResponseError.
   */
  async call(request: HttpRequest): Promise<Answer> {
    const { signal } = this;
    const result = await this.http.send(signal ? { ...request, signal } : request);
    if (result.status < 200 || result.status >= 300) throw httpErrorFor(result);
    if (result.truncated) {
      throw new ResponseError(
        `HTTP ${result.status} with an answer larger than ` +
          `${result.text.length / 1024 / 1024} MiB, which ges does not read; ` +
          `ask for less (job status: --limit)`,
        result.status,
        result.attempts,
      );
    }
    try {
      return { body: parseJsonBody(result.text), result };
    } catch (error) {
      if (error instanceof TooDeepError)
        throw new ResponseError(
          `HTTP ${result.status} with JSON ${error.message}; ges does not read it`,
          result.status,
          result.attempts,
        );
      throw new ResponseError(
        `HTTP ${result.status} with ` +
          `${summariseBody(result.text, result.headers['content-type'])}, not JSON; ` +
          `is the endpoint a GES service-plane address?`,
        result.status,
        result.attempts,
      );
    }
  }

  /** DELETE the job. GES answers 200 with `{}` (or an empty body). */
  cancelJob(graph: string, jobId: string): Promise<Answer> {
    return this.call(this.cancelRequest(graph, jobId));
  }

  async jobStatus(graph: string, jobId: string, page: Page = {}): Promise<JobStatus> {
    const { body, result } = await this.call(this.statusRequest(graph, jobId, page));
    const b = body as Record<string, unknown> | undefined;
    if (
      !b ||
      typeof b !== 'object' ||
      typeof b.status !== 'string' ||
      b.status === '' ||
      b.status.length > 64
    ) {
      throw new ResponseError(
        `HTTP ${result.status} without a usable job status in the answer`,
        result.status,
        result.attempts,
      );
    }
    return { status: b.status, body: b, attempts: result.attempts };
  }

  /**
   * Every job of the graph, each once, a page at a time (as GES pages them). Pages with
   * offset/limit and stops at the first of: a page with no new ID, a page shorter than asked,
   * a page longer than asked (the server ignores paging), the reported `totalCount`, an empty
   * page. Past LIST_MAX_PAGES pages or LIST_MAX_BYTES read it gives up (ResponseError): a list
   * that never ends is not understood; so is a list none of whose entries is usable. Stopping
   * the iteration early sends no further request.
   */
  async *jobPages(graph: string, pageSize = LIST_PAGE_SIZE): AsyncGenerator<JobPage> {
    const seen = new Set<string>();
    let offset = 0;
    let bytes = 0;
    let skippedCount = 0;
    let last: HttpResult | undefined;
    for (let page = 0; ; page++) {
      if (page === LIST_MAX_PAGES || bytes > LIST_MAX_BYTES) {
        throw new ResponseError(
          `the job list did not end after ${page} pages ` +
            `(${Math.round(bytes / 1024 / 1024)} MiB); ges stops there rather than read forever`,
          last!.status,
          last!.attempts,
        );
      }
      const { body, result } = await this.call(
        this.listRequest(graph, { offset, limit: pageSize }),
      );
      last = result;
      bytes += result.text.length;
      const entries = jobsOf(body, result);
      const read: JobPage = { jobs: [], skipped: [], skippedCount: 0 };
      for (const raw of entries) {
        const entry = readJobEntry(raw);
        if (isSkipped(entry)) {
          if (read.skippedCount++ < SKIPPED_KEPT) read.skipped.push(entry);
        } else if (!seen.has(entry.jobId)) {
          seen.add(entry.jobId);
          read.jobs.push(entry);
        }
      }
      skippedCount += read.skippedCount;
      const end = isLastPage(body, entries.length, read.jobs.length, offset, pageSize);
      // Nothing usable yet at the last page means this last page is also the first one.
      if (end && seen.size === 0 && skippedCount > 0)
        throw unusableList(result, skippedCount, read.skipped[0]);
      yield read;
      if (end) return;
      offset += entries.length;
    }
  }

  /** The whole job list (see jobPages), with the entries that were left out. */
  async listJobs(graph: string, pageSize = LIST_PAGE_SIZE): Promise<JobList> {
    const list: JobList = { jobs: [], skipped: [], skippedCount: 0 };
    for await (const page of this.jobPages(graph, pageSize)) {
      list.jobs.push(...page.jobs);
      list.skipped.push(...page.skipped.slice(0, SKIPPED_KEPT - list.skipped.length));
      list.skippedCount += page.skippedCount;
    }
    return list;
  }

  /**
   * One job: the status call (its status and result pages) and its entry in the job list (where
   * GES keeps its kind, progress, times, failure reason and whether it can stop), asked at once.
   * A failed status call throws; a job list that cannot be read only leaves its fields null.
   */
  async jobDetails(graph: string, jobId: string, page: Page = {}): Promise<JobDetails> {
    // Settled either way, so a status failure (which closes the connection) leaves no rejection.
    const listing = this.findListedJob(graph, jobId).then(
      (job) => ({ job }),
      (error: unknown) => ({ error }),
    );
    const status = await this.jobStatus(graph, jobId, page);
    const listed = await listing;
    if ('job' in listed) return { job: withStatus(listed.job, jobId, status.status), status };
    if (!(listed.error instanceof GesError) || listed.error instanceof InterruptedError)
      throw listed.error;
    return { job: withStatus(null, jobId, status.status), status, listError: listed.error };
  }

  /**
   * One job's entry in the job list (where the editions put its kind, progress and times), or
   * null when the list does not hold it. Reads pages only until the job is found.
   */
  async findListedJob(graph: string, jobId: string): Promise<JobSummary | null> {
    for await (const page of this.jobPages(graph)) {
      const job = page.jobs.find((j) => j.jobId === jobId);
      if (job) return job;
    }
    return null;
  }
}

/** What to say when a job's details could not be read from its graph's job list. */
export function unlistedWarning(graph: string, jobId: string, error: GesError): string {
  return (
    `could not read job ${jobId}'s kind, progress and times from graph ${graph}'s job ` +
    `list: ${error.message}`
  );
}

/** What to say about the entries a job list left out; undefined when it left none out. */
export function skippedWarning(
  list: Pick<JobList, 'skipped' | 'skippedCount'>,
  graph: string,
): string | undefined {
  const { skippedCount: count, skipped } = list;
  if (count === 0 || !skipped[0]) return undefined;
  return (
    `left out ${count} entr${count === 1 ? 'y' : 'ies'} ` +
    `of graph ${graph}'s job list that ges cannot use ` +
    `(first: ${skipped[0].why}, ${JSON.stringify(skipped[0].sample.slice(0, 60))}); ` +
    'nothing is sent for them'
  );
}

/** Entries left out that a list or page keeps (the count counts them all). */
const SKIPPED_KEPT = 20;

function jobsOf(body: unknown, result: HttpResult): unknown[] {
  const b = body as { jobs?: unknown } | undefined;
  if (!b || typeof b !== 'object' || !Array.isArray(b.jobs)) {
    throw new ResponseError(
      `HTTP ${result.status} without a job list in the answer`,
      result.status,
      result.attempts,
    );
  }
  return b.jobs;
}

/** Whether the page read at `offset` ends the list (see jobPages). */
function isLastPage(
  body: unknown,
  entries: number,
  fresh: number,
  offset: number,
  pageSize: number,
): boolean {
  const total = (body as { totalCount?: unknown }).totalCount;
  return (
    fresh === 0 ||
    entries !== pageSize ||
    offset + entries >= (typeof total === 'number' ? total : Infinity)
  );
}

function unusableList(
  last: HttpResult,
  count: number,
  first: SkippedEntry | undefined,
): ResponseError {
  return new ResponseError(
    `HTTP ${last.status} with a job list ges cannot understand: ` +
      `${count} entr${count === 1 ? 'y' : 'ies'}, ` +
      `none with a usable job ID and status (first: ${first?.why ?? 'unknown'})`,
    last.status,
    last.attempts,
  );
}
