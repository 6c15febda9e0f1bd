import { isIP, connect as netConnect, type Socket } from 'node:net';
import {
  type PeerCertificate,
  rootCertificates,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';

/**
 * Low-level probes of a service-plane address for `ges doctor`: a TCP connection (directly or
 * through the proxy ges would use), a TLS handshake, a plain HTTP request. Each is bounded by
 * one deadline and the caller's signal, and reports what it saw rather than throwing: telling
 * "refused" from "silent" from "speaks another protocol" is the point.
 */

export interface Target {
  /** A host name or an IP address, IPv6 without brackets. */
  host: string;
  port: number;
}

export interface ProbeOptions {
  /** Bounds each probe: connecting (through the proxy, if any) and the exchange after it. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The proxy URL ges would go through to reach the target (a CONNECT tunnel); none: direct. */
  proxy?: string;
}

/** Where a connection failed: reaching the target, reaching the proxy, or the proxy's CONNECT. */
export interface DialFailure {
  at: 'target' | 'proxy' | 'tunnel';
  /** A Node error code (ECONNREFUSED, ENOTFOUND, ...), TIMEOUT, ABORTED, or HTTP_<status>. */
  code: string;
  message: string;
  /** The proxy's status line when it refused the tunnel. */
  statusLine?: string;
}

export type Dialed = { socket: Socket } | { failure: DialFailure };

/** The target of an http(s) URL: its host and port (80 or 443 when none is given). */
export function targetOf(endpoint: string): Target {
  const url = new URL(endpoint);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  };
}

/** host:port as a CONNECT line and messages write it ([::1]:443 for IPv6). */
export function hostPort(target: Target): string {
  return `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
}

const TIMED_OUT = 'probe deadline';

/**
 * Runs a probe with a signal that fires at the deadline or with the caller's, whichever comes
 * first (a plain timer, so tests can move it with fake timers).
 */
async function within<T>(options: ProbeOptions, work: (stop: AbortSignal) => Promise<T>) {
  const timer = new AbortController();
  const t = setTimeout(() => timer.abort(TIMED_OUT), options.timeoutMs);
  const stop = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
  try {
    return await work(stop);
  } finally {
    clearTimeout(t);
  }
}

function stopped(at: DialFailure['at'], stop: AbortSignal): DialFailure {
  return stop.reason === TIMED_OUT
    ? { at, code: 'TIMEOUT', message: 'no answer before the deadline' }
    : { at, code: 'ABORTED', message: 'interrupted' };
}

function failure(at: DialFailure['at'], error: unknown): DialFailure {
  const e = error as NodeJS.ErrnoException;
  return { at, code: e?.code ?? 'ERROR', message: e?.message ?? String(error) };
}

/**
 * Resolves once `socket` fires `event`; rejects with a DialFailure on its error or when `stop`
 * fires (the socket is destroyed then).
 */
function settle(socket: Socket, event: string, at: DialFailure['at'], stop: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const onStop = (): void => {
      socket.destroy();
      reject(stopped(at, stop));
    };
    if (stop.aborted) return onStop();
    stop.addEventListener('abort', onStop, { once: true });
    socket.once(event, () => {
      stop.removeEventListener('abort', onStop);
      resolve();
    });
    socket.once('error', (error) => {
      stop.removeEventListener('abort', onStop);
      socket.destroy();
      reject(failure(at, error));
    });
  });
}

/** Reads an HTTP head (up to the blank line, at most 16 KiB) off a socket. */
function readHead(socket: Socket, stop: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const done = (error?: DialFailure): void => {
      socket.off('data', onData).off('end', onEnd);
      stop.removeEventListener('abort', onStop);
      socket.pause();
      if (error) reject(error);
    };
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        done();
        if (end + 4 < head.length) socket.unshift(head.subarray(end + 4));
        resolve(head.subarray(0, end).toString('latin1'));
      } else if (head.length > 16 * 1024)
        done({ at: 'tunnel', code: 'BAD_ANSWER', message: 'an answer head over 16 KiB' });
    };
    const onEnd = (): void =>
      done({ at: 'tunnel', code: 'ECONNRESET', message: 'closed before answering CONNECT' });
    const onStop = (): void => {
      socket.destroy();
      done(stopped('tunnel', stop));
    };
    socket.on('data', onData).on('end', onEnd);
    stop.addEventListener('abort', onStop, { once: true });
  });
}

/** The Proxy-Authorization header undici sends for a proxy URL with user info. */
function proxyAuthorization(proxy: URL): string {
  if (!proxy.username || !proxy.password) return '';
  const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Proxy-Authorization: Basic ${Buffer.from(pair).toString('base64')}\r\n`;
}

/** Opens a tunnel to `target` through an http(s) proxy, as undici's ProxyAgent does. */
async function throughProxy(target: Target, proxyUrl: string, stop: AbortSignal): Promise<Socket> {
  const proxy = new URL(proxyUrl);
  const at = { host: proxy.hostname.replace(/^\[|\]$/g, ''), port: targetOf(proxyUrl).port };
  let socket: Socket;
  if (proxy.protocol === 'https:') {
    socket = tlsConnect({ ...at, servername: isIP(at.host) ? undefined : at.host });
    await settle(socket, 'secureConnect', 'proxy', stop);
  } else {
    socket = netConnect(at);
    await settle(socket, 'connect', 'proxy', stop);
  }
  const where = hostPort(target);
  socket.write(`CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\n${proxyAuthorization(proxy)}\r\n`);
  const head = await readHead(socket, stop);
  const statusLine = head.split('\r\n', 1)[0]!.slice(0, 200);
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1];
  if (status !== '200') {
    socket.destroy();
    throw {
      at: 'tunnel',
      code: status ? `HTTP_${status}` : 'BAD_ANSWER',
      message: 'the proxy refused the tunnel',
      statusLine,
    } satisfies DialFailure;
  }
  return socket;
}

/** A TCP connection to the target (through the proxy when one is given), within `stop`. */
async function open(target: Target, options: ProbeOptions, stop: AbortSignal): Promise<Dialed> {
  try {
    if (options.proxy) return { socket: await throughProxy(target, options.proxy, stop) };
    const socket = netConnect(target);
    await settle(socket, 'connect', 'target', stop);
    return { socket };
  } catch (error) {
    const known = typeof error === 'object' && error !== null && 'at' in error;
    return { failure: known ? (error as DialFailure) : failure('target', error) };
  }
}

/** Whether a TCP connection to the target opens (through the proxy, when one is given). */
export async function probeReach(target: Target, options: ProbeOptions): Promise<Dialed> {
  const dialed = await within(options, (stop) => open(target, options, stop));
  if ('socket' in dialed) dialed.socket.destroy();
  return dialed;
}

export interface CertificateFacts {
  subject: string | null;
  issuer: string | null;
  altNames: string | null;
  validFrom: string | null;
  validTo: string | null;
}

export type TlsProbe =
  | { kind: 'unreached'; failure: DialFailure }
  /** The handshake completed; `error` is why the certificate does not verify (null: it does). */
  | { kind: 'handshake'; error: string | null; certificate: CertificateFacts }
  | { kind: 'failed'; code: string; message: string };

/** A certificate's names and dates, as the server sent them (data: shown escaped). */
function facts(cert: Partial<PeerCertificate>): CertificateFacts {
  const name = (n: { CN?: string | string[]; O?: string | string[] } | undefined) => {
    const v = n?.CN ?? n?.O;
    return v === undefined ? null : String(v);
  };
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    altNames: cert.subjectaltname ?? null,
    validFrom: cert.valid_from ?? null,
    validTo: cert.valid_to ?? null,
  };
}

/**
 * A TLS handshake with the target: whether it completes, and whether the certificate verifies
 * (chain, name, dates) against the system CAs plus `ca`. It never sends a request.
 */
export function probeTls(
  target: Target,
  options: ProbeOptions & { ca?: string },
): Promise<TlsProbe> {
  return within(options, (stop) => handshake(target, options, stop));
}

async function handshake(
  target: Target,
  options: ProbeOptions & { ca?: string },
  stop: AbortSignal,
): Promise<TlsProbe> {
  const dialed = await open(target, options, stop);
  if ('failure' in dialed) return { kind: 'unreached', failure: dialed.failure };
  const socket: TLSSocket = tlsConnect({
    socket: dialed.socket,
    host: target.host,
    servername: isIP(target.host) ? undefined : target.host,
    ca: options.ca ? [...rootCertificates, options.ca] : undefined,
    // Verified below, so that a failing certificate can still be described.
    rejectUnauthorized: false,
  });
  try {
    await settle(socket, 'secureConnect', 'target', stop);
    const error = socket.authorized ? null : String(socket.authorizationError ?? 'unverified');
    return { kind: 'handshake', error, certificate: facts(socket.getPeerCertificate()) };
  } catch (error) {
    const f = error as DialFailure;
    return { kind: 'failed', code: f.code, message: f.message };
  } finally {
    socket.destroy();
    dialed.socket.destroy();
  }
}

export type PlainProbe =
  | { kind: 'unreached'; failure: DialFailure }
  /** The first bytes of the answer (at most 512); `silent`: none came before the deadline. */
  | { kind: 'answer'; bytes: Buffer; silent: boolean };

/** Sends one plain-text HTTP request (HEAD /) and reads the first bytes of whatever answers. */
export function probePlain(target: Target, options: ProbeOptions): Promise<PlainProbe> {
  return within(options, (stop) => firstBytes(target, options, stop));
}

async function firstBytes(
  target: Target,
  options: ProbeOptions,
  stop: AbortSignal,
): Promise<PlainProbe> {
  const dialed = await open(target, options, stop);
  if ('failure' in dialed) return { kind: 'unreached', failure: dialed.failure };
  const { socket } = dialed;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (silent: boolean): void => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onStop);
      socket.destroy();
      resolve({ kind: 'answer', bytes: Buffer.concat(chunks).subarray(0, 512), silent });
    };
    const onStop = (): void => done(size === 0);
    stop.addEventListener('abort', onStop, { once: true });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 512) done(false);
    });
    socket.on('error', () => done(false));
    socket.on('end', () => done(false));
    socket.on('close', () => done(false));
    socket.resume();
    socket.write(`HEAD / HTTP/1.1\r\nHost: ${hostPort(target)}\r\nConnection: close\r\n\r\n`);
  });
}
