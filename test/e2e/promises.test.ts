import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  closedPort,
  control,
  createJob,
  emulator,
  envFor,
  parseJson,
  ROOT,
  runGes,
  runMain,
  SECRET_KEY,
  tempHome,
  writeFile,
  writeTrusted,
} from './helpers.js';

/** What the README promises, checked the way a user would meet it. */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator({ cancelDelayMs: 600 });
});
afterAll(() => emu.close());

describe('--wait cancels everything first, then waits for all under one budget', () => {
  it(
    '3 jobs, --concurrency 1, --wait-timeout 1.5, ' +
      'each taking 0.6 s to stop: all stopped, exit 0',
    async () => {
      const ids = [await createJob(emu), await createJob(emu), await createJob(emu)];
      const r = await runMain(
        [
          'job',
          'cancel',
          'movies',
          ...ids,
          '--concurrency',
          '1',
          '--wait',
          '--wait-timeout',
          '1.5',
          '--json',
        ],
        { env: envFor(emu) },
      );
      expect(r.code, r.stdout).toBe(0);
      expect(parseJson(r.stdout).results.map((x: any) => [x.outcome, x.stopped])).toEqual([
        ['cancelled', true],
        ['cancelled', true],
        ['cancelled', true],
      ]);
    },
  );
});

describe('--json is one document for every exit', () => {
  it.each([[['--json']], [['job', '--json']], [['--json', 'config']]])(
    '%j: the envelope, exit 2',
    async (args) => {
      const r = await runMain(args, {});
      expect(r.code).toBe(2);
      expect(parseJson(r.stdout)).toMatchObject({
        ok: false,
        exitCode: 2,
        error: { kind: 'usage' },
      });
    },
  );

  it(
    'ges help, ges help job and ges job help list print help and exit 0; ' +
      'group helps teach too',
    async () => {
      for (const args of [['help'], ['help', 'job'], ['job', 'help', 'list']]) {
        const r = await runMain(args, {});
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.stdout, args.join(' ')).toContain('Usage: ges');
      }
      for (const group of ['job', 'config']) {
        const r = await runGes([group, '--help']);
        expect(r.stdout, group).toContain('Examples:');
        expect(r.stdout, group).toContain('Exit codes:');
      }
    },
  );
});

describe('config files', () => {
  it('.ts configs are not searched (an installed ges cannot compile them)', async () => {
    const home = tempHome();
    writeFile(home, '.gesrc.ts', 'export default { profiles: {} }\n');
    const r = await runMain(['config', 'path'], { cwd: home });
    expect(r.stdout.split('\n')[0]).toBe('none');
    expect(r.stdout).not.toContain('.ts');
  });

  it('--config with any extension is read as YAML: .gesrc.example and x.conf', async () => {
    const example = await runMain(
      ['config', 'show', '-p', 'local', '--config', path.join(ROOT, '.gesrc.example')],
      {},
    );
    expect(example.code, example.stderr).toBe(0);
    const home = tempHome();
    const conf = writeFile(
      home,
      'x.conf',
      `profiles:\n  default:\n    endpoint: ${emu.url}\n` +
        `    projectId: demo\n    auth: {type: none}\n`,
    );
    expect((await runMain(['config', 'show', '--config', conf], { cwd: home })).code).toBe(0);
  });

  it('.gesrc.example has a profile of each auth kind and points at no missing file', async () => {
    const text = readFileSync(path.join(ROOT, '.gesrc.example'), 'utf8');
    for (const type of ['token', 'password', 'aksk', 'none'])
      expect(text).toMatch(new RegExp(`^\\s+type: ${type}$`, 'm'));
    expect(text).not.toMatch(/^\s+caFile:/m);
  });

  it('config list masks user info in endpoints', async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      'profiles:\n  default:\n    endpoint: http://admin:hunter2@10.0.0.5\n',
    );
    const r = await runMain(['config', 'list'], { cwd: home, secrets: ['hunter2'] });
    expect(r.stdout).toContain('http://***@10.0.0.5/');
  });

  it(
    'config show labels each source: ' +
      'IAM endpoint and security token from the environment; ' +
      'a short access key shows its end',
    async () => {
      const home = tempHome();
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
          `    auth: {type: password, iamEndpoint: "https://iam.file", ` +
          `domain: d, user: u, password: "\${PW}"}\n`,
      );
      const iam = parseJson(
        (
          await runMain(['config', 'show', '--json'], {
            cwd: home,
            env: { PW: 'x', HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.env' },
          })
        ).stdout,
      );
      expect(iam.settings['auth.iamEndpoint']).toEqual({
        value: 'https://iam.env',
        source: 'env HUAWEICLOUD_SDK_IAM_ENDPOINT',
      });
      expect(iam.settings['auth.domain'].source).toContain('file ');
      const aksk = parseJson(
        (
          await runMain(['config', 'show', '--json'], {
            cwd: home,
            env: {
              PW: 'x',
              HUAWEICLOUD_SDK_AK: 'AKSHORT1',
              HUAWEICLOUD_SDK_SK: SECRET_KEY,
              HUAWEICLOUD_SDK_SECURITY_TOKEN: 'st-x',
            },
          })
        ).stdout,
      );
      expect(aksk.settings['auth.securityToken']).toEqual({
        value: '***',
        source: 'env HUAWEICLOUD_SDK_SECURITY_TOKEN',
      });
      expect(aksk.settings['auth.accessKey'].value).toBe('****T1');
    },
  );

  it(
    'config init writes to --config, adds to a shadowing .gesrc, ' +
      'refuses a shadowing package.json',
    async () => {
      const init = [
        'config',
        'init',
        '-p',
        'ci',
        '--endpoint',
        emu.url,
        '--project-id',
        'demo',
        '--auth',
        'token',
      ];
      const home = tempHome();
      const named = path.join(home, 'elsewhere.yaml');
      expect((await runMain([...init, '--config', named], { cwd: home })).code).toBe(0);
      expect(readFileSync(named, 'utf8')).toContain('ci:');

      const a = path.join(home, 'a');
      writeTrusted(home, 'a/.gesrc', 'profiles:\n  old:\n    endpoint: http://127.0.0.1:1\n');
      expect((await runMain([...init, '--local'], { cwd: a, home })).code).toBe(0);
      expect(readFileSync(path.join(a, '.gesrc'), 'utf8')).toContain('ci:');

      const b = path.join(home, 'b');
      writeFile(home, 'b/package.json', JSON.stringify({ name: 'b', ges: { profiles: {} } }));
      const refused = await runMain([...init, '--local'], { cwd: b, home });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `${path.join(b, 'package.json')} is read before ${path.join(b, '.gesrc.yaml')}`,
      );
    },
  );

  it('config path on a malformed file: the path, the parse error, exit 2', async () => {
    const home = tempHome();
    const file = writeFile(
      home,
      '.config/ges/config.yaml',
      'profiles:\n  default:\n    endpoint: [unclosed\n',
    );
    const r = await runMain(['config', 'path'], { cwd: home });
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')[0]).toBe(`${file}  (trusted: in the user config folder)`);
    expect(r.stderr).toContain(`malformed config file ${file} at line`);
  });
});

describe('messages that blame the right thing', () => {
  it('a proxy that refuses is named as the proxy', async () => {
    const port = await closedPort();
    const r = await runMain(['job', 'list', 'movies', '--retries', '0'], {
      env: envFor(emu, {
        GES_ENDPOINT: 'http://10.1.2.3:9',
        HTTP_PROXY: `http://127.0.0.1:${port}`,
      }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `connection refused by the proxy http://127.0.0.1:${port} (on the way to 10.1.2.3:9)`,
    );
  });

  it('an AK/SK signature refused for its date gets a clock hint', async () => {
    const signed = await emulator({
      token: null,
      accessKey: 'AK1234567890',
      secretKey: SECRET_KEY,
      now: () => Date.now() + 3_600_000,
    });
    try {
      const r = await runMain(['job', 'list', 'movies'], {
        env: envFor(signed, {
          GES_TOKEN: undefined,
          HUAWEICLOUD_SDK_AK: 'AK1234567890',
          HUAWEICLOUD_SDK_SK: SECRET_KEY,
        }),
      });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("this machine's clock must be within 15 minutes");
    } finally {
      await signed.close();
    }
  });

  it(
    'GES.8303 on a job still running ' + 'under --ignore-finished is explained, and fails',
    async () => {
      const id = await createJob(emu);
      await control(emu, 'POST', 'faults', {
        method: 'DELETE',
        status: 400,
        body: { errorCode: 'GES.8303', errorMessage: 'can not find job to cancel' },
      });
      const r = await runMain(['job', 'cancel', 'movies', id, '--ignore-finished', '--json'], {
        env: envFor(emu),
      });
      expect(r.code).toBe(4);
      expect(parseJson(r.stdout).results[0]).toMatchObject({
        outcome: 'failed',
        jobStatus: 'running',
      });
      expect(parseJson(r.stdout).results[0].note).toContain('though the job is still running');
    },
  );

  it('the emulator prints its address even with --quiet', async () => {
    const stop = new AbortController();
    const run = runMain(['emulator', '--port', '0', '--quiet'], { stop: stop.signal });
    await new Promise((r) => setTimeout(r, 300));
    stop.abort('SIGINT');
    const r = await run;
    expect(r.stdout).toMatch(/^GES emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
