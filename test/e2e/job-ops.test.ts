import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { control, createJob, emulator, envFor, parseJson, requestLog, runMain } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator({ graphs: ['movies', 'batch', 'ci'] });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await control(emu, 'DELETE', 'faults');
  await control(emu, 'DELETE', 'requests');
});

describe('many jobs', () => {
  it(
    '1,000 job IDs from stdin: all cancelled, ' +
      'results in input order, at most 8 requests in flight',
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 1000; i++) {
        ids.push(
          emu.state.createJob(
            'batch',
            { command: 'execute-algorithm', jobType: 0, cancellable: true },
            { url: '/', body: {} },
            { status: 'running' },
          ).jobId,
        );
      }
      await control(emu, 'DELETE', 'stats');
      const r = await runMain(['job', 'cancel', 'batch', '-', '--json'], {
        env: envFor(emu),
        stdin: `${ids.join('\n')}\n`,
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      const doc = parseJson(r.stdout);
      expect(doc.results.map((x: any) => x.jobId)).toEqual(ids);
      expect(doc.results.every((x: any) => x.outcome === 'cancelled')).toBe(true);
      expect(emu.state.jobsOf('batch')).toEqual([]);
      const stats = await control(emu, 'GET', 'stats');
      expect(stats.maxInFlight).toBeLessThanOrEqual(8);
      expect(stats.connections).toBeLessThanOrEqual(8);
    },
  );

  it('a thousand result lines leave in one write', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      ids.push(
        emu.state.createJob(
          'batch',
          { command: 'execute-algorithm', jobType: 0, cancellable: true },
          { url: '/', body: {} },
          { status: 'running' },
        ).jobId,
      );
    }
    const r = await runMain(['job', 'cancel', 'batch', '-'], {
      env: envFor(emu),
      stdin: `${ids.join('\n')}\n`,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('Cancelled job'))).toHaveLength(1000);
    expect(r.stdoutWrites).toBe(1);
  });

  it(
    '--concurrency bounds the requests in flight ' + 'and the connections, and reaches the bound',
    async () => {
      const ids = await Promise.all(
        Array.from({ length: 12 }, () => createJob(emu, { graph: 'batch' })),
      );
      await control(emu, 'POST', 'faults', {
        method: 'DELETE',
        delayMs: 300,
        status: 200,
        body: {},
        count: 12,
      });
      await control(emu, 'DELETE', 'stats');
      const r = await runMain(['job', 'cancel', 'batch', ...ids, '--concurrency', '3', '--json'], {
        env: envFor(emu),
      });
      expect(r.code).toBe(0);
      const stats = await control(emu, 'GET', 'stats');
      expect(stats.maxInFlight).toBe(3);
      expect(stats.connections).toBe(3);
      // results keep input order even though answers arrive in any order
      expect(parseJson(r.stdout).results.map((x: any) => x.jobId)).toEqual(ids);
    },
  );

  it(
    'a summary line on stderr for several jobs; ' + '--concurrency out of range is a usage error',
    async () => {
      const a = await createJob(emu);
      const r = await runMain(['job', 'cancel', 'movies', a, 'missing-job'], { env: envFor(emu) });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('1 cancelled, 1 failed');
      const bad = await runMain(['job', 'cancel', 'movies', a, '--concurrency', '65'], {
        env: envFor(emu),
      });
      expect(bad.code).toBe(2);
    },
  );
});

describe('--all', () => {
  it('cancels exactly the pending and running jobs, paging through the list', async () => {
    const env = envFor(emu);
    const running = await Promise.all(
      Array.from({ length: 120 }, () => createJob(emu, { graph: 'ci', status: 'running' })),
    );
    const pending = await createJob(emu, { graph: 'ci', status: 'pending', pendingMs: 600_000 });
    const finished = await createJob(emu, { graph: 'ci', status: 'success' });
    const dry = await runMain(['job', 'cancel', 'ci', '--all', '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/would send: DELETE/g)).toHaveLength(121);
    expect((await requestLog(emu)).every((q) => q.method === 'GET')).toBe(true);

    const r = await runMain(['job', 'cancel', 'ci', '--all', '--json'], { env });
    expect(r.code).toBe(0);
    expect(
      parseJson(r.stdout)
        .results.map((x: any) => x.jobId)
        .sort(),
    ).toEqual([...running, pending].sort());
    expect(emu.state.jobsOf('ci').map((j) => j.jobId)).toEqual([finished]);

    const none = await runMain(['job', 'cancel', 'ci', '--all'], { env });
    expect([none.code, none.stdout]).toEqual([0, '']);
    expect(none.stderr).toContain(
      'No waiting, pending or running jobs on graph ci: nothing to cancel',
    );
  });

  it(
    '--status picks the states; ' + '--all with IDs, or --status without --all, is a usage error',
    async () => {
      const env = envFor(emu);
      const p = await createJob(emu, { graph: 'movies', status: 'pending', pendingMs: 600_000 });
      const run = await createJob(emu, { graph: 'movies', status: 'running' });
      const r = await runMain(
        ['job', 'cancel', 'movies', '--all', '--status', 'pending', '--json'],
        {
          env,
        },
      );
      expect(parseJson(r.stdout).results.map((x: any) => x.jobId)).toEqual([p]);
      expect(emu.state.findJob('movies', run)).toBeDefined();
      const both = await runMain(['job', 'cancel', 'movies', run, '--all'], { env });
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('either job IDs or --all');
      expect(
        (await runMain(['job', 'cancel', 'movies', run, '--status', 'running'], { env })).code,
      ).toBe(2);
      expect((await runMain(['job', 'cancel', 'movies'], { env })).code).toBe(2);
    },
  );
});

describe('--ignore-finished', () => {
  it(
    'a finished job and an unknown job count as done (exit 0), ' + 'told apart by their status',
    async () => {
      const done = await createJob(emu, { status: 'success' });
      const failed = await createJob(emu, { status: 'failed' });
      const live = await createJob(emu);
      const r = await runMain(
        [
          'job',
          'cancel',
          'movies',
          done,
          failed,
          'never-existed',
          live,
          '--ignore-finished',
          '--json',
        ],
        { env: envFor(emu) },
      );
      expect(r.code).toBe(0);
      const [a, b, c, d] = parseJson(r.stdout).results;
      expect(a).toMatchObject({
        outcome: 'already-finished',
        jobStatus: 'success',
        errorCode: 'GES.8303',
      });
      expect(b).toMatchObject({ outcome: 'already-finished', jobStatus: 'failed' });
      expect(c).toMatchObject({ outcome: 'already-finished', jobStatus: null });
      // A note only where a retried cancel leaves doubt; here each answered at once.
      expect([a.note, b.note, c.note]).toEqual([undefined, undefined, undefined]);
      expect(d).toMatchObject({ outcome: 'cancelled' });
      const human = await runMain(['job', 'cancel', 'movies', done, '--ignore-finished'], {
        env: envFor(emu),
      });
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(`Job ${done} on graph movies had already ended (success)`);
    },
  );

  it('other failures still fail', async () => {
    const id = await createJob(emu, { kind: 'algorithm', algorithmName: 'bfs' });
    const r = await runMain(['job', 'cancel', 'movies', id, '--ignore-finished'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(4);
  });
});
