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
  emu = await emulator({ graphs: ['movies', 'friends', 'order', 'wide', 'tty', 'tty2'] });
});
afterAll(() => emu.close());

describe('ges job status', () => {
  it('prints a running job with every field the list has (exit 0)', async () => {
    const id = await createJob(emu);
    const r = await runMain(['job', 'status', 'movies', id], { env: envFor(emu) });
    expect(r.code).toBe(0);
    const [first, ...rest] = r.stdout.split('\n');
    expect(first).toBe(`Job ${id} on graph movies: running`);
    expect(rest).toEqual([
      '  kind:      execute-algorithm (pagerank)',
      expect.stringMatching(/^ {2}progress: {2}\d+%$/),
      expect.stringMatching(/^ {2}started: {3}\S+Z \(\d+s ago\)$/),
      '  ended:     -',
      '  can stop:  yes',
      '',
    ]);
  });

  it('a failed job shows its failure reason; --json uses the names the list uses', async () => {
    const id = await createJob(emu, { status: 'failed' });
    const human = await runMain(['job', 'status', 'movies', id], { env: envFor(emu) });
    expect(human.stdout).toContain('  reason:    the job failed\n');
    expect(human.stdout).toContain('  can stop:  no\n');
    const doc = parseJson(
      (await runMain(['job', 'status', 'movies', id, '--json'], { env: envFor(emu) })).stdout,
    );
    const listed = parseJson(
      (await runMain(['job', 'list', 'movies', '--json'], { env: envFor(emu) })).stdout,
    ).jobs.find((j: any) => j.jobId === id);
    for (const key of Object.keys(listed)) expect(doc).toHaveProperty(key);
    expect(doc).toMatchObject({
      ...listed,
      ageSeconds: expect.any(Number),
      status: 'failed',
      failReason: 'the job failed',
      canStop: false,
      command: 'execute-algorithm',
      algorithm: 'pagerank',
    });
  });

  it('reads the status and the list at once, no page past the one with the job', async () => {
    const emu2 = await emulator({ graphs: ['big'] });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 250; i++)
        ids.push(
          emu2.state.createJob(
            'big',
            { command: 'x', jobType: 0, cancellable: true },
            { url: '/', body: {} },
            { status: 'running' },
          ).jobId,
        );
      await control(emu2, 'DELETE', 'requests');
      const r = await runMain(['job', 'status', 'big', ids[120]!, '--json'], { env: envFor(emu2) });
      expect(parseJson(r.stdout)).toMatchObject({ jobId: ids[120], command: 'x' });
      const paths = (await requestLog(emu2)).map((q) => q.path.replace(/.*graphs\/big/, ''));
      expect(paths.sort()).toEqual(
        [
          '/jobs/status?offset=0&limit=100',
          '/jobs/status?offset=100&limit=100',
          `/jobs/${ids[120]}/status`,
        ].sort(),
      );
    } finally {
      await emu2.close();
    }
  });

  it('a job list that fails is a warning: the status is still the answer', async () => {
    const id = await createJob(emu);
    await control(emu, 'POST', 'faults', { path: '/graphs/movies/jobs/status', status: 400 });
    const r = await runMain(['job', 'status', 'movies', id, '--retries', '0', '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toMatchObject({ status: 'running', command: null, progress: null });
    expect(r.stderr).toContain(`could not read job ${id}'s kind, progress and times`);
  });

  it('--dry-run shows both requests and sends nothing', async () => {
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['job', 'status', 'movies', 'a1', '--dry-run', '--json'], {
      env: envFor(emu),
    });
    const doc = parseJson(r.stdout);
    expect(doc.request.url).toMatch(/\/jobs\/a1\/status$/);
    expect(doc.listRequest.url).toMatch(/\/jobs\/status\?offset=0&limit=100$/);
    expect(await requestLog(emu)).toEqual([]);
  });

  it('--json with --offset/--limit passes the page through and returns the data', async () => {
    const id = await createJob(emu, { status: 'success' });
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(
      ['job', 'status', 'movies', id, '--offset', '5', '--limit', '10', '--json'],
      { env: envFor(emu) },
    );
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      exitCode: 0,
      graph: 'movies',
      jobId: id,
      status: 'success',
      progress: 100,
      attempts: 1,
    });
    expect(doc.data.outputs).toMatchObject({
      data_return_size: 10,
      data_offset: 5,
      data_total_size: 25,
    });
    expect((await requestLog(emu)).map((q) => q.path)).toContain(
      `/ges/v1.0/demo/graphs/movies/jobs/${id}/status?offset=5&limit=10`,
    );
  });

  it('human output summarises result pages', async () => {
    const id = await createJob(emu, { status: 'success' });
    const r = await runMain(['job', 'status', 'movies', id, '--limit', '3'], { env: envFor(emu) });
    expect(r.stdout).toContain('  results:   3 of 25 (offset 0); --json prints them\n');
  });

  it('an unknown job: GES.8301, exit 4, a hint to list jobs', async () => {
    const r = await runMain(['job', 'status', 'movies', 'nope'], { env: envFor(emu) });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('HTTP 400 GES.8301: can not find job, jobId is nope');
    expect(r.stderr).toContain('ges job list movies');
  });

  it('--json error envelope for an HTTP error', async () => {
    const r = await runMain(['job', 'status', 'movies', 'nope', '--json'], { env: envFor(emu) });
    expect(r.code).toBe(4);
    expect(parseJson(r.stdout)).toEqual({
      ok: false,
      exitCode: 4,
      error: {
        kind: 'http',
        code: 'GES.8301',
        message: 'HTTP 400 GES.8301: can not find job, jobId is nope',
        httpStatus: 400,
        hint: "the engine does not know this job; list the graph's jobs with: ges job list movies",
        errorCode: 'GES.8301',
        errorMessage: 'can not find job, jobId is nope',
        attempts: 1,
      },
    });
  });

  it('--json error envelope when nothing answers', async () => {
    const port = await closedPort();
    const r = await runMain(['job', 'status', 'movies', 'a1', '--json', '--retries', '0'], {
      env: envFor(emu, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).error).toMatchObject({
      kind: 'network',
      httpStatus: null,
      attempts: 1,
    });
  });

  it('rejects a bad --limit before sending anything', async () => {
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['job', 'status', 'movies', 'a1', '--limit', 'ten'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid value "ten" for --limit');
    expect(await requestLog(emu)).toEqual([]);
  });
});

describe('ges job list', () => {
  it('non-TTY: one tab-separated line per job, no header', async () => {
    const a = await createJob(emu, { graph: 'friends', status: 'running' });
    const b = await createJob(emu, {
      graph: 'friends',
      status: 'pending',
      pendingMs: 600_000,
      kind: 'importGraph',
    });
    const r = await runMain(['job', 'list', 'friends'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${a}\trunning\texecute-algorithm\n${b}\tpending\timport_graph\n`);
  });

  it('newest first by start time; jobs without one last, in the order GES sent them', async () => {
    const make = (body: Record<string, unknown>): Promise<string> =>
      createJob(emu, { graph: 'order', ...body });
    const older = await make({ status: 'success', runningMs: 100_000 });
    const newest = await make({ status: 'running' });
    const middle = await make({ status: 'success', runningMs: 50_000 });
    const waiting1 = await make({ status: 'pending', pendingMs: 600_000 });
    const waiting2 = await make({ status: 'pending', pendingMs: 600_000 });
    const r = await runMain(['job', 'list', 'order'], { env: envFor(emu) });
    expect(r.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual([
      newest,
      middle,
      older,
      waiting1,
      waiting2,
      '',
    ]);
    const limited = await runMain(['job', 'list', 'order', '--status', 'success', '--limit', '1'], {
      env: envFor(emu),
    });
    expect(limited.stdout).toBe(`${middle}\tsuccess\texecute-algorithm\n`);
    const doc = parseJson(
      (await runMain(['job', 'list', 'order', '--json', '--limit', '2'], { env: envFor(emu) }))
        .stdout,
    );
    expect(doc.totalCount).toBe(5);
    expect(doc.jobs.map((j: any) => j.jobId)).toEqual([newest, middle]);
    expect(doc.jobs[1]).toMatchObject({
      startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      endTime: expect.stringMatching(/Z$/),
      ageSeconds: expect.any(Number),
    });
    expect(doc.jobs[1].ageSeconds).toBeGreaterThanOrEqual(50);
  });

  it('-o wide adds fields after the three scripts read; -o json is --json', async () => {
    const id = await createJob(emu, { graph: 'wide', status: 'failed' });
    const r = await runMain(['job', 'list', 'wide', '-o', 'wide'], { env: envFor(emu) });
    expect(r.stdout).toMatch(
      new RegExp(`^${id}\tfailed\texecute-algorithm\t0\t\\S+Z\t\\S+Z\tfalse\tthe job failed\n$`),
    );
    const json = await runMain(['job', 'list', 'wide', '--output', 'json'], { env: envFor(emu) });
    expect(parseJson(json.stdout).jobs[0]).toMatchObject({ jobId: id, status: 'failed' });
    const failed = await runMain(['job', 'list', 'nosuch', '-o', 'json'], { env: envFor(emu) });
    expect(failed.code).toBe(4);
    expect(parseJson(failed.stdout)).toMatchObject({ ok: false, error: { errorCode: 'GES.8000' } });
  });

  it('on a terminal: ID, KIND, STATUS, PROGRESS, AGE in at most 100 columns', async () => {
    const long = `${'a'.repeat(60)}${'z'.repeat(68)}`;
    await createJob(emu, { graph: 'tty', jobId: long, status: 'running' });
    const short = await createJob(emu, { graph: 'tty', status: 'success' });
    const r = await runMain(['job', 'list', 'tty', '--no-color'], { env: envFor(emu), tty: true });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID {2,}KIND {2,}STATUS {2,}PROGRESS {2,}AGE$/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/^a+…z+ +execute-algorithm \(pagerank\) +running +\d+% +\d+s$/);
    expect(lines[2]).toMatch(
      new RegExp(`^${short} +execute-algorithm \\(pagerank\\) +success +100%`),
    );
    expect(r.stderr).toBe('2 jobs on graph tty\n');
    // Never shortened for scripts or in JSON.
    const plain = await runMain(['job', 'list', 'tty'], { env: envFor(emu) });
    expect(plain.stdout.split('\t')[0]).toBe(long);
    const wide = await runMain(['job', 'list', 'tty', '-o', 'wide', '--no-color'], {
      env: envFor(emu),
      tty: true,
    });
    expect(wide.stdout).toContain(long);
    expect(wide.stdout.split('\n')[0]).toMatch(/AGE +STARTED +ENDED +CAN STOP +REASON$/);
  });

  it('a short ID is never shortened on a terminal', async () => {
    const id = await createJob(emu, { graph: 'tty2', status: 'running' });
    const r = await runMain(['job', 'list', 'tty2', '--no-color'], { env: envFor(emu), tty: true });
    expect(r.stdout.split('\n')[1]!.startsWith(`${id}  `)).toBe(true);
  });

  it.each([
    [['-o', 'yaml'], 'invalid --output "yaml": use wide, or json'],
    [['--limit', '0'], 'invalid value "0" for --limit'],
    [['--interval', '5s'], '--interval goes with --watch'],
    [['--watch', '--json'], 'use --jsonl with --watch'],
    [['-w', '-o', 'json'], 'use --jsonl with --watch'],
    [['--watch', '--interval', '10ms'], 'invalid value "10ms" for --interval'],
  ])('%j is a usage error, and nothing is sent', async (args, message) => {
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['job', 'list', 'friends', ...args], { env: envFor(emu) });
    expect(r.code).toBe(2);
    // With --json (or -o json) the error is the JSON document on stdout.
    expect(r.stderr + r.stdout).toContain(message);
    expect(await requestLog(emu)).toEqual([]);
  });

  it('--status filters and --json gives the envelope', async () => {
    const r = await runMain(['job', 'list', 'friends', '--status', 'pending', '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, graph: 'friends', totalCount: 2 });
    expect(doc.jobs).toHaveLength(1);
    expect(doc.jobs[0]).toMatchObject({ status: 'pending', command: 'import_graph' });
  });

  it('pages through a long list with offset/limit', async () => {
    const emu2 = await emulator({ graphs: ['big'] });
    try {
      for (let i = 0; i < 230; i++)
        emu2.state.createJob(
          'big',
          { command: 'x', jobType: 0, cancellable: true },
          { url: '/', body: {} },
          { status: 'running' },
        );
      const r = await runMain(['job', 'list', 'big', '--json'], { env: envFor(emu2) });
      expect(parseJson(r.stdout).jobs).toHaveLength(230);
      const pages = (await requestLog(emu2)).map((q) => q.path.replace(/.*\?/, ''));
      expect(pages).toEqual(['offset=0&limit=100', 'offset=100&limit=100', 'offset=200&limit=100']);
    } finally {
      await emu2.close();
    }
  });

  it('an empty graph says so on stderr and exits 0', async () => {
    const emu2 = await emulator({ graphs: ['empty'] });
    try {
      const r = await runMain(['job', 'list', 'empty'], { env: envFor(emu2) });
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'No jobs on graph empty\n']);
    } finally {
      await emu2.close();
    }
  });

  it('an unknown --status is a usage error', async () => {
    const r = await runMain(['job', 'list', 'friends', '--status', 'runing'], { env: envFor(emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown status "runing"');
  });

  it('an unknown graph: exit 4', async () => {
    const r = await runMain(['job', 'list', 'nosuch', '--json'], { env: envFor(emu) });
    expect(r.code).toBe(4);
    expect(parseJson(r.stdout).error.errorCode).toBe('GES.8000');
  });
});
