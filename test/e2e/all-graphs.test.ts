import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  createJob,
  emulator,
  expectNoSecrets,
  parseJson,
  requestLog,
  runMain,
  TOKEN,
  tempHome,
} from './helpers.js';

/**
 * `ges job cancel --all --all-graphs`: a project of four graphs on the emulator's management
 * plane (three running, one stopped), each with jobs in several states.
 */

const ALL = ['job', 'cancel', '--all', '--all-graphs'];

interface Project {
  emu: Emulator;
  /** The jobs a stop must cancel, by graph. */
  cancellable: Record<string, string[]>;
  /** The jobs it must leave alone, by graph. */
  kept: Record<string, string[]>;
}

let open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.map((e) => e.close()));
  open = [];
});

async function project(): Promise<Project> {
  const emu = await emulator({
    graphs: ['movies', 'friends', 'books', 'archive'],
    graphStates: { archive: '900' },
  });
  open.push(emu);
  const job = (graph: string, body: Record<string, unknown> = {}) =>
    createJob(emu, { graph, ...body });
  return {
    emu,
    cancellable: {
      movies: [
        await job('movies'),
        await job('movies', { status: 'pending', pendingMs: 600_000 }),
        await job('movies', { status: 'waiting', pendingMs: 600_000 }),
      ],
      friends: [await job('friends', { kind: 'vertexQuery' })],
      books: [await job('books', { algorithmName: 'kcore' })],
    },
    kept: {
      movies: [await job('movies', { status: 'success' }), await job('movies', { canStop: false })],
      friends: [await job('friends', { status: 'failed' })],
      books: [],
      archive: [await job('archive')],
    },
  };
}

const env = (emu: Emulator, extra: Record<string, string> = {}) => ({
  GES_MANAGEMENT_ENDPOINT: emu.url,
  GES_PROJECT_ID: emu.projectId,
  GES_TOKEN: TOKEN,
  ...extra,
});

/** The IDs of the jobs each graph still holds. */
function remaining(emu: Emulator): Record<string, string[]> {
  return Object.fromEntries(
    [...emu.state.graphs].map(([graph, jobs]) => [graph, [...jobs.keys()].sort()]),
  );
}

const sorted = (p: Project, which: 'cancellable' | 'kept'): Record<string, string[]> =>
  Object.fromEntries(Object.entries(p[which]).map(([g, ids]) => [g, [...ids].sort()]));

const deletes = async (emu: Emulator) =>
  (await requestLog(emu)).filter((q) => q.method === 'DELETE');

describe('ges job cancel --all --all-graphs --yes', () => {
  it('stops every cancellable job of every running graph; lines, per graph, total', async () => {
    const p = await project();
    const r = await runMain([...ALL, '--yes'], { env: env(p.emu) });
    expect(r.code, r.stderr).toBe(0);
    expect(remaining(p.emu)).toEqual(sorted(p, 'kept'));
    const [skipped] = p.kept.movies.slice(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines).toContain(
      `- Skipped job ${skipped} on graph movies: the job list marks it canStop: false, ` +
        'so no cancel was sent',
    );
    for (const [graph, ids] of Object.entries(p.cancellable))
      for (const id of ids) expect(lines).toContain(`✓ Cancelled job ${id} on graph ${graph}`);
    expect(r.stderr).toBe(
      'graph movies: 3 cancelled, 1 skipped (canStop: false)\n' +
        'graph friends: 1 cancelled\n' +
        'graph books: 1 cancelled\n' +
        'graph archive: not running (stopped), skipped\n' +
        'Total on 4 graphs: 5 cancelled, 1 skipped (canStop: false)\n',
    );
    // Nothing was sent to the stopped graph.
    expect((await requestLog(p.emu)).some((q) => q.path.includes('/graphs/archive/'))).toBe(false);
  });

  it('--json: one document; results carry their graph; a graphs array with counts', async () => {
    const p = await project();
    const r = await runMain([...ALL, '--yes', '--json'], { env: env(p.emu) });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0 });
    expect(doc.counts).toMatchObject({ cancelled: 5, skipped: 1, failed: 0 });
    const byGraph = (outcome: string) =>
      doc.results
        .filter((x: any) => x.outcome === outcome)
        .map((x: any) => `${x.graph}/${x.jobId}`)
        .sort();
    expect(byGraph('cancelled')).toEqual(
      Object.entries(p.cancellable)
        .flatMap(([g, ids]) => ids.map((id) => `${g}/${id}`))
        .sort(),
    );
    expect(byGraph('skipped')).toEqual([`movies/${p.kept.movies[1]}`]);
    expect(doc.graphs.map((g: any) => [g.graph, g.state, g.stateWords, g.skipped, g.jobs])).toEqual(
      [
        ['movies', '200', 'running', false, 4],
        ['friends', '200', 'running', false, 1],
        ['books', '200', 'running', false, 1],
        ['archive', '900', 'stopped', true, null],
      ],
    );
    expect(doc.graphs[0].counts).toMatchObject({ cancelled: 3, skipped: 1 });
    expect(doc.graphs.every((g: any) => g.error === null)).toBe(true);
  });

  it('--jsonl: a line per job, then one summary line with the graphs', async () => {
    const p = await project();
    const r = await runMain([...ALL, '--yes', '--jsonl'], { env: env(p.emu) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map(parseJson);
    expect(lines).toHaveLength(7);
    expect(lines.slice(0, 6).every((l) => typeof l.graph === 'string' && l.jobId)).toBe(true);
    expect(lines[6]).toMatchObject({ summary: true, ok: true, exitCode: 0 });
    expect(lines[6].graphs.map((g: any) => g.graph)).toEqual([
      'movies',
      'friends',
      'books',
      'archive',
    ]);
  });

  it('one graph whose list fails (503) is reported; the others are stopped; exit 5', async () => {
    const p = await project();
    await control(p.emu, 'POST', 'faults', {
      method: 'GET',
      path: '/graphs/friends/jobs/status',
      status: 503,
      body: { errorCode: 'GES.9999', errorMessage: 'engine busy' },
    });
    const r = await runMain([...ALL, '--yes', '--json', '--retries', '0'], { env: env(p.emu) });
    expect(r.code).toBe(5);
    expect(remaining(p.emu).friends).toEqual([...p.cancellable.friends, ...p.kept.friends].sort());
    expect(remaining(p.emu).movies).toEqual([...p.kept.movies].sort());
    expect(remaining(p.emu).books).toEqual([]);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 5 });
    const friends = doc.graphs.find((g: any) => g.graph === 'friends');
    expect(friends).toMatchObject({
      jobs: null,
      error: { kind: 'http', code: 'GES.9999', httpStatus: 503, message: expect.any(String) },
    });
    expect(doc.counts.cancelled).toBe(4);
  });

  it('a job that ended between the list and its cancel (GES.8303) counts as done', async () => {
    const p = await project();
    const [id] = p.cancellable.friends;
    await control(p.emu, 'POST', 'faults', {
      method: 'DELETE',
      path: `/jobs/${id}`,
      status: 400,
      body: { errorCode: 'GES.8303', errorMessage: `can not find job to cancel, id is ${id}` },
    });
    await control(p.emu, 'POST', 'faults', {
      method: 'GET',
      path: `/jobs/${id}/status`,
      status: 200,
      body: { status: 'success' },
    });
    const r = await runMain([...ALL, '--yes'], { env: env(p.emu) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✓ Job ${id} on graph friends had already ended (success)`);
    expect(r.stderr).toContain('graph friends: 0 cancelled, 1 had already ended');
  });

  it('a graph whose address cannot be used is reported (exit 1); the others go on', async () => {
    const p = await project();
    await control(p.emu, 'POST', 'graphs', { name: 'books', privateIp: 'not an address' });
    const r = await runMain([...ALL, '--yes'], { env: env(p.emu) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the management plane gives graph books the private address');
    expect(r.stderr).toContain('graph books: nothing cancelled (see the error above)');
    expect(remaining(p.emu).movies).toEqual([...p.kept.movies].sort());
    expect(remaining(p.emu).books).toEqual(p.cancellable.books);
  });

  it('keeps every request of every graph within one --concurrency', async () => {
    const emu = await emulator({ graphs: ['g1', 'g2', 'g3'] });
    open.push(emu);
    for (const graph of ['g1', 'g2', 'g3'])
      for (let i = 0; i < 6; i++) await createJob(emu, { graph });
    // Each request answered a little later, so that they overlap.
    await control(emu, 'POST', 'faults', { delayMs: 20, count: 100 });
    await control(emu, 'DELETE', 'stats');
    const two = await runMain([...ALL, '--yes', '--concurrency', '2'], { env: env(emu) });
    expect(two.code, two.stderr).toBe(0);
    expect((await control(emu, 'GET', 'stats')).maxInFlight).toBe(2);
    expect(two.stderr).toContain('Total on 3 graphs: 18 cancelled');
  });
});

describe('what it refuses, before anything is sent (exit 2)', () => {
  it.each([
    [
      ['movies', '--all', '--all-graphs', '--yes'],
      'give either a graph ("movies") or --all-graphs',
    ],
    [['--all-graphs', '--yes'], '--all-graphs goes with --all'],
    [['--all', '--all-graphs', '--yes', '--wait'], '--wait does not go with --all-graphs'],
    [['movies', 'a1', '--yes'], '--yes goes with --all-graphs'],
    [['--all'], "missing required argument 'graph'"],
  ])('%j', async (args, message) => {
    const p = await project();
    const r = await runMain(['job', 'cancel', ...args], { env: env(p.emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(await requestLog(p.emu)).toEqual([]);
  });

  it('without a terminal and without --yes: says why; nothing is read or sent', async () => {
    const p = await project();
    const r = await runMain(ALL, { env: env(p.emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('there is no terminal to confirm on: add --yes');
    expect(await requestLog(p.emu)).toEqual([]);
    const json = await runMain([...ALL, '--json'], { env: env(p.emu) });
    expect(parseJson(json.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      error: { kind: 'usage' },
    });
  });

  it('without a region or a management endpoint: says what it needs', async () => {
    const p = await project();
    for (const extra of [{}, { GES_ENDPOINT: p.emu.url }]) {
      const r = await runMain([...ALL, '--yes'], {
        env: { GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN, ...extra },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'it needs a region (--region, GES_REGION, or region in the profile)',
      );
    }
    expect(await requestLog(p.emu)).toEqual([]);
  });
});

describe('--dry-run', () => {
  it('lists what it would cancel (graph, job, status, kind) and sends only reads', async () => {
    const p = await project();
    const r = await runMain([...ALL, '--dry-run'], { env: env(p.emu) });
    expect(r.code, r.stderr).toBe(0);
    const [running, pending] = p.cancellable.movies;
    expect(r.stdout).toContain(
      `- Would cancel job ${running} on graph movies: running, execute-algorithm (pagerank)`,
    );
    expect(r.stdout).toContain(
      `- Would cancel job ${pending} on graph movies: pending, execute-algorithm (pagerank)`,
    );
    expect(r.stdout).toContain(
      `- Would cancel job ${p.cancellable.friends[0]} on graph friends: ` +
        'running, vertex_filter_query',
    );
    expect(r.stderr).toContain('Total on 4 graphs: 5 cancels would be sent, 1 would be skipped');
    expect((await requestLog(p.emu)).every((q) => q.method === 'GET')).toBe(true);
    expect(remaining(p.emu)).toEqual(
      Object.fromEntries(
        Object.keys(p.kept).map((g) => [g, [...p.kept[g]!, ...(p.cancellable[g] ?? [])].sort()]),
      ),
    );
    const json = parseJson(
      (await runMain([...ALL, '--dry-run', '--json'], { env: env(p.emu) })).stdout,
    );
    expect(json).toMatchObject({ ok: true, dryRun: true, counts: { 'dry-run': 5, skipped: 1 } });
    expect(json.results.find((x: any) => x.jobId === p.cancellable.books[0])).toMatchObject({
      graph: 'books',
      outcome: 'dry-run',
      jobStatus: 'running',
      command: 'execute-algorithm',
      algorithm: 'kcore',
    });
  });
});

/**
 * Runs the command through main() on a terminal (stdin and stderr marked as TTYs); when the
 * question shows, `answer` says what the user does.
 */
async function onTerminal(
  emu: Emulator,
  answer: string | 'ctrl-c' | 'signal',
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const tty = () => Object.assign(new PassThrough(), { isTTY: true });
  const [stdin, stdout, stderr] = [tty(), tty(), tty()];
  const stop = new AbortController();
  let out = '';
  let err = '';
  let asked = false;
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (asked || !/\[y\/N\] $/.test(err)) return;
    asked = true;
    setImmediate(() => {
      if (answer === 'ctrl-c') stdin.write('\x03');
      else if (answer === 'signal') stop.abort('SIGINT');
      else stdin.write(`${answer}\n`);
    });
  });
  const home = tempHome();
  const code = await main([...ALL, ...extra], {
    streams: { stdin, stdout, stderr },
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      CI: 'true',
      NO_COLOR: '1',
      ...env(emu),
    },
    cwd: home,
    stop: stop.signal,
  });
  await new Promise((r) => setImmediate(r));
  // Without readline's cursor moves (it edits the line on a terminal).
  const result = { code, stdout: out, stderr: err.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') };
  expectNoSecrets(result);
  return result;
}

describe('on a terminal it asks first', () => {
  it('shows the count per graph and the question; y cancels them', async () => {
    const p = await project();
    const r = await onTerminal(p.emu, 'y');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'Jobs to cancel (waiting, pending or running), per graph:\n' +
        '  movies   3 (and 1 marked canStop: false, skipped)\n' +
        '  friends  1\n' +
        '  books    1\n' +
        '  archive  not running (stopped): skipped\n' +
        'Cancel 5 jobs on 3 graphs? [y/N] ',
    );
    expect(remaining(p.emu)).toEqual(sorted(p, 'kept'));
    expect(r.stdout.match(/✓ Cancelled job/g)).toHaveLength(5);
  });

  it.each(['n', ''])('%j sends nothing: exit 0', async (answer) => {
    const p = await project();
    const r = await onTerminal(p.emu, answer);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Nothing cancelled.');
    expect(r.stdout).toBe('');
    expect(await deletes(p.emu)).toEqual([]);
  });

  it.each(['ctrl-c', 'signal'] as const)(
    'Ctrl-C at the prompt (%s): nothing sent, exit 130',
    async (how) => {
      const p = await project();
      const r = await onTerminal(p.emu, how);
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('interrupted at the prompt: nothing was sent');
      expect(await deletes(p.emu)).toEqual([]);
    },
  );

  it('--yes does not ask', async () => {
    const p = await project();
    const r = await onTerminal(p.emu, 'n', ['--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('[y/N]');
    expect(remaining(p.emu)).toEqual(sorted(p, 'kept'));
  });
});

describe('Ctrl-C while cancelling', () => {
  it('reports the cancels in flight as unknown and the rest as not sent; exit 130', async () => {
    const emu = await emulator({ graphs: ['g1', 'g2'] });
    open.push(emu);
    for (let i = 0; i < 4; i++) {
      await createJob(emu, { graph: 'g1' });
      await createJob(emu, { graph: 'g2' });
    }
    await control(emu, 'POST', 'faults', { method: 'DELETE', stall: true, count: 100 });
    const stop = new AbortController();
    const run = runMain([...ALL, '--yes', '--json', '--concurrency', '3'], {
      env: env(emu),
      stop: stop.signal,
    });
    for (let i = 0; i < 500 && (await deletes(emu)).length < 3; i++)
      await new Promise((r) => setTimeout(r, 5));
    stop.abort('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 130, stoppedBy: 'interrupted' });
    expect(doc.counts).toMatchObject({ cancelled: 0, unknown: 3, 'not-sent': 5 });
    expect(doc.results).toHaveLength(8);
  });
});

describe('ges emulator --graph name:state', () => {
  it('lists such a graph in that state on the management plane', async () => {
    const stdout = new PassThrough();
    const stop = new AbortController();
    const home = tempHome();
    const running = main(
      ['emulator', '--port', '0', '--json', '--graph', 'movies', '--graph', 'archive:stopped'],
      {
        streams: { stdin: new PassThrough(), stdout, stderr: new PassThrough() },
        env: { PATH: process.env.PATH, HOME: home },
        cwd: home,
        stop: stop.signal,
      },
    );
    try {
      const ready = JSON.parse(
        await new Promise<string>((resolve) => stdout.setEncoding('utf8').once('data', resolve)),
      );
      expect(ready.graphs).toEqual(['movies', 'archive']);
      const r = await runMain(['graph', 'list', '--json'], {
        env: {
          GES_MANAGEMENT_ENDPOINT: ready.endpoint,
          GES_PROJECT_ID: 'demo',
          GES_TOKEN: ready.token,
        },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(parseJson(r.stdout).graphs.map((g: any) => [g.name, g.stateWords])).toEqual([
        ['movies', 'running'],
        ['archive', 'stopped'],
      ]);
    } finally {
      stop.abort('SIGINT');
      expect(await running).toBe(0);
    }
  });

  it('an unknown state is exit 2 naming the states it takes', async () => {
    const r = await runMain(['emulator', '--port', '0', '--graph', 'archive:asleep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid --graph "archive:asleep": unknown state "asleep"');
    expect(r.stderr).toContain('stopped, stopping, starting');
  });
});
