import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { closedPort, createJob, emulator, ROOT, TOKEN, tempHome } from './helpers.js';

/**
 * The built library (dist/index.js) as a program uses it: imported and called in a process of
 * its own, every call and every error once. It writes nothing to stdout or stderr (not even
 * Node's warning about listeners on one signal, which many requests on a caller's signal would
 * earn), installs no signal or exit handler, sets no exit code, and lets the process end by
 * itself once its clients are closed.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator({ graphs: ['movies', 'books'] });
});
afterAll(() => emu.close());

const EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
  'warning',
];

/** The program: each call's outcome in a word, sent to the test over IPC. */
const PROGRAM = `
const events = ${JSON.stringify(EVENTS)};
const counts = () => Object.fromEntries(events.map((e) => [e, process.listenerCount(e)]));
const before = counts();
const lib = await import(process.env.LIBRARY);
const { createClient, loadProfile, GesAbortError, GesConfigError, GesConnectionError,
  GesHttpError } = lib;
const outcomes = {};
const warnings = [];
const all = async (items) => {
  const out = [];
  for await (const x of items) out.push(x);
  return out;
};
const kind = async (run) => {
  try { await run(); return 'ok'; } catch (e) {
    for (const [name, type] of Object.entries({ GesAbortError, GesConfigError,
      GesConnectionError, GesHttpError })) if (e instanceof type) return name;
    return String(e);
  }
};
const { options, warnings: fileWarnings } = await loadProfile();
const client = createClient({ ...options, insecure: true, onWarning: (m) => warnings.push(m) });
const signal = new AbortController().signal;
const many = Array.from({ length: 40 }, (_, i) => 'nope-' + i);
outcomes.cancelJobs = (await all(client.cancelJobs('movies', [process.env.JOB, ...many],
  { concurrency: 32, signal }))).map((r) => r.outcome).sort()[0];
outcomes.cancelAll = (await all(client.cancelAll('books', { signal }))).length;
outcomes.jobStatus = (await client.jobStatus('movies', process.env.RUNNING, { signal })).status;
outcomes.listJobs = (await all(client.listJobs('movies', { signal }))).length > 0;
outcomes.waitJobs = (await all(client.waitJobs('movies', many, { concurrency: 32, signal })))
  .every((r) => r.outcome === 'unknown');
const plane = createClient({ projectId: options.projectId, auth: options.auth,
  managementEndpoint: options.endpoint });
outcomes.listGraphs = (await all(plane.listGraphs())).map((g) => g.name).join(',');
const refused = createClient({ ...options, auth: { type: 'token', token: 'wrong' } });
outcomes.http = await kind(() => refused.jobStatus('movies', 'a1'));
const closed = createClient({ ...options, endpoint: process.env.CLOSED, retries: 0 });
outcomes.connection = await kind(() => closed.jobStatus('movies', 'a1'));
outcomes.config = await kind(() => createClient({ ...options, retries: 99 }));
outcomes.abort = await kind(() => all(client.listJobs('movies', { signal: AbortSignal.abort() })));
await Promise.all([client, plane, refused, closed].map((c) => c.close()));
process.send({ before, after: counts(), exitCode: process.exitCode ?? null, outcomes,
  warnings, fileWarnings });
process.disconnect();
`;

it('imports and runs without a word on stdout or stderr, handlers or exit code', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ges-library-'));
  const program = path.join(dir, 'program.mjs');
  writeFileSync(program, PROGRAM);
  const [job, running] = [await createJob(emu), await createJob(emu)];
  await createJob(emu, { graph: 'books' });
  const home = tempHome();
  const child = fork(program, [], {
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      GES_ENDPOINT: emu.url,
      GES_PROJECT_ID: emu.projectId,
      GES_TOKEN: TOKEN,
      JOB: job,
      RUNNING: running,
      CLOSED: `http://127.0.0.1:${await closedPort()}`,
      LIBRARY: pathToFileURL(path.join(ROOT, 'dist/index.js')).href,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const report = new Promise<any>((resolve) => child.on('message', resolve));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  const r = await report;
  expect(r.after).toEqual(r.before);
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(r.after[name]).toBe(0);
  expect(r.exitCode).toBeNull();
  expect(r.outcomes).toEqual({
    cancelJobs: 'cancelled',
    cancelAll: 1,
    jobStatus: 'running',
    listJobs: true,
    waitJobs: true,
    listGraphs: 'movies,books',
    http: 'GesHttpError',
    connection: 'GesConnectionError',
    config: 'GesConfigError',
    abort: 'GesAbortError',
  });
  expect(r.warnings).toEqual([expect.stringContaining('TLS certificate verification is off')]);
  expect(r.fileWarnings).toEqual([]);
});
