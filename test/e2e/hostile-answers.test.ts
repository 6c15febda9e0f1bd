import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  BIN,
  control,
  createJob,
  emulator,
  envFor,
  fakeTime,
  PASSWORD,
  parseJson,
  requestLog,
  runMain,
  tempHome,
  waitFor,
  writeFile,
} from './helpers.js';

/**
 * The engine's address is often plain http: whatever answers decides what ges reads. Each
 * case has the emulator's fault API serve a hostile answer and checks that nothing unsafe is
 * sent or printed, that ges stops, and that the exit code and report are true.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  await control(emu, 'DELETE', 'faults');
  await control(emu, 'DELETE', 'requests');
});
afterEach(() => {
  vi.useRealTimers();
});

const LIST = '/graphs/movies/jobs/status';
const env = (extra: Record<string, string | undefined> = {}) => envFor(emu, extra);

/** The next `count` job-list answers are `body` (an object, or raw text sent as JSON). */
async function listAnswers(body: unknown, count = 1): Promise<void> {
  const raw = typeof body === 'string';
  await control(emu, 'POST', 'faults', {
    method: 'GET',
    path: LIST,
    status: 200,
    count,
    body,
    ...(raw ? { headers: { 'Content-Type': 'application/json' } } : {}),
  });
}

async function deletes(): Promise<string[]> {
  return (await requestLog(emu)).filter((r) => r.method === 'DELETE').map((r) => r.path);
}

/** Comment lines, 1 MiB of them: more than any pipe holds unread. */
const PIPE_FILLER = `# filler line ${'x'.repeat(100)}\n`.repeat(Math.ceil(2 ** 20 / 116));

const ESC = '\u001b';
const hostileText = `${ESC}]52;c;cm0gLXJmIH4=${ESC}\\${ESC}[2J${ESC}[1A✓ Cancelled\u202eevil\u0085`;

describe('server-supplied job IDs', () => {
  it('"..", an empty ID and a missing one are skipped with one warning, never sent', async () => {
    const good = await createJob(emu);
    await listAnswers({
      jobs: [
        { jobId: '..', status: 'running' },
        { jobId: '', status: 'running' },
        { status: 'running' },
        { jobId: good, status: 'running' },
      ],
      totalCount: 4,
    });
    const r = await runMain(['job', 'cancel', 'movies', '--all'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(await deletes()).toEqual([`/ges/v1.0/demo/graphs/movies/jobs/${good}`]);
    expect(r.stdout).toBe(`✓ Cancelled job ${good} on graph movies\n`);
    expect(r.stderr.match(/warning:/g)).toHaveLength(1);
    expect(r.stderr).toContain("left out 3 entries of graph movies's job list that ges cannot use");
  });

  it(
    'an ID with a line break is never listed, ' + 'so a pipeline cannot cancel a job nobody listed',
    async () => {
      const good = await createJob(emu);
      await listAnswers({
        jobs: [
          { jobId: `x\n${good}`, status: 'running' },
          { jobId: 'y1', status: 'running' },
        ],
        totalCount: 2,
      });
      const r = await runMain(['job', 'list', 'movies', '--status', 'running'], { env: env() });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('y1\trunning\t\n');
    },
  );

  it('an answer with nothing usable is "not understood": exit 1, one JSON document', async () => {
    for (const body of [
      { jobs: [null] },
      { jobs: [{ jobId: 'a'.repeat(200), status: 'running' }] },
      { jobs: 'x' },
      '[1,2]',
    ]) {
      await listAnswers(body);
      const r = await runMain(['job', 'list', 'movies', '--json'], { env: env() });
      expect(r.code, JSON.stringify(body)).toBe(1);
      expect(parseJson(r.stdout), JSON.stringify(body)).toMatchObject({
        ok: false,
        exitCode: 1,
        error: { kind: 'response' },
      });
    }
    expect(await deletes()).toEqual([]);
  });

  it('one 20 MB ID: skipped, no crash, exit 1', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'GET',
      path: LIST,
      status: 200,
      count: 3,
      bodyRepeat: {
        before: '{"jobs":[{"jobId":"',
        text: 'x',
        times: 20 * 1024 * 1024,
        after: '","status":"running"}]}',
      },
    });
    const r = await runMain(['job', 'cancel', 'movies', '--all', '--json'], { env: env() });
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).error.message).toContain('none with a usable job ID');
    expect(await deletes()).toEqual([]);
  });

  it(
    'JSON nested 200,000 deep: ' + 'exit 1 with one JSON document, for a list and a status',
    async () => {
      const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
      await listAnswers(deep);
      const list = await runMain(['job', 'list', 'movies', '--json'], { env: env() });
      expect(list.code).toBe(1);
      expect(parseJson(list.stdout).error.message).toContain('nested deeper than 256 levels');
      await control(emu, 'POST', 'faults', {
        method: 'GET',
        path: '/jobs/a1/status',
        status: 200,
        body: `{"status":"running","data":${deep}}`,
        headers: { 'Content-Type': 'application/json' },
      });
      const status = await runMain(['job', 'status', 'movies', 'a1', '--json'], { env: env() });
      expect(status.code).toBe(1);
      expect(parseJson(status.stdout)).toMatchObject({ ok: false, exitCode: 1 });
    },
  );
});

describe('paging that never ends', () => {
  it('a page repeated with a lying totalCount: two requests, each job once', async () => {
    const jobs = Array.from({ length: 100 }, (_, i) => ({ jobId: `j${i}`, status: 'running' }));
    await listAnswers({ jobs, totalCount: 1_000_000 }, 10_000);
    const r = await runMain(['job', 'list', 'movies'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(100);
    expect((await requestLog(emu)).length).toBe(2);
  });

  it('a list that ignores offset is read once: each job cancelled once, counted once', async () => {
    const a = await createJob(emu);
    const b = await createJob(emu);
    await listAnswers(
      {
        jobs: [
          { jobId: a, status: 'running' },
          { jobId: b, status: 'running' },
        ],
        totalCount: 4,
      },
      10,
    );
    const r = await runMain(['job', 'cancel', 'movies', '--all'], { env: env() });
    expect(r.code).toBe(0);
    expect((await deletes()).sort()).toEqual(
      [a, b].map((id) => `/ges/v1.0/demo/graphs/movies/jobs/${id}`).sort(),
    );
    expect(r.stderr).toContain('2 cancelled');
  });

  it('full pages of new IDs forever: stops at the page cap, exit 1', async () => {
    let n = 0;
    // Each answer a full page of fresh IDs: a fault serves one body, so one fault a page, all
    // in place from the start.
    const pages = Array.from({ length: 1001 }, () => ({
      method: 'GET',
      path: LIST,
      status: 200,
      body: { jobs: Array.from({ length: 100 }, () => ({ jobId: `k${n++}`, status: 'success' })) },
    }));
    const endless = await emulator({ faults: pages });
    try {
      const r = await runMain(['job', 'list', 'movies', '--json'], { env: envFor(endless) });
      expect(r.code).toBe(1);
      expect(parseJson(r.stdout).error.message).toContain(
        'the job list did not end after 1000 pages',
      );
    } finally {
      await endless.close();
    }
  }, 60_000);
});

describe('strings from the server reach the terminal escaped', () => {
  it('an errorMessage with escape sequences: escaped on stderr, exact in JSON', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 400,
      body: { errorCode: 'GES.8303', errorMessage: hostileText },
    });
    const r = await runMain(['job', 'cancel', 'movies', 'a1'], { env: env() });
    expect(r.code).toBe(4);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).not.toContain('\u202e');
    expect(r.stderr).toContain('\\x1b]52;c;');
    expect(r.stderr).toContain('\\u202e');
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 400,
      body: { errorCode: 'GES.8303', errorMessage: hostileText },
    });
    const json = await runMain(['job', 'cancel', 'movies', 'a1', '--json'], { env: env() });
    expect(parseJson(json.stdout).results[0].errorMessage).toBe(hostileText.replace(/\s+/g, ' '));
  });

  it('a status and a command with escape sequences: escaped in the table and in TSV', async () => {
    const body = {
      jobs: [
        {
          jobId: 'j1',
          status: `running${ESC}[2J`,
          request: { command: `${ESC}]0;title${ESC}\\\tx` },
        },
      ],
    };
    await listAnswers(body);
    const tsv = await runMain(['job', 'list', 'movies'], { env: env() });
    expect(tsv.stdout).toBe('j1\trunning\\x1b[2J\t\\x1b]0;title\\x1b\\\\tx\n');
    await listAnswers(body);
    const table = await runMain(['job', 'list', 'movies'], { env: env(), tty: true });
    expect(table.stdout).not.toContain(`${ESC}[2J`);
    expect(table.stdout).toContain('running\\x1b[2J');
  });
});

describe('credentials GES refuses', () => {
  it('with password auth, GES refusing every token costs one login, not one per job', async () => {
    const iam = await emulator({ iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD } });
    try {
      const home = tempHome();
      const cfg = writeFile(
        home,
        'p.yaml',
        `profiles:\n  default:\n    endpoint: ${iam.url}\n    projectId: demo\n` +
          `    auth: {type: password, iamEndpoint: "${iam.url}", ` +
          `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`,
      );
      await control(iam, 'POST', 'faults', {
        path: '/ges/',
        status: 400,
        count: 1000,
        body: { errorCode: 'GES.8007', errorMessage: 'invalid token' },
      });
      const ids = Array.from({ length: 100 }, (_, i) => `job${i}`);
      const r = await runMain(['job', 'cancel', 'movies', ...ids, '--config', cfg], {
        home,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(r.code).toBe(4);
      const logins = (await requestLog(iam)).filter((q) => q.path.startsWith('/v3/auth/tokens'));
      expect(logins).toHaveLength(1);
      expect(r.stderr).toContain('(100 jobs) GES refuses even a token IAM has just issued');
    } finally {
      await iam.close();
    }
  });
});

describe('true reports', () => {
  it(
    '--ignore-finished on five finished jobs: ' +
      'one line each, "0 cancelled, 5 had already ended"',
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await createJob(emu, { status: 'success' }));
      const r = await runMain(['job', 'cancel', 'movies', ...ids, '--ignore-finished'], {
        env: env(),
      });
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(5);
      expect(r.stderr).toBe('0 cancelled, 5 had already ended\n');
    },
  );

  it('a hint shared by many failed jobs is printed once, with its count', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `gone${i}`);
    const r = await runMain(['job', 'cancel', 'movies', ...ids], { env: env() });
    expect(r.code).toBe(4);
    expect(r.stderr.match(/hint:/g)).toHaveLength(1);
    expect(r.stderr).toContain(
      'hint: (30 jobs) the job has already finished or failed, or the ID is wrong; ' +
        'check it with: ges job status movies <jobId>',
    );
    expect(r.stderr).toContain('0 cancelled, 30 failed');
  });

  it('--max-time stops the run as Ctrl-C would, reports every job, exit 1', async () => {
    const ids = [await createJob(emu), await createJob(emu)];
    await control(emu, 'POST', 'faults', { method: 'DELETE', stall: true, count: 2 });
    fakeTime();
    const run = runMain(
      ['job', 'cancel', 'movies', ...ids, '--concurrency', '1', '--max-time', '0.3', '--json'],
      { env: env() },
    );
    // The time runs out once the first cancel is on its way, however long it took to send.
    expect(await waitFor(async () => (await deletes()).length === 1)).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    const r = await run;
    expect(r.code).toBe(1);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 1, stoppedBy: 'stopped by --max-time' });
    expect(doc.results.map((x: any) => x.outcome)).toEqual(['unknown', 'not-sent']);
    expect(r.stderr).toContain('--max-time 300ms passed');
  });

  it('a signal while "-" still reads an open stdin stops at once; nothing is sent', async () => {
    const stop = new AbortController();
    const r = await runMain(['job', 'cancel', 'movies', '-', '--json'], {
      env: env(),
      openStdin: true,
      stop: stop.signal,
      onStdinRead: () => stop.abort('SIGTERM'),
    });
    expect(r.code).toBe(143);
    expect(parseJson(r.stdout)).toMatchObject({
      ok: false,
      exitCode: 143,
      stoppedBy: 'terminated (SIGTERM)',
    });
    expect(await deletes()).toEqual([]);
  });

  it('empty stdin is nothing to do: exit 0', async () => {
    const r = await runMain(['job', 'cancel', 'movies', '-'], { env: env(), stdin: '\n# none\n' });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('nothing to cancel');
    const json = await runMain(['job', 'cancel', 'movies', '-', '--json'], {
      env: env(),
      stdin: '',
    });
    expect(parseJson(json.stdout)).toMatchObject({ ok: true, exitCode: 0, results: [] });
  });
});

describe('through the binary', () => {
  it('stdout closed early (| head -1): the exit code is still the outcome', async () => {
    const ok = await createJob(emu);
    const home = tempHome();
    const child = spawn(
      process.execPath,
      [BIN, 'job', 'cancel', 'movies', '-', '--concurrency', '1'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          CI: 'true',
          ...(env() as Record<string, string>),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stdin.end(`${ok}\n${Array.from({ length: 50 }, (_, i) => `missing${i}`).join('\n')}\n`);
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(4);
  });

  it('the first Ctrl-C while "-" reads an open pipe: exit 130, nothing sent', async () => {
    const home = tempHome();
    const child = spawn(process.execPath, [BIN, 'job', 'cancel', 'movies', '-'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        CI: 'true',
        ...(env() as Record<string, string>),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Ready once it reads the pipe: comment lines beyond what the pipe holds are taken in only
    // as ges reads them, and it reads stdin only once its Ctrl-C handling is in place.
    await new Promise<void>((resolve, reject) =>
      child.stdin.write(PIPE_FILLER, (error) => (error ? reject(error) : resolve())),
    );
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    expect(await closed).toBe(130);
    clearTimeout(timer);
    expect(stderr).toContain('interrupted while reading job IDs from stdin; nothing was sent');
    expect(await deletes()).toEqual([]);
  });
});
