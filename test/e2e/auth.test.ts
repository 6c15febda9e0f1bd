import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import {
  closedPort,
  control,
  createJob,
  emulator,
  PASSWORD,
  parseJson,
  requestLog,
  runMain,
  SECRET_KEY,
  SECURITY_TOKEN,
  tempHome,
  writeTrusted,
} from './helpers.js';

const open: Emulator[] = [];
async function start(options: EmulatorOptions): Promise<Emulator> {
  const emu = await emulator({ token: null, ...options });
  open.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

const IAM = { domain: 'my-account', user: 'ci-bot', password: PASSWORD };

function passwordProfile(emu: Emulator, iamEndpoint: string | null = emu.url): string {
  return `profiles:
  default:
    endpoint: ${emu.url}
    projectId: demo
    auth:
      type: password
${iamEndpoint ? `      iamEndpoint: ${iamEndpoint}\n` : ''}      domain: my-account
      user: ci-bot
      password: \${GES_PASSWORD}
`;
}

const logins = async (emu: Emulator): Promise<number> =>
  (await requestLog(emu)).filter((r) => r.path.startsWith('/v3/auth/tokens')).length;

describe('auth type password (IAM login)', () => {
  it('logs in, sends the token, caches it privately, and reuses it on the next run', async () => {
    const emu = await start({ iam: IAM });
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', passwordProfile(emu));
    const env = { GES_PASSWORD: PASSWORD };
    const r = await runMain(['job', 'cancel', 'movies', await createJob(emu)], { cwd: home, env });
    expect(r.code).toBe(0);
    const log = await requestLog(emu);
    expect(log.map((q) => `${q.method} ${q.path.replace(/jobs\/.*/, 'jobs/…')}`)).toEqual([
      'POST /v3/auth/tokens?nocatalog=true',
      'DELETE /ges/v1.0/demo/graphs/movies/jobs/…',
    ]);

    const dir = path.join(home, '.cache/ges');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(dir);
    expect(statSync(path.join(dir, file!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, file!), 'utf8')).not.toContain(PASSWORD);

    const again = await runMain(['job', 'cancel', 'movies', await createJob(emu)], {
      cwd: home,
      env,
    });
    expect(again.code).toBe(0);
    expect(await logins(emu)).toBe(1);
  });

  it('a token within five minutes of expiry is not reused', async () => {
    const emu = await start({ iam: { ...IAM, tokenLifetimeMs: 4 * 60 * 1000 } });
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', passwordProfile(emu));
    for (let i = 0; i < 2; i++)
      expect(
        (await runMain(['job', 'list', 'movies'], { cwd: home, env: { GES_PASSWORD: PASSWORD } }))
          .code,
      ).toBe(0);
    expect(await logins(emu)).toBe(2);
  });

  it('a 401 with a cached token drops it, logs in again and retries once', async () => {
    const emu = await start({ iam: IAM });
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', passwordProfile(emu));
    const env = { GES_PASSWORD: PASSWORD };
    expect((await runMain(['job', 'list', 'movies'], { cwd: home, env })).code).toBe(0);
    await control(emu, 'DELETE', 'iam/tokens'); // the engine no longer accepts the cached token
    await control(emu, 'DELETE', 'requests');
    const id = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', id, '--json'], { cwd: home, env });
    expect(r.code).toBe(0);
    expect((await requestLog(emu)).map((q) => q.method)).toEqual(['DELETE', 'POST', 'DELETE']);
    expect(parseJson(r.stdout).results[0].outcome).toBe('cancelled');
  });

  it('a wrong password: exit 4 naming IAM, nothing sent to GES', async () => {
    const emu = await start({ iam: IAM });
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', passwordProfile(emu));
    const r = await runMain(['job', 'list', 'movies'], {
      cwd: home,
      env: { GES_PASSWORD: 'wrong-password-x' },
      secrets: ['wrong-password-x'],
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      `IAM login to ${emu.url} failed: HTTP 401: The username or password is wrong.`,
    );
    expect(r.stderr).toContain('hint: check auth.domain');
    expect((await requestLog(emu)).filter((q) => q.path.startsWith('/ges/'))).toEqual([]);
  });

  it('an unreachable IAM: exit 1 naming IAM', async () => {
    const emu = await start({ iam: IAM });
    const home = tempHome();
    const iam = `http://127.0.0.1:${await closedPort()}`;
    writeTrusted(home, '.gesrc.yaml', passwordProfile(emu, iam));
    const r = await runMain(['job', 'list', 'movies', '--retries', '0', '--json'], {
      cwd: home,
      env: { GES_PASSWORD: PASSWORD },
    });
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout).error.message).toBe(
      `IAM login to ${iam} failed: connection refused by ${new URL(iam).host}`,
    );
  });

  it(
    'HUAWEICLOUD_SDK_IAM_ENDPOINT supplies the IAM endpoint; ' + '--dry-run logs in nowhere',
    async () => {
      const emu = await start({ iam: IAM });
      const home = tempHome();
      writeTrusted(home, '.gesrc.yaml', passwordProfile(emu, null));
      const env = { GES_PASSWORD: PASSWORD, HUAWEICLOUD_SDK_IAM_ENDPOINT: emu.url };
      const dry = await runMain(['job', 'cancel', 'movies', 'a1', '--dry-run'], { cwd: home, env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('X-Auth-Token: ***');
      expect(await requestLog(emu)).toEqual([]);
      expect((await runMain(['job', 'list', 'movies'], { cwd: home, env })).code).toBe(0);
      const missing = await runMain(['job', 'list', 'movies'], {
        cwd: home,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('needs an IAM endpoint');
    },
  );
});

describe('auth type aksk (request signing)', () => {
  const AK = 'AKTESTEXAMPLE0001';

  it('HUAWEICLOUD_SDK_AK/SK sign every request without a profile auth section', async () => {
    const emu = await start({ accessKey: AK, secretKey: SECRET_KEY });
    const env = {
      GES_ENDPOINT: emu.url,
      GES_PROJECT_ID: 'demo',
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SECRET_KEY,
    };
    const id = await createJob(emu, { status: 'success' });
    const status = await runMain(
      ['job', 'status', 'movies', id, '--offset', '2', '--limit', '3', '--verbose'],
      { env },
    );
    expect(status.code).toBe(0);
    expect(status.stderr).toContain('> Authorization: ***');
    expect((await runMain(['job', 'list', 'movies'], { env })).code).toBe(0);
    expect((await runMain(['job', 'cancel', 'movies', await createJob(emu)], { env })).code).toBe(
      0,
    );
    const [first] = await requestLog(emu);
    expect(first!.headers.authorization).toBe('***');
    expect(first!.headers['x-sdk-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('a profile with temporary keys sends and signs X-Security-Token', async () => {
    const emu = await start({
      accessKey: AK,
      secretKey: SECRET_KEY,
      securityToken: SECURITY_TOKEN,
    });
    const home = tempHome();
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
        `    auth:\n      type: aksk\n      accessKey: ${AK}\n` +
        `      secretKey: \${SK}\n      securityToken: \${ST}\n`,
    );
    expect(
      (
        await runMain(['job', 'list', 'movies'], {
          cwd: home,
          env: { SK: SECRET_KEY, ST: SECURITY_TOKEN },
        })
      ).code,
    ).toBe(0);
    const wrong = await runMain(['job', 'list', 'movies'], {
      cwd: home,
      env: { SK: SECRET_KEY, ST: 'st-other-value' },
      secrets: ['st-other-value'],
    });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('security token missing or wrong');
  });

  it('a wrong secret key or a clock more than 15 minutes off answers 401 (exit 4)', async () => {
    const emu = await start({ accessKey: AK, secretKey: SECRET_KEY });
    const base = { GES_ENDPOINT: emu.url, GES_PROJECT_ID: 'demo', HUAWEICLOUD_SDK_AK: AK };
    const wrong = await runMain(['job', 'list', 'movies'], {
      env: { ...base, HUAWEICLOUD_SDK_SK: 'sk-wrong-value' },
      secrets: ['sk-wrong-value'],
    });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('verify aksk signature fail');
    await control(emu, 'POST', 'clock', { advanceMs: 16 * 60 * 1000 });
    const skewed = await runMain(['job', 'list', 'movies'], {
      env: { ...base, HUAWEICLOUD_SDK_SK: SECRET_KEY },
    });
    expect(skewed.code).toBe(4);
    expect(skewed.stderr).toContain('more than 15 minutes off');
  });

  it('a signature refused for its date gets a clock hint', async () => {
    const signed = await start({
      accessKey: 'AK1234567890',
      secretKey: SECRET_KEY,
      now: () => Date.now() + 3_600_000,
    });
    const r = await runMain(['job', 'list', 'movies'], {
      env: {
        GES_ENDPOINT: signed.url,
        GES_PROJECT_ID: signed.projectId,
        HUAWEICLOUD_SDK_AK: 'AK1234567890',
        HUAWEICLOUD_SDK_SK: SECRET_KEY,
      },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("this machine's clock must be within 15 minutes");
  });

  it('GES_TOKEN wins over AK/SK from the environment', async () => {
    const emu = await start({ token: 'static-token-1', accessKey: AK, secretKey: SECRET_KEY });
    const r = await runMain(['job', 'list', 'movies'], {
      env: {
        GES_ENDPOINT: emu.url,
        GES_PROJECT_ID: 'demo',
        GES_TOKEN: 'static-token-1',
        HUAWEICLOUD_SDK_AK: AK,
        HUAWEICLOUD_SDK_SK: 'wrong',
      },
      secrets: ['static-token-1'],
    });
    expect(r.code).toBe(0);
    expect((await requestLog(emu))[0]!.headers['x-auth-token']).toBe('***');
  });
});
