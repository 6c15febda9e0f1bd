import type { Dispatcher } from 'undici';
import { maskUrlCredentials } from './address.js';
import { errorFields } from './body.js';
import { exchange } from './exchange.js';
import { maskBodySecrets, maskHeaders } from './mask.js';
import type { HttpResult } from './result.js';
import { loadAgent, loadEnvHttpProxyAgent } from './undici.js';

export type { HttpResult } from './result.js';

import { InterruptedError, NetworkError } from '../errors.js';
import { GES_ERRORS } from '../ges/constants.js';
import { sleep } from '../sleep.js';
import { backoffDelayMs, isRetryableCode, isRetryableStatus, retryAfterMs } from './retry.js';
import { isTlsFailure, TLS_PROBLEMS } from './tls-errors.js';

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

export interface HttpClientOptions {
  endpoint: string;
  timeoutMs: number;
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
  proxy?: { http: string; https: string; noProxy: string };
  /** The most connections the pool opens: the requests a run keeps in flight (default 8). */
  connections?: number;
  /**
   * The endpoint came from a cache: when it refuses connections or never answers, ask for it
   * again (once a run); the request is tried again only when the answer is a new address.
   */
  rediscover?: () => Promise<string | null>;
}

/**
 * Failures that say nothing answers at the address (it may have moved), as opposed to a bad answer.
 */
const NOTHING_THERE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Extra headers of this call (X-Language on the service plane). */
  headers?: Record<string, string>;
}

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const SUCCESS_BODY_LIMIT = 64 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const TRACE_BODY_LIMIT = 2000;
/** How much of an answer's body is read: a success is data, an error page only needs its start. */
const bodyLimit = (status: number): number =>
  status >= 200 && status < 300 ? SUCCESS_BODY_LIMIT : ERROR_BODY_LIMIT;

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.cause?.code && (e.code === 'UND_ERR_SOCKET' || !e.code) ? e.cause.code : e?.code;
}

/** One line for a failure that produced no HTTP answer. */
export function describeNetworkFailure(
  code: string | undefined,
  error: unknown,
  url: URL,
  timeoutMs: number,
  proxy?: string,
): string {
  const host = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return proxy
        ? `connection refused by the proxy ${maskUrlCredentials(proxy)} (on the way to ${host})`
        : `connection refused by ${host}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return `connection to ${host} was reset before an answer arrived`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup failed for ${url.hostname}`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer from ${host} within ${timeoutMs / 1000} s`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable`;
  }
  const message = (error as Error)?.message ?? String(error);
  const tlsProblem = code ? TLS_PROBLEMS[code] : undefined;
  if (tlsProblem)
    return `TLS: cannot verify ${host}: ${tlsProblem.replace('{host}', url.hostname)} (${code})`;
  if (isTlsFailure(code)) return `TLS failure talking to ${host}: ${message} (${code})`;
  return `request to ${host} failed: ${message}${code ? ` (${code})` : ''}`;
}

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
  private draft(request: HttpRequest): OutgoingRequest & { href: string } {
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

  private async makeDispatcher(): Promise<Dispatcher> {
    const Agent = await loadAgent();
    const { timeoutMs, tls: tlsOptions, proxy } = this.options;
    // Node replaces its built-in CAs when `ca` is given: keep them and add the extra ones.
    const ca = tlsOptions?.ca
      ? [...(await import('node:tls')).rootCertificates, tlsOptions.ca]
      : undefined;
    const targetTls = {
      ...(ca ? { ca } : {}),
      ...(tlsOptions?.insecure ? { rejectUnauthorized: false } : {}),
    };
    const common = {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
      // No more connections than requests in flight: undici frees a connection a moment after
      // its answer is read, so an unbounded pool opens more (each a TLS handshake on https).
      connections: this.options.connections ?? 8,
      // Node's default, given so undici need not load node:http to read it (see .ci/build.mjs).
      maxHeaderSize: 16 * 1024,
    };
    const connect = { timeout: timeoutMs, ...targetTls };
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
        requestTls: targetTls,
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
    const { signal, trace, retries, timeoutMs } = this.options;
    let reauthenticated = false;
    let moved = false;
    let retried = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted)
        throw new InterruptedError('interrupted', attempt - 1, false, String(signal.reason));
      const prepared = this.draft(request);
      const adding = this.addCredentials(prepared);
      if (adding) await adding;
      const { href } = prepared;
      const origin = this.base.origin;
      const started = Date.now();
      if (trace) {
        trace(`> ${prepared.method} ${href}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        for (const [k, v] of Object.entries(maskHeaders(prepared.headers))) trace(`> ${k}: ${v}`);
        if (prepared.body) trace(`> ${maskBodySecrets(prepared.body).slice(0, TRACE_BODY_LIMIT)}`);
      }
      // No signal or timer per request: the dispatcher bounds connect, headers and body with
      // --timeout each, and an interruption destroys the dispatcher, failing every request in
      // flight at once. A batch then pays nothing per job for either.
      let result: HttpResult | undefined;
      let failure: { code: string | undefined; error: unknown } | undefined;
      try {
        result = {
          ...(await exchange(
            dispatcher,
            {
              origin,
              path: href.slice(origin.length),
              method: prepared.method as Dispatcher.HttpMethod,
              headers: prepared.headers,
              body: prepared.body,
            },
            bodyLimit,
          )),
          attempts: attempt,
        };
        if (trace) {
          const { status, headers, text } = result;
          trace(`< ${status} (${Date.now() - started} ms)`);
          for (const [k, v] of Object.entries(maskHeaders(headers))) trace(`< ${k}: ${v}`);
          if (text)
            trace(
              `< ${maskBodySecrets(text.slice(0, TRACE_BODY_LIMIT))}` +
                `${text.length > TRACE_BODY_LIMIT ? '…' : ''}`,
            );
        }
      } catch (error) {
        if (signal?.aborted)
          throw new InterruptedError('interrupted', attempt, true, String(signal.reason));
        failure = { code: errorCode(error), error };
        trace?.(
          `< no answer: ${describeNetworkFailure(
            failure.code,
            error,
            prepared.url,
            timeoutMs,
            this.refusingProxy(error, prepared.url),
          )}`,
        );
      }

      const { authenticator } = this.options;
      if (result && isRefusedCredentials(result)) {
        if (!reauthenticated && authenticator.onUnauthorized) {
          reauthenticated = true;
          if (await authenticator.onUnauthorized(prepared.headers)) {
            trace?.('credentials refused: signing in again and retrying once');
            continue;
          }
        }
        result.hint = authenticator.refusalHint?.(result);
      }
      const retryable = result ? isRetryableStatus(result.status) : isRetryableCode(failure!.code);
      if (!retryable || retried >= retries) {
        if (result) return result;
        if (!moved && this.options.rediscover && NOTHING_THERE.has(failure!.code ?? '')) {
          moved = true;
          if (await this.rediscover(href, request)) {
            trace?.(
              `the cached address did not answer; ` +
                `the management plane now gives ${this.base.origin}: trying there`,
            );
            retried = 0;
            continue;
          }
        }
        throw new NetworkError(
          describeNetworkFailure(
            failure!.code,
            failure!.error,
            prepared.url,
            timeoutMs,
            this.refusingProxy(failure!.error, prepared.url),
          ),
          failure!.code,
          attempt,
        );
      }
      const asked = result ? retryAfterMs(result.headers['retry-after']) : null;
      const delay = asked ?? backoffDelayMs(retried, this.options.random);
      retried++;
      trace?.(`retrying in ${(delay / 1000).toFixed(1)} s (retry ${retried} of ${retries})`);
      await sleep(delay, signal).catch((error: InterruptedError) => {
        throw error.retold(error.message, attempt);
      });
    }
  }

  /** Asks for the endpoint again (once a run); true when the request would now go elsewhere. */
  private async rediscover(failedHref: string, request: HttpRequest): Promise<boolean> {
    const next = await (this.rediscovered ??= this.options.rediscover!().catch(() => null));
    if (next) this.base = baseUrl(next);
    return this.href(request) !== failedHref;
  }

  /**
   * The proxy URL when the connection that failed was to the proxy (its port), not to the engine.
   */
  private refusingProxy(error: unknown, url: URL): string | undefined {
    const proxy = url.protocol === 'https:' ? this.options.proxy?.https : this.options.proxy?.http;
    if (!proxy) return undefined;
    const e = error as { port?: number; cause?: { port?: number } };
    const port = e?.cause?.port ?? e?.port;
    let proxyUrl: URL;
    try {
      proxyUrl = new URL(proxy);
    } catch {
      return undefined;
    }
    const proxyPort = Number(proxyUrl.port || (proxyUrl.protocol === 'https:' ? 443 : 80));
    return port === proxyPort ? proxy : undefined;
  }

  /**
   * Ends the connections at once (destroy, not a graceful close): every answer has been read by
   * now, and waiting for keep-alive sockets to wind down only delays the exit.
   */
  async close(): Promise<void> {
    await this.dispatcher?.destroy();
  }
}
