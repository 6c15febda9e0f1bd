import type { Dispatcher } from 'undici';
import { InterruptedError, NetworkError } from '../errors.js';
import { GES_ERRORS } from '../ges/constants.js';
import { sleep } from '../sleep.js';
import { maskUrlCredentials } from './address.js';
import {
  mayHaveMoved,
  newProgress,
  type Outcome,
  type Progress,
  retryDelayMs,
  shouldRetry,
  traceAnswer,
  traceRequest,
} from './attempts.js';
import { errorFields } from './body.js';
import { exchange } from './exchange.js';
import {
  describeFailure,
  diagnoseFailure,
  type Failure,
  type FailureContext,
  failureOf,
} from './failure.js';
import { maskHeaders } from './mask.js';
import { type ProxyChoice, proxyFor } from './proxy.js';
import type { HttpResult } from './result.js';
import { Slots } from './slots.js';
import { loadAgent, loadEnvHttpProxyAgent } from './undici.js';

export type { HttpResult } from './result.js';

const GES_INVALID_TOKEN = GES_ERRORS.invalidToken;

/** What a request looks like to an authenticator (which may sign it). */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Authenticator {
  /**
   * Headers that authenticate this request: at once for static credentials, later for a login or a
   * signature.
   */
  headers(request: OutgoingRequest): Record<string, string> | Promise<Record<string, string>>;
  /**
   * The server refused the credentials of a request sent with `sent` headers (401, or GES's 400
   * GES.8007): get fresh ones. True when sending the request again may help (it is, once).
   */
  onUnauthorized?(sent: Record<string, string>): Promise<boolean>;
  /** The credentials were refused for good: what to do about it, for the user. */
  refusalHint?(result: HttpResult): string | undefined;
  /**
   * Stand-in headers for --dry-run when getting the real ones would send something (an IAM login).
   */
  preview?(): Record<string, string>;
}

export const NO_AUTH: Authenticator = { headers: () => ({}) };

/** An attempt starting, for a progress line ("attempt 2 of 3, 12s"). */
export interface AttemptInfo {
  /** The request: the same object for each of its attempts, and given to onSettled. */
  request: object;
  attempt: number;
  /**
   * The most attempts the request gets: its retries and one, and one more after a re-login or
   * a move to a new address (which start no retry).
   */
  of: number;
  /** When the request's first attempt started (Date.now()). */
  startedAt: number;
  url: string;
}

export interface HttpClientOptions {
  endpoint: string;
  /** Bounds each attempt from the request's first byte to the answer's last. */
  timeoutMs: number;
  /** Bounds reaching the server or the proxy, each attempt: TCP, TLS, the proxy's tunnel. */
  connectTimeoutMs: number;
  retries: number;
  userAgent: string;
  authenticator: Authenticator;
  /** Aborts everything in flight (Ctrl-C). */
  signal?: AbortSignal;
  /** Verbose trace lines; secrets are masked before they get here. */
  trace?: (line: string) => void;
  random?: () => number;
  /** Extra trusted CAs (PEM text) and whether to skip verification. */
  tls?: { ca?: string; insecure?: boolean };
  /** Proxy URLs; empty strings mean none (the environment is never read here). */
  proxy?: ProxyChoice;
  /** The most connections the pool opens: the requests a run keeps in flight (default 8). */
  connections?: number;
  /**
   * The endpoint came from a cache: when it refuses connections or never answers, ask for it
   * again (once a run); the request is tried again only when the answer is a new address.
   */
  rediscover?: () => Promise<string | null>;
  /** Called as each attempt starts. */
  onAttempt?: (info: AttemptInfo) => void;
  /** Called as a request ends (answered, failed or stopped), with its AttemptInfo's `request`. */
  onSettled?: (request: object) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Extra headers of this call (X-Language on the service plane). */
  headers?: Record<string, string>;
  /**
   * Stops this request alone (a library call's signal), as the client's own signal stops every
   * request: an attempt under way is abandoned, and InterruptedError thrown.
   */
  signal?: AbortSignal;
}

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request as it will be sent; `url` is parsed only for whoever asks for it. */
/** A request built for one attempt, with the origin its URL was built on. */
type Draft = OutgoingRequest & { href: string; origin: string };

const SUCCESS_BODY_LIMIT = 64 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
/** How much of an answer's body is read: a success is data, an error page only needs its start. */
const bodyLimit = (status: number): number =>
  status >= 200 && status < 300 ? SUCCESS_BODY_LIMIT : ERROR_BODY_LIMIT;

/** GES refuses a token with 401 (the API gateway) or 400 GES.8007 (the engine). */
export function isRefusedCredentials(result: Pick<HttpResult, 'status' | 'text'>): boolean {
  if (result.status === 401) return true;
  if (result.status !== 400 || !result.text.includes(GES_INVALID_TOKEN)) return false;
  try {
    return errorFields(JSON.parse(result.text)).errorCode === GES_INVALID_TOKEN;
  } catch {
    return false;
  }
}

/**
 * An endpoint as the base of request URLs: its origin and path, ending in "/" (a user name, a
 * query or a fragment, which endpoints are checked not to have, would never be sent anyway).
 */
function baseUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  return new URL(`${url.origin}${url.pathname.replace(/\/*$/, '/')}`);
}

export class HttpClient {
  private base: URL;
  /** The one rediscovery of a run (shared by requests failing at once). */
  private rediscovered: Promise<string | null> | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.base = baseUrl(options.endpoint);
    this.slots = new Slots(options.connections ?? 8);
    // An interruption fails every request in flight at once (send() then reports it as such).
    options.signal?.addEventListener(
      'abort',
      () => void this.dispatcher?.destroy().catch(() => {}),
      { once: true },
    );
  }

  /**
   * The request's URL as text, put together rather than parsed (a batch sends thousands): the
   * base (origin and path), then the path (its segments are encoded and checked: no dot
   * segments), then the query. It starts with the base's origin, which send() relies on.
   */
  private href(request: HttpRequest): string {
    let query = '';
    if (request.query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(request.query))
        if (v !== undefined) params.set(k, String(v));
      if (params.size > 0) query = `?${params}`;
    }
    return `${this.base.href}${request.path.replace(/^\//, '')}${query}`;
  }

  /** The request as it will be sent, but for its credentials (see addCredentials). */
  private draft(request: HttpRequest): Draft {
    const href = this.href(request);
    let parsed: URL | undefined;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...request.headers,
    };
    // The URL is parsed only for whoever asks: a signature, an error message.
    return {
      method: request.method,
      href,
      origin: this.base.origin,
      get url(): URL {
        return (parsed ??= new URL(href));
      },
      headers,
      body,
    };
  }

  /**
   * Adds the credentials to a draft; a promise only when the authenticator must wait (a login, a
   * signature).
   */
  private addCredentials(draft: OutgoingRequest, preview = false): void | Promise<void> {
    const { authenticator } = this.options;
    const credentials =
      preview && authenticator.preview ? authenticator.preview() : authenticator.headers(draft);
    if (credentials instanceof Promise)
      return credentials.then((headers) => void Object.assign(draft.headers, headers));
    Object.assign(draft.headers, credentials);
  }

  /** The request as it would be sent, credentials included (callers mask before showing it). */
  async prepare(request: HttpRequest, preview = false): Promise<PreparedRequest> {
    const draft = this.draft(request);
    await this.addCredentials(draft, preview);
    return { method: draft.method, url: draft.href, headers: draft.headers, body: draft.body };
  }

  /** Same as prepare, with every credential masked: for --dry-run. */
  async describe(request: HttpRequest): Promise<PreparedRequest> {
    const prepared = await this.prepare(request, true);
    return { ...prepared, headers: maskHeaders(prepared.headers) };
  }

  /**
   * The pool, made by the first request (`ready`) and kept for the run (`dispatcher`, not awaited
   * again).
   */
  private ready: Promise<Dispatcher> | undefined;
  private dispatcher: Dispatcher | undefined;
  /** Requests on the wire, at most as many as the pool has connections (slots.ts). */
  private readonly slots: Slots;

  private async makeDispatcher(): Promise<Dispatcher> {
    const Agent = await loadAgent();
    const { connectTimeoutMs, tls: tlsOptions, proxy } = this.options;
    // Node replaces its built-in CAs when `ca` is given: keep them and add the extra ones.
    const ca = tlsOptions?.ca
      ? [...(await import('node:tls')).rootCertificates, tlsOptions.ca]
      : undefined;
    const targetTls = {
      ...(ca ? { ca } : {}),
      ...(tlsOptions?.insecure ? { rejectUnauthorized: false } : {}),
    };
    const common = {
      // Each attempt's deadline bounds the answer (see exchange.ts); undici's own timers would
      // restart on every informational answer and every chunk of a body.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 10_000,
      // No more connections than requests in flight: undici frees a connection a moment after
      // its answer is read, so an unbounded pool opens more (each a TLS handshake on https).
      connections: this.options.connections ?? 8,
      // Node's default, given so undici need not load node:http to read it (see .ci/build.mjs).
      maxHeaderSize: 16 * 1024,
    };
    const connect = { timeout: connectTimeoutMs, ...targetTls };
    if (proxy && (proxy.http || proxy.https)) {
      this.options.trace?.(
        `proxy: http ${maskUrlCredentials(proxy.http) || 'none'}, ` +
          `https ${maskUrlCredentials(proxy.https) || 'none'}, ` +
          `no proxy for ${proxy.noProxy || 'none'}`,
      );
      const EnvHttpProxyAgent = await loadEnvHttpProxyAgent();
      const dispatcher = new EnvHttpProxyAgent({
        ...common,
        connect,
        requestTls: connect,
        proxyTls: { timeout: connectTimeoutMs },
        httpProxy: proxy.http,
        httpsProxy: proxy.https,
        noProxy: proxy.noProxy,
      });
      return (this.dispatcher = dispatcher);
    }
    return (this.dispatcher = new Agent({ ...common, connect }));
  }

  /**
   * Sends a request, retrying connection failures, timeouts and 429/500/502/503/504.
   * Returns any HTTP answer (callers judge the status); throws NetworkError when no
   * attempt was answered and InterruptedError when aborted.
   */
  async send(request: HttpRequest): Promise<HttpResult> {
    const dispatcher = this.dispatcher ?? (await (this.ready ??= this.makeDispatcher()));
    const progress = newProgress(Date.now());
    const { onSettled } = this.options;
    if (!onSettled) return this.attempts(dispatcher, request, progress);
    try {
      return await this.attempts(dispatcher, request, progress);
    } finally {
      onSettled(progress);
    }
  }

  /** The attempts of one request, until an answer to return or a failure to throw. */
  private async attempts(
    dispatcher: Dispatcher,
    request: HttpRequest,
    progress: Progress,
  ): Promise<HttpResult> {
    const { signal } = request;
    for (;;) {
      progress.attempt++;
      this.stopIfAborted(progress.attempt - 1, false, signal);
      const draft = this.draft(request);
      const adding = this.addCredentials(draft);
      if (adding) await adding;
      this.announce(draft, progress);
      const outcome = await this.attempt(dispatcher, draft, progress, signal);
      if (outcome.result && (await this.relogin(outcome.result, draft, progress))) continue;
      if (shouldRetry(outcome, progress.retried, this.options.retries)) {
        await this.backoff(outcome, progress, signal);
        continue;
      }
      if (outcome.result) return outcome.result;
      if (await this.rediscover(outcome.failure, draft.href, request, progress)) continue;
      throw await this.networkError(outcome.failure, draft.url, progress);
    }
  }

  /**
   * Throws InterruptedError once the run or the request is stopped (`attempts` sent, the last
   * `inFlight`).
   */
  private stopIfAborted(attempts: number, inFlight: boolean, request?: AbortSignal): void {
    const run = this.options.signal;
    const stopped = run?.aborted ? run : request?.aborted ? request : undefined;
    if (stopped)
      throw new InterruptedError('interrupted', attempts, inFlight, String(stopped.reason));
  }

  /** Tells the trace and onAttempt that an attempt starts. */
  private announce(draft: Draft, progress: Progress): void {
    const { trace, onAttempt, retries } = this.options;
    if (trace) traceRequest(trace, draft, progress.attempt);
    onAttempt?.({
      request: progress,
      attempt: progress.attempt,
      of: progress.attempt - progress.retried + retries,
      startedAt: progress.startedAt,
      url: draft.href,
    });
  }

  /** One attempt: the request sent and its answer read within the attempt's deadline. */
  private async attempt(
    dispatcher: Dispatcher,
    draft: Draft,
    progress: Progress,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const { trace, timeoutMs, connectTimeoutMs } = this.options;
    // The draft's origin: another request may move the base while this one signs or logs in.
    const { origin } = draft;
    const waiting = this.slots.take([this.options.signal, signal]);
    if (waiting) {
      try {
        await waiting;
      } catch (error) {
        this.stopIfAborted(progress.attempt - 1, false, signal);
        throw error;
      }
    }
    const started = Date.now();
    try {
      const answer = await exchange(
        dispatcher,
        {
          origin,
          path: draft.href.slice(origin.length),
          method: draft.method as Dispatcher.HttpMethod,
          headers: draft.headers,
          body: draft.body,
        },
        bodyLimit,
        { connectMs: connectTimeoutMs, answerMs: timeoutMs },
        signal,
      );
      const result: HttpResult = { ...answer, attempts: progress.attempt };
      if (trace) traceAnswer(trace, result, Date.now() - started);
      return { result };
    } catch (error) {
      this.stopIfAborted(progress.attempt, true, signal);
      const failure = failureOf(error);
      if (trace) {
        const context = this.failureContext(draft.url, progress.attempt, progress.startedAt);
        trace(`< no answer: ${describeFailure(failure, context).message}`);
      }
      return { failure };
    } finally {
      this.slots.release();
    }
  }

  /**
   * Credentials refused (401, GES.8007): signs in again once a request; true when the request
   * should go again at once. Otherwise the answer gets the authenticator's hint.
   */
  private async relogin(result: HttpResult, draft: Draft, progress: Progress): Promise<boolean> {
    if (!isRefusedCredentials(result)) return false;
    const { authenticator, trace } = this.options;
    if (!progress.reauthenticated && authenticator.onUnauthorized) {
      progress.reauthenticated = true;
      if (await authenticator.onUnauthorized(draft.headers)) {
        trace?.('credentials refused: signing in again and retrying once');
        return true;
      }
    }
    result.hint = authenticator.refusalHint?.(result);
    return false;
  }

  /** Waits before the next attempt, as Retry-After asks or with backoff. */
  private async backoff(
    outcome: Outcome,
    progress: Progress,
    request: AbortSignal | undefined,
  ): Promise<void> {
    const { retries, random, signal, trace } = this.options;
    const delay = retryDelayMs(outcome, progress.retried, random);
    progress.retried++;
    trace?.(`retrying in ${(delay / 1000).toFixed(1)} s (retry ${progress.retried} of ${retries})`);
    const stop = signal && request ? AbortSignal.any([signal, request]) : (signal ?? request);
    await sleep(delay, stop).catch((error: InterruptedError) => {
      throw error.retold(error.message, progress.attempt);
    });
  }

  /**
   * A cached address where nothing answers: asks for it again (once a run); true when the
   * request now goes elsewhere, with its retries anew.
   */
  private async rediscover(
    failure: Failure,
    failedHref: string,
    request: HttpRequest,
    progress: Progress,
  ): Promise<boolean> {
    if (!this.options.rediscover || !mayHaveMoved(failure, progress)) return false;
    progress.moved = true;
    const next = await (this.rediscovered ??= this.options.rediscover().catch(() => null));
    if (next) this.base = baseUrl(next);
    if (this.href(request) === failedHref) return false;
    this.options.trace?.(
      `the cached address did not answer; ` +
        `the management plane now gives ${this.base.origin}: trying there`,
    );
    progress.retried = 0;
    return true;
  }

  /** What the failure is told with: the URL, the proxy on the way, the limits, the tally. */
  private failureContext(url: URL, attempts: number, since: number): FailureContext {
    const { timeoutMs, connectTimeoutMs, proxy } = this.options;
    return {
      url,
      proxy: proxyFor(url, proxy),
      connectMs: connectTimeoutMs,
      answerMs: timeoutMs,
      attempts,
      elapsedMs: Date.now() - since,
    };
  }

  /** The error for the last failure, named after a closer look (a proxy, a protocol mix-up). */
  private async networkError(
    failure: Failure,
    url: URL,
    progress: Progress,
  ): Promise<NetworkError> {
    const context = this.failureContext(url, progress.attempt, progress.startedAt);
    const { code, message } = await diagnoseFailure(failure, context);
    return new NetworkError(message, code, progress.attempt);
  }

  /**
   * Ends the connections at once (destroy, not a graceful close): every answer has been read by
   * now, and waiting for keep-alive sockets to wind down only delays the exit.
   */
  async close(): Promise<void> {
    await this.dispatcher?.destroy();
  }
}
