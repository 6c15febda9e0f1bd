import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  createJob,
  emulator,
  envFor,
  expectNoSecrets,
  parseJson,
  requestLog,
  runMain,
  tempHome,
  waitFor,
} from './helpers.js';

/**
 * Streaming runs watched while they run: what is on stdout and stderr at each moment, with
 * stdin held open as long as the test likes.
 */
function start(
  args: string[],
  env: Record<string, string | undefined>,
  options: { tty?: boolean } = {},
) {
  const home = tempHome();
  // What ora asks of a terminal: a width, and cursor moves (written as nothing here).
  const tty = options.tty
    ? {
        isTTY: true,
        columns: 100,
        cursorTo: () => true,
        moveCursor: () => true,
        clearLine: () => true,
      }
    : {};
  const stdout = Object.assign(new PassThrough(), tty);
  const stderr = Object.assign(new PassThrough(), tty);
  const stdin = new PassThrough();
  const seen = { out: '', err: '' };
  stdout.setEncoding('utf8').on('data', (d: string) => (seen.out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (seen.err += d));
  const stop = new AbortController();
  const done = main(args, {
    streams: { stdout, stderr, stdin },
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      CI: 'true',
      ...env,
    },
    cwd: home,
    stop: stop.signal,
  }).then(async (code) => {
    await new Promise((r) => setImmediate(r));
    expectNoSecrets({ code, stdout: seen.out, stderr: seen.err });
    return code;
  });
  return { seen, stdin, stop, done };
}

/** Polls `test` in real time (fake timers or not) for at most `ms`; true once it held. */
const until = (test: () => boolean, ms = 5000): Promise<boolean> => waitFor(test, ms);

/**
 * A GES stand-in: each DELETE answered 200 `{}` by `answer(jobId, res)`, which may hold it.
 */
async function gesServer(answer: (jobId: string, res: ServerResponse) => void) {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    const jobId = decodeURIComponent(req.url!.split('/').pop()!);
    seen.push(jobId);
    answer(jobId, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const env = {
    GES_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    GES_PROJECT_ID: 'demo',
    GES_TOKEN: 'stream-test-token',
  };
  const close = (): Promise<void> =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return { seen, env, close };
}

const ok = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
};

const firstResult: Record<string, RegExp> = {
  human: /✓ Cancelled job j1 on graph movies\n/,
  '--json': /^\{\n {2}"results": \[\n {4}\{"graph":"movies","jobId":"j1"/,
  '--jsonl': /^\{"graph":"movies","jobId":"j1",.*\}\n/,
};

describe('results are written as each job ends', () => {
  it.each(['human', '--json', '--jsonl'])(
    '%s: the first result is on stdout before the last request is sent',
    async (mode) => {
      let run: ReturnType<typeof start> | undefined;
      let shownWhenLastSent: boolean | undefined;
      const ges = await gesServer((jobId, res) => {
        if (jobId !== 'j3') return ok(res);
        shownWhenLastSent = firstResult[mode]!.test(run!.seen.out);
        // Held until the first result shows (at most 5 s): output kept to the end never would.
        void until(() => firstResult[mode]!.test(run!.seen.out)).then(() => ok(res));
      });
      try {
        const flags = mode === 'human' ? [] : [mode];
        run = start(
          ['job', 'cancel', 'movies', 'j1', 'j2', 'j3', '--concurrency', '1', ...flags],
          ges.env,
        );
        expect(await run.done).toBe(0);
        expect(ges.seen).toEqual(['j1', 'j2', 'j3']);
        expect(shownWhenLastSent).toBe(true);
      } finally {
        await ges.close();
      }
    },
  );

  it('stdin is read as IDs are needed: a result shows while stdin is still open', async () => {
    const ges = await gesServer((_, res) => ok(res));
    try {
      const run = start(['job', 'cancel', 'movies', '-', '--jsonl'], ges.env);
      run.stdin.write('j1\n');
      expect(await until(() => run.seen.out.includes('"jobId":"j1"'))).toBe(true);
      expect(ges.seen).toEqual(['j1']);
      run.stdin.end('j2\nj1\n');
      expect(await run.done).toBe(0);
      const lines = run.seen.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.jobId ?? 'summary')).toEqual(['j1', 'j2', 'summary']);
      expect(lines[2]).toMatchObject({
        summary: true,
        ok: true,
        exitCode: 0,
        counts: { cancelled: 2, duplicates: 1 },
      });
      expect(ges.seen).toEqual(['j1', 'j2']);
    } finally {
      await ges.close();
    }
  });

  it('a bad stdin line stops the run at its chunk: jobs before it reported, exit 2', async () => {
    const ges = await gesServer((_, res) => ok(res));
    try {
      const run = start(['job', 'cancel', 'movies', '-', '--json'], ges.env);
      run.stdin.write('j1\nj2\n');
      expect(await until(() => ges.seen.length === 2)).toBe(true);
      run.stdin.end('bad/id\nj4\n');
      expect(await run.done).toBe(2);
      const doc = parseJson(run.seen.out);
      expect(doc.results.map((r: any) => r.jobId).sort()).toEqual(['j1', 'j2']);
      expect(doc).toMatchObject({
        ok: false,
        exitCode: 2,
        error: {
          kind: 'usage',
          message: expect.stringMatching(/^line 3 of stdin: invalid job ID/),
        },
        stdin: { complete: false, nextLine: 3 },
      });
      expect(ges.seen).not.toContain('j4');
    } finally {
      await ges.close();
    }
  });
});

describe('a stop in the middle of a stream', () => {
  let ges: Awaited<ReturnType<typeof gesServer>>;
  beforeAll(async () => {
    // j1..j5 answered at once; later jobs never answered (until the client gives up).
    ges = await gesServer((jobId, res) => {
      if (Number(jobId.slice(1)) <= 5) ok(res);
    });
  });
  afterAll(() => ges.close());

  /** Ten IDs on a stdin left open, two in flight; stopped once both stalled requests are sent. */
  async function interrupted(flags: string[], signal = 'SIGINT') {
    ges.seen.length = 0;
    const run = start(['job', 'cancel', 'movies', '-', '--concurrency', '2', ...flags], ges.env);
    run.stdin.write(`${Array.from({ length: 10 }, (_, i) => `j${i + 1}`).join('\n')}\n`);
    expect(await until(() => ges.seen.includes('j6') && ges.seen.includes('j7'))).toBe(true);
    run.stop.abort(signal);
    return { code: await run.done, out: run.seen.out, err: run.seen.err };
  }

  it('--json: one valid document with an honest outcome for every ID read', async () => {
    const { code, out } = await interrupted(['--json']);
    expect(code).toBe(130);
    const doc = parseJson(out);
    const outcomes = Object.fromEntries(doc.results.map((r: any) => [r.jobId, r.outcome]));
    expect(outcomes).toEqual({
      j1: 'cancelled',
      j2: 'cancelled',
      j3: 'cancelled',
      j4: 'cancelled',
      j5: 'cancelled',
      j6: 'unknown',
      j7: 'unknown',
    });
    expect(doc).toMatchObject({
      ok: false,
      exitCode: 130,
      stoppedBy: 'interrupted',
      stdin: { complete: false, nextLine: 8 },
      counts: { cancelled: 5, unknown: 2, 'not-sent': 0 },
    });
  });

  it('--jsonl: every line is JSON, the summary last', async () => {
    const { code, out } = await interrupted(['--jsonl'], 'SIGTERM');
    expect(code).toBe(143);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines.slice(0, 7).every((l) => l.jobId && !l.summary)).toBe(true);
    expect(lines[7]).toMatchObject({
      summary: true,
      ok: false,
      exitCode: 143,
      counts: { cancelled: 5, unknown: 2 },
    });
  });

  it('human: the stop, each job, and where stdin was left', async () => {
    const { code, out, err } = await interrupted([], 'SIGTERM');
    expect(code).toBe(143);
    expect(out.match(/✓ Cancelled job j\d on graph movies/g)).toHaveLength(5);
    expect(err).toContain('terminated (SIGTERM): stopping (send SIGTERM again to quit at once)');
    expect(err).not.toContain('Ctrl-C');
    expect(err).toContain(
      'job j6 on graph movies: interrupted after the request was sent; ' +
        'the job may or may not have been cancelled',
    );
    expect(err).toContain(
      'terminated (SIGTERM): 5 cancelled, 2 unknown (the request had been sent), ' +
        'stdin not read from line 8 on',
    );
  });
});

describe('waits you can watch', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(() => emu.close());
  afterEach(() => vi.useRealTimers());

  // Time moves only when a test moves it: no outcome depends on how long the machine took.
  const fakeTime = (): void => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  };

  it('without a TTY: a job line when it stops, a progress line after silence', async () => {
    const done = await createJob(emu, { status: 'success' });
    const long = await createJob(emu);
    fakeTime();
    const run = start(
      ['job', 'wait', 'movies', done, long, '--progress-every', '5s', '--interval', '1s'],
      envFor(emu),
    );
    expect(await until(() => run.seen.out.includes(`Job ${done} on graph movies ended`))).toBe(
      true,
    );
    await vi.advanceTimersByTimeAsync(4000);
    expect(run.seen.err).toBe('');
    await vi.advanceTimersByTimeAsync(1500);
    expect(run.seen.err).toMatch(
      /^Waiting for jobs on graph movies: 1 stopped, 1 waiting, 0 failed \(5s elapsed\)\n$/,
    );
    run.stop.abort('SIGINT');
    expect(await run.done).toBe(130);
  });

  it('--interval sets the time between polls', async () => {
    const long = await createJob(emu);
    const polls = async (): Promise<number> =>
      (await requestLog(emu)).filter((q) => q.path.includes(`/jobs/${long}/status`)).length;
    fakeTime();
    const run = start(['job', 'wait', 'movies', long, '--interval', '2s'], envFor(emu));
    let seen = 0;
    const more = async (): Promise<boolean> => {
      if (!(await waitFor(async () => (await polls()) > seen, 2000))) return false;
      seen++;
      return true;
    };
    expect(await more()).toBe(true);
    for (let round = 0; round < 3; round++) {
      await vi.advanceTimersByTimeAsync(1900);
      expect(await polls()).toBe(seen);
      await vi.advanceTimersByTimeAsync(100);
      expect(await more()).toBe(true);
    }
    run.stop.abort('SIGINT');
    expect(await run.done).toBe(130);
    expect(seen).toBe(4);
  });

  it('on a terminal: the spinner shows the counts and the elapsed time', async () => {
    const done = await createJob(emu, { status: 'success' });
    const long = await createJob(emu);
    fakeTime();
    const run = start(['job', 'wait', 'movies', done, long], envFor(emu, { CI: undefined }), {
      tty: true,
    });
    // The finished job's line while the other is still waited for.
    expect(await until(() => run.seen.out.includes(`Job ${done} on graph movies ended`))).toBe(
      true,
    );
    // 3 s, and a frame of the spinner to show them.
    await vi.advanceTimersByTimeAsync(3100);
    expect(run.seen.err).toMatch(
      /Waiting for jobs on graph movies: 1 stopped, 1 waiting, 0 failed \(3s elapsed\)/,
    );
    expect(run.seen.out).toContain(`Job ${done} on graph movies ended: success`);
    run.stop.abort('SIGINT');
    expect(await run.done).toBe(130);
  });

  it('a wait stopped by SIGTERM exits 143; jobs not reached are reported too', async () => {
    const [a, b] = [await createJob(emu), await createJob(emu)];
    const run = start(['job', 'wait', 'movies', a, b, '--concurrency', '1', '--json'], envFor(emu));
    // Stopped while the first job is being waited for: once its first poll is in.
    const polled = async (): Promise<boolean> =>
      (await requestLog(emu)).some((q) => q.path.includes(`/jobs/${a}/status`));
    expect(await waitFor(polled)).toBe(true);
    run.stop.abort('SIGTERM');
    expect(await run.done).toBe(143);
    const doc = parseJson(run.seen.out);
    expect(doc.results.map((r: any) => [r.jobId, r.outcome])).toEqual([
      [a, 'interrupted'],
      [b, 'interrupted'],
    ]);
    expect(doc).toMatchObject({ exitCode: 143, stoppedBy: 'terminated (SIGTERM)' });
  });

  it('TERM=dumb: no spinner and no escape sequences', async () => {
    const long = await createJob(emu);
    fakeTime();
    const run = start(
      ['job', 'wait', 'movies', long, '--progress-every', '1s'],
      envFor(emu, { CI: undefined, TERM: 'dumb' }),
      { tty: true },
    );
    await vi.advanceTimersByTimeAsync(1500);
    run.stop.abort('SIGINT');
    expect(await run.done).toBe(130);
    expect(run.seen.err).toContain('Waiting for jobs on graph movies: 0 stopped, 1 waiting');
    expect(run.seen.err + run.seen.out).not.toContain('\u001b');
  });
});

describe('--jsonl beyond per-job commands, and the one error shape', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(() => emu.close());

  it('job status --jsonl: its --json document on one line, the error with its hint', async () => {
    const r = await runMain(['job', 'status', 'movies', 'nope', '--jsonl'], { env: envFor(emu) });
    expect(r.code).toBe(4);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      exitCode: 4,
      error: {
        kind: 'http',
        code: 'GES.8301',
        httpStatus: 400,
        hint: "the engine does not know this job; list the graph's jobs with: ges job list movies",
      },
    });
  });

  it('a usage error of job cancel under --jsonl: the summary line, nothing sent', async () => {
    const r = await runMain(['job', 'cancel', 'movies', 'a1', 'a/1', '--jsonl'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(2);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      summary: true,
      ok: false,
      exitCode: 2,
      counts: { cancelled: 0 },
      error: { kind: 'usage', code: null, httpStatus: null, hint: null },
    });
  });
});
