import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  BIN,
  closedPort,
  control,
  createJob,
  emulator,
  envFor,
  fakeTime,
  onFakeTime,
  parseJson,
  requestLog,
  runGes,
  runMain,
  TOKEN,
  tempHome,
  writeFile,
  writeTrusted,
} from './helpers.js';
import { makeCertificates, startProxy } from './network-fixtures.js';

let certs: ReturnType<typeof makeCertificates>;
let plain: Emulator;
let secure: Emulator;
let selfSigned: Emulator;
beforeAll(async () => {
  certs = makeCertificates();
  plain = await emulator();
  secure = await emulator({
    tls: { key: readFileSync(certs.key, 'utf8'), cert: readFileSync(certs.cert, 'utf8') },
  });
  selfSigned = await emulator({
    tls: { key: readFileSync(certs.selfKey, 'utf8'), cert: readFileSync(certs.selfCert, 'utf8') },
  });
});
afterAll(async () => {
  await Promise.all([plain.close(), secure.close(), selfSigned.close()]);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TLS', () => {
  it(
    'verifies by default: an unknown CA is exit 1, ' +
      'one line naming the problem and both options, not retried',
    async () => {
      const r = await runMain(['job', 'list', 'movies', '--json'], { env: envFor(secure) });
      expect(r.code).toBe(1);
      const error = parseJson(r.stdout).error;
      expect(error.message).toBe(
        `TLS: cannot verify ${new URL(secure.url).host}: ` +
          `its certificate is signed by an unknown CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
      );
      expect(error.attempts).toBe(1);
      const human = await runMain(['job', 'list', 'movies'], { env: envFor(secure) });
      expect(human.stderr).toContain('--ca-cert <pem>');
      expect(human.stderr).toContain('--insecure');
      const self = await runMain(['job', 'list', 'movies'], { env: envFor(selfSigned) });
      expect(self.code).toBe(1);
      expect(self.stderr).toContain('its certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)');
    },
  );

  it('--ca-cert adds a CA; profile caFile does too, relative to the config file', async () => {
    expect(
      (await runMain(['job', 'list', 'movies', '--ca-cert', certs.ca], { env: envFor(secure) }))
        .code,
    ).toBe(0);
    const home = tempHome();
    writeFile(home, 'conf/ca.pem', readFileSync(certs.ca, 'utf8'));
    writeFile(
      home,
      'conf/ges.yaml',
      `profiles:\n  default:\n    endpoint: ${secure.url}\n    projectId: demo\n` +
        `    caFile: ./ca.pem\n    auth: {type: token, token: "\${T}"}\n`,
    );
    const r = await runMain(['job', 'list', 'movies', '--config', 'conf/ges.yaml'], {
      cwd: home,
      env: { T: TOKEN },
    });
    expect(r.code).toBe(0);
  });

  it('--insecure (or insecure: true) skips verification and warns on every run', async () => {
    const r = await runMain(['job', 'list', 'movies', '--insecure'], { env: envFor(selfSigned) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: TLS certificate verification is off (flag --insecure)');
    const home = tempHome();
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${selfSigned.url}\n    projectId: demo\n` +
        `    insecure: true\n    auth: {type: token, token: "\${T}"}\n`,
    );
    const p = await runMain(['job', 'list', 'movies', '--json'], { cwd: home, env: { T: TOKEN } });
    expect(p.code).toBe(0);
    expect(p.stderr).toContain('warning: TLS certificate verification is off (file');
    expect(parseJson(p.stdout).ok).toBe(true);
  });

  it(
    'an unreadable --ca-cert is a usage error, ' + 'a bad caFile a config error; nothing sent',
    async () => {
      const r = await runMain(['job', 'list', 'movies', '--ca-cert', '/nonexistent/ca.pem'], {
        env: envFor(secure),
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'cannot use CA file /nonexistent/ca.pem (from flag --ca-cert): no such file',
      );
      const notPem = writeFile(tempHome(), 'x.pem', 'hello');
      const n = await runMain(['job', 'list', 'movies', '--ca-cert', notPem], {
        env: envFor(secure),
      });
      expect(n.code).toBe(2);
      expect(n.stderr).toContain('no PEM certificate in it');
      // A FIFO would block the read for ever: refused without opening it.
      const fifo = path.join(tempHome(), 'ca.pem');
      execFileSync('mkfifo', [fifo]);
      const f = await runMain(['job', 'list', 'movies', '--ca-cert', fifo], {
        env: envFor(secure),
        timeoutMs: 10_000,
      });
      expect(f.code).toBe(2);
      expect(f.stderr).toContain(
        `cannot use CA file ${fifo} (from flag --ca-cert): ${fifo} is a FIFO, not a regular file`,
      );
    },
  );
});

describe('proxies', () => {
  it('HTTP_PROXY carries plain http; NO_PROXY bypasses it', async () => {
    const proxy = await startProxy();
    try {
      const r = await runMain(['job', 'list', 'movies'], {
        env: envFor(plain, { HTTP_PROXY: proxy.url }),
      });
      expect(r.code).toBe(0);
      expect(proxy.seen.length).toBeGreaterThan(0);
      proxy.seen.length = 0;
      const bypass = await runMain(['job', 'list', 'movies'], {
        env: envFor(plain, { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' }),
      });
      expect(bypass.code).toBe(0);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it(
    'through the built binary too ' + '(its bundle leaves out and stands in for parts of undici)',
    async () => {
      const proxy = await startProxy();
      try {
        const viaHttp = await runGes(['job', 'list', 'movies'], {
          env: envFor(plain, { HTTP_PROXY: proxy.url }),
        });
        expect(viaHttp.code).toBe(0);
        const viaTunnel = await runGes(['job', 'list', 'movies', '--ca-cert', certs.ca], {
          env: envFor(secure, { https_proxy: proxy.url }),
        });
        expect(viaTunnel.code).toBe(0);
        expect(proxy.seen).toContain(`CONNECT ${new URL(secure.url).host}`);
        expect(proxy.seen.length).toBeGreaterThan(1);
      } finally {
        await proxy.close();
      }
    },
  );

  it('HTTPS_PROXY tunnels https with the TLS options applied to the target', async () => {
    const proxy = await startProxy();
    try {
      const ok = await runMain(['job', 'list', 'movies', '--ca-cert', certs.ca], {
        env: envFor(secure, { https_proxy: proxy.url }),
      });
      expect(ok.code).toBe(0);
      expect(proxy.seen).toContain(`CONNECT ${new URL(secure.url).host}`);
      const untrusted = await runMain(['job', 'list', 'movies'], {
        env: envFor(secure, { HTTPS_PROXY: proxy.url }),
      });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toContain('unknown CA');
    } finally {
      await proxy.close();
    }
  });

  it('an unreachable proxy is exit 1', async () => {
    const r = await runMain(['job', 'list', 'movies', '--retries', '0'], {
      env: envFor(plain, { HTTP_PROXY: 'http://127.0.0.1:1' }),
    });
    expect(r.code).toBe(1);
  });

  it('a proxy that refuses is named as the proxy', async () => {
    const port = await closedPort();
    const r = await runMain(['job', 'list', 'movies', '--retries', '0'], {
      env: envFor(plain, {
        GES_ENDPOINT: 'http://10.1.2.3:9',
        HTTP_PROXY: `http://127.0.0.1:${port}`,
      }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `connection refused by the proxy http://127.0.0.1:${port} (on the way to 10.1.2.3:9)`,
    );
  });
});

describe('retries, resets and lost answers', () => {
  it('Retry-After is honoured (seconds and HTTP date), on fake time', async () => {
    const id = await createJob(plain);
    await control(plain, 'POST', 'faults', {
      method: 'DELETE',
      status: 503,
      body: {},
      headers: { 'retry-after': '7' },
      count: 1,
    });
    fakeTime();
    const started = Date.now();
    const r = await onFakeTime(
      runMain(['job', 'cancel', 'movies', id, '--verbose', '--json'], { env: envFor(plain) }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('retrying in 7.0 s (retry 1 of 2)');
    expect(parseJson(r.stdout).results[0].attempts).toBe(2);
    // The retry waited what the server asked, not the backoff's half a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(7000);
    await control(plain, 'POST', 'faults', {
      method: 'GET',
      status: 429,
      body: {},
      headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() },
      count: 1,
    });
    const d = await onFakeTime(
      runMain(['job', 'list', 'movies', '--verbose'], { env: envFor(plain) }),
    );
    expect(d.code).toBe(0);
    expect(d.stderr).toContain('retrying in 0.0 s');
  });

  it('a stalled answer times out per attempt (exit 1)', async () => {
    await control(plain, 'POST', 'faults', { method: 'GET', stall: true, count: 2 });
    const r = await runMain(
      ['job', 'list', 'movies', '--timeout', '0.4', '--retries', '1', '--json'],
      { env: envFor(plain) },
    );
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).error).toMatchObject({ kind: 'network', attempts: 2 });
  });

  it(
    'a cancel whose answer was lost, retried into GES.8303, ' +
      'says the earlier attempt may have cancelled it',
    async () => {
      const id = await createJob(plain);
      await control(plain, 'POST', 'faults', { method: 'DELETE', dropAnswer: true, count: 1 });
      const r = await runMain(['job', 'cancel', 'movies', id, '--json'], { env: envFor(plain) });
      expect(r.code).toBe(4);
      const [result] = parseJson(r.stdout).results;
      expect(result).toMatchObject({ outcome: 'failed', errorCode: 'GES.8303', attempts: 2 });
      expect(result.note).toContain('may have cancelled the job');
      const id2 = await createJob(plain);
      await control(plain, 'POST', 'faults', { method: 'DELETE', dropAnswer: true, count: 1 });
      const h = await runMain(['job', 'cancel', 'movies', id2], { env: envFor(plain) });
      expect(h.stderr).toContain('may have cancelled the job; this answer cannot tell');
    },
  );
});

describe('bounded bodies', () => {
  it('a 5 MB HTML error page is neither buffered whole nor printed', async () => {
    await control(plain, 'POST', 'faults', {
      method: 'GET',
      status: 500,
      bodySize: 5 * 1024 * 1024,
      count: 1,
    });
    const r = await runMain(['job', 'list', 'movies', '--retries', '0'], { env: envFor(plain) });
    expect(r.code).toBe(5);
    expect(r.stderr.length).toBeLessThan(600);
  });

  it('a status answer over 64 MiB is refused with a clear message', async () => {
    await control(plain, 'POST', 'faults', {
      method: 'GET',
      path: '/jobs/a1/status',
      status: 200,
      bodySize: 65 * 1024 * 1024,
      count: 1,
    });
    const r = await runMain(['job', 'status', 'movies', 'a1', '--retries', '0'], {
      env: envFor(plain),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('larger than 64 MiB');
    expect(r.stderr).toContain('--limit');
  });
});

describe('plain http with credentials', () => {
  it(
    'warns for a public address, stays quiet for private and loopback ones ' +
      '(dry runs: nothing is sent)',
    async () => {
      const env = { GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN };
      const pub = await runMain(
        ['job', 'cancel', 'movies', 'a1', '--dry-run', '--endpoint', 'http://203.0.113.10'],
        { env },
      );
      expect(pub.code).toBe(0);
      expect(pub.stderr).toContain('credentials go over plain http to 203.0.113.10');
      for (const endpoint of [
        'http://192.168.0.20',
        'http://10.1.2.3:80',
        'http://172.20.0.1',
        'http://127.0.0.1:8080',
        'http://[fd00::1]',
        'http://[::ffff:127.0.0.1]',
        'https://203.0.113.10',
      ]) {
        const r = await runMain(
          ['job', 'cancel', 'movies', 'a1', '--dry-run', '--endpoint', endpoint],
          { env },
        );
        expect(r.stderr, endpoint).toBe('');
      }
    },
  );
});

describe('Ctrl-C', () => {
  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
    ['SIGHUP', 129, 'hung up (SIGHUP)'],
  ] as const)(
    '%s aborts the request in flight, reports each job, and exits %i',
    async (signal, code, words) => {
      const ids = [await createJob(plain), await createJob(plain), await createJob(plain)];
      await control(plain, 'DELETE', 'requests');
      await control(plain, 'POST', 'faults', { method: 'DELETE', stall: true, count: 3 });
      const home = tempHome();
      const child = spawn(
        process.execPath,
        [BIN, 'job', 'cancel', 'movies', ...ids, '--concurrency', '1', '--json'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: home,
            CI: 'true',
            ...(envFor(plain) as Record<string, string>),
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      for (let i = 0; i < 100 && (await requestLog(plain)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      expect(await exited).toBe(code);
      clearTimeout(timer);
      const doc = JSON.parse(stdout);
      expect(doc).toMatchObject({ ok: false, exitCode: code, stoppedBy: words });
      expect(doc.results.map((r: any) => [r.outcome, r.attempts, r.errorMessage])).toEqual([
        [
          'unknown',
          1,
          'interrupted after the request was sent; the job may or may not have been cancelled',
        ],
        ['not-sent', 0, 'interrupted before the request was sent; the job was not cancelled'],
        ['not-sent', 0, 'interrupted before the request was sent; the job was not cancelled'],
      ]);
      expect(stderr).toContain(`${words}: stopping`);
      await control(plain, 'DELETE', 'faults');
    },
  );
});
