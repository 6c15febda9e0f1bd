import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, control, emulator, envFor, parseJson, runMain, TOKEN, tempHome } from './helpers.js';

describe('ges emulator (the command)', () => {
  it(
    '--port 0 --json prints one ready line, serves the CLI, ' +
      'and stops on Ctrl-C within a second',
    async () => {
      const home = tempHome();
      const child = spawn(
        process.execPath,
        [
          BIN,
          'emulator',
          '--port',
          '0',
          '--json',
          '--graph',
          'movies',
          '--graph',
          'friends',
          '--project-id',
          'p1',
        ],
        {
          env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      try {
        const lines = createInterface({ input: child.stdout });
        const first = await new Promise<string>((resolve) => lines.once('line', resolve));
        const ready = JSON.parse(first);
        expect(ready).toMatchObject({
          projectId: 'p1',
          graphs: ['movies', 'friends'],
          token: 'demo-token',
        });
        expect(ready.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

        const env = { GES_ENDPOINT: ready.endpoint, GES_PROJECT_ID: 'p1', GES_TOKEN: 'demo-token' };
        const list = await runMain(['job', 'list', 'friends', '--json'], { env });
        expect(list.code).toBe(0);
        expect(parseJson(list.stdout).jobs).toEqual([]);

        const stopAsked = Date.now();
        child.kill('SIGINT');
        expect(await exited).toBe(0);
        expect(Date.now() - stopAsked).toBeLessThan(1000);
      } finally {
        child.kill('SIGKILL');
      }
    },
  );

  it('a port in use is a clear error (exit 2)', async () => {
    const emu = await emulator();
    try {
      const port = new URL(emu.url).port;
      const r = await runMain(['emulator', '--port', port]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('EADDRINUSE');
      expect(r.stderr).toContain('--port 0');
    } finally {
      await emu.close();
    }
  });
});

describe('the emulated GES API', () => {
  let emu: Emulator;
  const base = (): string => `${emu.url}/ges/v1.0/demo/graphs/movies`;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = TOKEN,
  ) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  beforeAll(async () => {
    emu = await emulator({ pendingMs: 1000, runningMs: 5000 });
  });
  afterAll(() => emu.close());

  it(
    'the four job-creating calls answer {jobId, jobType}; ' + 'empty queries get GES.8203/8103',
    async () => {
      for (const [path, body] of [
        ['/vertices/action?action_id=query', { labels: ['user'] }],
        ['/edges/action?action_id=query', { edgeFilters: [{ label: 'rate' }] }],
        [
          '/action?action_id=execute-algorithm',
          { algorithmName: 'pagerank', parameters: { alpha: 0.85 } },
        ],
        [
          '/indices',
          {
            indexName: 'ageIndex',
            indexType: 'GlobalCompositeVertexIndex',
            hasLabel: 'true',
            indexProperty: ['age'],
          },
        ],
      ] as const) {
        const r = await call('POST', path, body);
        expect(r.status, path).toBe(200);
        expect(r.body.jobId).toMatch(/^[0-9a-f-]{36}\d{9}$/);
        expect(typeof r.body.jobType).toBe('number');
      }
      expect(await call('POST', '/vertices/action?action_id=query', {})).toMatchObject({
        status: 400,
        body: { errorCode: 'GES.8203' },
      });
      expect(await call('POST', '/edges/action?action_id=query', { labels: [] })).toMatchObject({
        status: 400,
        body: { errorCode: 'GES.8103' },
      });
      expect(await call('POST', '/action?action_id=execute-algorithm', {})).toMatchObject({
        status: 400,
        body: { errorCode: 'GES.8401' },
      });
      expect(await call('POST', '/indices', { indexName: 'x' })).toMatchObject({
        status: 400,
        body: { errorCode: 'GES.8603' },
      });
    },
  );

  it(
    'jobs move pending -> running -> success on the clock, ' +
      'and a finished job cannot be cancelled',
    async () => {
      const { body } = await call('POST', '/vertices/action?action_id=query', {
        labels: ['movie'],
      });
      const status = async () => (await call('GET', `/jobs/${body.jobId}/status`)).body.status;
      expect(await status()).toBe('pending');
      await control(emu, 'POST', 'clock', { advanceMs: 1000 });
      expect(await status()).toBe('running');
      await control(emu, 'POST', 'clock', { advanceMs: 5000 });
      expect(await status()).toBe('success');
      const list = await call('GET', '/jobs/status');
      expect(list.body).toMatchObject({ result: 'success' });
      expect(list.body.jobs.find((j: any) => j.jobId === body.jobId)).toMatchObject({
        status: 'success',
        taskType: 'vertex_filter_query',
        canStop: false,
        progress: 100,
      });
      expect(await call('DELETE', `/jobs/${body.jobId}`)).toMatchObject({
        status: 400,
        body: { errorCode: 'GES.8303' },
      });
    },
  );

  it('cancel removes a running job; status then answers GES.8301', async () => {
    const { body } = await call('POST', '/action?action_id=execute-algorithm', {
      algorithmName: 'louvain',
    });
    expect(await call('DELETE', `/jobs/${body.jobId}`)).toEqual({ status: 200, body: {} });
    expect(await call('GET', `/jobs/${body.jobId}/status`)).toMatchObject({
      status: 400,
      body: { errorCode: 'GES.8301' },
    });
  });

  it(
    'algorithms outside the cancellable list ' + 'refuse cancel with Unsupported Operation',
    async () => {
      const { body } = await call('POST', '/action?action_id=execute-algorithm', {
        algorithmName: 'shortest_path',
      });
      expect(await call('DELETE', `/jobs/${body.jobId}`)).toEqual({
        status: 400,
        body: { errorMessage: 'Unsupported Operation' },
      });
    },
  );

  it(
    'missing or wrong credentials answer 401; ' +
      'a wrong project 400 GES.8005; an unknown graph GES.8000',
    async () => {
      expect((await call('GET', '/jobs/status', undefined, null)).status).toBe(401);
      expect((await call('GET', '/jobs/status', undefined, 'nope')).status).toBe(401);
      const wrongProject = await fetch(`${emu.url}/ges/v1.0/other/graphs/movies/jobs/status`, {
        headers: { 'x-auth-token': TOKEN },
      });
      expect(wrongProject.status).toBe(400);
      expect((await wrongProject.json()).errorCode).toBe('GES.8005');
      const noGraph = await fetch(`${emu.url}/ges/v1.0/demo/graphs/nope/jobs/status`, {
        headers: { 'x-auth-token': TOKEN },
      });
      expect(await noGraph.json()).toEqual({
        errorMessage: 'graph : nope not exist',
        errorCode: 'GES.8000',
      });
    },
  );

  it(
    'the control API creates jobs in a given state ' + 'and logs requests with credentials masked',
    async () => {
      await control(emu, 'DELETE', 'requests');
      const job = await control(emu, 'POST', 'jobs', { status: 'failed' });
      expect(job.status).toBe('failed');
      const r = await runMain(['job', 'status', 'movies', job.jobId, '--json'], {
        env: envFor(emu),
      });
      expect(parseJson(r.stdout).status).toBe('failed');
      // job status reads the status and, for the job's details, the job list.
      const { requests } = await control(emu, 'GET', 'requests');
      expect(requests).toHaveLength(2);
      for (const request of requests) expect(request.headers['x-auth-token']).toBe('***');
    },
  );
});
