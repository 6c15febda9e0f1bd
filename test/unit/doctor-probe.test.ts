import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probePlain, probeReach, probeTls, type Target } from '../../src/core/doctor/probe.js';

/**
 * The probes against small servers on 127.0.0.1: one that never says a word, a proxy that
 * answers CONNECT with what the test asks, one that answers a plain request. Deadlines are
 * moved with fake timers once the server has seen what the probe sent.
 */

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server handing each connection's first data to `onData`; resolves its target. */
async function server(
  onData: (socket: Socket, text: string) => void,
): Promise<Target & { seen: string[] }> {
  const seen: string[] = [];
  const s = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.on('data', (d) => {
      seen.push(d.toString('latin1'));
      onData(socket, d.toString('latin1'));
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: (s.address() as { port: number }).port, seen };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setImmediate(r));
};

describe('probeReach', () => {
  it('a refused port is ECONNREFUSED at the target', async () => {
    const port = await closedPort();
    const r = await probeReach({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r).toMatchObject({ failure: { at: 'target', code: 'ECONNREFUSED' } });
  });

  it('through a proxy: CONNECT host:port, with Proxy-Authorization from the URL', async () => {
    const proxy = await server((s) => s.write('HTTP/1.1 200 Connection Established\r\n\r\n'));
    const r = await probeReach(
      { host: '10.0.0.5', port: 443 },
      { timeoutMs: 3000, proxy: `http://us%40er:p%3Ass@127.0.0.1:${proxy.port}` },
    );
    expect('socket' in r).toBe(true);
    expect(proxy.seen[0]).toBe(
      'CONNECT 10.0.0.5:443 HTTP/1.1\r\nHost: 10.0.0.5:443\r\n' +
        `Proxy-Authorization: Basic ${Buffer.from('us@er:p:ss').toString('base64')}\r\n\r\n`,
    );
  });

  it('a proxy that refuses the tunnel: its status line; IPv6 targets in brackets', async () => {
    const proxy = await server((s) =>
      s.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'),
    );
    const r = await probeReach(
      { host: '::1', port: 8443 },
      { timeoutMs: 3000, proxy: `http://127.0.0.1:${proxy.port}` },
    );
    expect(r).toMatchObject({
      failure: {
        at: 'tunnel',
        code: 'HTTP_407',
        statusLine: 'HTTP/1.1 407 Proxy Authentication Required',
      },
    });
    expect(proxy.seen[0]).toMatch(/^CONNECT \[::1\]:8443 HTTP\/1\.1\r\n/);
  });

  it('a proxy that never answers CONNECT times out at the tunnel', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const proxy = await server(() => {});
    const probe = probeReach(
      { host: '10.0.0.5', port: 80 },
      { timeoutMs: 3000, proxy: `http://127.0.0.1:${proxy.port}` },
    );
    await until(() => proxy.seen.length > 0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await probe).toMatchObject({ failure: { at: 'tunnel', code: 'TIMEOUT' } });
  });

  it("the caller's signal stops it as ABORTED", async () => {
    const proxy = await server(() => {});
    const stop = new AbortController();
    const probe = probeReach(
      { host: '10.0.0.5', port: 80 },
      { timeoutMs: 60_000, signal: stop.signal, proxy: `http://127.0.0.1:${proxy.port}` },
    );
    await until(() => proxy.seen.length > 0);
    stop.abort('SIGINT');
    expect(await probe).toMatchObject({ failure: { code: 'ABORTED' } });
  });
});

describe('probePlain', () => {
  it('reads the first bytes of the answer', async () => {
    const web = await server((s) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    const r = await probePlain(web, { timeoutMs: 3000 });
    expect(r).toMatchObject({ kind: 'answer', silent: false });
    expect((r as { bytes: Buffer }).bytes.toString()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(web.seen[0]).toBe(
      `HEAD / HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nConnection: close\r\n\r\n`,
    );
  });

  it('a server that says nothing is silent at the deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mute = await server(() => {});
    const probe = probePlain(mute, { timeoutMs: 3000 });
    await until(() => mute.seen.length > 0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await probe).toEqual({ kind: 'answer', bytes: Buffer.alloc(0), silent: true });
  });

  it('a server that hangs up at once is not silent', async () => {
    const rude = await server((s) => s.destroy());
    expect(await probePlain(rude, { timeoutMs: 3000 })).toMatchObject({ silent: false });
  });
});

describe('probeTls', () => {
  it('a plain HTTP server fails the handshake (it never completes)', async () => {
    const web = await server((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const r = await probeTls(web, { timeoutMs: 3000 });
    expect(r.kind).toBe('failed');
  });

  it('an unreachable target says so', async () => {
    const port = await closedPort();
    const r = await probeTls({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r).toMatchObject({ kind: 'unreached', failure: { code: 'ECONNREFUSED' } });
  });
});
