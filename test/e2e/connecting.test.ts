/**
 * Failures to connect, named well: the wrong scheme for the server, something that is not
 * HTTP, a proxy that refuses the tunnel. Small servers on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runMain, TOKEN } from './helpers.js';

let tls: { key: string; cert: string };
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ges-connecting-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
});

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: Server): Promise<string> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

const PROXY_PASSWORD = 'proxy-pw-SECRET';
const FAILED = 'error: could not list jobs on graph movies: ';

const run = (endpoint: string, env: Record<string, string> = {}) =>
  runMain(['job', 'list', 'movies', '--retries', '0'], {
    env: { GES_ENDPOINT: endpoint, GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN, ...env },
    secrets: [PROXY_PASSWORD],
  });

/** A TLS server that answers plain text with a TLS alert, as some servers do. */
function alertingTlsServer(): Server {
  return createNetServer((socket) => {
    socket.once('data', (first: Buffer) => {
      if (first[0] !== 0x16) return void socket.end(Buffer.from([0x15, 0x03, 0x01, 0, 2, 2, 70]));
      socket.pause();
      socket.unshift(first);
      new TLSSocket(socket, { isServer: true, ...tls }).on('error', () => {});
    });
  });
}

describe('the wrong scheme for the server', () => {
  it('http:// to a server that speaks https and closes on plain http', async () => {
    const host = await listen(createHttpsServer(tls, (_q, res) => res.end('{}')));
    const r = await run(`http://${host}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${FAILED}${host} speaks https, not plain http: ` +
        'it closed the connection on a plain http request',
    );
    expect(r.stderr).toContain('hint: the endpoint speaks https: write it with https://');
  });

  it('http:// to a server that speaks https and answers plain http with a TLS alert', async () => {
    const host = await listen(alertingTlsServer());
    const r = await run(`http://${host}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${FAILED}${host} speaks https, not plain http: it answered garbage to a plain http request`,
    );
  });

  it('https:// to a server that speaks plain http: named, not left to OpenSSL', async () => {
    const host = await listen(createHttpServer((_q, res) => res.end('{}')));
    const r = await run(`https://${host}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${FAILED}${host} answers in plain http, not https`);
    expect(r.stderr).not.toContain('SSL routines');
    expect(r.stderr).toContain('hint: the endpoint speaks plain http: write it with http://');
  });

  it('a server that is not HTTP at all', async () => {
    const host = await listen(
      createNetServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n'))),
    );
    const r = await run(`http://${host}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${FAILED}${host} answered with something that is not HTTP/1.1`);
    expect(r.stderr).toContain("hint: check the endpoint's port");
  });
});

describe('a proxy that refuses the tunnel is named, its credentials masked', () => {
  const proxyAnswering = (status: string): Server =>
    createNetServer((socket) =>
      socket.once('data', () => socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`)),
    );

  it('407: the proxy wants credentials', async () => {
    const proxy = await listen(proxyAnswering('407 Proxy Authentication Required'));
    const r = await run('http://10.1.2.3:9', {
      HTTP_PROXY: `http://alice:${PROXY_PASSWORD}@${proxy}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${FAILED}the proxy http://***@${proxy}/ wants credentials ` +
        '(407 Proxy Authentication Required) before it opens a tunnel to 10.1.2.3:9',
    );
    expect(r.stderr).toContain("hint: put the proxy's user name and password in its URL");
  });

  it('another status: the proxy refused', async () => {
    const proxy = await listen(proxyAnswering('403 Forbidden'));
    const r = await run('https://10.1.2.3:9', { HTTPS_PROXY: `http://${proxy}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${FAILED}the proxy http://${proxy} refused to open a tunnel to 10.1.2.3:9: it answered 403`,
    );
  });
});
