import type { IncomingMessage } from 'node:http';
import { API_PREFIX, GES_ERRORS, UNSUPPORTED_OPERATION } from '../core/ges/constants.js';
import { authenticate } from './auth.js';
import {
  type EmulatorContext,
  gesError,
  intParam,
  nonEmptyList,
  parseJson,
  Reply,
} from './context.js';
import { type EmulatedJob, isCancellableAlgorithm, JOB_KINDS, RESULT_SIZE } from './state.js';

/**
 * The GES service-plane calls, with their documented bodies and error codes
 * (docs/ges-api.md#service-plane).
 */

/** /ges/v1.0/{project}/graphs/{graph}{rest} */
const GES_PATH = new RegExp(`^${API_PREFIX.replace(/\./g, '\\.')}/([^/]+)/graphs/([^/]+)(/.*)?$`);

/**
 * A status as the edition words it: the memory-2021 and database editions say `complete` for
 * success.
 */
function wordFor(ctx: EmulatorContext, job: EmulatedJob): string {
  const status = ctx.state.statusOf(job);
  return status === 'success' &&
    (ctx.options.edition === 'memory-2021' || ctx.options.edition === 'database')
    ? 'complete'
    : status;
}

/** One job of a list, in the edition's shape. */
export function jobView(ctx: EmulatorContext, job: EmulatedJob): Record<string, unknown> {
  const status = wordFor(ctx, job);
  const { command, url, body } = job.request;
  switch (ctx.options.edition ?? 'memory') {
    case 'memory-2021':
      return { jobId: job.jobId, status, request: { command, url, body } };
    case 'database':
      return {
        jobId: job.jobId,
        status,
        request: { command, url, rawRequest: JSON.stringify(body) },
      };
    default: {
      const started = job.createdAt + job.pendingMs;
      const ended = started + job.runningMs;
      const now = ctx.state.now();
      const running = status === 'running';
      return {
        jobId: job.jobId,
        status,
        rawRequest: JSON.stringify(body),
        taskType: command,
        canStop: job.cancellable && (running || status === 'pending' || status === 'waiting'),
        progress: running
          ? Math.max(0, Math.min(99, Math.floor(((now - started) / job.runningMs) * 100)))
          : status === 'success'
            ? 100
            : 0,
        startTime: now >= started ? new Date(started).toISOString() : '',
        endTime: !running && now >= ended ? new Date(ended).toISOString() : '',
        ...(status === 'failed' ? { failReason: 'the job failed' } : {}),
      };
    }
  }
}

/**
 * The job list: the memory editions send no totalCount, and memory-2021 ignores offset and limit.
 */
function listBody(ctx: EmulatorContext, graph: string, url: URL): Record<string, unknown> {
  const jobs = ctx.state.jobsOf(graph);
  const edition = ctx.options.edition ?? 'memory';
  const offset = intParam(url, 'offset', 0);
  const page =
    edition === 'memory-2021' ? jobs : jobs.slice(offset, offset + intParam(url, 'limit', 100_000));
  const list = page.map((job) => jobView(ctx, job));
  return edition === 'database'
    ? { jobs: list, totalCount: jobs.length, result: 'success' }
    : { result: 'success', jobs: list };
}

function statusBody(ctx: EmulatorContext, job: EmulatedJob, url: URL): Record<string, unknown> {
  const status = wordFor(ctx, job);
  const result =
    ctx.options.edition === 'database'
      ? { result: status === 'failed' ? 'failed' : 'success' }
      : {};
  if (status !== 'success' && status !== 'complete') return { status, data: {}, ...result };
  const offset = intParam(url, 'offset', 0);
  const limit = intParam(url, 'limit', 100_000);
  const vertices = Array.from({ length: RESULT_SIZE }, (_, i) => ({
    id: `v${i}`,
    label: 'movie',
    properties: { rank: [i] },
  })).slice(offset, offset + limit);
  return {
    status,
    data: {
      outputs: {
        data_return_size: vertices.length,
        data_offset: offset,
        data_total_size: RESULT_SIZE,
        vertices,
      },
    },
    ...result,
  };
}

function createFromApi(
  ctx: EmulatorContext,
  graph: string,
  rest: string,
  url: URL,
  method: string,
  body: Record<string, unknown>,
): Reply | undefined {
  const request = { url: `${url.pathname}${url.search}`, body };
  const created = (job: EmulatedJob): Reply =>
    new Reply(200, { jobId: job.jobId, jobType: job.jobType });
  const action = url.searchParams.get('action_id');
  if (method !== 'POST') return undefined;
  if (rest === '/vertices/action' && action === 'query') {
    if (!nonEmptyList(body.labels) && !nonEmptyList(body.vertexFilters)) {
      return gesError(
        400,
        GES_ERRORS.vertexQueryEmpty,
        'vertexFilters and labels can not be both empty',
      );
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.vertexQuery, request));
  }
  if (rest === '/edges/action' && action === 'query') {
    if (!nonEmptyList(body.labels) && !nonEmptyList(body.edgeFilters)) {
      return gesError(
        400,
        GES_ERRORS.edgeQueryEmpty,
        'edgeFilters and labels can not be both empty',
      );
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.edgeQuery, request));
  }
  if (rest === '/action' && action === 'execute-algorithm') {
    const name = body.algorithmName;
    if (typeof name !== 'string' || name === '')
      return gesError(400, GES_ERRORS.algorithmNameEmpty, 'algorithmName can not be empty');
    return created(
      ctx.state.createJob(
        graph,
        { ...JOB_KINDS.algorithm, cancellable: isCancellableAlgorithm(name) },
        request,
      ),
    );
  }
  if (rest === '/indices') {
    for (const key of ['indexName', 'indexType', 'hasLabel', 'indexProperty']) {
      if (body[key] === undefined)
        return gesError(
          400,
          GES_ERRORS.createIndexFailed,
          `create index failed: ${key} is required`,
        );
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.addIndex, request));
  }
  return undefined;
}

export function serveGes(
  ctx: EmulatorContext,
  method: string,
  url: URL,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  body: string,
): Reply {
  const refused = authenticate(ctx, method, rawUrl, headers, body);
  if (refused) return refused;
  const m = GES_PATH.exec(url.pathname);
  if (!m)
    return new Reply(404, {
      error_msg: 'The API does not exist or has not been published in the environment',
      error_code: 'APIGW.0101',
    });
  const [, project, graphRaw, restRaw = ''] = m;
  const graph = decodeURIComponent(graphRaw!);
  const rest = restRaw.replace(/\/$/, '');
  if (project !== ctx.projectId)
    return gesError(
      400,
      GES_ERRORS.wrongProjectOrToken,
      'wrong parameter: check project_id and X-Auth-Token',
    );
  if (!ctx.state.graphs.has(graph))
    return gesError(400, GES_ERRORS.badParameter, `graph : ${graph} not exist`);

  if (method === 'GET' && rest === '/jobs/status') return new Reply(200, listBody(ctx, graph, url));
  const jobMatch = /^\/jobs\/([^/]+)(\/status)?$/.exec(rest);
  if (jobMatch) {
    const jobId = decodeURIComponent(jobMatch[1]!);
    const job = ctx.state.findJob(graph, jobId);
    if (method === 'GET' && jobMatch[2]) {
      return job
        ? new Reply(200, statusBody(ctx, job, url))
        : gesError(400, GES_ERRORS.jobNotFound, `can not find job, jobId is ${jobId}`);
    }
    if (method === 'DELETE' && !jobMatch[2]) {
      const status = job && ctx.state.statusOf(job);
      if (!job || (status !== 'waiting' && status !== 'pending' && status !== 'running')) {
        return gesError(400, GES_ERRORS.cancelFailed, `can not find job to cancel, id is ${jobId}`);
      }
      if (!job.cancellable) return gesError(400, null, UNSUPPORTED_OPERATION);
      ctx.state.cancelJob(job);
      return new Reply(200, {});
    }
  }
  const parsed = parseJson(body);
  if (parsed instanceof Reply)
    return method === 'POST' ? parsed : gesError(400, GES_ERRORS.badParameter, 'bad request');
  return (
    createFromApi(ctx, graph, rest, url, method, parsed) ??
    gesError(404, GES_ERRORS.badParameter, `no such operation: ${method} ${url.pathname}`)
  );
}
