/**
 * While a request is retried, a terminal's spinner says which attempt it is on and for how long
 * the request has been under way; without a terminal nothing extra is printed. A server on
 * 127.0.0.1 answers the first request 503 with Retry-After (fake time jumps the wait), then
 * holds the second until the spinner shows it (or a few real seconds pass, for the test to
 * fail rather than hang).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as realDelay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeTime, onFakeTime, runMain, TOKEN } from './helpers.js';

const RETRY_AFTER_S = 12;
/** How long a held answer waits at most for the spinner, in real time. */
const HOLD_LIMIT_MS = 3000;

interface Flaky {
  url: string;
  /** Requests seen, as "METHOD path". */
  seen: string[];
  /** Answers the held request, if one is held. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A server whose first request gets 503 and Retry-After; the second is held (with `hold`) until
 * release(); then `answer` answers.
 */
async function flakyServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  hold: boolean,
): Promise<Flaky> {
  const seen: string[] = [];
  let held: (() => void) | undefined;
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (seen.length === 1) {
      res.writeHead(503, { 'retry-after': String(RETRY_AFTER_S) });
      res.end();
      return;
    }
    const go = (): void => {
      held = undefined;
      if (!res.writableEnded) answer(req, res);
    };
    if (hold && seen.length === 2) {
      held = go;
      void realDelay(HOLD_LIMIT_MS).then(go);
    } else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    release: () => held?.(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const cancelled = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
};

/** `ges <args>` on fake time; on a terminal (CI unset), the held answer goes once `shown` is. */
function run(server: Flaky, args: string[], tty: boolean, shown: string, env = {}) {
  let stderr = '';
  return onFakeTime(
    runMain(args, {
      env: { GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN, CI: tty ? undefined : 'true', ...env },
      tty,
      columns: 100,
      onOutput: (stream, text) => {
        if (stream !== 'stderr') return;
        stderr += text;
        if (stderr.includes(shown)) server.release();
      },
    }),
  );
}

describe('attempts on the status line', () => {
  let server: Flaky | undefined;
  beforeEach(fakeTime);
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });

  it('job cancel on a terminal: its status line shows attempt 2 of 3', async () => {
    server = await flakyServer(cancelled, true);
    const suffix = `(attempt 2 of 3, ${RETRY_AFTER_S}s)`;
    const r = await run(server, ['job', 'cancel', 'movies', 'j1'], true, suffix, {
      GES_ENDPOINT: server.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Cancelling jobs on graph movies: `);
    expect(r.stderr).toContain(suffix);
    expect(server.seen).toEqual([
      'DELETE /ges/v1.0/demo/graphs/movies/jobs/j1',
      'DELETE /ges/v1.0/demo/graphs/movies/jobs/j1',
    ]);
  });

  it.each([
    ['no terminal', false, ['--progress-every', '5s']],
    ['--json on a terminal', true, ['--json']],
    ['--quiet on a terminal', true, ['--quiet']],
  ] as const)('job cancel with %s: no word of attempts', async (_, tty, flags) => {
    server = await flakyServer(cancelled, false);
    const args = ['job', 'cancel', 'movies', 'j1', ...flags];
    const r = await run(server, args, tty, 'attempt', { GES_ENDPOINT: server.url });
    expect(r.code, r.stderr).toBe(0);
    expect(server.seen).toHaveLength(2);
    // Without a terminal, a progress line says how the run goes; no line tells an attempt.
    if (!tty) expect(r.stderr).toContain('Cancelling jobs on graph movies: 0 cancelled');
    expect(r.stderr).not.toContain('attempt');
  });

  it('finding a graph by its name: a spinner while the lookup is retried', async () => {
    let service = '';
    server = await flakyServer((req, res) => {
      if (req.method === 'DELETE') return cancelled(req, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ graphs: [{ name: 'movies', status: '200', private_ip: service }] }));
    }, true);
    service = server.url.slice('http://'.length);
    const shown = `Finding graph movies through the management plane (attempt 2 of 3, 12s)`;
    const r = await run(server, ['job', 'cancel', 'movies', 'j1'], true, shown, {
      GES_MANAGEMENT_ENDPOINT: server.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(shown);
    expect(server.seen.map((s) => s.split('?')[0])).toEqual([
      'GET /v2/demo/graphs',
      'GET /v2/demo/graphs',
      'DELETE /ges/v1.0/demo/graphs/movies/jobs/j1',
    ]);
  });
});
