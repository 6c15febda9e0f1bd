import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { maskBodySecrets, maskHeaders } from '../core/http/mask.js';
import { serveIam } from './auth.js';
import {
  type EmulatorContext,
  type EmulatorOptions,
  MAX_LOG,
  managedGraphs,
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
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  const graphs = options.graphs?.length ? options.graphs : EMULATOR_DEFAULTS.graphs;
  const ctx: EmulatorContext = {
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
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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
    const isIam =
      method === 'POST' && url.pathname === '/v3/auth/tokens' && options.iam !== undefined;
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
    const fault = takeFault(ctx, method, url.pathname);
    if (fault?.stall) return; // the socket is destroyed when the emulator closes
    const answer = (): void => {
      if (fault?.reset) return void req.socket.destroy();
      if (answerWithFault(res, fault)) return;
      const reply = isIam
        ? serveIam(ctx, body)
        : isManagementPath(url.pathname)
          ? serveManagement(ctx, method, url, req.url ?? '/', req.headers, body)
          : serveGes(ctx, method, url, req.url ?? '/', req.headers, body);
      if (fault?.dropAnswer) return void req.socket.destroy();
      send(res, reply.status, reply.body, reply.headers);
    };
    if (fault?.delayMs) later(Math.min(fault.delayMs, 600_000), answer);
    else answer();
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    ctx.stats.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? EMULATOR_DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.selfAddress = `${shownHost}:${address.port}`;

  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    projectId: ctx.projectId,
    graphs,
    token: ctx.token,
    state: ctx.state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
