import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  mayHaveMoved,
  newProgress,
  type Outcome,
  retryDelayMs,
  shouldRetry,
  traceAnswer,
  traceRequest,
} from '../../src/core/http/attempts.js';
import {
  DEADLINE_TICK_MS,
  type Expiring,
  nowMs,
  unwatch,
  watch,
} from '../../src/core/http/deadline.js';
import { AttemptFailure, DeadlineError } from '../../src/core/http/exchange.js';
import {
  describeFailure,
  diagnoseFailure,
  FAILURE_CODES,
  type Failure,
  type FailureContext,
  failureOf,
  opensslReason,
} from '../../src/core/http/failure.js';
import { proxyFor } from '../../src/core/http/proxy.js';
import type { HttpResult } from '../../src/core/http/result.js';

const answer = (status: number, headers: Record<string, string> = {}): Outcome => ({
  result: { status, headers, text: '', truncated: false, attempts: 1 },
});
const failed = (code: string | undefined, phase: Failure['phase'] = 'connect'): Failure => ({
  code,
  reason: Object.assign(new Error(`failed: ${code}`), { code }),
  phase,
  informational: 0,
});

describe('the retry decision', () => {
  it.each([
    [answer(503), 0, 2, true],
    [answer(429), 1, 2, true],
    [answer(503), 2, 2, false],
    [answer(404), 0, 2, false],
    [answer(200), 0, 2, false],
    [{ failure: failed('ECONNRESET') }, 0, 2, true],
    [{ failure: failed('UND_ERR_HEADERS_TIMEOUT', 'headers') }, 1, 2, true],
    [{ failure: failed('ECONNRESET') }, 0, 0, false],
    [{ failure: failed('ENOTFOUND') }, 0, 2, false],
    [{ failure: failed(FAILURE_CODES.speaksHttp) }, 0, 2, false],
  ] as [Outcome, number, number, boolean][])('%j after %i of %i retries: %s', (o, n, of, yes) =>
    expect(shouldRetry(o, n, of)).toBe(yes),
  );

  it('waits as Retry-After asks, else backs off with jitter', () => {
    expect(retryDelayMs(answer(503, { 'retry-after': '3' }), 0, () => 0.5)).toBe(3000);
    expect(retryDelayMs(answer(503), 1, () => 0.5)).toBe(500);
    expect(retryDelayMs({ failure: failed('ECONNRESET') }, 2, () => 0.999)).toBe(1998);
  });

  it('asks for a moved address once, only when nothing answered there', () => {
    const progress = newProgress(0);
    expect(mayHaveMoved(failed('ECONNREFUSED'), progress)).toBe(true);
    expect(mayHaveMoved(failed('UND_ERR_CONNECT_TIMEOUT'), progress)).toBe(true);
    expect(mayHaveMoved(failed('CERT_HAS_EXPIRED'), progress)).toBe(false);
    progress.moved = true;
    expect(mayHaveMoved(failed('ECONNREFUSED'), progress)).toBe(false);
  });
});

describe('tracing', () => {
  it('masks credentials and secrets in what goes out', () => {
    const lines: string[] = [];
    traceRequest(
      (l) => lines.push(l),
      {
        method: 'POST',
        href: 'https://iam.example.com/v3/auth/tokens',
        headers: { 'X-Auth-Token': 'tok-secret', Accept: 'application/json' },
        body: '{"password":"hunter2","name":"u"}',
      },
      2,
    );
    expect(lines).toEqual([
      '> POST https://iam.example.com/v3/auth/tokens (attempt 2)',
      '> X-Auth-Token: ***',
      '> Accept: application/json',
      '> {"password":"***","name":"u"}',
    ]);
  });

  it('masks what comes back, and cuts a long body short', () => {
    const lines: string[] = [];
    const result: HttpResult = {
      status: 201,
      headers: { 'x-subject-token': 'MII-secret' },
      text: 'x'.repeat(2500),
      truncated: false,
      attempts: 1,
    };
    traceAnswer((l) => lines.push(l), result, 12);
    expect(lines.slice(0, 2)).toEqual(['< 201 (12 ms)', '< x-subject-token: ***']);
    expect(lines[2]).toBe(`< ${'x'.repeat(2000)}…`);
  });
});

describe('one deadline per attempt, checked by one ticker', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'hrtime'] }));
  afterEach(() => {
    // The ticker stops at its first tick with nothing to watch: never left behind as a fake.
    vi.advanceTimersByTime(DEADLINE_TICK_MS);
    vi.useRealTimers();
  });

  const item = (ms: number): Expiring & { expired: number } => {
    const it = {
      expired: 0,
      expireAt: nowMs() + ms,
      expire: () => void it.expired++,
    };
    return it;
  };

  it('expires what is past its deadline, once, and nothing before', () => {
    const soon = item(200);
    const later = item(1000);
    watch(soon);
    watch(later);
    vi.advanceTimersByTime(150);
    expect([soon.expired, later.expired]).toEqual([0, 0]);
    vi.advanceTimersByTime(100);
    expect([soon.expired, later.expired]).toEqual([1, 0]);
    later.expireAt = nowMs() + 2000; // a new phase moves the deadline
    vi.advanceTimersByTime(1500);
    expect(later.expired).toBe(0);
    vi.advanceTimersByTime(600);
    expect([soon.expired, later.expired]).toEqual([1, 1]);
  });

  it('forgets what is unwatched, and stops ticking when nothing is left', () => {
    const done = item(100);
    watch(done);
    unwatch(done);
    vi.advanceTimersByTime(500);
    expect(done.expired).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('naming a failure', () => {
  const context = (over: Partial<FailureContext> = {}): FailureContext => ({
    url: new URL('http://10.0.0.5:8080/ges/v1.0/p/graphs/g/jobs'),
    proxy: undefined,
    connectMs: 10_000,
    answerMs: 30_000,
    attempts: 3,
    elapsedMs: 31_234,
    ...over,
  });
  const named = (f: Failure, over?: Partial<FailureContext>) => describeFailure(f, context(over));

  it('an attempt failure keeps its phase and what came before', () => {
    const reason = new DeadlineError('headers', 400);
    expect(failureOf(new AttemptFailure(reason, 'headers', 3))).toEqual({
      code: 'UND_ERR_HEADERS_TIMEOUT',
      reason,
      phase: 'headers',
      informational: 3,
    });
    const socket = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: { code: 'ECONNRESET' },
    });
    expect(failureOf(socket)).toMatchObject({ code: 'ECONNRESET', phase: 'connect' });
  });

  it.each([
    [
      'UND_ERR_CONNECT_TIMEOUT',
      'connect',
      'could not connect to 10.0.0.5:8080 within 10 s: 3 attempts over 31.2 s',
    ],
    [
      'EHOSTUNREACH',
      'connect',
      '10.0.0.5:8080 is unreachable (EHOSTUNREACH): 3 attempts over 31.2 s',
    ],
    [
      'ENETUNREACH',
      'connect',
      '10.0.0.5:8080 is unreachable (ENETUNREACH): 3 attempts over 31.2 s',
    ],
    [
      'UND_ERR_HEADERS_TIMEOUT',
      'headers',
      'no answer from 10.0.0.5:8080 within 30 s an attempt: 3 attempts over 31.2 s',
    ],
    [
      'UND_ERR_BODY_TIMEOUT',
      'body',
      'the answer from 10.0.0.5:8080 did not end within 30 s: its body was still arriving',
    ],
    ['ECONNREFUSED', 'connect', 'connection refused by 10.0.0.5:8080'],
    ['UND_ERR_SOCKET', 'headers', 'connection to 10.0.0.5:8080 was reset before an answer arrived'],
    ['ENOTFOUND', 'connect', 'DNS lookup failed for 10.0.0.5'],
  ] as const)('%s in the %s phase', (code, phase, message) => {
    expect(named(failed(code, phase))).toEqual({ code, message });
  });

  it('counts the informational answers that came instead of one', () => {
    const f = { ...failed('UND_ERR_HEADERS_TIMEOUT', 'headers'), informational: 4 };
    expect(named(f).message).toBe(
      'no answer from 10.0.0.5:8080 within 30 s an attempt ' +
        '(only 4 informational (1xx) answers came): 3 attempts over 31.2 s',
    );
  });

  it('names the proxy (credentials masked) for what failed on the way through it', () => {
    const proxy = 'http://bob:pw@proxy.corp:3128';
    const connectTimeout = named(failed('UND_ERR_CONNECT_TIMEOUT'), { proxy });
    expect(connectTimeout).toEqual({
      code: FAILURE_CODES.proxyTimeout,
      message:
        'could not reach 10.0.0.5:8080 through the proxy http://***@proxy.corp:3128/ ' +
        'within 10 s: no tunnel was opened (3 attempts over 31.2 s)',
    });
    const tunnel = (status: number): Failure => ({
      ...failed('UND_ERR_ABORTED'),
      reason: new Error(`Proxy response (${status}) !== 200 when HTTP Tunneling`),
    });
    expect(named(tunnel(407), { proxy })).toEqual({
      code: FAILURE_CODES.proxyAuth,
      message:
        'the proxy http://***@proxy.corp:3128/ wants credentials ' +
        '(407 Proxy Authentication Required) before it opens a tunnel to 10.0.0.5:8080',
    });
    expect(named(tunnel(502), { proxy }).code).toBe(FAILURE_CODES.proxyRefused);
    expect(named(failed('ECONNREFUSED'), { proxy }).message).toBe(
      'connection refused by the proxy http://***@proxy.corp:3128/ (on the way to 10.0.0.5:8080)',
    );
    // Once the request is under way, the proxy is no longer the one to blame.
    expect(named(failed('UND_ERR_SOCKET', 'headers'), { proxy }).message).toContain(
      'connection to 10.0.0.5:8080 was reset',
    );
  });

  it('tells an https endpoint that answers in plain http; never only OpenSSL', () => {
    const openssl =
      '801C22CDC17F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:' +
      '../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
    expect(opensslReason(openssl)).toBe('wrong version number');
    const f = {
      ...failed('ERR_SSL_WRONG_VERSION_NUMBER'),
      reason: Object.assign(new Error(openssl), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
    };
    expect(named(f, { url: new URL('https://10.0.0.5:8080') })).toEqual({
      code: FAILURE_CODES.speaksHttp,
      message:
        '10.0.0.5:8080 answers in plain http, not https: the TLS handshake got a plain-text ' +
        'answer (OpenSSL: wrong version number)',
    });
    const other = { ...f, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' };
    expect(named(other, { url: new URL('https://10.0.0.5:8080') }).message).toBe(
      'the TLS handshake with 10.0.0.5:8080 failed: wrong version number ' +
        '(ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE)',
    );
  });

  it('looks for TLS where a plain http request was closed or answered with garbage', async () => {
    const probed: string[] = [];
    const probe = async (url: URL): Promise<boolean> => {
      probed.push(url.host);
      return true;
    };
    const closed = failed('UND_ERR_SOCKET', 'headers');
    expect(await diagnoseFailure(closed, context(), probe)).toEqual({
      code: FAILURE_CODES.speaksHttps,
      message:
        '10.0.0.5:8080 speaks https, not plain http: ' +
        'it closed the connection on a plain http request',
    });
    const garbage = { ...failed(undefined, 'headers'), reason: new Error('Expected HTTP/') };
    garbage.reason.name = 'HTTPParserError';
    expect((await diagnoseFailure(garbage, context(), probe)).message).toContain(
      'answered garbage to a plain http request',
    );
    expect(probed).toHaveLength(2);
    await diagnoseFailure(failed('UND_ERR_SOCKET', 'body'), context(), probe);
    await diagnoseFailure(closed, context({ proxy: 'http://proxy:3128' }), probe);
    await diagnoseFailure(closed, context({ url: new URL('https://10.0.0.5') }), probe);
    await diagnoseFailure(failed('ECONNREFUSED'), context(), probe);
    expect(probed).toHaveLength(2);
    expect(await diagnoseFailure(garbage, context(), async () => false)).toEqual({
      code: FAILURE_CODES.notHttp,
      message: '10.0.0.5:8080 answered with something that is not HTTP/1.1',
    });
  });
});

describe('the proxy a request goes through (undici EnvHttpProxyAgent rules)', () => {
  const proxy = { http: 'http://p:1', https: 'http://s:2', noProxy: '' };
  it.each([
    ['http://10.0.0.5', proxy, 'http://p:1'],
    ['https://10.0.0.5', proxy, 'http://s:2'],
    ['https://10.0.0.5', { ...proxy, https: '' }, 'http://p:1'],
    ['http://10.0.0.5', { ...proxy, http: '' }, undefined],
    ['http://10.0.0.5', { ...proxy, noProxy: '*' }, undefined],
    ['http://10.0.0.5', { ...proxy, noProxy: 'x.com, 10.0.0.5' }, undefined],
    ['http://10.0.0.5:8080', { ...proxy, noProxy: '10.0.0.5:9090' }, 'http://p:1'],
    ['http://10.0.0.5:8080', { ...proxy, noProxy: '10.0.0.5:8080' }, undefined],
    ['https://ges.example.com', { ...proxy, noProxy: '.example.com' }, undefined],
    ['https://ges.example.com', { ...proxy, noProxy: '*.example.com' }, undefined],
    ['https://ges.example.com', { ...proxy, noProxy: 'example.com' }, undefined],
    ['https://gesexample.com', { ...proxy, noProxy: 'example.com' }, 'http://s:2'],
    ['http://[::1]:80', { ...proxy, noProxy: '[::1]' }, undefined],
  ] as const)('%s with %j: %s', (url, choice, expected) => {
    expect(proxyFor(new URL(url), choice)).toBe(expected);
  });

  it('no proxy settings: direct', () => {
    expect(proxyFor(new URL('http://10.0.0.5'), undefined)).toBeUndefined();
  });
});
