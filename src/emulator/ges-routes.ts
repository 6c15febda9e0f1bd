import type { IncomingMessage } from 'node:http';
import { API_PREFIX, GES_ERRORS, UNSUPPORTED_OPERATION } from '../core/ges/constants.js';
import { authenticate } from './auth.js';
import { Reply, gesError, intParam, nonEmptyList, parseJson, type EmulatorContext } from './context.js';
import { JOB_KINDS, RESULT_SIZE, isCancellableAlgorithm, type EmulatedJob } from './state.js';

/** The GES service-plane calls, with their documented bodies and error codes (see ges-api.md). */

/** /ges/v1.0/{project}/graphs/{graph}{rest} */
const GES_PATH = new RegExp(`^${API_PREFIX.replace(/\./g, '\\.')}/([^/]+)/graphs/([^/]+)(/.*)?$`);

export function jobView(ctx: EmulatorContext, job: EmulatedJob): Record<string, unknown> {
  return { jobId: job.jobId, status: ctx.state.statusOf(job), request: job.request };
}

function statusBody(ctx: EmulatorContext, job: EmulatedJob, url: URL): Record<string, unknown> {
  const status = ctx.state.statusOf(job);
  if (status !== 'success') return { status, data: {} };
  const offset = intParam(url, 'offset', 0);
  const limit = intParam(url, 'limit', 100_000);
  const vertices = Array.from({ length: RESULT_SIZE }, (_, i) => ({ id: `v${i}`, label: 'movie', properties: { rank: [i] } })).slice(
    offset,
    offset + limit,
  );
  return {
    status,
    data: { outputs: { data_return_size: vertices.length, data_offset: offset, data_total_size: RESULT_SIZE, vertices } },
  };
}

function createFromApi(ctx: EmulatorContext, graph: string, rest: string, url: URL, method: string, body: Record<string, unknown>): Reply | undefined {
  const request = { url: `${url.pathname}${url.search}`, body };
  const created = (job: EmulatedJob): Reply => new Reply(200, { jobId: job.jobId, jobType: job.jobType });
  const action = url.searchParams.get('action_id');
  if (method !== 'POST') return undefined;
  if (rest === '/vertices/action' && action === 'query') {
    if (!nonEmptyList(body.labels) && !nonEmptyList(body.vertexFilters)) {
      return gesError(400, GES_ERRORS.vertexQueryEmpty, 'vertexFilters and labels can not be both empty');
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.vertexQuery, request));
  }
  if (rest === '/edges/action' && action === 'query') {
    if (!nonEmptyList(body.labels) && !nonEmptyList(body.edgeFilters)) {
      return gesError(400, GES_ERRORS.edgeQueryEmpty, 'edgeFilters and labels can not be both empty');
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.edgeQuery, request));
  }
  if (rest === '/action' && action === 'execute-algorithm') {
    const name = body.algorithmName;
    if (typeof name !== 'string' || name === '') return gesError(400, GES_ERRORS.algorithmNameEmpty, 'algorithmName can not be empty');
    return created(ctx.state.createJob(graph, { ...JOB_KINDS.algorithm, cancellable: isCancellableAlgorithm(name) }, request));
  }
  if (rest === '/indices') {
    for (const key of ['indexName', 'indexType', 'hasLabel', 'indexProperty']) {
      if (body[key] === undefined) return gesError(400, GES_ERRORS.createIndexFailed, `create index failed: ${key} is required`);
    }
    return created(ctx.state.createJob(graph, JOB_KINDS.addIndex, request));
  }
  return undefined;
}

export function serveGes(ctx: EmulatorContext, method: string, url: URL, rawUrl: string, headers: IncomingMessage['headers'], body: string): Reply {
  const refused = authenticate(ctx, method, rawUrl, headers, body);
  if (refused) return refused;
  const m = GES_PATH.exec(url.pathname);
  if (!m) return new Reply(404, { error_msg: 'The API does not exist or has not been published in the environment', error_code: 'APIGW.0101' });
  const [, project, graphRaw, restRaw = ''] = m;
  const graph = decodeURIComponent(graphRaw!);
  const rest = restRaw.replace(/\/$/, '');
  if (project !== ctx.projectId) return gesError(400, GES_ERRORS.wrongProjectOrToken, 'wrong parameter: check project_id and X-Auth-Token');
  if (!ctx.state.graphs.has(graph)) return gesError(400, GES_ERRORS.badParameter, `graph : ${graph} not exist`);

  if (method === 'GET' && rest === '/jobs/status') {
    const jobs = ctx.state.jobsOf(graph);
    const offset = intParam(url, 'offset', 0);
    const limit = intParam(url, 'limit', 100);
    return new Reply(200, { jobs: jobs.slice(offset, offset + limit).map((job) => jobView(ctx, job)), totalCount: jobs.length, result: 'success' });
  }
  const jobMatch = /^\/jobs\/([^/]+)(\/status)?$/.exec(rest);
  if (jobMatch) {
    const jobId = decodeURIComponent(jobMatch[1]!);
    const job = ctx.state.findJob(graph, jobId);
    if (method === 'GET' && jobMatch[2]) {
      return job ? new Reply(200, statusBody(ctx, job, url)) : gesError(400, GES_ERRORS.jobNotFound, `can not find job, jobId is ${jobId}`);
    }
    if (method === 'DELETE' && !jobMatch[2]) {
      const status = job && ctx.state.statusOf(job);
      if (!job || status === 'success' || status === 'failed') {
        return gesError(400, GES_ERRORS.cancelFailed, `can not find job to cancel, id is ${jobId}`);
      }
      if (!job.cancellable) return gesError(400, null, UNSUPPORTED_OPERATION);
      ctx.state.cancelJob(job);
      return new Reply(200, {});
    }
  }
  const parsed = parseJson(body);
  if (parsed instanceof Reply) return method === 'POST' ? parsed : gesError(400, GES_ERRORS.badParameter, 'bad request');
  return createFromApi(ctx, graph, rest, url, method, parsed) ?? gesError(404, GES_ERRORS.badParameter, `no such operation: ${method} ${url.pathname}`);
}
