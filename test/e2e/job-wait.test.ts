import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  createJob,
  emulator,
  envFor,
  fakeTime,
  onFakeTime,
  parseJson,
  requestLog,
  runMain,
  testNow,
} from './helpers.js';

/**
 * `job cancel --wait` and `job wait` on fake time: the command's polls and deadlines and the
 * emulator's jobs share one clock that moves only when the command waits, so each budget below
 * is exact whatever the machine's load.
 */

let emu: Emulator;
/** Cancelled jobs take 1.2 s to stop. */
let slow: Emulator;
beforeAll(async () => {
  emu = await emulator({ now: testNow });
  slow = await emulator({ now: testNow, cancelDelayMs: 1200 });
});
afterAll(async () => {
  await emu.close();
  await slow.close();
});
beforeEach(fakeTime);
afterEach(() => {
  vi.useRealTimers();
});

const run = (args: string[], target: Emulator) =>
  onFakeTime(runMain(args, { env: envFor(target) }));

describe('job cancel --wait', () => {
  it('polls until a cancelled job is gone', async () => {
    const id = await createJob(slow);
    const r = await run(['job', 'cancel', 'movies', id, '--wait', '--json'], slow);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results[0]).toMatchObject({
      outcome: 'cancelled',
      stopped: true,
      jobStatus: null,
    });
    const polls = (await requestLog(slow)).filter(
      (q) => q.method === 'GET' && q.path.includes(`/jobs/${id}/status`),
    );
    expect(polls.length).toBeGreaterThanOrEqual(2);
  });

  it('--wait-timeout runs out: exit 1 naming the job still running', async () => {
    const id = await createJob(slow);
    const started = Date.now();
    const r = await run(['job', 'cancel', 'movies', id, '--wait', '--wait-timeout', '1'], slow);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `job ${id} on graph movies: the cancel was accepted, ` +
        `but the job was still running when the wait ran out`,
    );
    // The whole budget was spent (on the test's clock), not cut short.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it(
    'cancels everything first, then waits for all under one budget: 3 jobs, ' +
      '--concurrency 1, --wait-timeout 1.5, each taking 0.6 s to stop: all stopped, exit 0',
    async () => {
      const sixTenths = await emulator({ now: testNow, cancelDelayMs: 600 });
      try {
        const ids = [
          await createJob(sixTenths),
          await createJob(sixTenths),
          await createJob(sixTenths),
        ];
        const args = ['job', 'cancel', 'movies', ...ids, '--concurrency', '1', '--wait'];
        const r = await run([...args, '--wait-timeout', '1.5', '--json'], sixTenths);
        expect(r.code, r.stdout).toBe(0);
        expect(parseJson(r.stdout).results.map((x: any) => [x.outcome, x.stopped])).toEqual([
          ['cancelled', true],
          ['cancelled', true],
          ['cancelled', true],
        ]);
      } finally {
        await sixTenths.close();
      }
    },
  );
});

describe('job wait', () => {
  it('0 when all succeed, 4 when one failed, 1 on timeout', async () => {
    const ok1 = await createJob(emu, { status: 'running', runningMs: 700 });
    const ok2 = await createJob(emu, { status: 'success' });
    const r = await run(['job', 'wait', 'movies', ok1, ok2, '--json'], emu);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results.map((x: any) => [x.outcome, x.status])).toEqual([
      ['success', 'success'],
      ['success', 'success'],
    ]);
    const bad = await createJob(emu, { status: 'running', runningMs: 300, finalStatus: 'failed' });
    const f = await run(['job', 'wait', 'movies', bad], emu);
    expect(f.code).toBe(4);
    expect(f.stderr).toContain(`job ${bad} on graph movies ended: failed`);
    const long = await createJob(emu, { status: 'running' });
    const t = await run(['job', 'wait', 'movies', long, ok2, '--wait-timeout', '1', '--json'], emu);
    expect(t.code).toBe(1);
    const stillRunning = parseJson(t.stdout).results.find((x: any) => x.jobId === long);
    expect(stillRunning).toMatchObject({
      outcome: 'timeout',
      status: 'running',
      error: {
        kind: 'timeout',
        code: null,
        message: 'the job was still running when the wait ran out',
        httpStatus: null,
        hint: null,
      },
    });
    const unknown = await run(['job', 'wait', 'movies', 'no-such-job'], emu);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('GES does not know job no-such-job');
  });

  it('severity across jobs: timeout (1) beats failed (4)', async () => {
    const bad = await createJob(emu, { status: 'failed' });
    const long = await createJob(emu, { status: 'running' });
    const r = await run(['job', 'wait', 'movies', bad, long, '--wait-timeout', '1'], emu);
    expect(r.code).toBe(1);
  });
});
