import type { IncomingMessage } from 'node:http';
import { GES_ERRORS } from '../core/ges/constants.js';
import type { AfterCancel, EmulatorState } from './state.js';

/**
 * memory: the current memory edition (flat jobs with taskType, canStop, rawRequest; no totalCount).
 * memory-2021: `request` objects, no totalCount, paging ignored, `complete` for a finished job.
 * database: `request` with rawRequest, totalCount, `complete`, a top-level `result`.
 */
export type Edition = 'memory' | 'memory-2021' | 'database';
export const EDITIONS: readonly Edition[] = ['memory', 'memory-2021', 'database'];
export type TokenRefusal = '401' | 'GES.8007';
export const TOKEN_REFUSALS: readonly TokenRefusal[] = ['401', 'GES.8007'];

/** What every part of the emulator shares: its settings, its state, and the answers it gives. */

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  projectId?: string;
  graphs?: string[];
  /**
   * How the management plane lists some of the graphs: their state codes ("900" stopped, ...);
   * any other graph is running ("200").
   */
  graphStates?: Record<string, string>;
  /** The X-Auth-Token to accept; null accepts requests without credentials. */
  token?: string | null;
  pendingMs?: number;
  runningMs?: number;
  /** How long a cancelled job keeps running before it is gone (0: at once). */
  cancelDelayMs?: number;
  /**
   * The answer shapes and status words of one GES edition (docs/ges-api.md#editions); default
   * memory.
   */
  edition?: Edition;
  /**
   * What a cancelled job becomes: gone (default), failed, or listed as running a while (linger).
   */
  afterCancel?: AfterCancel;
  /**
   * How a refused token is answered: 401 as the API gateway does (default), or 400 GES.8007 as the
   * engine does.
   */
  tokenRefusal?: TokenRefusal;
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
  /**
   * With status: a JSON body `before` + `text` repeated `times` + `after` (a 20 MB job ID, say), at
   * most 256 MiB.
   */
  bodyRepeat?: { before?: string; text: string; times: number; after?: string };
}

export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The emulator's parts (dispatch, GES routes, control routes, auth, faults) share this one object.
 */
export interface EmulatorContext {
  options: EmulatorOptions;
  projectId: string;
  graphs: string[];
  /** The static X-Auth-Token accepted; null for none. */
  token: string | null;
  state: EmulatorState;
  /** Tokens issued by the emulated IAM, with their expiry on the emulator's clock. */
  issued: Map<string, number>;
  log: LoggedRequest[];
  /**
   * GES requests being answered now, the most at once, and the connections opened, since the last
   * reset.
   */
  stats: { inFlight: number; maxInFlight: number; connections: number };
  faults: (Fault & { count: number })[];
  /** How the management plane describes each graph; its address defaults to the emulator's own. */
  managed: Map<string, ManagedGraphView>;
  /** host:port the emulator listens on (set once it listens). */
  selfAddress: string;
}

/** A graph as the emulated management plane lists it (settable through POST /emulator/graphs). */
export interface ManagedGraphView {
  status: string;
  /** null: the emulator's own host:port. */
  privateIp: string | null;
  publicIp: string;
  enableHttps: boolean | null;
}

/** The graphs given a state from the start (graphStates): listed so, at the emulator's address. */
export function managedGraphs(states: Record<string, string> = {}): Map<string, ManagedGraphView> {
  return new Map(
    Object.entries(states).map(([name, status]) => [
      name,
      { status, privateIp: null, publicIp: '', enableHttps: null },
    ]),
  );
}

export const MAX_BODY = 1024 * 1024;
export const MAX_LOG = 10_000;

export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function gesError(status: number, errorCode: string | null, errorMessage: string): Reply {
  return new Reply(status, errorCode ? { errorMessage, errorCode } : { errorMessage });
}

export function readBody(req: IncomingMessage): Promise<string> {
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

export function parseJson(text: string): Record<string, unknown> | Reply {
  try {
    const v: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return gesError(400, GES_ERRORS.badParameter, 'request body is not a valid JSON object');
}

export function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

export function intParam(url: URL, name: string, fallback: number): number {
  const v = Number(url.searchParams.get(name));
  return url.searchParams.has(name) && Number.isInteger(v) && v >= 0 ? v : fallback;
}
