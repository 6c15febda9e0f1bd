import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PrivateCache } from '../../src/core/cache.js';
import { ADDRESS_TTL_MS } from '../../src/core/ges/management.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  closedPort,
  control,
  createJob,
  emulator,
  fakeTime,
  onFakeTime,
  PASSWORD,
  parseJson,
  requestLog,
  runMain,
  SECRET_KEY,
  TOKEN,
  tempHome,
  writeFile,
} from './helpers.js';

/**
 * A region (here: a management endpoint, the emulator's management plane) and credentials
 * are enough: `ges job cancel movies <id>` finds movies' address itself.
 */

const AK = 'AKEXAMPLE1234567890';

let mgmt: Emulator;
let home: string;
beforeAll(async () => {
  mgmt = await emulator({
    graphs: ['movies', 'friends'],
    accessKey: AK,
    secretKey: SECRET_KEY,
    iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD },
  });
});
afterAll(() => mgmt.close());
beforeEach(async () => {
  home = tempHome();
  await control(mgmt, 'DELETE', 'requests');
});

const lists = async (emu: Emulator): Promise<number> =>
  (await requestLog(emu)).filter((q) => q.path.startsWith('/v2/demo/graphs')).length;

function profile(auth: string, extra = ''): string {
  return writeFile(
    home,
    '.config/ges/config.yaml',
    `profiles:\n  default:\n    managementEndpoint: ${mgmt.url}\n    projectId: demo\n` +
      `${extra}    auth: ${auth}\n`,
  );
}

describe('a region profile reaches a graph by its name, with each auth type', () => {
  it.each([
    ['token', '{type: token, token: "${T}"}', { T: TOKEN }],
    [
      'password',
      `{type: password, iamEndpoint: "\${IAM}", domain: acme, user: ci-bot, password: "\${PW}"}`,
      { PW: PASSWORD },
    ],
    ['aksk', '{type: aksk, accessKey: "${AK}", secretKey: "${SK}"}', { AK, SK: SECRET_KEY }],
  ] as const)('%s', async (_type, auth, env) => {
    profile(auth);
    const id = await createJob(mgmt);
    const r = await runMain(['job', 'cancel', 'movies', id], {
      cwd: home,
      env: { ...env, IAM: mgmt.url },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`✓ Cancelled job ${id} on graph movies\n`);
    expect(await lists(mgmt)).toBe(1);
    // The address is cached: the next run asks the management plane nothing.
    const again = await runMain(['job', 'list', 'movies', '--json'], {
      cwd: home,
      env: { ...env, IAM: mgmt.url },
    });
    expect(again.code).toBe(0);
    expect(await lists(mgmt)).toBe(1);
  });
});

describe('what the management plane says', () => {
  it(
    'an unknown name: exit 2 naming the graph, the project and near names; ' +
      'a name in other case is found',
    async () => {
      profile('{type: token, token: "${T}"}');
      const r = await runMain(['job', 'list', 'movise'], { cwd: home, env: { T: TOKEN } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `no graph "movise" in project demo (${mgmt.url}); did you mean movies?`,
      );
      const folded = await runMain(['job', 'list', 'MOVIES', '--json'], {
        cwd: home,
        env: { T: TOKEN },
      });
      expect(folded.code).toBe(0);
      expect(parseJson(folded.stdout).graph).toBe('movies');
    },
  );

  it(
    'a stopped graph is exit 1 naming its state; ' + 'an importing one warns and proceeds',
    async () => {
      const emu = await emulator({ graphs: ['movies'] });
      try {
        writeFile(
          home,
          '.config/ges/config.yaml',
          `profiles:\n  default:\n    managementEndpoint: ${emu.url}\n    projectId: demo\n` +
            `    auth: {type: token, token: "\${T}"}\n`,
        );
        await control(emu, 'POST', 'graphs', { name: 'movies', status: '900' });
        const stopped = await runMain(['job', 'list', 'movies', '--json'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(stopped.code).toBe(1);
        expect(parseJson(stopped.stdout).error).toMatchObject({
          kind: 'unavailable',
          message: 'graph movies is stopped (state 900), so it serves no requests now',
        });
        await control(emu, 'POST', 'graphs', { name: 'movies', status: '202' });
        const importing = await runMain(['job', 'list', 'movies'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(importing.code).toBe(0);
        expect(importing.stderr).toContain(
          'warning: graph movies is importing (state 202); it may still answer',
        );
      } finally {
        await emu.close();
      }
    },
  );

  it('network: public with no public address: exit 2; with one, that address is used', async () => {
    const emu = await emulator({ graphs: ['movies'] });
    try {
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    managementEndpoint: ${emu.url}\n    projectId: demo\n` +
          `    network: public\n    auth: {type: token, token: "\${T}"}\n`,
      );
      const none = await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('graph movies has no public address');
      await control(emu, 'POST', 'graphs', {
        name: 'movies',
        publicIp: new URL(emu.url).host,
        privateIp: '10.255.255.1',
      });
      const ok = await runMain(['job', 'list', 'movies', '--dry-run'], {
        cwd: home,
        env: { T: TOKEN },
      });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`  -> ${emu.url} (management plane)`);
      expect(ok.stdout).toContain(
        `would send: GET ${emu.url}/ges/v1.0/demo/graphs/movies/jobs/status`,
      );
    } finally {
      await emu.close();
    }
  });

  it.each(['evil.example/x?@', 'fe80::1%eth0', '[fe80::1%25eth0]', '999.1.1.1', 'host:0'])(
    'a private_ip of %j is exit 1 naming the graph and the value; nothing is cached',
    async (bad) => {
      const emu = await emulator({ graphs: ['movies'] });
      try {
        writeFile(
          home,
          '.config/ges/config.yaml',
          `profiles:\n  default:\n    managementEndpoint: ${emu.url}\n    projectId: demo\n` +
            `    auth: {type: token, token: "\${T}"}\n`,
        );
        await control(emu, 'POST', 'faults', {
          path: '/v2/demo/graphs',
          status: 200,
          body: {
            graph_count: 2,
            graphs: [
              { name: 'movies', status: '200', private_ip: bad },
              { name: '../x', status: '200', private_ip: '127.0.0.1' },
            ],
          },
        });
        const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(
          `the management plane gives graph movies the private address ${JSON.stringify(bad)}`,
        );
        expect(r.stderr).not.toContain('internal error');
        expect(existsSync(path.join(home, '.cache/ges'))).toBe(false);
      } finally {
        await emu.close();
      }
    },
  );

  it('an IPv6 address is written in brackets', async () => {
    const emu = await emulator({ graphs: ['movies'] });
    try {
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    managementEndpoint: ${emu.url}\n    projectId: demo\n` +
          `    auth: {type: token, token: "\${T}"}\n`,
      );
      await control(emu, 'POST', 'graphs', { name: 'movies', privateIp: 'fd00::20' });
      const r = await runMain(['job', 'list', 'movies', '--dry-run'], {
        cwd: home,
        env: { T: TOKEN },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('would send: GET http://[fd00::20]/ges/v1.0/demo/graphs/movies/');
    } finally {
      await emu.close();
    }
  });
});

/**
 * A management plane `m` that places movies on `s1`, a profile using it, and one run that
 * caches s1's address; `s2` is where movies can move to.
 */
async function movingGraph(
  profileExtra = '',
): Promise<{ m: Emulator; s1: Emulator; s2: Emulator }> {
  const [m, s1, s2] = [
    await emulator({ graphs: ['movies'] }),
    await emulator({ graphs: ['movies'] }),
    await emulator({ graphs: ['movies'] }),
  ];
  writeFile(
    home,
    '.config/ges/config.yaml',
    `profiles:\n  default:\n    managementEndpoint: ${m.url}\n    projectId: demo\n` +
      `    retries: 0\n${profileExtra}    auth: {type: token, token: "\${T}"}\n`,
  );
  await control(m, 'POST', 'graphs', { name: 'movies', privateIp: new URL(s1.url).host });
  expect((await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } })).code).toBe(0);
  return { m, s1, s2 };
}

describe('the address cache', () => {
  it(
    'a cached address that refuses is looked up again once, ' +
      'and the request goes to the new one',
    async () => {
      const { m, s1, s2 } = await movingGraph();
      try {
        await s1.close();
        await control(m, 'POST', 'graphs', { name: 'movies', privateIp: new URL(s2.url).host });
        const id = await createJob(s2);
        const moved = await runMain(['job', 'cancel', 'movies', id, '--json'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(moved.code, moved.stdout).toBe(0);
        expect((await requestLog(m)).filter((q) => q.path.startsWith('/v2/'))).toHaveLength(2);
        const shown = await runMain(['config', 'show', '--graph', 'movies', '--json'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(parseJson(shown.stdout).settings.endpoint).toEqual({
          value: s2.url,
          source: 'management plane, cached just now',
        });

        // Not moved: the same dead address again is no reason to retry.
        const dead = await closedPort();
        await control(m, 'POST', 'graphs', { name: 'movies', privateIp: `127.0.0.1:${dead}` });
        await runMain(['graph', 'list'], { cwd: home, env: { T: TOKEN } });
        const refused = await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`connection refused by 127.0.0.1:${dead}`);
      } finally {
        await m.close();
        await s2.close();
      }
    },
  );
});

describe('the address cache on fake time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an address is used for an hour, then looked up again', async () => {
    const { m, s1, s2 } = await movingGraph();
    try {
      fakeTime();
      await control(m, 'POST', 'graphs', { name: 'movies', privateIp: new URL(s2.url).host });
      await control(m, 'DELETE', 'requests');
      const listed = async (emu: Emulator): Promise<number> =>
        (await requestLog(emu)).filter((q) => q.path.includes('/graphs/movies/jobs')).length;
      const list = () =>
        onFakeTime(runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } }));

      vi.setSystemTime(Date.now() + ADDRESS_TTL_MS - 60_000);
      expect((await list()).code).toBe(0);
      expect(await lists(m)).toBe(0);
      expect([await listed(s1), await listed(s2)]).toEqual([2, 0]);

      vi.setSystemTime(Date.now() + 2 * 60_000);
      expect((await list()).code).toBe(0);
      expect(await lists(m)).toBe(1);
      expect([await listed(s1), await listed(s2)]).toEqual([2, 1]);
    } finally {
      await Promise.all([m.close(), s1.close(), s2.close()]);
    }
  });
});

describe('a cache entry that is not an address', () => {
  it('is not used: the management plane is asked again', async () => {
    profile('{type: token, token: "${T}"}');
    await new PrivateCache(path.join(home, '.cache/ges')).write('graphs', [mgmt.url, 'demo'], {
      addresses: {
        private: { movies: { endpoint: 'http://evil.example/x?y', fetchedAt: Date.now() } },
      },
    });
    const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } });
    expect(r.code, r.stderr).toBe(0);
    expect(await lists(mgmt)).toBe(1);
  });
});

describe('a cached address that never answers', () => {
  it('is looked up again once, as one that refuses is', async () => {
    const { m, s1, s2 } = await movingGraph('    timeout: 0.3\n');
    try {
      await control(s1, 'POST', 'faults', { stall: true, count: 10 });
      await control(m, 'POST', 'graphs', { name: 'movies', privateIp: new URL(s2.url).host });
      const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: { T: TOKEN } });
      expect(r.code, r.stderr).toBe(0);
      expect((await requestLog(m)).filter((q) => q.path.startsWith('/v2/'))).toHaveLength(2);
    } finally {
      await Promise.all([m.close(), s1.close(), s2.close()]);
    }
  });
});

describe('config show --graph', () => {
  it('shows the endpoint of a profile that has one beside its management plane', async () => {
    profile('{type: token, token: "${T}"}', '    endpoint: http://192.168.0.20\n');
    const shown = await runMain(['config', 'show', '--graph', 'movies', '--json'], {
      cwd: home,
      env: { T: TOKEN },
    });
    expect(parseJson(shown.stdout).settings.endpoint.value).toBe('http://192.168.0.20');
    expect(await lists(mgmt)).toBe(0);
  });
});

describe('ges graph list', () => {
  it(
    'every graph with its state, edition, version, addresses; ' +
      'refreshes the cache that completion reads',
    async () => {
      profile('{type: token, token: "${T}"}');
      const json = await runMain(['graph', 'list', '--json'], { cwd: home, env: { T: TOKEN } });
      expect(json.code).toBe(0);
      expect(
        parseJson(json.stdout).graphs.map((g: any) => [
          g.name,
          g.stateWords,
          g.edition,
          g.privateAddress,
        ]),
      ).toEqual([
        ['movies', 'running', 'InMemory', new URL(mgmt.url).host],
        ['friends', 'running', 'InMemory', new URL(mgmt.url).host],
      ]);
      const tsv = await runMain(['graph', 'list'], { cwd: home, env: { T: TOKEN } });
      expect(tsv.stdout.split('\n')[0]).toBe(
        `movies\trunning\tInMemory\t2.4.12\t${new URL(mgmt.url).host}\t\thttp`,
      );
      const table = await runMain(['graph', 'list', '--no-color'], {
        cwd: home,
        env: { T: TOKEN },
        tty: true,
      });
      expect(table.stdout.split('\n')[0]).toMatch(
        /^NAME +STATE +EDITION +VERSION +ADDRESS \(PRIVATE \/ PUBLIC\) +HTTPS$/,
      );
      const names = await runMain(['__complete', 'graphs'], { cwd: home, env: { T: TOKEN } });
      expect(names.stdout).toBe('movies\nfriends\n');
    },
  );

  it('a cache folder anyone can change is refused when it is first written, too', async () => {
    profile('{type: token, token: "${T}"}');
    const cacheDir = path.join(home, '.cache/ges');
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o777);
    try {
      const r = await runMain(['graph', 'list'], { cwd: home, env: { T: TOKEN } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`refusing the cache: ${cacheDir} can be changed by anyone`);
    } finally {
      chmodSync(cacheDir, 0o700);
    }
  });

  it('with an endpoint and no region: exit 2 saying it needs the management plane', async () => {
    const r = await runMain(['graph', 'list'], {
      cwd: home,
      env: { GES_ENDPOINT: mgmt.url, GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ges graph list needs the management plane');
  });
});

describe('regions', () => {
  it(
    'a region names the management plane and IAM; ' +
      "eu-west-101 is .eu; Huawei's SDK variable overrides",
    async () => {
      writeFile(
        home,
        '.config/ges/config.yaml',
        'profiles:\n  default:\n    region: cn-north-4\n    projectId: p1\n' +
          '    auth: {type: password, domain: acme, user: ci-bot, password: "${PW}"}\n',
      );
      const show = parseJson(
        (await runMain(['config', 'show', '--json'], { cwd: home, env: { PW: 'x' } })).stdout,
      ).settings;
      expect(show.managementEndpoint.value).toBe('https://ges.cn-north-4.myhuaweicloud.com');
      expect(show['auth.iamEndpoint'].value).toBe('https://iam.cn-north-4.myhuaweicloud.com');
      const eu = parseJson(
        (
          await runMain(['config', 'show', '--json', '--region', 'eu-west-101'], {
            cwd: home,
            env: { PW: 'x' },
          })
        ).stdout,
      ).settings;
      expect(eu.managementEndpoint.value).toBe('https://ges.eu-west-101.myhuaweicloud.eu');
      const sdk = parseJson(
        (
          await runMain(['config', 'show', '--json'], {
            cwd: home,
            env: { PW: 'x', HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4: 'https://ges.internal.example' },
          })
        ).stdout,
      ).settings;
      expect(sdk.managementEndpoint).toEqual({
        value: 'https://ges.internal.example',
        source: 'env HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4',
      });
      const bad = await runMain(['config', 'show', '--region', 'evil.com/x'], {
        cwd: home,
        env: { PW: 'x' },
      });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('invalid region');
    },
  );

  it(
    '--dry-run with password auth shows the lookup ' + 'it would make and logs in nowhere',
    async () => {
      profile(
        `{type: password, iamEndpoint: "${mgmt.url}", ` +
          `domain: acme, user: ci-bot, password: "\${PW}"}`,
      );
      const r = await runMain(['job', 'cancel', 'movies', 'a1', '--dry-run'], {
        cwd: home,
        env: { PW: PASSWORD },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        `looked up: GET ${mgmt.url}/v2/demo/graphs?offset=0&limit=100 (graph movies)`,
      );
      expect(r.stdout).toContain(
        'not looked up: that needs an IAM login, which --dry-run never does',
      );
      expect(await requestLog(mgmt)).toEqual([]);
    },
  );

  it('config init writes a region profile', async () => {
    const r = await runMain(
      [
        'config',
        'init',
        '--global',
        '-p',
        'cloud',
        '--region',
        'cn-north-4',
        '--project-id',
        'p1',
        '--auth',
        'password',
        '--domain',
        'acme',
        '--user',
        'ci-bot',
      ],
      { cwd: home },
    );
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(path.join(home, '.config/ges/config.yaml'), 'utf8');
    expect(text).toContain('region: cn-north-4');
    expect(text).not.toContain('endpoint:');
    expect(text).not.toContain('iamEndpoint');
  });
});

describe('real ports on other loopback addresses', () => {
  const canBind80 = process.getuid?.() === 0;
  it.skipIf(!canBind80)(
    'an address without a port is http on 80, or https on 443 with enable_https',
    async () => {
      const plain = await emulator({ host: '127.0.0.2', port: 80, graphs: ['movies'] }).catch(
        () => null,
      );
      if (!plain) return expect.fail('could not listen on 127.0.0.2:80');
      const dir = mkdtempSync(path.join(tmpdir(), 'ges-tls-'));
      const ssl = (...args: string[]): void =>
        void execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.3',
        '-addext',
        'subjectAltName=IP:127.0.0.3',
      );
      const tls = {
        key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
        cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
      };
      const secure = await emulator({ host: '127.0.0.3', port: 443, graphs: ['secure'], tls });
      try {
        await control(mgmt, 'POST', 'graphs', { name: 'movies', privateIp: '127.0.0.2' });
        await control(mgmt, 'POST', 'graphs', {
          name: 'secure',
          privateIp: '127.0.0.3',
          enableHttps: true,
        });
        writeFile(
          home,
          '.config/ges/config.yaml',
          `profiles:\n  default:\n    managementEndpoint: ${mgmt.url}\n    projectId: demo\n` +
            `    caFile: ${path.join(dir, 'cert.pem')}\n` +
            `    auth: {type: token, token: "\${T}"}\n`,
        );
        const a = await createJob(plain);
        const r = await runMain(['job', 'cancel', 'movies', a, '-v'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(
          `> DELETE http://127.0.0.2/ges/v1.0/demo/graphs/movies/jobs/${a}`,
        );
        // Its control API speaks https with this self-signed certificate: create the job
        // in-process.
        const b = secure.state.createJob(
          'secure',
          { command: 'execute-algorithm', jobType: 1, cancellable: true },
          { url: '/', body: {} },
          { status: 'running' },
        ).jobId;
        const s = await runMain(['job', 'cancel', 'secure', b, '-v'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(s.code, s.stderr).toBe(0);
        expect(s.stderr).toContain(
          `> DELETE https://127.0.0.3/ges/v1.0/demo/graphs/secure/jobs/${b}`,
        );
      } finally {
        await control(mgmt, 'POST', 'graphs', {
          name: 'movies',
          privateIp: new URL(mgmt.url).host,
        });
        await plain.close();
        await secure.close();
      }
    },
  );
});

/**
 * A management plane in the test: `page(offset)` says what GET /v2/demo/graphs answers.
 * `requests` counts the pages asked for.
 */
async function graphServer(
  page: (offset: number) => { graphs: unknown[]; graph_count?: number },
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const offset = Number(new URL(req.url!, 'http://x').searchParams.get('offset') ?? 0);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(page(offset)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const running = (i: number) => ({
  name: `g${i}`,
  status: '200',
  private_ip: `10.0.${i >> 8}.${i & 255}`,
});

describe('many graphs', () => {
  it('10,000 graphs: every page read, one cache file, each address found in it', async () => {
    const total = 10_000;
    const server = await graphServer((offset) => ({
      graph_count: total,
      graphs: Array.from({ length: Math.max(0, Math.min(100, total - offset)) }, (_, i) =>
        running(offset + i),
      ),
    }));
    try {
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    managementEndpoint: ${server.url}\n    projectId: demo\n` +
          `    auth: {type: token, token: "\${T}"}\n`,
      );
      const list = await runMain(['graph', 'list', '--json'], { cwd: home, env: { T: TOKEN } });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).toBe('');
      expect(parseJson(list.stdout).graphs).toHaveLength(total);
      expect(server.requests()).toBe(100);
      expect(readdirSync(path.join(home, '.cache/ges'))).toHaveLength(1);
      for (const i of [0, 4321, total - 1]) {
        const shown = await runMain(['config', 'show', '--graph', `g${i}`, '--json'], {
          cwd: home,
          env: { T: TOKEN },
        });
        expect(parseJson(shown.stdout).settings.endpoint).toEqual({
          value: `http://${running(i).private_ip}`,
          source: 'management plane, cached just now',
        });
      }
      expect(server.requests()).toBe(100);
    } finally {
      await server.close();
    }
  });

  it('a server that repeats its first page: a warning says how many graphs were read', async () => {
    const server = await graphServer(() => ({
      graph_count: 250,
      graphs: Array.from({ length: 100 }, (_, i) => running(i)),
    }));
    try {
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    managementEndpoint: ${server.url}\n    projectId: demo\n` +
          `    auth: {type: token, token: "\${T}"}\n`,
      );
      const list = await runMain(['graph', 'list', '--json'], { cwd: home, env: { T: TOKEN } });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).toContain(
        'the management plane sent a page of graphs already listed; ' +
          'stopped after reading 100 graphs of the 250 it counts',
      );
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });
});
