import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  closedPort,
  control,
  createJob,
  emulator,
  envFor,
  parseJson,
  requestLog,
  runMain,
} from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

describe('ges job cancel', () => {
  it('cancels a running job: human line on stdout, exit 0, and the job is gone', async () => {
    const id = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', id], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✓ Cancelled job ${id} on graph movies\n`);
    expect(r.stderr).toBe('');
    expect(emu.state.findJob('movies', id)).toBeUndefined();
  });

  it('sends DELETE to the documented path with the token and a User-Agent', async () => {
    await control(emu, 'DELETE', 'requests');
    const id = await createJob(emu, { status: 'pending' });
    const r = await runMain(['job', 'cancel', 'movies', id], { env: envFor(emu) });
    expect(r.code).toBe(0);
    const [req] = await requestLog(emu);
    expect(req!.method).toBe('DELETE');
    expect(req!.path).toBe(`/ges/v1.0/demo/graphs/movies/jobs/${id}`);
    expect(req!.headers['x-auth-token']).toBe('***'); // present (masked by the emulator's log)
    expect(req!.headers['user-agent']).toMatch(/^ges-cli\/\d+\.\d+\.\d+ node\/\d+/);
  });

  it('--json prints the documented document, results first', async () => {
    const id = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', id, '--json'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout);
    expect(Object.keys(doc)[0]).toBe('results');
    expect(doc).toEqual({
      results: [
        {
          graph: 'movies',
          jobId: id,
          outcome: 'cancelled',
          httpStatus: 200,
          error: null,
          errorCode: null,
          errorMessage: null,
          attempts: 1,
        },
      ],
      ok: true,
      exitCode: 0,
      counts: {
        cancelled: 1,
        'already-finished': 0,
        skipped: 0,
        failed: 0,
        unknown: 0,
        'not-sent': 0,
        'dry-run': 0,
        duplicates: 0,
      },
    });
  });

  it('a finished job: GES.8303, exit 4, an error line and its hint, no stdout', async () => {
    const id = await createJob(emu, { status: 'success' });
    const r = await runMain(['job', 'cancel', 'movies', id], { env: envFor(emu) });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: could not cancel job ${id} on graph movies: ` +
        'HTTP 400 GES.8303: can not find job to cancel\n' +
        'hint: the job has already finished or failed, or the ID is wrong; ' +
        `check it with: ges job status movies ${id}\n`,
    );
  });

  it('several jobs: a result each, exit code by severity (4 beats 0)', async () => {
    const a = await createJob(emu);
    const b = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', a, 'unknown-job', b, '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(4);
    const doc = parseJson(r.stdout);
    expect(doc.ok).toBe(false);
    const byId = Object.fromEntries(doc.results.map((x: any) => [x.jobId, x]));
    expect([byId[a].outcome, byId['unknown-job'].outcome, byId[b].outcome]).toEqual([
      'cancelled',
      'failed',
      'cancelled',
    ]);
    expect(byId['unknown-job']).toMatchObject({
      httpStatus: 400,
      errorCode: 'GES.8303',
      error: {
        kind: 'http',
        code: 'GES.8303',
        message: 'HTTP 400 GES.8303: can not find job to cancel, id is unknown-job',
        httpStatus: 400,
        hint:
          'the job has already finished or failed, or the ID is wrong; ' +
          'check it with: ges job status movies unknown-job',
      },
    });
    expect(doc.counts).toMatchObject({ cancelled: 2, failed: 1 });
  });

  it('"-" reads job IDs from stdin, one per line, skipping blanks and comments', async () => {
    const ids = [await createJob(emu), await createJob(emu), await createJob(emu)];
    const r = await runMain(['job', 'cancel', 'movies', '-', '--json'], {
      env: envFor(emu),
      stdin: `${ids[0]}\n\n# a comment\n${ids[1]}\r\n${ids[2]}\n`,
    });
    expect(r.code).toBe(0);
    expect(
      parseJson(r.stdout)
        .results.map((x: any) => x.jobId)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it(
    'an algorithm outside the cancellable list answers ' +
      'Unsupported Operation (exit 4, with a hint)',
    async () => {
      const id = await createJob(emu, { kind: 'algorithm', algorithmName: 'shortest_path' });
      const r = await runMain(['job', 'cancel', 'movies', id], { env: envFor(emu) });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('HTTP 400: Unsupported Operation');
      expect(r.stderr).toContain('GES cancels only');
    },
  );

  it('--quiet prints nothing on success; errors still reach stderr', async () => {
    const id = await createJob(emu);
    const ok = await runMain(['job', 'cancel', 'movies', id, '-q'], { env: envFor(emu) });
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    const bad = await runMain(['job', 'cancel', 'movies', id, '--quiet'], { env: envFor(emu) });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('GES.8303');
  });

  it('--dry-run prints the request with the token masked and sends nothing', async () => {
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--dry-run'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`would send: DELETE ${emu.url}/ges/v1.0/demo/graphs/movies/jobs/a1`);
    expect(r.stdout).toContain('X-Auth-Token: ***');
    expect(await requestLog(emu)).toEqual([]);
    const j = await runMain(['job', 'cancel', 'movies', 'a1', '--dry-run', '--json'], {
      env: envFor(emu),
    });
    expect(parseJson(j.stdout).results[0]).toMatchObject({
      outcome: 'dry-run',
      httpStatus: null,
      request: { method: 'DELETE' },
    });
  });

  it('--verbose traces the exchange on stderr with the token masked', async () => {
    const id = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', id, '--verbose'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`> DELETE ${emu.url}/ges/v1.0/demo/graphs/movies/jobs/${id}`);
    expect(r.stderr).toContain('> X-Auth-Token: ***');
    expect(r.stderr).toMatch(/< 200 \(\d+ ms\)/);
  });

  it('a wrong token answers 401: exit 4 with a credentials hint', async () => {
    const r = await runMain(['job', 'cancel', 'movies', 'a1'], {
      env: envFor(emu, { GES_TOKEN: 'wrong-token-value' }),
      secrets: ['wrong-token-value'],
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('HTTP 401 APIGW.0301');
    expect(r.stderr).toContain(
      'hint: GES refused the token: ' +
        'IAM tokens last 24 hours and are scoped to one project; get a new one',
    );
  });

  it('a wrong project and an unknown graph are refused (exit 4)', async () => {
    const p = await runMain(['job', 'cancel', 'movies', 'a1', '--project-id', 'other'], {
      env: envFor(emu),
    });
    expect(p.code).toBe(4);
    expect(p.stderr).toContain('GES.8005');
    const g = await runMain(['job', 'cancel', 'nosuchgraph', 'a1'], { env: envFor(emu) });
    expect(g.code).toBe(4);
    expect(g.stderr).toContain('graph : nosuchgraph not exist');
  });
});

describe('exit codes by HTTP class and network failure', () => {
  it('3xx: exit 3, the redirect is not followed', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 302,
      headers: { location: 'http://127.0.0.1:1/elsewhere' },
      count: 1,
    });
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--json'], { env: envFor(emu) });
    expect(r.code).toBe(3);
    expect(parseJson(r.stdout).results[0]).toMatchObject({ httpStatus: 302, outcome: 'failed' });
  });

  it(
    '5xx: retried, then exit 5 with attempts counted ' + 'and an HTML body summarised in one line',
    async () => {
      const page =
        `<html><head><title>502 Bad Gateway</title></head>` +
        `<body>${'x'.repeat(5000)}</body></html>`;
      await control(emu, 'POST', 'faults', {
        method: 'DELETE',
        status: 502,
        body: page,
        headers: { 'retry-after': '0' },
        count: 3,
      });
      const r = await runMain(['job', 'cancel', 'movies', 'a1'], { env: envFor(emu) });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(
        'HTTP 502: the server answered with an HTML page titled "502 Bad Gateway"',
      );
      expect(r.stderr).not.toContain('xxxxxxxx');
      expect(r.stderr).toContain('after 3 attempts');
    },
  );

  it('a 503 followed by success is retried and succeeds (attempts 2)', async () => {
    const id = await createJob(emu);
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 503,
      body: { errorMessage: 'busy' },
      headers: { 'retry-after': '0' },
      count: 1,
    });
    const r = await runMain(['job', 'cancel', 'movies', id, '--json'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results[0]).toMatchObject({ outcome: 'cancelled', attempts: 2 });
  });

  it('--retries 0 disables retries', async () => {
    await control(emu, 'POST', 'faults', { method: 'DELETE', status: 503, body: {}, count: 1 });
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--retries', '0', '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(5);
    expect(parseJson(r.stdout).results[0].attempts).toBe(1);
    await control(emu, 'DELETE', 'faults');
  });

  it('connection refused: exit 1, httpStatus null in JSON', async () => {
    const port = await closedPort();
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--json', '--retries', '0'], {
      env: envFor(emu, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).results[0]).toMatchObject({
      outcome: 'failed',
      httpStatus: null,
      attempts: 1,
    });
    expect(parseJson(r.stdout).results[0].errorMessage).toContain('connection refused');
  });

  it('a timeout: exit 1 naming the timeout', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      delayMs: 3000,
      status: 200,
      body: {},
      count: 1,
    });
    const r = await runMain(
      ['job', 'cancel', 'movies', 'a1', '--timeout', '0.3', '--retries', '0'],
      { env: envFor(emu) },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer from');
    expect(r.stderr).toContain('within 0.3 s');
  });

  it('a connection reset is retried', async () => {
    const id = await createJob(emu);
    await control(emu, 'POST', 'faults', { method: 'DELETE', reset: true, count: 1 });
    const r = await runMain(['job', 'cancel', 'movies', id, '--json'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results[0]).toMatchObject({ outcome: 'cancelled', attempts: 2 });
  });

  it('a 200 whose body is not JSON: exit 1', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 200,
      body: '<html>login page</html>',
      count: 1,
    });
    const r = await runMain(['job', 'cancel', 'movies', 'a1'], { env: envFor(emu) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not JSON');
  });

  it('an empty 200 body counts as cancelled', async () => {
    await control(emu, 'POST', 'faults', { method: 'DELETE', status: 200, count: 1 });
    const r = await runMain(['job', 'cancel', 'movies', 'a1'], { env: envFor(emu) });
    expect(r.code).toBe(0);
  });

  it('severity across jobs: 5 beats 1 beats 4', async () => {
    const port = await closedPort();
    const refusedEnv = envFor(emu, { GES_ENDPOINT: `http://127.0.0.1:${port}` });
    const oneAndFour = await runMain(
      ['job', 'cancel', 'movies', 'x1', 'x2', '--retries', '0', '--json'],
      { env: refusedEnv },
    );
    expect(oneAndFour.code).toBe(1);
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      path: '/jobs/x5',
      status: 500,
      body: {},
      count: 5,
    });
    const r = await runMain(['job', 'cancel', 'movies', 'x4', 'x5', '--retries', '0', '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(5);
    expect(parseJson(r.stdout).exitCode).toBe(5);
  });
});
