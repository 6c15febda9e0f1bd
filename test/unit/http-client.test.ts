import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, NetworkError } from '../../src/core/errors.js';
import {
  type AttemptInfo,
  type Authenticator,
  HttpClient,
  type HttpClientOptions,
} from '../../src/core/http/client.js';

const token: Authenticator = { headers: async () => ({ 'X-Auth-Token': 't' }) };
const client = (endpoint: string, authenticator = token): HttpClient =>
  new HttpClient({
    endpoint,
    timeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    retries: 0,
    userAgent: 'ges-test',
    authenticator,
  });

describe('HttpClient: request URLs', () => {
  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/ges/v1.0/p/graphs/g/jobs/j'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/ges/v1.0/p/graphs/g/jobs/j'],
    [
      'https://ges.example.com/gateway',
      'https://ges.example.com/gateway/ges/v1.0/p/graphs/g/jobs/j',
    ],
    [
      'https://ges.example.com/gateway//',
      'https://ges.example.com/gateway/ges/v1.0/p/graphs/g/jobs/j',
    ],
  ])('endpoint %s', async (endpoint, expected) => {
    const http = client(endpoint);
    const request = { method: 'DELETE' as const, path: '/ges/v1.0/p/graphs/g/jobs/j' };
    const { url } = await http.prepare(request);
    expect(url).toBe(expected);
    expect(new URL(url).href).toBe(url); // put together as a URL parser would write it
  });

  it('adds the query without the undefined values', async () => {
    const prepared = await client('http://127.0.0.1:8080').prepare({
      method: 'GET',
      path: '/x/status',
      query: { offset: 0, limit: 100, other: undefined },
    });
    expect(prepared.url).toBe('http://127.0.0.1:8080/x/status?offset=0&limit=100');
  });

  it('hands a signer the parsed URL', async () => {
    let seen: URL | undefined;
    const signer: Authenticator = {
      headers: async (request) => {
        seen = request.url;
        return {};
      },
    };
    await client('https://ges.example.com/gateway', signer).prepare({
      method: 'GET',
      path: '/a/b',
      query: { limit: 5 },
    });
    expect(seen).toBeInstanceOf(URL);
    expect([seen!.host, seen!.pathname, seen!.search]).toEqual([
      'ges.example.com',
      '/gateway/a/b',
      '?limit=5',
    ]);
  });
});

describe('HttpClient: what reaches the server', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; url?: string; token?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, token: req.headers['x-auth-token'] as string });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the path under the endpoint, with its query', async () => {
    const http = client(`${base}/gateway`);
    try {
      const result = await http.send({
        method: 'GET',
        path: '/ges/v1.0/p/graphs/g/jobs/j/status',
        query: { offset: 0, limit: 2 },
      });
      expect(result.status).toBe(200);
      expect(seen.at(-1)).toEqual({
        method: 'GET',
        url: '/gateway/ges/v1.0/p/graphs/g/jobs/j/status?offset=0&limit=2',
        token: 't',
      });
    } finally {
      await http.close();
    }
  });
});

describe('HttpClient: reading answers', () => {
  let server: Server;
  let base: string;
  let closed = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.socket.once('close', () => closed++);
      switch (req.url) {
        case '/hints':
          res.writeEarlyHints({ link: '</a>; rel=preload' }, () =>
            res
              .writeHead(200, { 'Content-Type': 'application/json', 'X-Final': 'yes' })
              .end('{"ok":true}'),
          );
          return;
        case '/pieces': {
          // A multi-byte character split across two chunks, and a header sent twice.
          const bytes = Buffer.from('{"name":"图引擎","n":1}');
          res.writeHead(200, [
            ['Content-Type', 'application/json'],
            ['X-Twice', 'a'],
            ['X-Twice', 'b'],
          ]);
          res.write(bytes.subarray(0, 10));
          setTimeout(() => res.end(bytes.subarray(10)), 5);
          return;
        }
        case '/big-error':
          res.writeHead(500, { 'Content-Type': 'text/html' });
          res.write('x'.repeat(200 * 1024));
          // never ends: ges must stop reading and close the connection by itself
          return;
        case '/cut':
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
          res.write('{"half":');
          setTimeout(() => res.socket?.destroy(), 5);
          return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('skips informational answers and keeps the final one', async () => {
    const http = client(base);
    try {
      const result = await http.send({ method: 'GET', path: '/hints' });
      expect([result.status, result.headers['x-final'], result.text]).toEqual([
        200,
        'yes',
        '{"ok":true}',
      ]);
    } finally {
      await http.close();
    }
  });

  it(
    'joins a body from its chunks before decoding it, ' + 'and a repeated header into one',
    async () => {
      const http = client(base);
      try {
        const result = await http.send({ method: 'GET', path: '/pieces' });
        expect(JSON.parse(result.text)).toEqual({ name: '图引擎', n: 1 });
        expect(result.headers['x-twice']).toBe('a, b');
        expect(result.truncated).toBe(false);
      } finally {
        await http.close();
      }
    },
  );

  it(
    'reads an error page only up to 64 KiB, ' +
      'closes that connection, and goes on with a new one',
    async () => {
      const http = client(base);
      try {
        const before = closed;
        const result = await http.send({ method: 'GET', path: '/big-error' });
        expect([result.status, result.truncated, result.text.length]).toEqual([
          500,
          true,
          64 * 1024,
        ]);
        const next = await http.send({ method: 'GET', path: '/after' });
        expect(next.status).toBe(200);
        for (let i = 0; i < 100 && closed === before; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        expect(closed).toBeGreaterThan(before);
      } finally {
        await http.close();
      }
    },
  );

  it('an answer cut short is a network failure, not a short body', async () => {
    const http = client(base);
    try {
      const failure = await http
        .send({ method: 'GET', path: '/cut' })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NetworkError);
      expect((failure as NetworkError).message).toContain('was reset before an answer arrived');
    } finally {
      await http.close();
    }
  });
});

describe('HttpClient: the steps of send()', () => {
  let server: Server;
  let base: string;
  /** Statuses to answer with, in turn; then 200. */
  let statuses: number[] = [];
  const seen: { url?: string; token?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, token: req.headers['x-auth-token'] as string });
      res.writeHead(statuses.shift() ?? 200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const make = (endpoint: string, extra: Partial<HttpClientOptions>): HttpClient =>
    new HttpClient({
      endpoint,
      timeoutMs: 5_000,
      connectTimeoutMs: 5_000,
      retries: 2,
      userAgent: 'ges-test',
      authenticator: token,
      random: () => 0,
      ...extra,
    });

  it('credentials: each attempt asks the authenticator for them', async () => {
    let n = 0;
    statuses = [503];
    const http = make(base, { authenticator: { headers: () => ({ 'X-Auth-Token': `t${++n}` }) } });
    try {
      seen.length = 0;
      await http.send({ method: 'GET', path: '/a' });
      expect(seen.map((s) => s.token)).toEqual(['t1', 't2']);
    } finally {
      await http.close();
    }
  });

  it('tracing and attempt progress: told as each attempt starts', async () => {
    statuses = [502, 504];
    const lines: string[] = [];
    const attempts: AttemptInfo[] = [];
    const settled: object[] = [];
    const http = make(base, {
      trace: (l) => lines.push(l),
      onAttempt: (a) => attempts.push({ ...a }),
      onSettled: (request) => settled.push(request),
    });
    try {
      const result = await http.send({ method: 'GET', path: '/p' });
      expect(result.attempts).toBe(3);
      expect(attempts.map((a) => [a.attempt, a.of, a.url])).toEqual([
        [1, 3, `${base}/p`],
        [2, 3, `${base}/p`],
        [3, 3, `${base}/p`],
      ]);
      expect(new Set(attempts.map((a) => a.startedAt)).size).toBe(1);
      // One request: the same `request` for each attempt, settled once, after the last.
      expect(new Set(attempts.map((a) => a.request)).size).toBe(1);
      expect(settled).toHaveLength(1);
      expect(settled[0]).toBe(attempts[0]!.request);
      expect(lines.filter((l) => l.startsWith('retrying'))).toEqual([
        'retrying in 0.0 s (retry 1 of 2)',
        'retrying in 0.0 s (retry 2 of 2)',
      ]);
      expect(lines).toContain(`> GET ${base}/p (attempt 3)`);
      expect(lines.filter((l) => l.startsWith('< 502') || l.startsWith('< 200'))).toHaveLength(2);
    } finally {
      await http.close();
    }
  });

  it('a request that fails is settled too', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const told: object[] = [];
    const settled: object[] = [];
    const http = make(deadUrl, {
      retries: 1,
      onAttempt: (a) => told.push(a.request),
      onSettled: (request) => settled.push(request),
    });
    try {
      await expect(http.send({ method: 'GET', path: '/' })).rejects.toThrow(NetworkError);
      expect(told).toHaveLength(2);
      expect(settled).toEqual([told[0]]);
      expect(settled[0]).toBe(told[1]);
    } finally {
      await http.close();
    }
  });

  it('retry decision: the last answer is returned once the retries are spent', async () => {
    statuses = [503, 503, 503];
    const http = make(base, {});
    try {
      const result = await http.send({ method: 'GET', path: '/' });
      expect([result.status, result.attempts]).toEqual([503, 3]);
    } finally {
      await http.close();
    }
  });

  it('re-login: refused credentials are renewed once, then the hint is kept', async () => {
    statuses = [401, 401, 401];
    let renewals = 0;
    const renewing: Authenticator = {
      headers: () => ({ 'X-Auth-Token': `t${renewals}` }),
      onUnauthorized: async (sent) => {
        expect(sent['X-Auth-Token']).toBe(`t${renewals}`);
        renewals++;
        return true;
      },
      refusalHint: () => 'log in again',
    };
    const told: number[][] = [];
    const onAttempt = (a: AttemptInfo): number => told.push([a.attempt, a.of]);
    const http = make(base, { authenticator: renewing, onAttempt });
    try {
      const result = await http.send({ method: 'GET', path: '/' });
      expect([result.status, result.attempts, result.hint, renewals]).toEqual([
        401,
        2,
        'log in again',
        1,
      ]);
      // A re-login's attempt is one more than the retries allow: never "attempt 4 of 3".
      expect(told).toEqual([
        [1, 3],
        [2, 4],
      ]);
    } finally {
      statuses = [];
      await http.close();
    }
  });

  it('rediscovery: a cached address that refuses is asked for again, once', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    let asked = 0;
    const http = make(deadUrl, {
      retries: 0,
      rediscover: async () => {
        asked++;
        return base;
      },
    });
    try {
      expect((await http.send({ method: 'GET', path: '/moved' })).status).toBe(200);
      expect(asked).toBe(1);
    } finally {
      await http.close();
    }
    const stuck = make(deadUrl, { retries: 0, rediscover: async () => deadUrl });
    try {
      const failure = await stuck.send({ method: 'GET', path: '/' }).catch((e: unknown) => e);
      expect((failure as NetworkError).message).toBe(
        `connection refused by ${new URL(deadUrl).host}`,
      );
    } finally {
      await stuck.close();
    }
  });

  it('an interruption before an attempt sends nothing', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    const http = make(base, { signal: stop.signal });
    const failure = await http.send({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InterruptedError);
    expect(failure).toMatchObject({ attempts: 0, inFlight: false, reason: 'SIGINT' });
    await http.close();
  });
});
