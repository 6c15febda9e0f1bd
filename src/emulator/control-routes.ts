import { API_PREFIX, GRAPH_NAME } from '../core/ges/constants.js';
import { type EmulatorContext, type Fault, parseJson, Reply } from './context.js';
import { jobView } from './ges-routes.js';
import { isCancellableAlgorithm, JOB_KINDS, type JobStatusName } from './state.js';

/**
 * The control API under /emulator/: jobs in a given state, faults, the clock, the request log,
 * stats.
 */

type Json = Record<string, unknown>;

export function serveControl(ctx: EmulatorContext, method: string, url: URL, body: string): Reply {
  const route = `${method} ${url.pathname.replace(/\/$/, '')}`;
  const bodiless = WITHOUT_BODY.get(route);
  if (bodiless) return bodiless(ctx);
  // Every other route, an unknown one too, refuses a body that is not a JSON object first.
  const parsed = parseJson(body);
  if (parsed instanceof Reply) return parsed;
  const handle = WITH_BODY.get(route);
  return handle
    ? handle(ctx, parsed)
    : new Reply(404, { errorMessage: `no control route ${route}` });
}

/** Routes that ignore the body, so they answer even when it is not JSON. */
const WITHOUT_BODY: ReadonlyMap<string, (ctx: EmulatorContext) => Reply> = new Map([
  [
    'GET /emulator/health',
    (ctx) => new Reply(200, { ok: true, projectId: ctx.projectId, graphs: ctx.graphs }),
  ],
  ['GET /emulator/requests', (ctx) => new Reply(200, { requests: ctx.log })],
  ['GET /emulator/stats', (ctx) => new Reply(200, { ...ctx.stats })],
  ['DELETE /emulator/stats', resetStats],
  ['DELETE /emulator/requests', (ctx) => cleared(() => (ctx.log.length = 0))],
  ['DELETE /emulator/iam/tokens', (ctx) => cleared(() => ctx.issued.clear())],
  ['DELETE /emulator/faults', (ctx) => cleared(() => (ctx.faults.length = 0))],
]);

const WITH_BODY: ReadonlyMap<string, (ctx: EmulatorContext, body: Json) => Reply> = new Map([
  ['POST /emulator/faults', addFault],
  ['POST /emulator/graphs', setGraph],
  ['POST /emulator/clock', advanceClock],
  ['POST /emulator/jobs', addJob],
]);

function cleared(clear: () => void): Reply {
  clear();
  return new Reply(200, {});
}

function resetStats(ctx: EmulatorContext): Reply {
  ctx.stats.maxInFlight = ctx.stats.inFlight;
  ctx.stats.connections = 0;
  return new Reply(200, {});
}

function addFault(ctx: EmulatorContext, body: Json): Reply {
  ctx.faults.push({
    ...(body as Fault),
    count: typeof body.count === 'number' ? body.count : 1,
  });
  return new Reply(201, { faults: ctx.faults.length });
}

/**
 * How the management plane lists a graph: its state, addresses, https. A new name is also served.
 */
function setGraph(ctx: EmulatorContext, body: Json): Reply {
  const name = String(body.name ?? '');
  if (!GRAPH_NAME.test(name)) return new Reply(400, { errorMessage: 'name must be a graph name' });
  if (!ctx.state.graphs.has(name)) ctx.state.graphs.set(name, new Map());
  ctx.managed.set(name, {
    status: typeof body.status === 'string' ? body.status : '200',
    privateIp: typeof body.privateIp === 'string' ? body.privateIp : null,
    publicIp: typeof body.publicIp === 'string' ? body.publicIp : '',
    enableHttps: typeof body.enableHttps === 'boolean' ? body.enableHttps : null,
  });
  return new Reply(201, { name, ...ctx.managed.get(name) });
}

function advanceClock(ctx: EmulatorContext, body: Json): Reply {
  const ms = Number(body.advanceMs);
  if (!Number.isFinite(ms) || ms < 0)
    return new Reply(400, { errorMessage: 'advanceMs must be a number >= 0' });
  ctx.state.advance(ms);
  return new Reply(200, { now: new Date(ctx.state.now()).toISOString() });
}

interface JobSpec {
  graph: string;
  status: JobStatusName;
  kindName: keyof typeof JOB_KINDS;
}

/** The graph, status and kind of a job to add, or why they are refused. */
function jobSpec(ctx: EmulatorContext, body: Json): JobSpec | Reply {
  const graph = String(body.graph ?? ctx.graphs[0]);
  if (!ctx.state.graphs.has(graph))
    return new Reply(400, {
      errorMessage: `no graph ${graph}; graphs: ${ctx.graphs.join(', ')}`,
    });
  const status = (body.status ?? 'running') as JobStatusName;
  if (!['waiting', 'pending', 'running', 'success', 'failed'].includes(status)) {
    return new Reply(400, {
      errorMessage: 'status must be waiting, pending, running, success or failed',
    });
  }
  const kindName = (body.kind ?? 'algorithm') as keyof typeof JOB_KINDS;
  if (!JOB_KINDS[kindName])
    return new Reply(400, {
      errorMessage: `kind must be one of ${Object.keys(JOB_KINDS).join(', ')}`,
    });
  return { graph, status, kindName };
}

function addJob(ctx: EmulatorContext, body: Json): Reply {
  const spec = jobSpec(ctx, body);
  if (spec instanceof Reply) return spec;
  const { graph, status, kindName } = spec;
  const kind = JOB_KINDS[kindName];
  const algorithmName = typeof body.algorithmName === 'string' ? body.algorithmName : 'pagerank';
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
      jobId: typeof body.jobId === 'string' ? body.jobId : undefined,
      pendingMs: typeof body.pendingMs === 'number' ? body.pendingMs : undefined,
      runningMs: typeof body.runningMs === 'number' ? body.runningMs : undefined,
      finalStatus: body.finalStatus === 'failed' ? 'failed' : undefined,
      // canStop: false makes a job GES refuses to cancel (the list says so in the memory
      // edition).
      ...(body.canStop === false ? { cancellable: false } : {}),
    },
  );
  return new Reply(201, { ...jobView(ctx, job), graph, cancellable });
}
