import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * A GES stand-in answering every DELETE 200 `{}`, counting requests in flight honestly: from
 * the request's arrival to just before its answer is written. (Counting until the answer has
 * finished would overlap the client's next request on the same connection.) Each answer waits
 * `delayMs`, or less: the answers held are all given a moment after `gather` requests are in
 * flight, so a bound can be shown to be reached whatever the machine's load.
 */
async function countingServer(delayMs = 0, gather = Number.POSITIVE_INFINITY) {
  const stats = { inFlight: 0, maxInFlight: 0, connections: 0, deletes: 0 };
  const held = new Set<() => void>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
      const answer = (): void => {
        if (!held.delete(answer)) return;
        clearTimeout(timer);
        stats.inFlight--;
        if (req.method === 'DELETE') stats.deletes++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      };
      held.add(answer);
      const timer = setTimeout(answer, delayMs);
      // Given a moment more, so that a request past the bound would be seen in flight too.
      if (held.size === gather)
        setTimeout(() => {
          for (const a of [...held]) a();
        }, 50);
    });
  });
  server.on('connection', () => stats.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { stats, url, close: () => new Promise((r) => server.close(r)) };
}

describe('many jobs', () => {
  it('1,000 job IDs from stdin: all cancelled, at most 8 requests in flight', async () => {
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
    const r = await runMain(['job', 'cancel', 'batch', '-', '--json'], {
      env: envFor(emu),
      stdin: `${ids.join('\n')}\n`,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc.results.map((x: any) => x.jobId).sort()).toEqual([...ids].sort());
    expect(doc.results.every((x: any) => x.outcome === 'cancelled')).toBe(true);
    expect(doc.counts.cancelled).toBe(1000);
    expect(emu.state.jobsOf('batch')).toEqual([]);
    const counting = await countingServer(1);
    try {
      const c = await runMain(['job', 'cancel', 'batch', '-', '--quiet'], {
        env: envFor(emu, { GES_ENDPOINT: counting.url }),
        stdin: `${ids.slice(0, 300).join('\n')}\n`,
      });
      expect(c.code).toBe(0);
      expect(counting.stats).toMatchObject({ deletes: 300 });
      expect(counting.stats.maxInFlight).toBeLessThanOrEqual(8);
      expect(counting.stats.connections).toBeLessThanOrEqual(8);
    } finally {
      await counting.close();
    }
  }, 120_000);

  it('a thousand jobs: a result line each', async () => {
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
    // How the lines are grouped into writes depends on timing: test/unit/writer.test.ts pins it.
  }, 120_000);

  it('--concurrency bounds requests in flight and connections, and reaches the bound', async () => {
    // Answers held until three are in flight (at most 10 s): the bound is reached, never passed.
    const counting = await countingServer(10_000, 3);
    try {
      const ids = Array.from({ length: 12 }, (_, i) => `job-${i}`);
      const r = await runMain(['job', 'cancel', 'batch', ...ids, '--concurrency', '3', '--json'], {
        env: envFor(emu, { GES_ENDPOINT: counting.url }),
      });
      expect(r.code).toBe(0);
      expect(counting.stats).toMatchObject({ maxInFlight: 3, connections: 3, deletes: 12 });
      expect(
        parseJson(r.stdout)
          .results.map((x: any) => x.jobId)
          .sort(),
      ).toEqual([...ids].sort());
    } finally {
      await counting.close();
    }
  });

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
    // The headers once, with the first request; each later one a line naming its job.
    expect(dry.stdout.match(/X-Auth-Token: \*\*\*/g)).toHaveLength(1);
    expect(dry.stdout).toContain(`(graph ci, job ${pending})`);
    expect(dry.stderr).toContain('121 requests; each carries the headers shown with the first');
    const verbose = await runMain(['job', 'cancel', 'ci', '--all', '--dry-run', '--verbose'], {
      env,
    });
    expect(verbose.stdout.match(/X-Auth-Token: \*\*\*/g)).toHaveLength(121);
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

describe('--all and jobs that end in between', () => {
  it('a listed job that GES.8303 refuses ended meanwhile: already-finished, exit 0', async () => {
    const env = envFor(emu);
    const racing = await createJob(emu, { graph: 'ci', status: 'running' });
    const refuse = (id: string) => [
      {
        method: 'DELETE',
        path: `/jobs/${id}`,
        status: 400,
        count: 1,
        body: {
          errorCode: 'GES.8303',
          errorMessage: `can not find job to cancel, id is ${id}`,
        },
      },
      {
        method: 'GET',
        path: `/jobs/${id}/status`,
        status: 200,
        count: 1,
        body: { status: 'success' },
      },
    ];
    for (const fault of refuse(racing)) await control(emu, 'POST', 'faults', fault);
    const r = await runMain(['job', 'cancel', 'ci', '--all', '--json'], { env });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results).toEqual([
      expect.objectContaining({ jobId: racing, outcome: 'already-finished', jobStatus: 'success' }),
    ]);
    // Given by hand, the same answer keeps the strict rule: exit 4.
    for (const fault of refuse(racing)) await control(emu, 'POST', 'faults', fault);
    const byHand = await runMain(['job', 'cancel', 'ci', racing], { env });
    expect(byHand.code).toBe(4);
    await control(emu, 'DELETE', 'faults');
  });
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
      const byId = Object.fromEntries(parseJson(r.stdout).results.map((x: any) => [x.jobId, x]));
      const [a, b, c, d] = [byId[done], byId[failed], byId['never-existed'], byId[live]];
      expect(a).toMatchObject({
        outcome: 'already-finished',
        jobStatus: 'success',
        errorCode: 'GES.8303',
        error: null,
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

  it('GES.8303 on a job still running is explained, and fails', async () => {
    const id = await createJob(emu);
    await control(emu, 'POST', 'faults', {
      method: 'DELETE',
      status: 400,
      body: { errorCode: 'GES.8303', errorMessage: 'can not find job to cancel' },
    });
    const r = await runMain(['job', 'cancel', 'movies', id, '--ignore-finished', '--json'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(4);
    expect(parseJson(r.stdout).results[0]).toMatchObject({
      outcome: 'failed',
      jobStatus: 'running',
    });
    expect(parseJson(r.stdout).results[0].note).toContain('though the job is still running');
  });

  it('other failures still fail', async () => {
    const id = await createJob(emu, { kind: 'algorithm', algorithmName: 'bfs' });
    const r = await runMain(['job', 'cancel', 'movies', id, '--ignore-finished'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(4);
  });
});
