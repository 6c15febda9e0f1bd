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
  emu = await emulator({ graphs: ['movies', 'friends'] });
});
afterAll(() => emu.close());

describe('ges job status', () => {
  it('prints a running job status (exit 0)', async () => {
    const id = await createJob(emu);
    const r = await runMain(['job', 'status', 'movies', id], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Job ${id} on graph movies: running\n`);
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
      attempts: 1,
    });
    expect(doc.data.outputs).toMatchObject({
      data_return_size: 10,
      data_offset: 5,
      data_total_size: 25,
    });
    const [req] = await requestLog(emu);
    expect(req!.path).toBe(`/ges/v1.0/demo/graphs/movies/jobs/${id}/status?offset=5&limit=10`);
  });

  it('human output summarises result pages', async () => {
    const id = await createJob(emu, { status: 'success' });
    const r = await runMain(['job', 'status', 'movies', id, '--limit', '3'], { env: envFor(emu) });
    expect(r.stdout).toContain('Results: 3 of 25 (offset 0)');
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
