import { ResponseError } from '../errors.js';
import type { HttpClient, HttpRequest, HttpResult } from '../http/client.js';
import { httpErrorFor, parseJsonBody, summariseBody } from '../http/body.js';
import { graphPath, jobPath } from './constants.js';

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

export interface JobSummary {
  jobId: string;
  status: string;
  /** The kind of job (import_graph, execute-algorithm, ...), when the engine says. */
  command: string | null;
}

export interface Answer {
  body: unknown;
  result: HttpResult;
}

/** Jobs asked for per page when reading a graph's job list. */
export const LIST_PAGE_SIZE = 100;

/** The typed GES service-plane calls this tool makes. */
export class GesApi {
  constructor(
    readonly http: HttpClient,
    readonly projectId: string,
  ) {}

  cancelRequest(graph: string, jobId: string): HttpRequest {
    return { method: 'DELETE', path: jobPath(this.projectId, graph, jobId) };
  }

  statusRequest(graph: string, jobId: string, page: Page = {}): HttpRequest {
    return { method: 'GET', path: `${jobPath(this.projectId, graph, jobId)}/status`, query: { offset: page.offset, limit: page.limit } };
  }

  listRequest(graph: string, page: Page = {}): HttpRequest {
    return { method: 'GET', path: `${graphPath(this.projectId, graph)}/jobs/status`, query: { offset: page.offset, limit: page.limit } };
  }

  /** Sends a request; a non-2xx answer throws HttpError, a 2xx body that is not JSON throws ResponseError. */
  async call(request: HttpRequest): Promise<Answer> {
    const result = await this.http.send(request);
    if (result.status < 200 || result.status >= 300) throw httpErrorFor(result);
    if (result.truncated) {
      throw new ResponseError(
        `HTTP ${result.status} with an answer larger than ${result.text.length / 1024 / 1024} MiB, which ges does not read; ask for less (job status: --limit)`,
        result.status,
        result.attempts,
      );
    }
    try {
      return { body: parseJsonBody(result.text), result };
    } catch {
      throw new ResponseError(
        `HTTP ${result.status} with ${summariseBody(result.text, result.headers['content-type'])}, not JSON; is the endpoint a GES service-plane address?`,
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
    if (!b || typeof b.status !== 'string') {
      throw new ResponseError(`HTTP ${result.status} without a job status in the answer`, result.status, result.attempts);
    }
    return { status: b.status, body: b, attempts: result.attempts };
  }

  /** Every job of the graph, paging with offset/limit until totalCount is reached. */
  async listJobs(graph: string, pageSize = LIST_PAGE_SIZE): Promise<JobSummary[]> {
    const jobs: JobSummary[] = [];
    for (let page = 0; page < 10_000; page++) {
      const { body, result } = await this.call(this.listRequest(graph, { offset: jobs.length, limit: pageSize }));
      const b = body as { jobs?: unknown; totalCount?: unknown } | undefined;
      if (!b || !Array.isArray(b.jobs)) {
        throw new ResponseError(`HTTP ${result.status} without a job list in the answer`, result.status, result.attempts);
      }
      for (const job of b.jobs as Record<string, unknown>[]) {
        const request = job.request as Record<string, unknown> | undefined;
        jobs.push({
          jobId: String(job.jobId ?? job.job_id ?? ''),
          status: String(job.status ?? 'unknown'),
          command: typeof request?.command === 'string' ? request.command : null,
        });
      }
      const total = typeof b.totalCount === 'number' ? b.totalCount : jobs.length;
      if (b.jobs.length === 0 || jobs.length >= total) break;
    }
    return jobs;
  }
}
