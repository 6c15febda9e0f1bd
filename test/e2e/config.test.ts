import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  createJob,
  emulator,
  envFor,
  parseJson,
  ROOT,
  requestLog,
  runMain,
  TOKEN,
  tempHome,
  writeFile,
  writeTrusted,
} from './helpers.js';

let emu: Emulator;
let home: string;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  home = tempHome();
  await control(emu, 'DELETE', 'requests');
});

function profileYaml(extra = ''): string {
  return `profiles:
  default:
    endpoint: ${emu.url}
    projectId: demo
    auth:
      type: token
      token: \${MY_TOKEN}
${extra}`;
}

describe('config file search and loading', () => {
  it('finds .gesrc.yaml in the working directory and interpolates ${VAR}', async () => {
    writeTrusted(home, '.gesrc.yaml', profileYaml());
    const id = await createJob(emu);
    const r = await runMain(['job', 'cancel', 'movies', id], {
      cwd: home,
      env: { MY_TOKEN: TOKEN },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('searches parent folders up to home, then ~/.config/ges/config.yaml', async () => {
    writeTrusted(
      home,
      '.gesrc.json',
      JSON.stringify({
        profiles: {
          default: {
            endpoint: emu.url,
            projectId: 'demo',
            auth: { type: 'token', token: '${MY_TOKEN}' },
          },
        },
      }),
    );
    const deep = path.join(home, 'a/b');
    writeFile(deep, 'placeholder', '');
    const id = await createJob(emu);
    expect(
      (
        await runMain(['job', 'cancel', 'movies', id], {
          cwd: deep,
          home,
          env: { MY_TOKEN: TOKEN },
        })
      ).code,
    ).toBe(0);

    const home2 = tempHome();
    writeFile(home2, '.config/ges/config.yaml', profileYaml());
    const id2 = await createJob(emu);
    expect(
      (await runMain(['job', 'cancel', 'movies', id2], { cwd: home2, env: { MY_TOKEN: TOKEN } }))
        .code,
    ).toBe(0);
  });

  it('reads a "ges" key in package.json', async () => {
    writeTrusted(
      home,
      'package.json',
      JSON.stringify({
        name: 'x',
        ges: {
          profiles: {
            default: {
              endpoint: emu.url,
              projectId: 'demo',
              auth: { type: 'token', token: '${MY_TOKEN}' },
            },
          },
        },
      }),
    );
    const id = await createJob(emu);
    expect(
      (await runMain(['job', 'cancel', 'movies', id], { cwd: home, env: { MY_TOKEN: TOKEN } }))
        .code,
    ).toBe(0);
  });

  it('--config and GES_CONFIG name a file and skip the search', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      'profiles: {default: {endpoint: "http://127.0.0.1:1", projectId: nope}}',
    );
    const file = writeFile(home, 'elsewhere/ges.yaml', profileYaml());
    const a = await createJob(emu);
    expect(
      (
        await runMain(['job', 'cancel', 'movies', a, '--config', file], {
          cwd: home,
          env: { MY_TOKEN: TOKEN },
        })
      ).code,
    ).toBe(0);
    const b = await createJob(emu);
    expect(
      (
        await runMain(['job', 'cancel', 'movies', b], {
          cwd: home,
          env: { MY_TOKEN: TOKEN, GES_CONFIG: file },
        })
      ).code,
    ).toBe(0);
    const missing = await runMain(['job', 'cancel', 'movies', b, '--config', 'nope.yaml'], {
      cwd: home,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`config file ${path.join(home, 'nope.yaml')} does not exist`);
  });

  it('selects profiles: defaultProfile, then GES_PROFILE, then --profile', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      `defaultProfile: good
profiles:
  good:
    endpoint: ${emu.url}
    projectId: demo
    auth: {type: token, token: "\${MY_TOKEN}"}
  bad:
    endpoint: http://127.0.0.1:1
    projectId: demo
    retries: 0
    auth: {type: token, token: "\${MY_TOKEN}"}
`,
    );
    const env = { MY_TOKEN: TOKEN };
    expect((await runMain(['job', 'list', 'movies'], { cwd: home, env })).code).toBe(0);
    expect(
      (await runMain(['job', 'list', 'movies'], { cwd: home, env: { ...env, GES_PROFILE: 'bad' } }))
        .code,
    ).toBe(1);
    expect(
      (
        await runMain(['job', 'list', 'movies', '-p', 'good'], {
          cwd: home,
          env: { ...env, GES_PROFILE: 'bad' },
        })
      ).code,
    ).toBe(0);
    const r = await runMain(['job', 'list', 'movies', '--profile', 'prod'], { cwd: home, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('profile "prod" (from flag --profile) is not defined in');
    expect(r.stderr).toContain('(profiles: good, bad)');
  });

  it('precedence: flag > environment > profile', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: http://127.0.0.1:1\n    projectId: wrong\n` +
        `    retries: 0\n    auth: {type: token, token: "\${MY_TOKEN}"}\n`,
    );
    const env = { MY_TOKEN: TOKEN };
    const fromEnv = await runMain(['job', 'list', 'movies'], {
      cwd: home,
      env: { ...env, GES_ENDPOINT: emu.url, GES_PROJECT_ID: 'demo' },
    });
    expect(fromEnv.code).toBe(0);
    const fromFlag = await runMain(
      ['job', 'list', 'movies', '--endpoint', emu.url, '--project-id', 'demo'],
      {
        cwd: home,
        env: { ...env, GES_ENDPOINT: 'http://127.0.0.1:1' },
      },
    );
    expect(fromFlag.code).toBe(0);
    const sdkProject = await runMain(['job', 'list', 'movies'], {
      cwd: home,
      env: { ...env, GES_ENDPOINT: emu.url, HUAWEICLOUD_SDK_PROJECT_ID: 'demo' },
    });
    expect(sdkProject.code).toBe(0);
  });

  it('GES_TOKEN wins over the profile auth', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
        `    auth: {type: token, token: not-the-token}\n`,
    );
    const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: { GES_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
  });

  it('auth type none sends no credentials', async () => {
    const open = await emulator({ token: null });
    try {
      writeTrusted(
        home,
        '.gesrc.yaml',
        `profiles:\n  default:\n    endpoint: ${open.url}\n` +
          `    projectId: demo\n    auth: {type: none}\n`,
      );
      const r = await runMain(['job', 'list', 'movies'], { cwd: home });
      expect(r.code).toBe(0);
      expect((await requestLog(open))[0]!.headers['x-auth-token']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('.ts configs are not searched (an installed ges cannot compile them)', async () => {
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
    const conf = writeFile(
      home,
      'x.conf',
      'profiles:\n  default:\n    endpoint: http://192.168.0.20\n' +
        '    projectId: demo\n    auth: {type: none}\n',
    );
    expect((await runMain(['config', 'show', '--config', conf], { cwd: home })).code).toBe(0);
  });
});

describe('precedence through a run', () => {
  it('-p prod goes where prod says, with its credentials, whatever the shell holds', async () => {
    const shell = await emulator({ token: 'shell-token' });
    try {
      writeTrusted(
        home,
        '.gesrc.yaml',
        `profiles:\n  prod:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
          `    auth: {type: token, token: "\${PROD_TOKEN}"}\n`,
      );
      const id = await createJob(emu);
      const r = await runMain(['-p', 'prod', 'job', 'cancel', 'movies', id], {
        cwd: home,
        env: {
          PROD_TOKEN: TOKEN,
          GES_ENDPOINT: shell.url,
          GES_PROJECT_ID: 'shellproject',
          GES_TOKEN: 'shell-token',
        },
      });
      // Exit 0: this emulator took prod's token (it refuses any other).
      expect(r.code, r.stderr).toBe(0);
      expect(await requestLog(shell)).toEqual([]);
      const [sent] = await requestLog(emu);
      expect(sent!.path).toContain('/demo/graphs/movies/jobs/');
    } finally {
      await shell.close();
    }
  });

  it('a ${NAME} in the default profile is not needed when the env overrides it', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: http://127.0.0.1:1\n    projectId: other\n` +
        `    auth: {type: password, iamEndpoint: "http://127.0.0.1:1", domain: d, user: u,` +
        ` password: "\${GES_PASSWORD}"}\n`,
    );
    const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: envFor(emu) });
    expect(r.code, r.stderr).toBe(0);
  });

  it('--verbose says where each setting came from, before the first request', async () => {
    const r = await runMain(['job', 'list', 'movies', '--verbose', '--timeout', '9s'], {
      cwd: home,
      env: envFor(emu),
    });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const first = lines.findIndex((l) => l.startsWith('> GET'));
    const settings = lines.slice(0, first);
    expect(settings).toContain(`setting endpoint = ${emu.url} (env GES_ENDPOINT)`);
    expect(settings).toContain('setting auth.token = *** (env GES_TOKEN)');
    expect(settings).toContain('setting timeout = 9 (flag --timeout)');
    expect(settings).toContain('setting connectTimeout = 10 (default)');
    expect(lines.slice(first).some((l) => l.startsWith('setting '))).toBe(false);
  });
});

describe('config errors: exit 2, one clear line, nothing sent', () => {
  async function expectConfigError(
    text: string,
    args: string[] = ['job', 'list', 'movies'],
    env: Record<string, string> = {},
  ): Promise<string> {
    const r = await runMain(args, { cwd: home, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await requestLog(emu)).toEqual([]);
    return r.stderr;
  }

  it('an unset ${VAR} names the variable and the file', async () => {
    const file = writeTrusted(home, '.gesrc.yaml', profileYaml());
    await expectConfigError(
      `profiles.default.auth.token in ${file} refers to \${MY_TOKEN}, ` +
        `but the environment variable MY_TOKEN is not set`,
    );
  });

  it('a wrongly typed key names the key path and the file', async () => {
    const file = writeTrusted(
      home,
      '.gesrc.yaml',
      profileYaml().replace('projectId: demo', 'projectId: demo\n    retries: two'),
    );
    await expectConfigError(
      `profiles.default.retries in ${file} must be a whole number, not string "two"`,
      undefined,
      { MY_TOKEN: TOKEN },
    );
  });

  it('a missing required auth key', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${emu.url}\n    auth: {type: token}\n`,
    );
    await expectConfigError('profiles.default.auth.token is missing');
  });

  it('a malformed YAML file gives the line and column', async () => {
    const file = writeTrusted(
      home,
      '.gesrc.yaml',
      'profiles:\n  default:\n    endpoint: [unclosed\n    projectId: x\n',
    );
    const stderr = await expectConfigError(`malformed config file ${file} at line`);
    expect(stderr).toMatch(/at line \d+, column \d+/);
  });

  it('a malformed JSON file gives the line and column', async () => {
    writeTrusted(home, '.gesrc.json', '{\n  "profiles": {\n    "default": {,}\n  }\n}\n');
    const stderr = await expectConfigError('malformed config file');
    expect(stderr).toMatch(/line 3, column \d+/);
  });

  it('no endpoint anywhere: a config error, also as JSON', async () => {
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--json'], {
      cwd: home,
      env: { GES_TOKEN: TOKEN },
    });
    expect(r.code).toBe(2);
    expect(parseJson(r.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      error: {
        kind: 'config',
        message:
          'no endpoint: no config file was found, ' +
          'and neither --endpoint, --region, GES_ENDPOINT nor GES_REGION is set',
      },
    });
  });

  it('no credentials', async () => {
    await expectConfigError('no credentials', [
      'job',
      'list',
      'movies',
      '--endpoint',
      emu.url,
      '--project-id',
      'demo',
    ]);
  });

  it('an invalid endpoint from the environment; user info is never echoed', async () => {
    const stderr = await expectConfigError(
      'must not carry a user name or password',
      ['job', 'list', 'movies'],
      {
        GES_ENDPOINT: 'https://admin:hunter2@ges.example.com',
        GES_PROJECT_ID: 'demo',
        GES_TOKEN: TOKEN,
      },
    );
    expect(stderr).not.toContain('hunter2');
    await expectConfigError('only http and https', ['job', 'list', 'movies'], {
      GES_ENDPOINT: 'ftp://x',
      GES_PROJECT_ID: 'demo',
      GES_TOKEN: TOKEN,
    });
  });

  it('bad flag values are usage errors (exit 2)', async () => {
    const env = envFor(emu);
    for (const [args, text] of [
      [['--project-id', 'has-dash'], 'invalid project ID "has-dash"'],
      [['--endpoint', 'http://x/?a=1'], 'must not have a query string'],
      [['--timeout', '0'], 'invalid value "0" for timeout'],
      [['--retries', '-1'], 'invalid value "-1" for retries'],
    ] as const) {
      const r = await runMain(['job', 'list', 'movies', ...args], {
        cwd: home,
        env: env as Record<string, string>,
      });
      expect(r.code, text).toBe(2);
      expect(r.stderr).toContain(text);
    }
    expect(await requestLog(emu)).toEqual([]);
  });
});

describe('config warnings', () => {
  it('an unknown key is a warning with a suggestion, and the command still runs', async () => {
    writeTrusted(
      home,
      '.gesrc.yaml',
      profileYaml().replace('projectId: demo', 'projectId: demo\n    retires: 3'),
    );
    const r = await runMain(['job', 'list', 'movies'], { cwd: home, env: { MY_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: unknown key profiles\.default\.retires in .* \(did you mean retries\?\)/,
    );
  });

  it(
    'a literal secret in a file others can read ' + 'earns a chmod 600 warning, without the secret',
    async () => {
      const text = profileYaml().replace('${MY_TOKEN}', TOKEN);
      writeTrusted(home, '.gesrc.yaml', text, 0o644);
      const r = await runMain(['job', 'list', 'movies'], { cwd: home });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('holds a literal secret (profiles.default.auth.token)');
      expect(r.stderr).toContain('chmod 600');
      writeTrusted(home, '.gesrc.yaml', text, 0o600);
      expect((await runMain(['job', 'list', 'movies'], { cwd: home })).stderr).not.toContain(
        'warning',
      );
    },
  );
});

describe('.gesrc.example', () => {
  it('is a valid config: its local profile works as is', async () => {
    writeTrusted(home, '.gesrc.yaml', readFileSync(path.join(ROOT, '.gesrc.example'), 'utf8'));
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--profile', 'local', '--dry-run'], {
      cwd: home,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'would send: DELETE http://127.0.0.1:8080/ges/v1.0/demo/graphs/movies/jobs/a1',
    );
    expect(r.stderr).toBe('');
  });

  it('has a profile of each auth kind and points at no missing file', () => {
    const text = readFileSync(path.join(ROOT, '.gesrc.example'), 'utf8');
    for (const type of ['token', 'password', 'aksk', 'none'])
      expect(text).toMatch(new RegExp(`^\\s+type: ${type}$`, 'm'));
    expect(text).not.toMatch(/^\s+caFile:/m);
  });
});
