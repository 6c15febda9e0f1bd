import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  hasScript,
  PASSWORD,
  parseJson,
  runMain,
  SECRET_KEY,
  TEAM_CONFIG,
  TOKEN,
  tempHome,
  writeFile,
  writeTrusted,
} from './helpers.js';

describe('ges config path', () => {
  it('names the file found and the places searched, in order', async () => {
    const home = tempHome();
    const deep = path.join(home, 'work/repo');
    mkdirSync(deep, { recursive: true });
    const file = writeTrusted(home, 'work/.gesrc.yaml', TEAM_CONFIG);
    const r = await runMain(['config', 'path'], { cwd: deep, home });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${file}  (trusted: recorded by ges config trust)`);
    expect(lines.slice(1, 5)).toEqual([
      'searched, in order:',
      `  ${deep}`,
      `  ${path.join(home, 'work')}`,
      `  ${home}`,
    ]);
    expect(r.stdout).toContain(path.join(home, '.config/ges'));
    expect(r.stdout).toContain('.gesrc.yaml');
    const json = parseJson(
      (await runMain(['config', 'path', '--json'], { cwd: deep, home })).stdout,
    );
    expect(json).toMatchObject({ ok: true, file, namedBy: null, trusted: true, trust: 'recorded' });
    expect(json.searched.dirs).toEqual([deep, path.join(home, 'work'), home]);
  });

  it('says none when there is no file, and names --config when given', async () => {
    const home = tempHome();
    const none = await runMain(['config', 'path'], { cwd: home });
    expect(none.stdout.split('\n')[0]).toBe('none');
    expect(none.stderr).toContain('ges config init');
    const file = writeFile(home, 'x.yaml', TEAM_CONFIG);
    const named = await runMain(['config', 'path', '--config', file], { cwd: home });
    expect(named.stdout).toBe(
      `${file}  (trusted: named by --config or GES_CONFIG)\n(named by --config: no search)\n`,
    );
  });

  it('on a malformed file: the path, the parse error, exit 2', async () => {
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

describe('ges config list', () => {
  it('lists profiles with the default marked', async () => {
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', TEAM_CONFIG);
    const r = await runMain(['config', 'list'], { cwd: home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\* +dev +http:\/\/192\.168\.0\.20 +token/);
    expect(r.stdout).toMatch(/\n +prod +https:\/\/100\.93\.1\.2 +aksk/);
    expect(
      parseJson((await runMain(['config', 'list', '--json'], { cwd: home })).stdout).profiles,
    ).toEqual([
      { name: 'dev', default: true, endpoint: 'http://192.168.0.20', authType: 'token' },
      { name: 'prod', default: false, endpoint: 'https://100.93.1.2', authType: 'aksk' },
    ]);
  });

  it('masks user info in endpoints', async () => {
    const home = tempHome();
    writeFile(
      home,
      '.config/ges/config.yaml',
      'profiles:\n  default:\n    endpoint: http://admin:hunter2@10.0.0.5\n',
    );
    const r = await runMain(['config', 'list'], { cwd: home, secrets: ['hunter2'] });
    expect(r.stdout).toContain('http://***@10.0.0.5/');
  });
});

describe('ges config show', () => {
  it('shows merged settings with the source of each, secrets masked', async () => {
    const home = tempHome();
    const file = writeTrusted(home, '.gesrc.yaml', TEAM_CONFIG);
    const r = await runMain(['config', 'show', '--json'], {
      cwd: home,
      env: { GES_TOKEN: TOKEN, GES_ENDPOINT: 'http://10.0.0.9' },
    });
    expect(r.code).toBe(0);
    const { settings } = parseJson(r.stdout);
    expect(settings.profile).toEqual({ value: 'dev', source: `defaultProfile in ${file}` });
    expect(settings.endpoint).toEqual({ value: 'http://10.0.0.9', source: 'env GES_ENDPOINT' });
    expect(settings.projectId).toEqual({
      value: 'devproject',
      source: `file ${file} (profile dev)`,
    });
    expect(settings.timeout).toEqual({ value: '30', source: 'default' });
    expect(settings.connectTimeout).toEqual({ value: '10', source: 'default' });
    expect(settings['auth.token']).toEqual({ value: '***', source: 'env GES_TOKEN' });

    const prod = await runMain(['config', 'show', '-p', 'prod', '--timeout', '5'], {
      cwd: home,
      env: { SK: SECRET_KEY },
    });
    expect(prod.code).toBe(0);
    expect(prod.stdout).toMatch(/auth\.secretKey +\*\*\*/);
    expect(prod.stdout).toMatch(/auth\.accessKey +\*\*\*\*5678/);
    expect(prod.stdout).toMatch(/timeout +5 +flag --timeout/);
    expect(prod.stdout).not.toContain('AKIDEXAMPLE');
  });

  it(
    'labels each source: IAM endpoint and security token from the environment; ' +
      'a short access key shows its end',
    async () => {
      const home = tempHome();
      writeFile(
        home,
        '.config/ges/config.yaml',
        `profiles:\n  default:\n    endpoint: http://192.168.0.20\n    projectId: demo\n` +
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

  it('never shows a password', async () => {
    const home = tempHome();
    writeTrusted(
      home,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: https://h\n    projectId: p\n` +
        `    auth: {type: password, iamEndpoint: "https://iam", ` +
        `domain: d, user: u, password: "\${PW}"}\n`,
    );
    const r = await runMain(['config', 'show'], { cwd: home, env: { PW: PASSWORD } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/auth\.password +\*\*\*/);
  });

  it('an incomplete config is exit 2 saying what is missing', async () => {
    const r = await runMain(['config', 'show'], { env: { GES_ENDPOINT: 'http://10.0.0.9' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no project ID');
  });
});

describe('ges config init', () => {
  it(
    'without a terminal: takes flags, writes the user config 0600 ' +
      'with a secret reference, and the profile works from any folder',
    async () => {
      const home = tempHome();
      const r = await runMain(
        [
          'config',
          'init',
          '-p',
          'default',
          '--endpoint',
          'http://192.168.0.20',
          '--project-id',
          'abc123',
          '--auth',
          'token',
        ],
        { cwd: home },
      );
      expect(r.code).toBe(0);
      const file = path.join(home, '.config/ges/config.yaml');
      expect(r.stdout).toBe(`Wrote profile default to ${file}\n`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain('token: ${GES_TOKEN}');
      const elsewhere = path.join(home, 'some/project');
      mkdirSync(elsewhere, { recursive: true });
      const show = await runMain(['config', 'show', '--json'], {
        cwd: elsewhere,
        home,
        env: { GES_TOKEN: TOKEN },
      });
      expect(parseJson(show.stdout).settings.endpoint.value).toBe('http://192.168.0.20');
    },
  );

  it('names every missing flag (exit 2) and writes nothing', async () => {
    const home = tempHome();
    const r = await runMain(['config', 'init', '--endpoint', 'http://192.168.0.20'], { cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs --profile, --project-id, --auth');
    const p = await runMain(
      [
        'config',
        'init',
        '-p',
        'x',
        '--endpoint',
        'http://h',
        '--project-id',
        'p1',
        '--auth',
        'password',
      ],
      { cwd: home },
    );
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--iam-endpoint, --domain, --user');
    const bad = await runMain(
      [
        'config',
        'init',
        '-p',
        'x',
        '--endpoint',
        'ftp://h',
        '--project-id',
        'p1',
        '--auth',
        'none',
      ],
      { cwd: home },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid endpoint "ftp://h" (from --endpoint)');
    expect((await runMain(['config', 'path'], { cwd: home })).stdout.split('\n')[0]).toBe('none');
  });

  it(
    'adds a profile to an existing file keeping its comments and profiles; ' +
      'never overwrites without --force',
    async () => {
      const home = tempHome();
      const file = writeTrusted(home, '.gesrc.yaml', TEAM_CONFIG, 0o640);
      const args = [
        'config',
        'init',
        '--local',
        '-p',
        'iam',
        '--endpoint',
        'https://100.93.1.9',
        '--project-id',
        'p9',
        '--auth',
        'password',
        '--iam-endpoint',
        'https://iam.cn-north-4.myhuaweicloud.com',
        '--domain',
        'acct',
        '--user',
        'bot',
      ];
      expect((await runMain(args, { cwd: home })).code).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith(TEAM_CONFIG.trimEnd())).toBe(true);
      expect(text).toContain("# my team's GES settings");
      expect(text).toContain('password: ${GES_PASSWORD}');
      expect(statSync(file).mode & 0o777).toBe(0o640);
      const list = parseJson((await runMain(['config', 'list', '--json'], { cwd: home })).stdout);
      expect(list.profiles.map((p: any) => p.name)).toEqual(['dev', 'prod', 'iam']);

      const replace = [
        'config',
        'init',
        '--local',
        '-p',
        'dev',
        '--endpoint',
        'http://10.9.9.9',
        '--project-id',
        'p1',
        '--auth',
        'none',
      ];
      const again = await runMain(replace, { cwd: home });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('profile "dev" already exists');
      expect(again.stderr).toContain('--force');
      expect((await runMain([...replace, '--force'], { cwd: home })).code).toBe(0);
      const after = parseJson(
        (await runMain(['config', 'list', '--json'], { cwd: home })).stdout,
      ).profiles;
      expect(after).toEqual([
        { name: 'dev', default: true, endpoint: 'http://10.9.9.9', authType: 'none' },
        { name: 'prod', default: false, endpoint: 'https://100.93.1.2', authType: 'aksk' },
        { name: 'iam', default: false, endpoint: 'https://100.93.1.9', authType: 'password' },
      ]);
      expect(readFileSync(file, 'utf8')).toContain('# the test graph');
    },
  );

  it('adds to the user config without touching its other profiles or comments', async () => {
    const home = tempHome();
    const file = writeFile(home, '.config/ges/config.yaml', TEAM_CONFIG);
    const r = await runMain(
      [
        'config',
        'init',
        '-p',
        'new',
        '--region',
        'cn-north-4',
        '--project-id',
        'p2',
        '--auth',
        'aksk',
      ],
      { cwd: home },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Wrote profile new to ${file}\n`);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(TEAM_CONFIG.trimEnd())).toBe(true);
    expect(text.slice(TEAM_CONFIG.length - 1)).toBe(
      '\n  new:\n    region: cn-north-4\n    projectId: p2\n    auth:\n      type: aksk\n' +
        '      accessKey: ${HUAWEICLOUD_SDK_AK}\n      secretKey: ${HUAWEICLOUD_SDK_SK}\n',
    );
  });

  it('--local writes ./.gesrc.yaml and trusts it; not with a named config', async () => {
    const home = tempHome();
    const init = ['-p', 'here', '--endpoint', 'http://127.0.0.1:1', '--project-id', 'demo'];
    const r = await runMain(['config', 'init', '--local', ...init, '--auth', 'none'], {
      cwd: home,
    });
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(home, '.gesrc.yaml');
    expect(r.stdout).toBe(`Wrote profile here to ${file}\n`);
    expect((await runMain(['config', 'path'], { cwd: home })).stdout.split('\n')[0]).toBe(
      `${file}  (trusted: recorded by ges config trust)`,
    );
    const named = await runMain(
      ['config', 'init', '--local', ...init, '--auth', 'none', '--config', 'x.yaml'],
      { cwd: home },
    );
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('--local writes ./.gesrc.yaml, but --config names the file');
  });

  it('--global still writes the user config, with a note that it is going', async () => {
    const home = tempHome();
    const r = await runMain(
      [
        'config',
        'init',
        '--global',
        '-p',
        'g',
        '--endpoint',
        'http://10.0.0.1',
        '--project-id',
        'p',
        '--auth',
        'aksk',
      ],
      { cwd: home },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--global is deprecated');
    const file = path.join(home, '.config/ges/config.yaml');
    expect(readFileSync(file, 'utf8')).toContain('secretKey: ${HUAWEICLOUD_SDK_SK}');
    expect((await runMain(['config', 'path'], { cwd: home })).stdout.split('\n')[0]).toBe(
      `${file}  (trusted: in the user config folder)`,
    );
    expect((await runMain(['config', 'init', '--help'], { cwd: home })).stdout).not.toContain(
      '--global',
    );
  });

  it(
    'writes to --config, adds to a shadowing .gesrc, ' + 'refuses a shadowing package.json',
    async () => {
      const init = [
        'config',
        'init',
        '-p',
        'ci',
        '--endpoint',
        'http://192.168.0.20',
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

  it.skipIf(!hasScript)('on a terminal it asks for what is missing', async () => {
    const home = tempHome();
    // Answer each prompt when it shows, as a person would.
    const dialogue = [
      ['Profile name', 'team'],
      ['Graph endpoint', 'http://192.168.1.7'],
      ['Project ID', 'proj42'],
      ['Auth type', ''],
    ];
    const child = spawn('script', ['-qec', `node ${BIN} config init`, '/dev/null'], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home },
    });
    let screen = '';
    let answered = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      while (answered < dialogue.length && screen.includes(dialogue[answered]![0]!))
        child.stdin.write(`${dialogue[answered++]![1]}\r`);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(screen).toContain('Auth type');
    const text = readFileSync(path.join(home, '.config/ges/config.yaml'), 'utf8');
    expect(text).toContain('team:');
    expect(text).toContain('endpoint: http://192.168.1.7');
    expect(text).toContain('type: token');
  });
});

describe('ges config trust', () => {
  const trustList = (home: string): string => path.join(home, '.config/ges/trusted.json');

  it.each([
    [
      '.gesrc.yaml',
      'profiles:\n  default:\n    endpoint: [unclosed\n    projectId: x\n',
      /malformed config file \S+ at line \d+, column \d+/,
    ],
    [
      '.gesrc.json',
      '{\n  "profiles": {\n    "default": {,}\n  }\n}\n',
      /malformed config file \S+ at line 3, column \d+/,
    ],
    [
      '.gesrc.yaml',
      'profiles:\n  default:\n    retries: two\n',
      /profiles\.default\.retries in \S+ must be a whole number, not string "two"/,
    ],
  ])('%s that does not load (%j): exit 2, nothing recorded', async (name, text, message) => {
    const home = tempHome();
    const file = writeFile(home, `repo/${name}`, text);
    const r = await runMain(['config', 'trust', file], { cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('not trusted, nothing recorded');
    expect(existsSync(trustList(home))).toBe(false);
    const json = await runMain(['config', 'trust', file, '--json'], { cwd: home });
    expect(parseJson(json.stdout)).toMatchObject({ ok: false, exitCode: 2 });
    expect(existsSync(trustList(home))).toBe(false);
  });

  it('a valid file is trusted, its warnings said', async () => {
    const home = tempHome();
    const file = writeFile(home, 'repo/.gesrc.yaml', TEAM_CONFIG.replace('graphs:', 'graps:'));
    const r = await runMain(['config', 'trust', file, '--json'], { cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('unknown key profiles.dev.graps');
    expect(parseJson(r.stdout)).toMatchObject({ trusted: true, checked: true });
    expect(Object.keys(JSON.parse(readFileSync(trustList(home), 'utf8')).files)).toEqual([file]);
  });

  it('a JavaScript config is trusted unchecked, and says so', async () => {
    const home = tempHome();
    const file = writeFile(home, 'repo/.gesrc.cjs', 'module.exports = { profiles: {');
    const r = await runMain(['config', 'trust', file], { cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('It is JavaScript, so it was not checked');
    expect(Object.keys(JSON.parse(readFileSync(trustList(home), 'utf8')).files)).toEqual([file]);
  });
});
