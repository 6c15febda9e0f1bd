import { API_PREFIX, GRAPH_NAME } from '../core/ges/constants.js';
import { type EmulatorContext, type Fault, parseJson, Reply } from './context.js';
import { jobView } from './ges-routes.js';
import { isCancellableAlgorithm, JOB_KINDS, type JobStatusName } from './state.js';

/**
 * The control API under /emulator/: jobs in a given state, faults, the clock, the request log,
 * stats.
 */

export function serveControl(ctx: EmulatorContext, method: string, url: URL, body: string): Reply {
  const route = `${method} ${url.pathname.replace(/\/$/, '')}`;
  if (route === 'GET /emulator/health')
    return new Reply(200, { ok: true, projectId: ctx.projectId, graphs: ctx.graphs });
  if (route === 'GET /emulator/requests') return new Reply(200, { requests: ctx.log });
  if (route === 'GET /emulator/stats') return new Reply(200, { ...ctx.stats });
  if (route === 'DELETE /emulator/stats') {
    ctx.stats.maxInFlight = ctx.stats.inFlight;
    ctx.stats.connections = 0;
    return new Reply(200, {});
  }
  if (route === 'DELETE /emulator/requests') {
    ctx.log.length = 0;
    return new Reply(200, {});
  }
  if (route === 'DELETE /emulator/iam/tokens') {
    ctx.issued.clear();
    return new Reply(200, {});
  }
  if (route === 'DELETE /emulator/faults') {
    ctx.faults.length = 0;
    return new Reply(200, {});
  }
  const parsed = parseJson(body);
  if (parsed instanceof Reply) return parsed;
  if (route === 'POST /emulator/faults') {
    ctx.faults.push({
      ...(parsed as Fault),
      count: typeof parsed.count === 'number' ? parsed.count : 1,
    });
    return new Reply(201, { faults: ctx.faults.length });
  }
  if (route === 'POST /emulator/graphs') {
    // How the management plane lists a graph: its state, addresses, https. A new name is also
    // served.
    const name = String(parsed.name ?? '');
    if (!GRAPH_NAME.test(name))
      return new Reply(400, { errorMessage: 'name must be a graph name' });
    if (!ctx.state.graphs.has(name)) ctx.state.graphs.set(name, new Map());
    ctx.managed.set(name, {
      status: typeof parsed.status === 'string' ? parsed.status : '200',
      privateIp: typeof parsed.privateIp === 'string' ? parsed.privateIp : null,
      publicIp: typeof parsed.publicIp === 'string' ? parsed.publicIp : '',
      enableHttps: typeof parsed.enableHttps === 'boolean' ? parsed.enableHttps : null,
    });
    return new Reply(201, { name, ...ctx.managed.get(name) });
  }
  if (route === 'POST /emulator/clock') {
    const ms = Number(parsed.advanceMs);
    if (!Number.isFinite(ms) || ms < 0)
      return new Reply(400, { errorMessage: 'advanceMs must be a number >= 0' });
    ctx.state.advance(ms);
    return new Reply(200, { now: new Date(ctx.state.now()).toISOString() });
  }
  if (route === 'POST /emulator/jobs') {
    const graph = String(parsed.graph ?? ctx.graphs[0]);
    if (!ctx.state.graphs.has(graph))
      return new Reply(400, {
        errorMessage: `no graph ${graph}; graphs: ${ctx.graphs.join(', ')}`,
      });
    const status = (parsed.status ?? 'running') as JobStatusName;
    if (!['waiting', 'pending', 'running', 'success', 'failed'].includes(status)) {
      return new Reply(400, {
        errorMessage: 'status must be waiting, pending, running, success or failed',
      });
    }
    const kindName = (parsed.kind ?? 'algorithm') as keyof typeof JOB_KINDS;
    const kind = JOB_KINDS[kindName];
    if (!kind)
      return new Reply(400, {
        errorMessage: `kind must be one of ${Object.keys(JOB_KINDS).join(', ')}`,
      });
    const algorithmName =
      typeof parsed.algorithmName === 'string' ? parsed.algorithmName : 'pagerank';
    const cancellable =
      kindName === 'algorithm' ? isCancellableAlgorithm(algorithmName) : kind.cancellable;
    const job = ctx.state.createJob(
      graph,
      { ...kind, cancellable },
      {
        url: `${API_PREFIX}/${ctx.projectId}/graphs/${graph}`,
        body: kindName === 'algorithm' ? { algorithmName } : {},
      },
      {
        status,
        jobId: typeof parsed.jobId === 'string' ? parsed.jobId : undefined,
        pendingMs: typeof parsed.pendingMs === 'number' ? parsed.pendingMs : undefined,
        runningMs: typeof parsed.runningMs === 'number' ? parsed.runningMs : undefined,
        finalStatus: parsed.finalStatus === 'failed' ? 'failed' : undefined,
        // canStop: false makes a job GES refuses to cancel (the list says so in the memory
        // edition).
        ...(parsed.canStop === false ? { cancellable: false } : {}),
      },
    );
    return new Reply(201, { ...jobView(ctx, job), graph, cancellable });
  }
  return new Reply(404, { errorMessage: `no control route ${route}` });
}
