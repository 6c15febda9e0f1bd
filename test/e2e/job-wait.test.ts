import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { createJob, emulator, envFor, parseJson, requestLog, runMain } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

// Each case waits in real time on its own jobs: they run side by side.
describe.concurrent('--wait and job wait', () => {
  let slow: Emulator;
  beforeAll(async () => {
    slow = await emulator({ cancelDelayMs: 1200 });
  });
  afterAll(() => slow.close());

  it('--wait polls until a cancelled job is gone', async () => {
    const id = await createJob(slow);
    const r = await runMain(['job', 'cancel', 'movies', id, '--wait', '--json'], {
      env: envFor(slow),
    });
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
    const r = await runMain(['job', 'cancel', 'movies', id, '--wait', '--wait-timeout', '1'], {
      env: envFor(emu, { GES_ENDPOINT: slow.url }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `job ${id} on graph movies: the cancel was accepted, ` +
        `but the job was still running when the wait ran out`,
    );
  });

  it('job wait: 0 when all succeed, 4 when one failed, 1 on timeout', async () => {
    const env = envFor(emu);
    const ok1 = await createJob(emu, { status: 'running', runningMs: 700 });
    const ok2 = await createJob(emu, { status: 'success' });
    const r = await runMain(['job', 'wait', 'movies', ok1, ok2, '--json'], { env });
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout).results.map((x: any) => [x.outcome, x.status])).toEqual([
      ['success', 'success'],
      ['success', 'success'],
    ]);
    const bad = await createJob(emu, { status: 'running', runningMs: 300, finalStatus: 'failed' });
    const f = await runMain(['job', 'wait', 'movies', bad], { env });
    expect(f.code).toBe(4);
    expect(f.stderr).toContain(`job ${bad} on graph movies ended: failed`);
    const long = await createJob(emu, { status: 'running' });
    const t = await runMain(['job', 'wait', 'movies', long, ok2, '--wait-timeout', '1', '--json'], {
      env,
    });
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
    const unknown = await runMain(['job', 'wait', 'movies', 'no-such-job'], { env });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('GES does not know job no-such-job');
  });

  it('severity across jobs in job wait: timeout (1) beats failed (4)', async () => {
    const bad = await createJob(emu, { status: 'failed' });
    const long = await createJob(emu, { status: 'running' });
    const r = await runMain(['job', 'wait', 'movies', bad, long, '--wait-timeout', '1'], {
      env: envFor(emu),
    });
    expect(r.code).toBe(1);
  });
});
