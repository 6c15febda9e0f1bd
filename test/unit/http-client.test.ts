import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/core/errors.js';
import { type Authenticator, HttpClient } from '../../src/core/http/client.js';

const token: Authenticator = { headers: async () => ({ 'X-Auth-Token': 't' }) };
const client = (endpoint: string, authenticator = token): HttpClient =>
  new HttpClient({ endpoint, timeoutMs: 5_000, retries: 0, userAgent: 'ges-test', authenticator });

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
