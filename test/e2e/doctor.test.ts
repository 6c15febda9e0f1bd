import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  BIN,
  closedPort,
  control,
  emulator,
  envFor,
  PASSWORD,
  parseJson,
  ROOT,
  runGes,
  runMain,
  SECRET_KEY,
  TOKEN,
  tempHome,
  writeFile,
} from './helpers.js';
import { makeCertificates, startProxy } from './network-fixtures.js';

/** `ges doctor`: one line per check, the fix on the failing one, the exit code of the first. */

const AK = 'AKDOCTOR1234567890AB';

let certs: ReturnType<typeof makeCertificates>;
let plain: Emulator;
let secure: Emulator;
let selfSigned: Emulator;
let signed: Emulator;
beforeAll(async () => {
  certs = makeCertificates();
  const tls = (key: string, cert: string) => ({
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
  });
  [plain, secure, selfSigned, signed] = await Promise.all([
    emulator({ iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD } }),
    emulator({ tls: tls(certs.key, certs.cert) }),
    emulator({ tls: tls(certs.selfKey, certs.selfCert) }),
    emulator({ token: null, accessKey: AK, secretKey: SECRET_KEY }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain, secure, selfSigned, signed].map((e) => e.close()));
});

const host = (emu: Emulator): string => new URL(emu.url).host;

/** Each check's name and status, in order. */
function statuses(stdout: string): [string, string][] {
  return parseJson(stdout).checks.map((c: any) => [c.name, c.status]);
}

function check(stdout: string, name: string): any {
  return parseJson(stdout).checks.find((c: any) => c.name === name);
}

describe('every check passes', () => {
  it('against the emulator over plain http: one line each, exit 0', async () => {
    const r = await runMain(['doctor', 'movies'], { env: envFor(plain) });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toBe(
      [
        '✓ config      no config file: flags and environment only',
        `✓ endpoint    ${plain.url} (env GES_ENDPOINT); graph movies (argument)`,
        `✓ tcp         ${host(plain)} accepts connections`,
        `✓ tls         plain http (no TLS): ${host(plain)} answers "HTTP/1.1 401 Unauthorized"`,
        '✓ credentials token (env GES_TOKEN) accepted: the job list of graph movies answered 200',
        '✓ proxy       none (HTTP_PROXY and HTTPS_PROXY unset): direct connection',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
  });

  it('--json: {ok, exitCode, checks: [{name, ok, status, detail, fix}]}', async () => {
    const r = await runMain(['doctor', 'movies', '--json'], { env: envFor(plain) });
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0 });
    expect(doc.checks).toHaveLength(6);
    for (const c of doc.checks)
      expect(c).toEqual({ name: c.name, ok: true, status: 'pass', detail: c.detail, fix: null });
  });

  it('--quiet prints nothing on success', async () => {
    const r = await runMain(['doctor', 'movies', '-q'], { env: envFor(plain) });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('the graph comes from the profile when none is named', async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    endpoint: ${plain.url}\n    projectId: demo\n` +
        `    graphs: [movies]\n    auth: {type: token, token: "\${T}"}\n`,
    );
    const r = await runMain(['doctor', '--json'], { home, env: { T: TOKEN } });
    expect(r.code, r.stdout).toBe(0);
    expect(check(r.stdout, 'config').detail).toBe(
      `${realpathSync(home)}/.config/ges/config.yaml (trusted: in the user config folder), ` +
        'profile default (default)',
    );
    expect(check(r.stdout, 'endpoint').detail).toContain("graph movies (the profile's graphs)");
  });

  it('without a graph the credentials are not checked: a warning, exit 0', async () => {
    const r = await runMain(['doctor'], { env: envFor(plain) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '! credentials not checked: no graph to read from; ' +
        'fix: name one: ges doctor <graph> (or list it under graphs: in the profile)',
    );
  });
});

describe('config', () => {
  it('no endpoint anywhere: config fails (exit 2), everything after it is skipped', async () => {
    const r = await runMain(['doctor', '--json'], { env: { GES_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(statuses(r.stdout)).toEqual([
      ['config', 'fail'],
      ['endpoint', 'skip'],
      ['tcp', 'skip'],
      ['tls', 'skip'],
      ['credentials', 'skip'],
      ['proxy', 'skip'],
    ]);
    expect(check(r.stdout, 'config').detail).toMatch(/^no endpoint: no config file was found/);
    expect(check(r.stdout, 'tcp').detail).toBe('skipped: config failed');
  });

  it('an untrusted config: exit 2, the exact ges config trust command, nothing sent', async () => {
    const home = tempHome();
    const file = writeFile(
      home,
      'project/.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${plain.url}\n    projectId: demo\n` +
        '    auth: {type: none}\n',
    );
    const r = await runMain(['doctor', 'movies'], { home, cwd: `${home}/project` });
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      `✗ config      ${file} is not trusted: a config found in a folder could send your ` +
        'credentials anywhere, so ges uses it only once you trust it; ' +
        `fix: if you wrote it, or have read it: ges config trust '${file}'`,
    );
    expect(lines[1]).toBe('- endpoint    skipped: config failed');
  });

  it('a literal secret others can read: a warning with the chmod, exit 0', async () => {
    const home = tempHome();
    const file = writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    endpoint: ${plain.url}\n    projectId: demo\n` +
        `    auth: {type: token, token: ${TOKEN}}\n`,
      0o644,
    );
    const r = await runMain(['doctor', 'movies', '--json'], { home });
    expect(r.code, r.stdout).toBe(0);
    expect(check(r.stdout, 'config')).toMatchObject({
      status: 'warn',
      fix: `chmod 600 ${JSON.stringify(realpathSync(file))}`,
    });
    expect(check(r.stdout, 'config').detail).toContain(
      'holds a literal secret (profiles.default.auth.token) and can be read by other users',
    );
  });

  it('--dry-run checks the config and sends nothing', async () => {
    const port = await closedPort();
    const r = await runMain(['doctor', 'movies', '--dry-run', '--json'], {
      env: envFor(plain, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    expect(r.code).toBe(0);
    expect(statuses(r.stdout).slice(0, 2)).toEqual([
      ['config', 'pass'],
      ['endpoint', 'skip'],
    ]);
    expect(check(r.stdout, 'tcp').detail).toBe('skipped: --dry-run sends nothing');
  });

  it('a config others can change: exit 2 with the chmod that fixes it', async () => {
    const home = tempHome();
    const file = writeFile(home, 'ges.yaml', 'profiles: {}\n', 0o666);
    const r = await runMain(['doctor', '--config', file, '--json'], { home });
    expect(r.code).toBe(2);
    expect(check(r.stdout, 'config')).toMatchObject({
      status: 'fail',
      detail: `refusing config file: ${file} can be changed by anyone (mode 0666)`,
      fix: `chmod go-w '${file}'`,
    });
  });
});

describe('reach', () => {
  it('a refused port: tcp fails (exit 1), tls and credentials are skipped', async () => {
    const port = await closedPort();
    const r = await runMain(['doctor', 'movies'], {
      env: envFor(plain, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ tcp         127.0.0.1:${port}: connection refused (nothing listens on that port); ` +
        'fix: check the port in the endpoint, and that the graph is running\n' +
        '- tls         skipped: tcp failed\n' +
        '- credentials skipped: tcp failed\n' +
        '✓ proxy ',
    );
  });
});

describe('TLS', () => {
  it('a certificate from an unknown CA fails, naming --ca-cert; with it, it verifies', async () => {
    const r = await runMain(['doctor', 'movies', '--json'], { env: envFor(secure) });
    expect(r.code).toBe(1);
    expect(check(r.stdout, 'tls')).toMatchObject({
      status: 'fail',
      fix: 'trust the CA that signed it with --ca-cert <pem> (or caFile in the profile)',
    });
    const detail: string = check(r.stdout, 'tls').detail;
    expect(detail).toMatch(/^certificate for 127\.0\.0\.1, issued by ges test CA, valid until /);
    expect(detail).toMatch(/: does not verify: its certificate is signed by an unknown CA /);
    expect(detail).toMatch(/\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
    expect(check(r.stdout, 'credentials').detail).toBe('skipped: tls failed');
    const ok = await runMain(['doctor', 'movies', '--ca-cert', certs.ca], { env: envFor(secure) });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/✓ tls {9}certificate for 127\.0\.0\.1, .*: verified\n/);
  });

  it('a self-signed certificate fails; --insecure makes it a warning, the rest runs', async () => {
    const r = await runMain(['doctor', 'movies'], { env: envFor(selfSigned) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('its certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)');
    const insecure = await runMain(['doctor', 'movies', '--insecure', '--json'], {
      env: envFor(selfSigned),
    });
    expect(insecure.code).toBe(0);
    expect(check(insecure.stdout, 'tls').status).toBe('warn');
    expect(check(insecure.stdout, 'tls').detail).toContain('not checked (flag --insecure)');
    expect(check(insecure.stdout, 'credentials').status).toBe('pass');
    // The warning every run with --insecure prints, once however many connections doctor opens.
    expect(insecure.stderr.match(/verification is off/g)).toHaveLength(1);
  });

  it('https to a plain http server names the mismatch and the endpoint to use', async () => {
    const endpoint = plain.url.replace('http:', 'https:');
    const r = await runMain(['doctor', 'movies', '--json'], {
      env: envFor(plain, { GES_ENDPOINT: endpoint }),
    });
    expect(r.code).toBe(1);
    expect(check(r.stdout, 'tls')).toEqual({
      name: 'tls',
      ok: false,
      status: 'fail',
      detail:
        `${host(plain)} speaks plain HTTP, not TLS ` +
        '(a plain request got "HTTP/1.1 401 Unauthorized")',
      fix: `use ${plain.url} as the endpoint`,
    });
  });

  it('plain http to a TLS server names the mismatch and the endpoint to use', async () => {
    const endpoint = secure.url.replace('https:', 'http:');
    const r = await runMain(['doctor', 'movies', '--json'], {
      env: envFor(secure, { GES_ENDPOINT: endpoint }),
    });
    expect(r.code).toBe(1);
    expect(check(r.stdout, 'tls')).toMatchObject({
      status: 'fail',
      detail:
        `${host(secure)} speaks TLS, not plain HTTP ` +
        '(a plain request got the connection closed without a word)',
      fix: `use ${secure.url} as the endpoint`,
    });
  });
});

describe('credentials', () => {
  it('a wrong token: exit 4, the answer and the hint, the token never shown', async () => {
    const r = await runMain(['doctor', 'movies'], {
      env: envFor(plain, { GES_TOKEN: 'wrong-SECRET-token' }),
      secrets: ['wrong-SECRET-token'],
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(
      '✗ credentials the job list of graph movies answered HTTP 401 APIGW.0301: ' +
        'Incorrect IAM authentication information: verify token failed; fix: GES refused the token',
    );
  });

  it('password auth: IAM login succeeds (no token shown), GES accepts its token', async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    endpoint: ${plain.url}\n    projectId: demo\n` +
        `    auth: {type: password, iamEndpoint: "${plain.url}", domain: acme, user: ci-bot,` +
        ` password: "\${PW}"}\n`,
    );
    const r = await runMain(['doctor', 'movies'], { home, env: { PW: PASSWORD } });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      '✓ credentials IAM login as ci-bot (domain acme) succeeded, token not shown; ' +
        'its token accepted: the job list of graph movies answered 200',
    );
    const wrong = await runMain(['doctor', 'movies', '--json'], {
      home,
      env: { PW: 'not-the-password' },
      secrets: ['not-the-password'],
    });
    expect(wrong.code).toBe(4);
    expect(check(wrong.stdout, 'credentials').detail).toMatch(/^IAM login to .* failed: HTTP 401/);
  });

  it('AK/SK: a signed read and the clock against the server', async () => {
    const env = envFor(signed, {
      GES_TOKEN: undefined,
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SECRET_KEY,
    });
    const r = await runMain(['doctor', 'movies', '--json'], { env });
    expect(r.code, r.stdout).toBe(0);
    expect(statuses(r.stdout).map(([name]) => name)).toEqual([
      'config',
      'endpoint',
      'tcp',
      'tls',
      'credentials',
      'clock',
      'proxy',
    ]);
    expect(check(r.stdout, 'credentials').detail).toBe(
      'AK/SK signature (env HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK) accepted: ' +
        'the job list of graph movies answered 200',
    );
    expect(check(r.stdout, 'clock').status).toBe('pass');
  });

  it.each([
    [7, 'warn', 0],
    [20, 'fail', 1],
  ] as const)('a server clock %i min behind: %s, exit %i', async (minutes, status, code) => {
    const env = envFor(signed, {
      GES_TOKEN: undefined,
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SECRET_KEY,
    });
    const date = new Date(Date.now() - minutes * 60_000).toUTCString();
    await control(signed, 'POST', 'faults', {
      method: 'GET',
      path: '/jobs/status',
      status: 200,
      body: { jobs: [] },
      headers: { Date: date },
    });
    const r = await runMain(['doctor', 'movies', '--json'], { env });
    expect(r.code).toBe(code);
    expect(check(r.stdout, 'clock')).toMatchObject({
      status,
      fix: "set this machine's clock from NTP (timedatectl set-ntp true, chrony, w32tm)",
    });
    expect(check(r.stdout, 'clock').detail).toMatch(
      new RegExp(`^${minutes} min ahead of the server's \\(its Date header\\)`),
    );
  });
});

describe('an endpoint that is not a GES service plane', () => {
  it('a 200 that is not JSON fails the credentials check (exit 1)', async () => {
    await control(plain, 'POST', 'faults', {
      method: 'GET',
      path: '/jobs/status',
      status: 200,
      body: '<html><title>Welcome to nginx!</title></html>',
    });
    const r = await runMain(['doctor', 'movies', '--json'], { env: envFor(plain) });
    expect(r.code).toBe(1);
    expect(check(r.stdout, 'credentials')).toMatchObject({
      status: 'fail',
      fix: "is the endpoint the graph's GES service-plane address?",
    });
    expect(check(r.stdout, 'credentials').detail).toMatch(/answered 200 with .*, not JSON$/);
  });
});

describe('region: the endpoint through the management plane', () => {
  it("finds the first graph's address; the endpoint line says how", async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    managementEndpoint: ${plain.url}\n    projectId: demo\n` +
        '    auth: {type: token, token: "${T}"}\n',
    );
    const r = await runMain(['doctor', '--json'], { home, env: { T: TOKEN } });
    expect(r.code, r.stdout).toBe(0);
    expect(check(r.stdout, 'endpoint').detail).toBe(
      `${plain.url} for graph movies (the first the management plane lists), from the ` +
        `management plane ${plain.url} ` +
        `(file ${realpathSync(home)}/.config/ges/config.yaml (profile default))`,
    );
    // A graph named on the command line, its address cached by the run before: how old it is.
    const named = await runMain(['doctor', 'movies', '--json'], { home, env: { T: TOKEN } });
    expect(check(named.stdout, 'endpoint').detail).toMatch(
      /\(argument\), from .*, cached just now$/,
    );
    const wrong = await runMain(['doctor', '--json'], { home, env: { T: 'nope' } });
    expect(wrong.code).toBe(4);
    expect(check(wrong.stdout, 'endpoint').status).toBe('fail');
    // The management plane is still probed: its address answers, so the fault is the token.
    expect(check(wrong.stdout, 'tcp').status).toBe('pass');
    expect(check(wrong.stdout, 'credentials').detail).toBe('skipped: endpoint failed');
  });
});

describe('proxy', () => {
  it('connections go through HTTP_PROXY: tcp through its tunnel, the proxy answers', async () => {
    const proxy = await startProxy();
    try {
      const r = await runMain(['doctor', 'movies', '--json'], {
        env: envFor(plain, { HTTP_PROXY: proxy.url }),
      });
      expect(r.code, r.stdout).toBe(0);
      expect(check(r.stdout, 'tcp').detail).toBe(
        `${host(plain)} accepts connections (through the proxy ${proxy.url})`,
      );
      expect(check(r.stdout, 'proxy').detail).toBe(`${proxy.url} (HTTP_PROXY) answers`);
      expect(proxy.seen).toContain(`CONNECT ${host(plain)}`);
      const bypass = await runMain(['doctor', 'movies', '--json'], {
        env: envFor(plain, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }),
      });
      expect(check(bypass.stdout, 'proxy').detail).toBe(
        'not used: NO_PROXY matches "127.0.0.1": direct connection',
      );
    } finally {
      await proxy.close();
    }
  });

  it('https through HTTPS_PROXY: the certificate is verified inside the tunnel', async () => {
    const proxy = await startProxy();
    try {
      const r = await runMain(['doctor', 'movies', '--ca-cert', certs.ca, '--json'], {
        env: envFor(secure, { HTTPS_PROXY: proxy.url }),
      });
      expect(r.code, r.stdout).toBe(0);
      expect(check(r.stdout, 'tls').detail).toMatch(/^certificate for 127\.0\.0\.1, .*: verified$/);
      expect(proxy.seen.filter((q) => q === `CONNECT ${host(secure)}`).length).toBeGreaterThan(2);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that refuses: tcp and proxy fail (exit 1), its credentials masked', async () => {
    const port = await closedPort();
    // https_proxy is for https endpoints only: plain http goes direct.
    const r = await runMain(['doctor', 'movies', '--json'], {
      env: envFor(plain, { https_proxy: `http://user:SECRET-proxy-pw@127.0.0.1:${port}` }),
      secrets: ['SECRET-proxy-pw'],
    });
    expect(r.code).toBe(0);
    const s = await runMain(['doctor', 'movies', '--json', '--ca-cert', certs.ca], {
      env: envFor(secure, { https_proxy: `http://user:SECRET-proxy-pw@127.0.0.1:${port}` }),
      secrets: ['SECRET-proxy-pw'],
    });
    expect(s.code).toBe(1);
    expect(check(s.stdout, 'tcp')).toMatchObject({
      status: 'fail',
      detail:
        `the proxy http://***@127.0.0.1:${port}/: ` +
        'connection refused (nothing listens on that port)',
      fix: 'check https_proxy, or add 127.0.0.1 to NO_PROXY if this machine reaches it directly',
    });
    expect(check(s.stdout, 'proxy')).toMatchObject({ status: 'fail', fix: 'check https_proxy' });
  });
});

describe('Ctrl-C', () => {
  it('stops a probe waiting on a silent server: exit 130, no line for it', async () => {
    const seen: string[] = [];
    const open: Socket[] = [];
    const mute = createServer((socket) => {
      open.push(socket);
      socket.on('data', (d) => seen.push(String(d)));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const { port } = mute.address() as { port: number };
    const stop = new AbortController();
    try {
      const run = runMain(['doctor', 'movies', '--connect-timeout', '60s'], {
        env: envFor(plain, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
        stop: stop.signal,
      });
      for (let i = 0; i < 200 && seen.length === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      stop.abort('SIGINT');
      const r = await run;
      expect(r.code).toBe(130);
      expect(r.stdout).toContain('✓ tcp ');
      expect(r.stdout).not.toContain(' tls ');
      expect(r.stderr).toContain('interrupted');
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise((r) => mute.close(r));
    }
  });
});

describe('the built binary', () => {
  it('runs the checks and exits with the first failure', async () => {
    const port = await closedPort();
    const r = await runGes(['doctor', 'movies'], {
      env: envFor(plain, { GES_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ tcp         127.0.0.1:${port}: connection refused`);
    const ok = await runGes(['doctor', 'movies'], { env: envFor(plain) });
    expect(ok.code, ok.stdout).toBe(0);
  });
});

describe('docs/doctor.md', () => {
  it('its example runs as written (on a free port): exit 0, then 1, then 4', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/doctor.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(doc)![1]!;
    const port = String(await closedPort());
    const home = tempHome();
    writeFile(home, 'bin/ges', `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, 0o755);
    const r = spawnSync('bash', ['-c', block.replaceAll('8080', port)], {
      cwd: home,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: `${path.join(home, 'bin')}:${process.env.PATH}`,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
        CI: 'true',
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const shown = doc.split('The first run prints:\n\n```\n')[1]!.split('```')[0]!;
    // After the emulator's own banner: the lines the page shows.
    expect(r.stdout).toContain(shown.replaceAll('8080', port));
    expect(r.stdout).toContain('speaks plain HTTP, not TLS');
    expect(r.stdout).toMatch(/\nexit 1\n[\s\S]*\nexit 4\n$/);
  });
});
