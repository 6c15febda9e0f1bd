import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runList } from '../../src/cli/commands/job-list.js';
import type { CommandContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { createOutput } from '../../src/cli/output.js';
import { GLOBAL_FLAGS, type GlobalOptions } from '../../src/cli/program.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  createJob,
  emulator,
  envFor,
  expectNoSecrets,
  fakeTime,
  requestLog,
  TOKEN,
  tempHome,
  testNow,
} from './helpers.js';

/**
 * `ges job list --watch` in this process against the emulator, with fake time for the
 * interval: the test moves jobs through the emulator's control API and its clock, lets one
 * interval pass, and reads what the watch printed. Date is faked with the timers, and the
 * emulator keeps the same clock: the output holds a line that follows another within its
 * coalescing window, judged by Date, on a timer. With Date real and timers fake, a warning
 * that came quickly after the previous stderr line (a warm run) was held for good.
 */

interface Watch {
  done: Promise<number>;
  stop: AbortController;
  out(): string;
  err(): string;
  /** The terminal's width, as the watch reads it (settable: a resize). */
  stdout: { columns?: number };
}

function streams(tty: boolean, size = { columns: 100, rows: 30 }) {
  const make = (): PassThrough & { isTTY?: boolean; columns?: number; rows?: number } =>
    Object.assign(new PassThrough(), tty ? { isTTY: true, ...size } : {});
  const stdout = make();
  const stderr = make();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { streams: { stdout, stderr, stdin }, out: () => out, err: () => err };
}

function environment(emu: Emulator): Record<string, string> {
  const home = tempHome();
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_CACHE_HOME: `${home}/.cache`,
    CI: 'true',
    ...(envFor(emu) as Record<string, string>),
  };
}

/** Starts `ges <args>` through main(), as runMain does, but hands back its output live. */
function watch(
  emu: Emulator,
  args: string[],
  tty = false,
  extra: Record<string, string> = {},
): Watch {
  const io = streams(tty);
  const stop = new AbortController();
  const env = { ...environment(emu), ...extra };
  const done = main(args, { streams: io.streams, env, cwd: env.HOME!, stop: stop.signal });
  return { done, stop, out: io.out, err: io.err, stdout: io.streams.stdout };
}

/**
 * `job list --watch` with --jsonl, called as main() calls it (the global --jsonl flag is read
 * from the options main hands over).
 */
async function watchJsonl(emu: Emulator, graph: string): Promise<Watch> {
  const io = streams(false);
  const stop = new AbortController();
  const env = environment(emu);
  const output = await createOutput(io.streams, env, {
    json: false,
    jsonl: true,
    quiet: false,
    verbose: false,
    color: false,
  });
  const options: GlobalOptions & { jsonl: boolean } = {
    ...Object.fromEntries(Object.keys(GLOBAL_FLAGS).map((key) => [key, undefined])),
    json: false,
    quiet: false,
    verbose: false,
    dryRun: false,
    color: false,
    jsonl: true,
  } as GlobalOptions & { jsonl: boolean };
  const ctx: CommandContext = {
    options,
    output,
    streams: io.streams,
    env,
    cwd: env.HOME!,
    signal: stop.signal,
  };
  const done = runList(ctx, graph, {
    status: undefined,
    limit: undefined,
    output: undefined,
    watch: true,
    interval: undefined,
  });
  return { done, stop, out: io.out, err: io.err, stdout: io.streams.stdout };
}

/** Lets real I/O run (fake timers stand still) until `ready`, for at most 10 s of real time. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 10_000;
  while (!ready()) {
    if (performance.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

/** Moves the emulator's clock (job states follow it), then lets one watch interval pass. */
async function tick(emu: Emulator, advanceMs = 0, intervalMs = 2000): Promise<void> {
  if (advanceMs) await control(emu, 'POST', 'clock', { advanceMs });
  await vi.advanceTimersByTimeAsync(intervalMs);
}

function cancel(emu: Emulator, graph: string, id: string): Promise<Response> {
  return fetch(`${emu.url}/ges/v1.0/demo/graphs/${graph}/jobs/${id}`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': TOKEN },
  });
}

// One emulator a test: each test moves the emulator's clock its own way.
let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ graphs: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'], now: testNow });
  fakeTime();
});
afterEach(async () => {
  vi.useRealTimers();
  await emu.close();
});

describe('ges job list --watch', () => {
  it('without a TTY: a line per change, ADDED, MODIFIED, DELETED; Ctrl-C exits 130', async () => {
    const slow = await createJob(emu, { graph: 'w1', status: 'running', runningMs: 1e9 });
    const job = await createJob(emu, {
      graph: 'w1',
      status: 'pending',
      pendingMs: 1e6,
      runningMs: 1e6,
    });
    const w = watch(emu, ['job', 'list', 'w1', '--watch']);
    await until(() => lines(w.out()).length === 2, 'the first list');
    expect(lines(w.out())).toEqual([
      `ADDED\t${slow}\trunning\texecute-algorithm\t0`,
      `ADDED\t${job}\tpending\texecute-algorithm\t0`,
    ]);
    expect(w.err()).toBe('Watching jobs on graph w1 every 2s; Ctrl-C to stop\n');

    // Job times are long, so the intervals that pass move no progress figure.
    await tick(emu, 1e6);
    await until(() => lines(w.out()).length === 3, 'the job running');
    await tick(emu, 5e5);
    await until(() => lines(w.out()).length === 4, 'its progress');
    await tick(emu, 5e5);
    await until(() => lines(w.out()).length === 5, 'its end');
    await tick(emu);
    expect(lines(w.out())).toHaveLength(5); // nothing changed, nothing printed
    await cancel(emu, 'w1', slow);
    const added = await createJob(emu, { graph: 'w1', status: 'running', runningMs: 1e9 });
    await tick(emu);
    await until(() => lines(w.out()).length === 7, 'the cancel and the new job');
    expect(lines(w.out()).slice(2)).toEqual([
      `MODIFIED\t${job}\trunning\texecute-algorithm\t0`,
      `MODIFIED\t${job}\trunning\texecute-algorithm\t50`,
      `MODIFIED\t${job}\tsuccess\texecute-algorithm\t100`,
      `ADDED\t${added}\trunning\texecute-algorithm\t0`,
      `DELETED\t${slow}\trunning\texecute-algorithm\t0`,
    ]);

    w.stop.abort('SIGINT');
    expect(await w.done).toBe(130);
    expect(w.out().endsWith('\n')).toBe(true);
    expect(w.err()).toContain('interrupted: stopping');
    expectNoSecrets({ code: 130, stdout: w.out(), stderr: w.err() });
  });

  it('--jsonl: {"type","job"} per change in order, then the summary line', async () => {
    const job = await createJob(emu, {
      graph: 'w2',
      status: 'pending',
      pendingMs: 1e6,
      runningMs: 1e6,
    });
    const other = await createJob(emu, {
      graph: 'w2',
      status: 'pending',
      pendingMs: 5e5,
      runningMs: 1e7,
    });
    const w = await watchJsonl(emu, 'w2');
    await until(() => lines(w.out()).length === 2, 'the first list');
    await tick(emu, 1.5e6);
    await until(() => lines(w.out()).length === 4, 'both running');
    await cancel(emu, 'w2', other);
    await tick(emu, 5e5);
    await until(() => lines(w.out()).length === 6, 'one done, one cancelled');
    w.stop.abort('SIGINT');
    expect(await w.done).toBe(130);
    const events = lines(w.out()).map((l) => JSON.parse(l));
    expect(events.map((e) => [e.type, e.job?.jobId, e.job?.status, e.job?.progress])).toEqual([
      ['ADDED', job, 'pending', 0],
      ['ADDED', other, 'pending', 0],
      ['MODIFIED', job, 'running', 50],
      ['MODIFIED', other, 'running', 10],
      ['MODIFIED', job, 'success', 100],
      ['DELETED', other, 'running', 10],
      [undefined, undefined, undefined, undefined],
    ]);
    expect(Object.keys(events[2].job)).toEqual([
      'jobId',
      'status',
      'command',
      'algorithm',
      'canStop',
      'progress',
      'startTime',
      'endTime',
      'ageSeconds',
      'failReason',
    ]);
    expect(events[2].job).toMatchObject({ canStop: true, startTime: /Z$/, endTime: null });
    expect(events[4].job).toMatchObject({ canStop: false, endTime: /Z$/ });
    expect(events[6]).toEqual({
      summary: true,
      ok: false,
      exitCode: 130,
      graph: 'w2',
      stoppedBy: 'interrupted',
      counts: { success: 1 },
    });
  });

  it('on a terminal: a table redrawn in place, one write a frame', async () => {
    const job = await createJob(emu, { graph: 'w3', status: 'running', runningMs: 1e6 });
    const w = watch(emu, ['job', 'list', 'w3', '-w', '--no-color'], true);
    await until(() => w.out().includes('\u001b[J'), 'the first frame');
    const first = w.out();
    expect(first.split('\u001b[K\n')).toEqual([
      'ID                                             KIND                          STATUS   ' +
        'PROGRESS  AGE',
      expect.stringMatching(
        new RegExp(`^${job} {2}execute-algorithm \\(pagerank\\) {2}running {2}0% {8}\\d+s$`),
      ),
      expect.stringMatching(
        /^1 job on graph w3, read every 2s, last at \d\d:\d\d:\d\d; Ctrl-C to stop$/,
      ),
      '\u001b[J',
    ]);
    await tick(emu, 5e5);
    await until(() => w.out().length > first.length && w.out().endsWith('\u001b[J'), 'a redraw');
    const second = w.out().slice(first.length);
    // Back up over the three lines drawn, then write the new frame over them.
    expect(second.startsWith('\r\u001b[3AID ')).toBe(true);
    expect(second).toContain('  running  50%');
    // The terminal made narrower: the three lines drawn now wrap over two rows each.
    w.stdout.columns = 60;
    const before = w.out().length;
    await tick(emu);
    await until(() => w.out().length > before && w.out().endsWith('\u001b[J'), 'a resize');
    const third = w.out().slice(before);
    expect(third.startsWith('\r\u001b[6AID ')).toBe(true);
    for (const line of third.slice(6).split('\n').slice(0, -1))
      expect(line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').length).toBeLessThan(60);
    w.stop.abort('SIGINT');
    expect(await w.done).toBe(130);
    expect(w.out()).not.toContain('\u001b[?25l'); // the cursor is never hidden
  });

  it('on a terminal, server text is escaped; TERM=dumb gets lines, not redraws', async () => {
    await control(emu, 'POST', 'faults', {
      path: '/graphs/w3/jobs/status',
      count: 100,
      status: 200,
      body: { jobs: [{ jobId: 'j1', status: 'running', taskType: '\u001b[2Jevil\u202e' }] },
    });
    const w = watch(emu, ['job', 'list', 'w3', '-w', '--no-color'], true);
    await until(() => w.out().includes('\u001b[J'), 'the first frame');
    expect(w.out()).toContain('j1  \\x1b[2Jevil\\u202e  running');
    expect(w.out()).not.toContain('\u001b[2J');
    w.stop.abort('SIGINT');
    expect(await w.done).toBe(130);

    const dumb = watch(emu, ['job', 'list', 'w3', '-w'], true, { TERM: 'dumb' });
    await until(() => dumb.out().length > 0, 'the first list');
    expect(dumb.out()).toBe('ADDED\tj1\trunning\t\\x1b[2Jevil\\u202e\t\n');
    dumb.stop.abort('SIGINT');
    expect(await dumb.done).toBe(130);
  });

  it('a list that fails mid-watch is a warning; the watch backs off and goes on', async () => {
    await createJob(emu, { graph: 'w4', status: 'running', runningMs: 1e9 });
    const w = watch(emu, ['job', 'list', 'w4', '--watch', '--retries', '0']);
    await until(() => lines(w.out()).length === 1, 'the first list');
    await control(emu, 'POST', 'faults', { path: '/graphs/w4/jobs/status', status: 503 });
    await control(emu, 'DELETE', 'requests');
    await tick(emu);
    await until(() => w.err().includes('warning:'), 'the warning');
    expect(w.err()).toContain(
      'warning: could not list jobs on graph w4: HTTP 503: the server answered with an empty ' +
        'body; again in 4s\n',
    );
    await tick(emu); // 2 s of the 4 s: no read yet
    await createJob(emu, { graph: 'w4', status: 'running' });
    expect(await requestLog(emu)).toHaveLength(1);
    await tick(emu);
    await until(() => lines(w.out()).length === 2, 'the list again');
    expect(lines(w.out())[1]).toMatch(/^ADDED\t/);
    w.stop.abort('SIGTERM');
    expect(await w.done).toBe(143);
  });

  it('--max-time is the normal end of a watch: exit 0', async () => {
    const w = watch(emu, ['job', 'list', 'w5', '--watch', '--interval', '1s', '--max-time', '5s']);
    await until(() => w.err().includes('Watching'), 'the first list');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await w.done).toBe(0);
    expect(w.err()).toContain('--max-time 5s passed');
  });

  it('a first list that fails fails the command, as without --watch', async () => {
    const w = watch(emu, ['job', 'list', 'nosuch', '--watch']);
    expect(await w.done).toBe(4);
    expect(w.err()).toContain('could not list jobs on graph nosuch: HTTP 400 GES.8000');
  });

  it('the emulator moves a running job’s progress with its clock', async () => {
    const job = await createJob(emu, { graph: 'w6', status: 'running', runningMs: 1e6 });
    const progress = async (): Promise<number> => {
      const res = await fetch(`${emu.url}/ges/v1.0/demo/graphs/w6/jobs/status`, {
        headers: { 'X-Auth-Token': TOKEN },
      });
      return ((await res.json()) as any).jobs.find((j: any) => j.jobId === job).progress;
    };
    expect(await progress()).toBe(0);
    await control(emu, 'POST', 'clock', { advanceMs: 2.5e5 });
    expect(await progress()).toBe(25);
    await control(emu, 'POST', 'clock', { advanceMs: 5e5 });
    expect(await progress()).toBe(75);
  });
});
