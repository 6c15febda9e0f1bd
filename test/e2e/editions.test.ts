import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenCache } from '../../src/core/auth/token-cache.js';
import { PrivateCache } from '../../src/core/cache.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  createJob,
  emulator,
  envFor,
  fakeTime,
  onFakeTime,
  PASSWORD,
  parseJson,
  requestLog,
  runMain,
  TOKEN,
  tempHome,
  testNow,
  writeFile,
} from './helpers.js';

/**
 * Every edition the emulator serves (docs/ges-api.md#editions: three job-list shapes, two
 * words for a finished job, paging honoured or ignored) and every aftermath of a cancel: job list,
 * cancel --all, --wait and job wait must behave the same, correctly, against each.
 */

const EDITIONS = ['memory', 'memory-2021', 'database'] as const;

describe.each(EDITIONS)('edition %s', (edition) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator({ edition, graphs: ['movies', 'big'] });
  });
  afterAll(() => emu.close());

  it('job list reads every job, each once, with its kind', async () => {
    const ids = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        createJob(emu, { graph: 'big', status: i % 2 ? 'running' : 'success' }),
      ),
    );
    const r = await runMain(['job', 'list', 'big', '--json'], { env: envFor(emu) });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc.totalCount).toBe(150);
    expect(new Set(doc.jobs.map((j: any) => j.jobId))).toEqual(new Set(ids));
    expect(doc.jobs[0]).toMatchObject({ command: 'execute-algorithm' });
    const finished = edition === 'memory' ? 'success' : 'complete';
    expect(doc.jobs.filter((j: any) => j.status === finished)).toHaveLength(75);
    const pages = (await requestLog(emu)).filter((q) => q.path.includes('/graphs/big/jobs/status'));
    expect(pages.length, 'pages asked for').toBe(edition === 'memory-2021' ? 1 : 2);
    const table = await runMain(['job', 'list', 'big', '--status', 'running', '--no-color'], {
      env: envFor(emu),
      tty: true,
    });
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +KIND +STATUS +PROGRESS +AGE$/);
    expect(table.stdout).toContain('execute-algorithm (pagerank)');
  });

  it("job status shows what this edition's job list says of the job", async () => {
    const id = await createJob(emu, { graph: 'big', status: 'running' });
    const r = await runMain(['job', 'status', 'big', id, '--json'], { env: envFor(emu) });
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ status: 'running', command: 'execute-algorithm' });
    expect(doc.algorithm).toBe('pagerank');
    if (edition === 'memory')
      expect(doc).toMatchObject({
        canStop: true,
        progress: expect.any(Number),
        startTime: expect.stringMatching(/Z$/),
        ageSeconds: expect.any(Number),
      });
    else
      expect(doc).toMatchObject({
        canStop: null,
        progress: null,
        startTime: null,
        ageSeconds: null,
      });
  });

  it('cancel --all takes waiting, pending and running jobs; --wait sees them stop', async () => {
    const waiting = await createJob(emu, { status: 'waiting', pendingMs: 600_000 });
    const pending = await createJob(emu, { status: 'pending', pendingMs: 600_000 });
    const running = await createJob(emu, { status: 'running' });
    await createJob(emu, { status: 'success' });
    const r = await runMain(
      ['job', 'cancel', 'movies', '--all', '--wait', '--wait-timeout', '10', '--json'],
      { env: envFor(emu) },
    );
    expect(r.code, r.stdout).toBe(0);
    const results = parseJson(r.stdout).results;
    expect(results.map((x: any) => x.jobId).sort()).toEqual([waiting, pending, running].sort());
    expect(results.every((x: any) => x.outcome === 'cancelled' && x.stopped)).toBe(true);
  });

  it("job wait: a finished job is a success in this edition's words", async () => {
    const done = await createJob(emu, { status: 'success' });
    const r = await runMain(['job', 'wait', 'movies', done, '--json'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results[0]).toMatchObject({
      outcome: 'success',
      status: edition === 'memory' ? 'success' : 'complete',
    });
  });
});

describe('the memory edition marks jobs it cannot stop', () => {
  it('canStop: false is skipped, counted, not a failure; nothing is sent for it', async () => {
    const emu = await emulator({ edition: 'memory' });
    try {
      const stoppable = await createJob(emu);
      const fixed = (await control(emu, 'POST', 'jobs', { status: 'running', canStop: false }))
        .jobId as string;
      await control(emu, 'DELETE', 'requests');
      const r = await runMain(['job', 'cancel', 'movies', '--all'], { env: envFor(emu) });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`✓ Cancelled job ${stoppable} on graph movies`);
      expect(r.stdout).toContain(
        `- Skipped job ${fixed} on graph movies: the job list marks it canStop: false`,
      );
      expect(r.stderr).toContain('1 cancelled, 1 skipped (canStop: false)');
      expect(
        (await requestLog(emu)).filter((q) => q.method === 'DELETE').map((q) => q.path),
      ).toEqual([`/ges/v1.0/demo/graphs/movies/jobs/${stoppable}`]);
    } finally {
      await emu.close();
    }
  });
});

describe.each(['gone', 'failed', 'linger'] as const)(
  'after a cancel the job is %s',
  (afterCancel) => {
    // On fake time: the job stops (or stops being listed) as the emulator's clock, shared
    // with the command's polls, passes its cancel delay.
    let emu: Emulator;
    beforeAll(async () => {
      emu = await emulator({
        afterCancel,
        cancelDelayMs: afterCancel === 'linger' ? 0 : 300,
        now: testNow,
      });
    });
    afterAll(() => emu.close());
    beforeEach(fakeTime);
    afterEach(() => {
      vi.useRealTimers();
    });

    it(
      '--wait counts it stopped (gone, or any ended word), ' +
        'polling on while it is still listed as running',
      async () => {
        const id = await createJob(emu);
        const r = await onFakeTime(
          runMain(['job', 'cancel', 'movies', id, '--wait', '--wait-timeout', '10', '--json'], {
            env: envFor(emu),
          }),
        );
        expect(r.code, r.stdout).toBe(0);
        expect(parseJson(r.stdout).results[0]).toMatchObject({
          outcome: 'cancelled',
          stopped: true,
          jobStatus: afterCancel === 'failed' ? 'failed' : null,
        });
        const polls = (await requestLog(emu)).filter((q) => q.path.includes(`/jobs/${id}/status`));
        expect(polls.length).toBeGreaterThanOrEqual(2);
      },
    );

    it('job wait on a cancelled job: 4, as it did not succeed', async () => {
      const id = await createJob(emu);
      await onFakeTime(runMain(['job', 'cancel', 'movies', id], { env: envFor(emu) }));
      const r = await onFakeTime(
        runMain(['job', 'wait', 'movies', id, '--wait-timeout', '10', '--json'], {
          env: envFor(emu),
        }),
      );
      expect(r.code).toBe(4);
      expect(parseJson(r.stdout).results[0].outcome).toBe(
        afterCancel === 'failed' ? 'failed' : 'unknown',
      );
    });
  },
);

describe('a refused token: 401, or 400 GES.8007', () => {
  it('a static token refused with GES.8007: exit 4, with a hint to get a new one', async () => {
    const emu = await emulator({ tokenRefusal: 'GES.8007' });
    try {
      const r = await runMain(['job', 'list', 'movies'], {
        env: envFor(emu, { GES_TOKEN: 'stale-token-value' }),
        secrets: ['stale-token-value'],
      });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('HTTP 400 GES.8007');
      expect(r.stderr).toContain('get a new one');
    } finally {
      await emu.close();
    }
  });

  it(
    'with password auth, a cached token refused with GES.8007 is dropped, ' +
      'and one new login carries on',
    async () => {
      const emu = await emulator({
        tokenRefusal: 'GES.8007',
        iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD },
      });
      try {
        const home = tempHome();
        await new TokenCache(new PrivateCache(path.join(home, '.cache/ges'))).write(
          [emu.url, 'acme', 'ci-bot', 'demo'],
          { token: 'MIIEmulated-stale', expiresAt: Date.now() + 3_600_000 },
        );
        const cfg = writeFile(
          home,
          'p.yaml',
          `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
            `    auth: {type: password, iamEndpoint: "${emu.url}", ` +
            `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`,
        );
        const r = await runMain(['job', 'list', 'movies', '--config', cfg], {
          home,
          env: { GES_PASSWORD: PASSWORD },
        });
        expect(r.code, r.stderr).toBe(0);
        expect(
          (await requestLog(emu)).filter((q) => q.path.startsWith('/v3/auth/tokens')),
        ).toHaveLength(1);
      } finally {
        await emu.close();
      }
    },
  );
});

describe('service-plane requests', () => {
  it("carry X-Language: en-us, or the profile's language", async () => {
    const emu = await emulator();
    try {
      await runMain(['job', 'list', 'movies'], { env: envFor(emu) });
      expect((await requestLog(emu))[0]!.headers['x-language']).toBe('en-us');
      const home = tempHome();
      const cfg = writeFile(
        home,
        'p.yaml',
        `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
          `    language: zh-cn\n    auth: {type: token, token: "\${T}"}\n`,
      );
      await control(emu, 'DELETE', 'requests');
      expect(
        (await runMain(['job', 'list', 'movies', '--config', cfg], { home, env: { T: TOKEN } }))
          .code,
      ).toBe(0);
      expect((await requestLog(emu))[0]!.headers['x-language']).toBe('zh-cn');
    } finally {
      await emu.close();
    }
  });

  it('GES.8020 (no permission) gets a hint about IAM policies', async () => {
    const emu = await emulator();
    try {
      await control(emu, 'POST', 'faults', {
        status: 400,
        body: { errorCode: 'GES.8020', errorMessage: 'no permission' },
      });
      const r = await runMain(['job', 'list', 'movies'], { env: envFor(emu) });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        'hint: IAM refused this (GES.8020): the user needs GES permissions',
      );
    } finally {
      await emu.close();
    }
  });
});
