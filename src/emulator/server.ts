import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { canonicalRequest, parseAuthorization, parseSdkDate, signature } from '../core/auth/signer.js';
import { API_PREFIX, GES_ERRORS, UNSUPPORTED_OPERATION } from '../core/ges/constants.js';
import { maskBodySecrets, maskHeaders } from '../core/http/mask.js';
import { EMULATOR_DEFAULTS } from './defaults.js';
import { EmulatorState, JOB_KINDS, RESULT_SIZE, isCancellableAlgorithm, type EmulatedJob, type JobStatusName } from './state.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  projectId?: string;
  graphs?: string[];
  /** The X-Auth-Token to accept; null accepts requests without credentials. */
  token?: string | null;
  pendingMs?: number;
  runningMs?: number;
  /** How long a cancelled job keeps running before it is gone (0: at once). */
  cancelDelayMs?: number;
  now?: () => number;
  /** Verify SDK-HMAC-SHA256 signed requests made with this key pair. */
  accessKey?: string;
  secretKey?: string;
  /** With temporary keys: the X-Security-Token signed requests must carry. */
  securityToken?: string;
  /** Serve POST /v3/auth/tokens for this IAM user, and accept the tokens it issues. */
  iam?: { domain: string; user: string; password: string; tokenLifetimeMs?: number };
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: { key: string; cert: string };
  /** Faults in place from the start (as POST /emulator/faults takes them). */
  faults?: Fault[];
}

export interface Emulator {
  url: string;
  projectId: string;
  graphs: string[];
  token: string | null;
  state: EmulatorState;
  close(): Promise<void>;
}

export interface Fault {
  method?: string;
  /** Matches when the request path contains this text. */
  path?: string;
  /** How many matching requests get the fault (default 1). */
  count?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Never answer (until the client gives up or the emulator stops). */
  stall?: boolean;
  /** Carry the request out, then reset the connection instead of answering (a lost answer). */
  dropAnswer?: boolean;
  /** With status: a body of this many bytes (JSON-shaped padding) instead of `body`. */
  bodySize?: number;
  /** With status: a JSON body `before` + `text` repeated `times` + `after` (a 20 MB job ID, say), at most 256 MiB. */
  bodyRepeat?: { before?: string; text: string; times: number; after?: string };
}

export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** /ges/v1.0/{project}/graphs/{graph}{rest} */
const GES_PATH = new RegExp(`^${API_PREFIX.replace(/\./g, '\\.')}/([^/]+)/graphs/([^/]+)(/.*)?$`);
const MAX_BODY = 1024 * 1024;
const MAX_LOG = 10_000;

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

function gesError(status: number, errorCode: string | null, errorMessage: string): Reply {
  return new Reply(status, errorCode ? { errorMessage, errorCode } : { errorMessage });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> | Reply {
  try {
    const v: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return gesError(400, GES_ERRORS.badParameter, 'request body is not a valid JSON object');
}

function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

function intParam(url: URL, name: string, fallback: number): number {
  const v = Number(url.searchParams.get(name));
  return url.searchParams.has(name) && Number.isInteger(v) && v >= 0 ? v : fallback;
}

/** A local GES service plane: the job calls of the real API, plus a control API under /emulator/. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  const projectId = options.projectId ?? EMULATOR_DEFAULTS.projectId;
  const graphs = options.graphs?.length ? options.graphs : EMULATOR_DEFAULTS.graphs;
  const token = options.token === undefined ? EMULATOR_DEFAULTS.token : options.token;
  const state = new EmulatorState(
    graphs,
    {
      pendingMs: options.pendingMs ?? EMULATOR_DEFAULTS.pendingMs,
      runningMs: options.runningMs ?? EMULATOR_DEFAULTS.runningMs,
      cancelDelayMs: options.cancelDelayMs ?? 0,
    },
    options.now,
  );
  const faults: (Fault & { count: number })[] = (options.faults ?? []).map((f) => ({ ...f, count: f.count ?? 1 }));
  /** Tokens issued by the emulated IAM, with their expiry on the emulator's clock. */
  const issued = new Map<string, number>();
  const needsCredentials = token !== null || options.accessKey !== undefined || options.iam !== undefined;
  const log: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  /** GES requests being answered now, and the most at once since the last reset. */
  const stats = { inFlight: 0, maxInFlight: 0 };

  function jobView(job: EmulatedJob): Record<string, unknown> {
    return { jobId: job.jobId, status: state.statusOf(job), request: job.request };
  }

  function statusBody(job: EmulatedJob, url: URL): Record<string, unknown> {
    const status = state.statusOf(job);
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

  function createFromApi(graph: string, rest: string, url: URL, method: string, body: Record<string, unknown>): Reply | undefined {
    const request = { url: `${url.pathname}${url.search}`, body };
    const created = (job: EmulatedJob): Reply => new Reply(200, { jobId: job.jobId, jobType: job.jobType });
    const action = url.searchParams.get('action_id');
    if (method !== 'POST') return undefined;
    if (rest === '/vertices/action' && action === 'query') {
      if (!nonEmptyList(body.labels) && !nonEmptyList(body.vertexFilters)) {
        return gesError(400, GES_ERRORS.vertexQueryEmpty, 'vertexFilters and labels can not be both empty');
      }
      return created(state.createJob(graph, JOB_KINDS.vertexQuery, request));
    }
    if (rest === '/edges/action' && action === 'query') {
      if (!nonEmptyList(body.labels) && !nonEmptyList(body.edgeFilters)) {
        return gesError(400, GES_ERRORS.edgeQueryEmpty, 'edgeFilters and labels can not be both empty');
      }
      return created(state.createJob(graph, JOB_KINDS.edgeQuery, request));
    }
    if (rest === '/action' && action === 'execute-algorithm') {
      const name = body.algorithmName;
      if (typeof name !== 'string' || name === '') return gesError(400, GES_ERRORS.algorithmNameEmpty, 'algorithmName can not be empty');
      return created(state.createJob(graph, { ...JOB_KINDS.algorithm, cancellable: isCancellableAlgorithm(name) }, request));
    }
    if (rest === '/indices') {
      for (const key of ['indexName', 'indexType', 'hasLabel', 'indexProperty']) {
        if (body[key] === undefined) return gesError(400, GES_ERRORS.createIndexFailed, `create index failed: ${key} is required`);
      }
      return created(state.createJob(graph, JOB_KINDS.addIndex, request));
    }
    return undefined;
  }

  const unauthorized = (why: string): Reply => new Reply(401, { error_msg: `Incorrect IAM authentication information: ${why}`, error_code: 'APIGW.0301' });

  /** Checks a signed request as the API gateway would; null when it passes. */
  function verifySignature(method: string, rawUrl: string, headers: IncomingMessage['headers'], body: string): Reply | null {
    const auth = parseAuthorization(headers.authorization);
    if (!auth || options.accessKey === undefined || options.secretKey === undefined) return unauthorized('unsupported authorization');
    if (auth.accessKey !== options.accessKey) return unauthorized('access key not found');
    if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-sdk-date')) return unauthorized('host and x-sdk-date must be signed');
    const date = parseSdkDate(String(headers['x-sdk-date'] ?? ''));
    if (date === null) return unauthorized('x-sdk-date missing or malformed');
    if (Math.abs(state.now() - date) > 15 * 60 * 1000) return unauthorized('request expired: x-sdk-date is more than 15 minutes off');
    if (options.securityToken !== undefined) {
      if (headers['x-security-token'] !== options.securityToken || !auth.signedHeaders.includes('x-security-token')) {
        return unauthorized('security token missing or wrong');
      }
    }
    const values = Object.fromEntries(auth.signedHeaders.map((h) => [h, String(headers[h] ?? '')]));
    const url = new URL(rawUrl, 'http://signed.local');
    const expected = signature(options.secretKey, String(headers['x-sdk-date']), canonicalRequest({ method, url, headers: values, signedHeaders: auth.signedHeaders, body }));
    const a = Buffer.from(expected);
    const b = Buffer.from(auth.signature);
    return a.length === b.length && timingSafeEqual(a, b) ? null : unauthorized('verify aksk signature fail');
  }

  function authenticate(method: string, rawUrl: string, headers: IncomingMessage['headers'], body: string): Reply | null {
    if (!needsCredentials) return null;
    if (headers.authorization !== undefined) return verifySignature(method, rawUrl, headers, body);
    const given = headers['x-auth-token'];
    if (typeof given !== 'string' || given === '') return unauthorized('x-auth-token not found');
    if (token !== null && given === token) return null;
    const expiry = issued.get(given);
    if (expiry === undefined) return unauthorized('verify token failed');
    return expiry > state.now() ? null : unauthorized('the token has expired');
  }

  function serveIam(body: string): Reply {
    const iam = options.iam!;
    const parsed = parseJson(body);
    const auth = (parsed instanceof Reply ? {} : parsed).auth as Record<string, any> | undefined;
    const user = auth?.identity?.password?.user;
    const scope = auth?.scope?.project;
    if (!auth?.identity?.methods?.includes('password') || !user || !scope) {
      return new Reply(400, { error: { code: 400, message: 'The request you have made requires authentication.', title: 'Bad Request' } });
    }
    if (user.domain?.name !== iam.domain || user.name !== iam.user || user.password !== iam.password) {
      return new Reply(401, { error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
    }
    if (scope.id !== undefined ? scope.id !== projectId : scope.name === undefined) {
      return new Reply(400, { error: { code: 400, message: 'Project ID is invalid.', title: 'Bad Request' } });
    }
    const issuedAt = state.now();
    const expiresAt = issuedAt + (iam.tokenLifetimeMs ?? 24 * 3600 * 1000);
    const newToken = `MIIEmulated${randomBytes(24).toString('base64url')}`;
    issued.set(newToken, expiresAt);
    return new Reply(
      201,
      {
        token: {
          expires_at: new Date(expiresAt).toISOString().replace('Z', '000Z'),
          issued_at: new Date(issuedAt).toISOString().replace('Z', '000Z'),
          methods: ['password'],
          project: { id: projectId, name: scope.name ?? 'emulated-region', domain: { name: iam.domain } },
          user: { name: iam.user, domain: { name: iam.domain } },
        },
      },
      { 'X-Subject-Token': newToken },
    );
  }

  function serveGes(method: string, url: URL, rawUrl: string, headers: IncomingMessage['headers'], body: string): Reply {
    const refused = authenticate(method, rawUrl, headers, body);
    if (refused) return refused;
    const m = GES_PATH.exec(url.pathname);
    if (!m) return new Reply(404, { error_msg: 'The API does not exist or has not been published in the environment', error_code: 'APIGW.0101' });
    const [, project, graphRaw, restRaw = ''] = m;
    const graph = decodeURIComponent(graphRaw!);
    const rest = restRaw.replace(/\/$/, '');
    if (project !== projectId) return gesError(400, GES_ERRORS.wrongProjectOrToken, 'wrong parameter: check project_id and X-Auth-Token');
    if (!state.graphs.has(graph)) return gesError(400, GES_ERRORS.badParameter, `graph : ${graph} not exist`);

    if (method === 'GET' && rest === '/jobs/status') {
      const jobs = state.jobsOf(graph);
      const offset = intParam(url, 'offset', 0);
      const limit = intParam(url, 'limit', 100);
      return new Reply(200, { jobs: jobs.slice(offset, offset + limit).map(jobView), totalCount: jobs.length, result: 'success' });
    }
    const jobMatch = /^\/jobs\/([^/]+)(\/status)?$/.exec(rest);
    if (jobMatch) {
      const jobId = decodeURIComponent(jobMatch[1]!);
      const job = state.findJob(graph, jobId);
      if (method === 'GET' && jobMatch[2]) {
        return job ? new Reply(200, statusBody(job, url)) : gesError(400, GES_ERRORS.jobNotFound, `can not find job, jobId is ${jobId}`);
      }
      if (method === 'DELETE' && !jobMatch[2]) {
        const status = job && state.statusOf(job);
        if (!job || status === 'success' || status === 'failed') {
          return gesError(400, GES_ERRORS.cancelFailed, `can not find job to cancel, id is ${jobId}`);
        }
        if (!job.cancellable) return gesError(400, null, UNSUPPORTED_OPERATION);
        state.cancelJob(job);
        return new Reply(200, {});
      }
    }
    const parsed = parseJson(body);
    if (parsed instanceof Reply) return method === 'POST' ? parsed : gesError(400, GES_ERRORS.badParameter, 'bad request');
    return createFromApi(graph, rest, url, method, parsed) ?? gesError(404, GES_ERRORS.badParameter, `no such operation: ${method} ${url.pathname}`);
  }

  function serveControl(method: string, url: URL, body: string): Reply {
    const route = `${method} ${url.pathname.replace(/\/$/, '')}`;
    if (route === 'GET /emulator/health') return new Reply(200, { ok: true, projectId, graphs });
    if (route === 'GET /emulator/requests') return new Reply(200, { requests: log });
    if (route === 'GET /emulator/stats') return new Reply(200, { ...stats });
    if (route === 'DELETE /emulator/stats') {
      stats.maxInFlight = stats.inFlight;
      return new Reply(200, {});
    }
    if (route === 'DELETE /emulator/requests') {
      log.length = 0;
      return new Reply(200, {});
    }
    if (route === 'DELETE /emulator/iam/tokens') {
      issued.clear();
      return new Reply(200, {});
    }
    if (route === 'DELETE /emulator/faults') {
      faults.length = 0;
      return new Reply(200, {});
    }
    const parsed = parseJson(body);
    if (parsed instanceof Reply) return parsed;
    if (route === 'POST /emulator/faults') {
      faults.push({ ...(parsed as Fault), count: typeof parsed.count === 'number' ? parsed.count : 1 });
      return new Reply(201, { faults: faults.length });
    }
    if (route === 'POST /emulator/clock') {
      const ms = Number(parsed.advanceMs);
      if (!Number.isFinite(ms) || ms < 0) return new Reply(400, { errorMessage: 'advanceMs must be a number >= 0' });
      state.advance(ms);
      return new Reply(200, { now: new Date(state.now()).toISOString() });
    }
    if (route === 'POST /emulator/jobs') {
      const graph = String(parsed.graph ?? graphs[0]);
      if (!state.graphs.has(graph)) return new Reply(400, { errorMessage: `no graph ${graph}; graphs: ${graphs.join(', ')}` });
      const status = (parsed.status ?? 'running') as JobStatusName;
      if (!['pending', 'running', 'success', 'failed'].includes(status)) {
        return new Reply(400, { errorMessage: 'status must be pending, running, success or failed' });
      }
      const kindName = (parsed.kind ?? 'algorithm') as keyof typeof JOB_KINDS;
      const kind = JOB_KINDS[kindName];
      if (!kind) return new Reply(400, { errorMessage: `kind must be one of ${Object.keys(JOB_KINDS).join(', ')}` });
      const algorithmName = typeof parsed.algorithmName === 'string' ? parsed.algorithmName : 'pagerank';
      const cancellable = kindName === 'algorithm' ? isCancellableAlgorithm(algorithmName) : kind.cancellable;
      const job = state.createJob(
        graph,
        { ...kind, cancellable },
        { url: `${API_PREFIX}/${projectId}/graphs/${graph}`, body: kindName === 'algorithm' ? { algorithmName } : {} },
        {
          status,
          jobId: typeof parsed.jobId === 'string' ? parsed.jobId : undefined,
          pendingMs: typeof parsed.pendingMs === 'number' ? parsed.pendingMs : undefined,
          runningMs: typeof parsed.runningMs === 'number' ? parsed.runningMs : undefined,
          finalStatus: parsed.finalStatus === 'failed' ? 'failed' : undefined,
        },
      );
      return new Reply(201, { ...jobView(job), graph, cancellable });
    }
    return new Reply(404, { errorMessage: `no control route ${route}` });
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const i = faults.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && (!f.path || path.includes(f.path)));
    if (i < 0) return undefined;
    const fault = faults[i]!;
    if (--fault.count <= 0) faults.splice(i, 1);
    return fault;
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers });
    res.end(text);
  }

  /** A large JSON-looking body written in chunks: {"padding":"xxxx…"}. */
  function sendPadding(res: ServerResponse, status: number, size: number): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(size) });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = size;
    const head = Buffer.from('{"padding":"');
    const tail = Buffer.from('"}');
    res.write(head.subarray(0, left));
    left -= Math.min(left, head.length);
    const pump = (): void => {
      while (left > tail.length) {
        const n = Math.min(chunk.length, left - tail.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end(tail.subarray(0, left));
    };
    res.on('error', () => {});
    pump();
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

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
      const reply = serveControl(method, url, body);
      return send(res, reply.status, reply.body, reply.headers);
    }
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    res.once('close', () => stats.inFlight--);
    const isIam = method === 'POST' && url.pathname === '/v3/auth/tokens' && options.iam !== undefined;
    if (log.length >= MAX_LOG) log.shift();
    log.push({
      time: new Date().toISOString(),
      method,
      path: `${url.pathname}${url.search}`,
      headers: maskHeaders(Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))),
      // The log is for tests and demos: a login body keeps its shape, never the password.
      body: maskBodySecrets(body),
    });
    const fault = takeFault(method, url.pathname);
    if (fault?.stall) return; // the socket is destroyed when the emulator closes
    const answer = (): void => {
      if (fault?.reset) {
        req.socket.destroy();
        return;
      }
      if (fault?.status) {
        if (fault.bodyRepeat) {
          const { before = '', text, times, after = '' } = fault.bodyRepeat;
          const body = `${before}${text.repeat(Math.max(0, Math.min(times, Math.floor((256 * 1024 * 1024) / Math.max(1, text.length)))))}${after}`;
          return send(res, fault.status, body, { 'Content-Type': 'application/json', ...fault.headers });
        }
        if (!fault.bodySize) return send(res, fault.status, fault.body, fault.headers);
        return sendPadding(res, fault.status, Math.min(fault.bodySize, 256 * 1024 * 1024));
      }
      const reply = isIam ? serveIam(body) : serveGes(method, url, req.url ?? '/', req.headers, body);
      if (fault?.dropAnswer) return void req.socket.destroy();
      send(res, reply.status, reply.body, reply.headers);
    };
    if (fault?.delayMs) later(Math.min(fault.delayMs, 600_000), answer);
    else answer();
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
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

  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    projectId,
    graphs,
    token,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
