import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  type CancelRecord,
  type ClientOptions,
  createClient,
  GesAbortError,
  type GesClient,
  GesConfigError,
  GesConnectionError,
  GesError,
  GesHttpError,
  loadProfile,
} from '../../src/index.js';
import {
  closedPort,
  control,
  createJob,
  emulator,
  parseJson,
  requestLog,
  runMain,
  TOKEN,
  tempHome,
  trust,
  writeFile,
} from './helpers.js';

/**
 * The library in this process against the emulator: each call does what its command does and
 * yields the fields of the command's JSON; aborts and failures are typed errors.
 */

let emu: Emulator;
const clients: GesClient[] = [];

beforeAll(async () => {
  emu = await emulator({ graphs: ['movies', 'books', 'music', 'films', 'songs'] });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emu.close();
});
beforeEach(async () => {
  await control(emu, 'DELETE', 'requests');
  await control(emu, 'DELETE', 'faults');
});

function client(extra: Partial<ClientOptions> = {}): GesClient {
  const c = createClient({
    endpoint: emu.url,
    projectId: emu.projectId,
    auth: { type: 'token', token: TOKEN },
    ...extra,
  });
  clients.push(c);
  return c;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** What an async iteration throws (fails the test when it throws nothing). */
async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return expect.fail('expected it to throw');
}

/** A JSON value with one job ID written as another (two runs over different jobs compared). */
const renamed = (value: unknown, from: string, to: string): unknown =>
  JSON.parse(JSON.stringify(value).split(from).join(to));

describe('results are the CLI JSON, field for field', () => {
  it('cancelJobs: a cancel and a refusal, as job cancel --jsonl prints them', async () => {
    const [cliJob, libJob] = [await createJob(emu), await createJob(emu)];
    const cli = await runMain(['job', 'cancel', 'movies', cliJob, 'gone-cli', '--jsonl'], {
      env: { GES_ENDPOINT: emu.url, GES_PROJECT_ID: emu.projectId, GES_TOKEN: TOKEN },
    });
    const lines = cli.stdout.trim().split('\n').map(parseJson).slice(0, -1);
    const records = await all(client().cancelJobs('movies', [libJob, 'gone-lib']));
    const byId = (r: { jobId: string }[], id: string) => r.find((x) => x.jobId === id);
    expect(byId(records, libJob)).toEqual(renamed(byId(lines, cliJob), cliJob, libJob));
    expect(byId(records, 'gone-lib')).toEqual(
      renamed(byId(lines, 'gone-cli'), 'gone-cli', 'gone-lib'),
    );
    expect(byId(records, 'gone-lib')).toMatchObject({
      outcome: 'failed',
      httpStatus: 400,
      error: { kind: 'http', code: 'GES.8303', hint: expect.stringContaining('ges job status') },
    });
  });

  it('jobStatus is job status --json without ok and exitCode', async () => {
    const id = await createJob(emu);
    const cli = parseJson(
      (
        await runMain(['job', 'status', 'movies', id, '--json'], {
          env: { GES_ENDPOINT: emu.url, GES_PROJECT_ID: emu.projectId, GES_TOKEN: TOKEN },
        })
      ).stdout,
    );
    const { ok: _ok, exitCode: _code, ...doc } = cli;
    const record = await client().jobStatus('movies', id);
    expect({ ...record, ageSeconds: 0 }).toEqual({ ...doc, ageSeconds: 0 });
    expect(record.status).toBe('running');
  });

  it('listGraphs is graph list --json, read from the management plane', async () => {
    const cli = parseJson(
      (
        await runMain(['graph', 'list', '--json'], {
          env: {
            GES_MANAGEMENT_ENDPOINT: emu.url,
            GES_PROJECT_ID: emu.projectId,
            GES_TOKEN: TOKEN,
          },
        })
      ).stdout,
    );
    const graphs = await all(
      client({ endpoint: undefined, managementEndpoint: emu.url }).listGraphs(),
    );
    expect(graphs).toEqual(cli.graphs);
    expect(graphs.map((g) => g.name)).toContain('movies');
  });
});

describe('every call', () => {
  it('cancelAll cancels the running jobs, skips those that cannot stop, as --all', async () => {
    const running = await createJob(emu, { graph: 'books' });
    const pending = await createJob(emu, { graph: 'books', status: 'pending', pendingMs: 600_000 });
    const stuck = await createJob(emu, { graph: 'books', canStop: false });
    const done = await createJob(emu, { graph: 'books', status: 'success' });
    const records = await all(client().cancelAll('books'));
    const outcomes = Object.fromEntries(records.map((r) => [r.jobId, r.outcome]));
    expect(outcomes).toEqual({
      [running]: 'cancelled',
      [pending]: 'cancelled',
      [stuck]: 'skipped',
    });
    expect(done in outcomes).toBe(false);
    // Only the running ones when asked.
    const again = await createJob(emu, { graph: 'books' });
    const only = await all(client().cancelAll('books', { statuses: ['pending'] }));
    expect(only.map((r) => r.jobId)).not.toContain(again);
  });

  it('cancelJobs takes an async iterable, sends each ID once, and ignoreFinished', async () => {
    const id = await createJob(emu);
    async function* ids() {
      yield id;
      yield id;
      yield 'never-there';
    }
    const records = await all(client().cancelJobs('movies', ids(), { ignoreFinished: true }));
    expect(records.map((r) => [r.jobId, r.outcome]).sort()).toEqual(
      [
        [id, 'cancelled'],
        ['never-there', 'already-finished'],
      ].sort(),
    );
    const deletes = (await requestLog(emu)).filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(2);
  });

  it('listJobs reads pages as the iteration needs them, and filters by status', async () => {
    const c = client();
    for (let i = 0; i < 120; i++) await createJob(emu, { graph: 'music' });
    await createJob(emu, { graph: 'music', status: 'failed' });
    expect(await all(c.listJobs('music'))).toHaveLength(121);
    const failed = await all(c.listJobs('music', { status: 'failed' }));
    expect(failed.map((j) => j.status)).toEqual(['failed']);
    await control(emu, 'DELETE', 'requests');
    for await (const _job of c.listJobs('music')) break;
    const lists = (await requestLog(emu)).filter((r) =>
      r.path.includes('/graphs/music/jobs/status'),
    );
    expect(lists).toHaveLength(1);
  });

  it('waitJobs yields each job as it stops', async () => {
    const quick = await createJob(emu, { runningMs: 50 });
    const failing = await createJob(emu, { runningMs: 50, finalStatus: 'failed' });
    const records = await all(
      client().waitJobs('movies', [quick, failing, 'nobody'], { interval: 100 }),
    );
    const by = Object.fromEntries(records.map((r) => [r.jobId, r]));
    expect(by[quick]).toMatchObject({ outcome: 'success', status: 'success', error: null });
    expect(by[failing]).toMatchObject({ outcome: 'failed', status: 'failed' });
    expect(by.nobody).toMatchObject({ outcome: 'unknown', error: { code: 'GES.8301' } });
  });

  it('finds a graph by its name through the management plane, once per client', async () => {
    const c = client({ endpoint: undefined, managementEndpoint: emu.url });
    const id = await createJob(emu, { graph: 'films' });
    expect((await c.jobStatus('films', id)).status).toBe('running');
    const [record] = await all(c.cancelJobs('films', [id]));
    expect(record).toMatchObject({ graph: 'films', outcome: 'cancelled' });
    const lookups = (await requestLog(emu)).filter((r) => r.path.startsWith('/v2/demo/graphs'));
    expect(lookups).toHaveLength(1);
  });
});

describe('an AbortSignal stops a call', () => {
  it('cancelJobs: the cancels under way come out unknown, then GesAbortError', async () => {
    const ids = [
      await createJob(emu, { graph: 'songs' }),
      await createJob(emu, { graph: 'songs' }),
    ];
    await control(emu, 'POST', 'faults', { method: 'DELETE', stall: true, count: 2 });
    const stop = new AbortController();
    const records: CancelRecord[] = [];
    const run = (async () => {
      for await (const r of client().cancelJobs('songs', ids, { signal: stop.signal }))
        records.push(r);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const sent = async () => (await requestLog(emu)).filter((r) => r.method === 'DELETE').length;
    for (let i = 0; i < 200 && (await sent()) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort('stop');
    const error = await run;
    expect(records.map((r) => r.outcome)).toEqual(['unknown', 'unknown']);
    expect(records[0]!.error).toMatchObject({ kind: 'interrupted' });
    expect(error).toBeInstanceOf(GesAbortError);
  });

  it("the client's own signal stops its calls", async () => {
    const stop = new AbortController();
    const c = client({ signal: stop.signal });
    await control(emu, 'POST', 'faults', { path: '/jobs/status', stall: true });
    const listing = all(c.listJobs('movies')).then(
      () => undefined,
      (error: unknown) => error,
    );
    const sent = async () => (await requestLog(emu)).length;
    for (let i = 0; i < 200 && (await sent()) < 1; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    expect(await listing).toBeInstanceOf(GesAbortError);
  });

  it('an aborted signal sends nothing; jobStatus, listJobs and listGraphs throw too', async () => {
    const c = client();
    const signal = AbortSignal.abort('stop');
    const id = await createJob(emu);
    for (const run of [
      () => all(c.cancelJobs('movies', [id], { signal })),
      () => c.jobStatus('movies', id, { signal }),
      () => all(c.listJobs('movies', { signal })),
      () => all(c.waitJobs('movies', [id], { signal })),
    ]) {
      const error = await thrown(run);
      expect(error).toBeInstanceOf(GesAbortError);
      expect(error).toBeInstanceOf(GesError);
      expect((error as Error).name).toBe('AbortError');
    }
    expect(await requestLog(emu)).toEqual([]);
  });
});

describe('typed errors', () => {
  it('401: GesHttpError with status 401 and a hint', async () => {
    const c = client({ auth: { type: 'token', token: 'not-the-token' } });
    const error = await thrown(() => c.jobStatus('movies', 'a1'));
    expect(error).toBeInstanceOf(GesHttpError);
    const e = error as InstanceType<typeof GesHttpError>;
    expect(e.status).toBe(401);
    expect(e.name).toBe('GesHttpError');
    expect(e.hint).toMatch(/token/);
    const [record] = await all(c.cancelJobs('movies', ['a1']));
    expect(record!.error).toMatchObject({ kind: 'http', httpStatus: 401, hint: e.hint });
  });

  it('a refused port: GesConnectionError with its code and a hint', async () => {
    const c = client({ endpoint: `http://127.0.0.1:${await closedPort()}`, retries: 0 });
    const error = await thrown(() => all(c.listJobs('movies')));
    expect(error).toBeInstanceOf(GesConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', hint: expect.any(String) });
  });

  it('bad options: GesConfigError, before anything is sent', async () => {
    const base = { endpoint: emu.url, projectId: 'demo', auth: { type: 'token', token: 't' } };
    for (const bad of [
      {},
      { ...base, projectId: 'not/a/project' },
      { ...base, endpoint: 'ftp://x' },
      { ...base, timout: 5 },
      { ...base, timeout: '30s' },
      { ...base, auth: { type: 'token' } },
      { ...base, auth: { type: 'token', token: 'has\r\n' } },
      { ...base, endpoint: undefined },
    ]) {
      expect(() => createClient(bad as unknown as ClientOptions), JSON.stringify(bad)).toThrow(
        GesConfigError,
      );
    }
    expect(() => createClient({ ...base, timout: 5 } as unknown as ClientOptions)).toThrow(
      'did you mean timeout?',
    );
    const c = client();
    const error = await thrown(() => all(c.cancelJobs('not a graph', ['a1'])));
    expect(error).toBeInstanceOf(GesConfigError);
    const concurrency = await thrown(() => all(c.cancelJobs('movies', ['a1'], { concurrency: 0 })));
    expect(concurrency).toBeInstanceOf(GesConfigError);
    // A graph found by name is not even looked up when an ID is bad.
    const byName = client({ endpoint: undefined, managementEndpoint: emu.url });
    const badId = await thrown(() => all(byName.cancelJobs('movies', ['a1', 'not an id'])));
    expect(badId).toBeInstanceOf(GesConfigError);
    expect((badId as Error).message).toMatch(/invalid job ID "not an id"/);
    expect(await requestLog(emu)).toEqual([]);
  });

  it('a closed client says so', async () => {
    const c = client();
    await c.close();
    expect(await thrown(() => c.jobStatus('movies', 'a1'))).toBeInstanceOf(GesConfigError);
  });
});

describe('loadProfile', () => {
  it('resolves a profile as the CLI does, and the client uses it', async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: ${emu.projectId}\n` +
        `    timeout: 5s\n    auth: {type: token, token: "\${T}"}\n    colour: blue\n`,
    );
    const env = { HOME: home, XDG_CONFIG_HOME: `${home}/.config`, T: TOKEN };
    const loaded = await loadProfile({ cwd: home, env });
    expect(loaded.options).toMatchObject({
      endpoint: emu.url,
      projectId: emu.projectId,
      timeout: 5000,
      auth: { type: 'token', token: TOKEN },
    });
    expect(loaded.warnings).toEqual([
      expect.stringContaining('unknown key profiles.default.colour'),
    ]);
    const id = await createJob(emu);
    expect((await client(loaded.options).jobStatus('movies', id)).jobId).toBe(id);
    // The environment outranks a profile not named; a named one outranks the environment.
    const fromEnv = await loadProfile({
      cwd: home,
      env: { ...env, GES_ENDPOINT: 'http://10.0.0.1' },
    });
    expect(fromEnv.options.endpoint).toBe('http://10.0.0.1');
    const named = await loadProfile({
      profile: 'default',
      cwd: home,
      env: { ...env, GES_ENDPOINT: 'http://10.0.0.1' },
    });
    expect(named.options.endpoint).toBe(emu.url);
  });

  it('refuses an untrusted config found by the search, as the CLI does', async () => {
    const home = tempHome();
    const project = `${home}/project`;
    writeFile(project, '.gesrc.yaml', `profiles:\n  default:\n    endpoint: ${emu.url}\n`);
    const error = await thrown(() => loadProfile({ cwd: project, env: { HOME: home } }));
    expect(error).toBeInstanceOf(GesConfigError);
    expect((error as Error).message + (error as GesError).hint).toMatch(/ges config trust/);
    trust(home, `${project}/.gesrc.yaml`);
    const trusted = await loadProfile({
      cwd: project,
      env: { HOME: home, GES_TOKEN: TOKEN, GES_PROJECT_ID: 'p1' },
    });
    expect(trusted.configFile).toBe(`${project}/.gesrc.yaml`);
    expect(trusted.options).toMatchObject({ endpoint: emu.url, projectId: 'p1' });
  });
});
