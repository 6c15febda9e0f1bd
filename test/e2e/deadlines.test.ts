/**
 * Every wait has an end: small servers on 127.0.0.1 that never finish a phase of a request,
 * each bounded by the connect timeout or the per-attempt timeout. Short limits; the outcome
 * (exit 1, what timed out, in which phase) is asserted, never the elapsed time.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { NetworkError } from '../../src/core/errors.js';
import { hintFor } from '../../src/core/hints.js';
import { HttpClient, type HttpClientOptions, NO_AUTH } from '../../src/core/http/client.js';
import { parseJson, runMain, TOKEN } from './helpers.js';

/** Servers and sockets to close after each test (servers that never finish keep them open). */
const open: { servers: (Server | NetServer)[]; sockets: Set<Socket> } = {
  servers: [],
  sockets: new Set(),
};
afterEach(async () => {
  for (const s of open.sockets) s.destroy();
  open.sockets.clear();
  await Promise.all(open.servers.map((s) => new Promise((r) => s.close(r))));
  open.servers = [];
});

async function listen(server: Server | NetServer): Promise<string> {
  server.on('connection', (socket: Socket) => {
    open.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => open.sockets.delete(socket));
  });
  open.servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A TCP server that takes every byte and never says one. */
const silentServer = (): Promise<string> => listen(createNetServer((s) => s.resume()));

const envAt = (host: string, scheme = 'http'): Record<string, string> => ({
  GES_ENDPOINT: `${scheme}://${host}`,
  GES_PROJECT_ID: 'demo',
  GES_TOKEN: TOKEN,
});

function client(endpoint: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    endpoint,
    timeoutMs: 5_000,
    connectTimeoutMs: 300,
    retries: 0,
    userAgent: 'ges-test',
    authenticator: NO_AUTH,
    random: () => 0,
    ...extra,
  });
}

/** The NetworkError a request through `http` ends in. */
async function failure(http: HttpClient): Promise<NetworkError> {
  try {
    await http.send({ method: 'GET', path: '/ges/v1.0/demo/graphs/movies/jobs/status' });
  } catch (error) {
    return error as NetworkError;
  } finally {
    await http.close();
  }
  throw new Error('the request was answered');
}

describe('--timeout bounds each attempt, whatever the server sends', () => {
  it('an informational (1xx) answer every 300 ms, forever: exit 1, no answer', async () => {
    const host = await listen(
      createHttpServer((_req, res) => {
        const flood = setInterval(() => res.writeProcessing(), 300);
        res.writeProcessing();
        res.on('close', () => clearInterval(flood));
      }),
    );
    const r = await runMain(['job', 'list', 'movies', '--timeout', '0.5', '--retries', '0'], {
      env: envAt(host),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `no answer from ${host} within 0.5 s an attempt ` +
          '\\(only \\d+ informational \\(1xx\\) answers? came\\): 1 attempt over',
      ),
    );
  });

  it('a body that trickles forever: exit 1, its body still arriving', async () => {
    const host = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('[');
        const trickle = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(trickle));
      }),
    );
    const r = await runMain(
      ['job', 'list', 'movies', '--timeout', '0.4', '--retries', '1', '--json'],
      { env: envAt(host) },
    );
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).error).toMatchObject({
      kind: 'network',
      attempts: 2,
      message: `the answer from ${host} did not end within 0.4 s: its body was still arriving`,
    });
  });
});

describe('a request waiting for a free connection', () => {
  it('is not timed out as if nothing answered: its deadlines start on the wire', async () => {
    // Each answer takes 200 ms on the one connection: the fourth request waits 600 ms for it,
    // twice the connect timeout.
    const host = await listen(
      createHttpServer((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 200);
      }),
    );
    const http = client(`http://${host}`, { connections: 1 });
    try {
      const path = '/ges/v1.0/demo/graphs/movies/jobs/status';
      const sent = [1, 2, 3, 4].map(() => http.send({ method: 'GET', path }));
      expect((await Promise.all(sent)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      await http.close();
    }
  });
});

describe('the connect timeout bounds reaching the server or the proxy', () => {
  it('a server that never answers the TLS handshake', async () => {
    const host = await silentServer();
    const error = await failure(client(`https://${host}`, { retries: 1 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(exitCodeFor(error)).toBe(1);
    expect(error.message).toMatch(
      new RegExp(`^could not connect to ${host} within 0.3 s: 2 attempts over \\d+\\.\\d s$`),
    );
    expect(hintFor(error, {})).toContain('VPC');
  });

  it('a proxy that accepts the connection and never answers CONNECT', async () => {
    const proxy = `http://${await silentServer()}`;
    const target = await silentServer();
    const error = await failure(
      client(`http://${target}`, { proxy: { http: proxy, https: '', noProxy: '' } }),
    );
    expect(exitCodeFor(error)).toBe(1);
    expect(error.message).toBe(
      `could not reach ${target} through the proxy ${proxy} within 0.3 s: ` +
        `no tunnel was opened (1 attempt over ${error.message.match(/over (\S+) s/)![1]} s)`,
    );
    expect(hintFor(error, {})).toContain('proxy');
  });

  it('the connect timeout does not bound the answer, nor --timeout the connection', async () => {
    const host = await listen(
      createHttpServer((_req, res) => {
        setTimeout(() => res.writeHead(200).end('{}'), 500);
      }),
    );
    const http = client(`http://${host}`, { connectTimeoutMs: 200, timeoutMs: 10_000 });
    try {
      const result = await http.send({ method: 'GET', path: '/' });
      expect(result.status).toBe(200);
    } finally {
      await http.close();
    }
  });
});
