/** Naming a failure that produced no HTTP answer: what failed, where, and in which phase. */
import { isIP } from 'node:net';
import { maskUrlCredentials } from './address.js';
import { AttemptFailure, type Phase } from './exchange.js';
import { isTlsFailure, TLS_PROBLEMS } from './tls-errors.js';

/** Codes for failures ges names itself; otherwise undici's and Node's codes are kept. */
export const FAILURE_CODES = {
  /** The proxy answered CONNECT with 407: it wants (other) credentials. */
  proxyAuth: 'GES_PROXY_AUTH_REQUIRED',
  /** The proxy answered CONNECT with another status than 200. */
  proxyRefused: 'GES_PROXY_REFUSED',
  /** No tunnel through the proxy in time. */
  proxyTimeout: 'GES_PROXY_CONNECT_TIMEOUT',
  /** An http:// endpoint that speaks TLS. */
  speaksHttps: 'GES_ENDPOINT_SPEAKS_HTTPS',
  /** An https:// endpoint that answers in plain http. */
  speaksHttp: 'GES_ENDPOINT_SPEAKS_HTTP',
  /** An answer that is not HTTP/1.1 at all. */
  notHttp: 'GES_NOT_HTTP',
} as const;

/** An attempt that got no answer, as the client keeps it. */
export interface Failure {
  code: string | undefined;
  reason: Error;
  phase: Phase;
  /** Informational (1xx) answers that came before it failed. */
  informational: number;
}

/** What a failure is told with. */
export interface FailureContext {
  url: URL;
  /** The proxy on the way, if any (credentials and all: masked here). */
  proxy: string | undefined;
  connectMs: number;
  answerMs: number;
  attempts: number;
  /** Since the first attempt started. */
  elapsedMs: number;
}

export interface NamedFailure {
  code: string | undefined;
  message: string;
}

/** Codes that say the address could not be reached at all (routing, a VPC, a firewall). */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const RESET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'EPIPE',
  'UND_ERR_CLOSED',
]);

/** OpenSSL's words when a TLS handshake gets a plain-text (HTTP) answer. */
const PLAIN_ANSWER_TO_TLS: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/** The code of an error, looking through undici's socket errors to what the socket said. */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.cause?.code && (e.code === 'UND_ERR_SOCKET' || !e.code) ? e.cause.code : e?.code;
}

/** A rejection of exchange() (or anything thrown on the way) as a Failure. */
export function failureOf(error: unknown): Failure {
  if (error instanceof AttemptFailure) {
    const { reason, phase, informational } = error;
    return { code: errorCode(reason), reason, phase, informational };
  }
  const reason = error instanceof Error ? error : new Error(String(error));
  return { code: errorCode(reason), reason, phase: 'connect', informational: 0 };
}

const seconds = (ms: number): string => `${ms / 1000} s`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 attempts over 31.2 s", for failures to reach the address or to hear from it. */
function tally({ attempts, elapsedMs }: FailureContext): string {
  return `${plural(attempts, 'attempt')} over ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** The reason in an OpenSSL message ("wrong version number"), without its file and line. */
export function opensslReason(message: string): string {
  return /:SSL routines:[^:]*:([^:]+):/.exec(message)?.[1] ?? message;
}

/** Failures on the way through a proxy: reaching it, or its CONNECT. */
function proxyFailure(f: Failure, ctx: FailureContext): NamedFailure | undefined {
  if (!ctx.proxy || f.phase !== 'connect') return undefined;
  const proxy = maskUrlCredentials(ctx.proxy);
  const host = ctx.url.host;
  const status = /^Proxy response \((\d{3})\)/.exec(f.reason.message)?.[1];
  if (status === '407')
    return {
      code: FAILURE_CODES.proxyAuth,
      message:
        `the proxy ${proxy} wants credentials (407 Proxy Authentication Required) ` +
        `before it opens a tunnel to ${host}`,
    };
  if (status)
    return {
      code: FAILURE_CODES.proxyRefused,
      message: `the proxy ${proxy} refused to open a tunnel to ${host}: it answered ${status}`,
    };
  if (f.code === 'UND_ERR_CONNECT_TIMEOUT' || f.code === 'ETIMEDOUT')
    return {
      code: FAILURE_CODES.proxyTimeout,
      message:
        `could not reach ${host} through the proxy ${proxy} within ${seconds(ctx.connectMs)}: ` +
        `no tunnel was opened (${tally(ctx)})`,
    };
  if (f.code === 'ECONNREFUSED')
    return {
      code: f.code,
      message: `connection refused by the proxy ${proxy} (on the way to ${host})`,
    };
  if (f.code === 'ENOTFOUND' || f.code === 'EAI_AGAIN')
    return { code: f.code, message: `DNS lookup failed for the proxy ${proxy}` };
  return undefined;
}

/** Failures of the TLS handshake with the server. */
function tlsFailure(f: Failure, ctx: FailureContext): NamedFailure | undefined {
  const { code } = f;
  if (!isTlsFailure(code)) return undefined;
  const { host, hostname } = ctx.url;
  const problem = TLS_PROBLEMS[code!];
  if (problem)
    return {
      code,
      message: `TLS: cannot verify ${host}: ${problem.replace('{host}', hostname)} (${code})`,
    };
  if (PLAIN_ANSWER_TO_TLS.has(code!) && ctx.url.protocol === 'https:')
    return {
      code: FAILURE_CODES.speaksHttp,
      message:
        `${host} answers in plain http, not https: the TLS handshake got a plain-text answer ` +
        `(OpenSSL: ${opensslReason(f.reason.message)})`,
    };
  return {
    code,
    message: `the TLS handshake with ${host} failed: ${opensslReason(f.reason.message)} (${code})`,
  };
}

/** Running out of time, by phase. */
function timeoutFailure(f: Failure, ctx: FailureContext): string | undefined {
  const { host } = ctx.url;
  switch (f.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `could not connect to ${host} within ${seconds(ctx.connectMs)}: ${tally(ctx)}`;
    case 'ETIMEDOUT':
      return `could not connect to ${host} (ETIMEDOUT): ${tally(ctx)}`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return (
        `no answer from ${host} within ${seconds(ctx.answerMs)} an attempt` +
        (f.informational
          ? ` (only ${plural(f.informational, 'informational (1xx) answer')} came)`
          : '') +
        `: ${tally(ctx)}`
      );
    case 'UND_ERR_BODY_TIMEOUT':
      return (
        `the answer from ${host} did not end within ${seconds(ctx.answerMs)}: ` +
        'its body was still arriving'
      );
  }
  return undefined;
}

/** One line for a failure that produced no HTTP answer, and the code it is known by. */
export function describeFailure(f: Failure, ctx: FailureContext): NamedFailure {
  const named = proxyFailure(f, ctx) ?? tlsFailure(f, ctx);
  if (named) return named;
  const timedOut = timeoutFailure(f, ctx);
  if (timedOut) return { code: f.code, message: timedOut };
  const { host, hostname } = ctx.url;
  const { code } = f;
  if (code === 'ECONNREFUSED') return { code, message: `connection refused by ${host}` };
  if (code && RESET_CODES.has(code))
    return { code, message: `connection to ${host} was reset before an answer arrived` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { code, message: `DNS lookup failed for ${hostname}` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { code, message: `${host} is unreachable (${code}): ${tally(ctx)}` };
  if (f.reason.name === 'HTTPParserError')
    return {
      code: FAILURE_CODES.notHttp,
      message: `${host} answered with something that is not HTTP/1.1`,
    };
  return {
    code,
    message: `request to ${host} failed: ${f.reason.message}${code ? ` (${code})` : ''}`,
  };
}

/**
 * True when something at `url`'s host and port completes a TLS handshake: tried once a plain
 * http request there was closed or answered with garbage, to tell an https endpoint named with
 * http://. Certificates are not checked: nothing is sent over it.
 */
export async function speaksTls(url: URL, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:tls');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port) || 80,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const done = (speaks: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(speaks);
    };
    const timer = setTimeout(done, timeoutMs, false);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * describeFailure, after one more look where a look can tell more: a plain http request closed
 * or answered with garbage by a server that speaks https (only when no proxy is on the way).
 */
export async function diagnoseFailure(
  f: Failure,
  ctx: FailureContext,
  probe: (url: URL, timeoutMs: number) => Promise<boolean> = speaksTls,
): Promise<NamedFailure> {
  const garbage = f.reason.name === 'HTTPParserError';
  const unanswered =
    f.phase === 'headers' && (garbage || (f.code !== undefined && RESET_CODES.has(f.code)));
  if (ctx.url.protocol !== 'http:' || ctx.proxy || !unanswered) return describeFailure(f, ctx);
  if (!(await probe(ctx.url, ctx.connectMs))) return describeFailure(f, ctx);
  const what = garbage ? 'answered garbage to' : 'closed the connection on';
  return {
    code: FAILURE_CODES.speaksHttps,
    message: `${ctx.url.host} speaks https, not plain http: it ${what} a plain http request`,
  };
}
