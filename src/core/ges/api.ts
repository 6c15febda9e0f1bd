import { ResponseError } from '../errors.js';
import { httpErrorFor, parseJsonBody, summariseBody, TooDeepError } from '../http/body.js';
import type { HttpClient, HttpRequest, HttpResult } from '../http/client.js';
import { graphPath, jobPath } from './constants.js';
import { isSkipped, type JobSummary, readJobEntry, type SkippedEntry } from './jobs.js';

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

export interface Answer {
  body: unknown;
  result: HttpResult;
}

/** Jobs asked for per page when reading a graph's job list. */
export const LIST_PAGE_SIZE = 100;
/** However the server pages (or lies about its count), a job list stops at these. */
export const LIST_MAX_PAGES = 1000;
export const LIST_MAX_BYTES = 64 * 1024 * 1024;

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
  ) {
    this.headers = { 'X-Language': language };
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
    const result = await this.http.send(request);
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
   * Every job of the graph, each once. Pages with offset/limit and stops at the first of: a
   * page with no new ID, a page shorter than asked, a page longer than asked (the server
   * ignores paging), the reported `totalCount`, an empty page. Past LIST_MAX_PAGES pages or
   * LIST_MAX_BYTES read it gives up (ResponseError): a list that never ends is not understood.
   */
  async listJobs(graph: string, pageSize = LIST_PAGE_SIZE): Promise<JobList> {
    const list: JobList = { jobs: [], skipped: [], skippedCount: 0 };
    const seen = new Set<string>();
    let offset = 0;
    let bytes = 0;
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
      const b = body as { jobs?: unknown; totalCount?: unknown } | undefined;
      if (!b || typeof b !== 'object' || !Array.isArray(b.jobs)) {
        throw new ResponseError(
          `HTTP ${result.status} without a job list in the answer`,
          result.status,
          result.attempts,
        );
      }
      let fresh = 0;
      for (const raw of b.jobs as unknown[]) {
        const entry = readJobEntry(raw);
        if (isSkipped(entry)) {
          if (list.skippedCount++ < 20) list.skipped.push(entry);
        } else if (!seen.has(entry.jobId)) {
          seen.add(entry.jobId);
          list.jobs.push(entry);
          fresh++;
        }
      }
      offset += b.jobs.length;
      const total = typeof b.totalCount === 'number' ? b.totalCount : Infinity;
      if (fresh === 0 || b.jobs.length !== pageSize || offset >= total) break;
    }
    if (list.jobs.length === 0 && list.skippedCount > 0) {
      throw new ResponseError(
        `HTTP ${last!.status} with a job list ges cannot understand: ` +
          `${list.skippedCount} entr${list.skippedCount === 1 ? 'y' : 'ies'}, ` +
          `none with a usable job ID and status (first: ${list.skipped[0]!.why})`,
        last!.status,
        last!.attempts,
      );
    }
    return list;
  }
}
