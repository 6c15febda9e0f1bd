import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { maskBodySecrets, maskHeaders } from '../core/http/mask.js';
import { serveIam } from './auth.js';
import {
  type EmulatorContext,
  type EmulatorOptions,
  type Fault,
  MAX_LOG,
  managedGraphs,
  type Reply,
  readBody,
} from './context.js';
import { serveControl } from './control-routes.js';
import { EMULATOR_DEFAULTS } from './defaults.js';
import { answerWithFault, send, takeFault } from './faults.js';
import { serveGes } from './ges-routes.js';
import { isManagementPath, serveManagement } from './management-routes.js';
import { EmulatorState } from './state.js';

export type { EmulatorOptions, Fault, LoggedRequest } from './context.js';

/**
 * A local GES service plane: listening and dispatch. The routes live in their own modules
 * (ges-routes, control-routes, auth, faults), all sharing one EmulatorContext.
 */

export interface Emulator {
  url: string;
  projectId: string;
  graphs: string[];
  token: string | null;
  state: EmulatorState;
  close(): Promise<void>;
}

/** Starts the emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ctx = emulatorContext(options);
  const timers = new Timers();
  const handler = requestHandler(ctx, timers);
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  const sockets = trackConnections(server, ctx);
  const address = await listen(
    server,
    options.port ?? EMULATOR_DEFAULTS.port,
    options.host ?? EMULATOR_DEFAULTS.host,
  );
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.selfAddress = `${shownHost}:${address.port}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    projectId: ctx.projectId,
    graphs: ctx.graphs,
    token: ctx.token,
    state: ctx.state,
    close: () =>
      new Promise<void>((resolve) => {
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function emulatorContext(options: EmulatorOptions): EmulatorContext {
  const graphs = options.graphs?.length ? options.graphs : EMULATOR_DEFAULTS.graphs;
  return {
    options,
    projectId: options.projectId ?? EMULATOR_DEFAULTS.projectId,
    graphs,
    token: options.token === undefined ? EMULATOR_DEFAULTS.token : options.token,
    state: new EmulatorState(
      graphs,
      {
        pendingMs: options.pendingMs ?? EMULATOR_DEFAULTS.pendingMs,
        runningMs: options.runningMs ?? EMULATOR_DEFAULTS.runningMs,
        cancelDelayMs: options.cancelDelayMs ?? 0,
        afterCancel: options.afterCancel,
      },
      options.now,
    ),
    issued: new Map(),
    log: [],
    stats: { inFlight: 0, maxInFlight: 0, connections: 0 },
    faults: (options.faults ?? []).map((f) => ({ ...f, count: f.count ?? 1 })),
    managed: managedGraphs(options.graphStates),
    selfAddress: '',
  };
}

/** Delayed answers, cancelled together when the emulator closes. */
class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
  }

  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

/** A request as the routes see it: read whole, its URL parsed. */
interface Incoming {
  req: IncomingMessage;
  method: string;
  url: URL;
  body: string;
}

function requestHandler(
  ctx: EmulatorContext,
  timers: Timers,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return;
    }
    if (url.pathname.startsWith('/emulator/')) {
      const reply = serveControl(ctx, method, url, body);
      return send(res, reply.status, reply.body, reply.headers);
    }
    ctx.stats.maxInFlight = Math.max(ctx.stats.maxInFlight, ++ctx.stats.inFlight);
    res.once('close', () => ctx.stats.inFlight--);
    const incoming: Incoming = { req, method, url, body };
    logRequest(ctx, incoming);
    const fault = takeFault(ctx, method, url.pathname);
    if (fault?.stall) return; // the socket is destroyed when the emulator closes
    const answer = (): void => answerService(ctx, incoming, res, fault);
    if (fault?.delayMs) timers.later(Math.min(fault.delayMs, 600_000), answer);
    else answer();
  };
}

function logRequest(ctx: EmulatorContext, { req, method, url, body }: Incoming): void {
  if (ctx.log.length >= MAX_LOG) ctx.log.shift();
  ctx.log.push({
    time: new Date().toISOString(),
    method,
    path: `${url.pathname}${url.search}`,
    headers: maskHeaders(
      Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
    ),
    // The log is for tests and demos: a login body keeps its shape, never the password.
    body: maskBodySecrets(body),
  });
}

/** Answers a GES, management or IAM request, unless its fault answers (or drops) it instead. */
function answerService(
  ctx: EmulatorContext,
  incoming: Incoming,
  res: ServerResponse,
  fault: Fault | undefined,
): void {
  const { socket } = incoming.req;
  if (fault?.reset) return void socket.destroy();
  if (answerWithFault(res, fault)) return;
  const reply = serviceReply(ctx, incoming);
  if (fault?.dropAnswer) return void socket.destroy();
  send(res, reply.status, reply.body, reply.headers);
}

function serviceReply(ctx: EmulatorContext, { req, method, url, body }: Incoming): Reply {
  if (method === 'POST' && url.pathname === '/v3/auth/tokens' && ctx.options.iam !== undefined)
    return serveIam(ctx, body);
  const rawUrl = req.url ?? '/';
  return isManagementPath(url.pathname)
    ? serveManagement(ctx, method, url, rawUrl, req.headers, body)
    : serveGes(ctx, method, url, rawUrl, req.headers, body);
}

/** Counts connections (for stats) and keeps them, to destroy on close. */
function trackConnections(server: Server, ctx: EmulatorContext): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    ctx.stats.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
