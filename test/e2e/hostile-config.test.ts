import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/core/auth/token-cache.js';
import { PrivateCache } from '../../src/core/cache.js';
import { writeFileAtomic } from '../../src/core/fs-safety.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  BIN,
  control,
  createJob,
  emulator,
  PASSWORD,
  parseJson,
  requestLog,
  runMain,
  TOKEN,
  tempHome,
  trust,
  writeFile,
  writeTrusted,
} from './helpers.js';

/**
 * A config file that came with a folder (a cloned repository, /tmp) is the attacker's: it
 * must not run code, receive credentials, or hang ges. Each case plants one and checks that
 * nothing ran (marker files), nothing was sent (a second server sees no request), and the
 * exit code and message are the documented ones.
 */

const isRoot = process.getuid?.() === 0;
const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let good: Emulator;
let evil: Emulator;
let home: string;
let repo: string;
beforeAll(async () => {
  good = await emulator();
  evil = await emulator({
    token: null,
    iam: { domain: 'acme', user: 'ci-bot', password: 'anything' },
  });
});
afterAll(async () => {
  await good.close();
  await evil.close();
});
beforeEach(async () => {
  home = tempHome();
  repo = path.join(home, 'src/cloned');
  mkdirSync(repo, { recursive: true });
  // The user's own config, in the user config folder: trusted without asking.
  writeFile(
    home,
    '.config/ges/config.yaml',
    `profiles:\n  default:\n    endpoint: ${good.url}\n    projectId: demo\n` +
      `    auth: {type: token, token: "\${GES_TOKEN}"}\n`,
  );
  await control(evil, 'DELETE', 'requests');
});

const marker = (): string => path.join(home, 'PWNED');
const untrustedMessage = (file: string) => `config file ${file} is not trusted`;

async function expectRefusedUntrusted(
  file: string,
  args: string[] = ['job', 'list', 'movies'],
  env: Record<string, string> = {},
): Promise<void> {
  const r = await runMain(args, { cwd: repo, home, env: { GES_TOKEN: TOKEN, ...env } });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(untrustedMessage(file));
  expect(r.stderr).toContain(`ges config trust '${file}'`);
  expect(r.stdout).toBe('');
  expect(await requestLog(evil)).toEqual([]);
}

describe('a config that came with a folder is not used until trusted', () => {
  it('.gesrc.js and ges.config.mjs never run, on a command or on Tab', async () => {
    const js = writeFile(
      repo,
      '.gesrc.js',
      `require('fs').writeFileSync(${JSON.stringify(marker())}, 'x'); ` +
        `module.exports = { profiles: {} };\n`,
    );
    await expectRefusedUntrusted(js);
    const complete = await runMain(['__complete', 'profiles'], { cwd: repo, home });
    expect(complete).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(marker())).toBe(false);

    const other = path.join(home, 'src/other');
    const mjs = writeFile(
      other,
      'ges.config.mjs',
      `import { writeFileSync } from 'node:fs'; ` +
        `writeFileSync(${JSON.stringify(marker())}, 'x'); ` +
        `export default { profiles: {} };\n`,
    );
    const r = await runMain(['job', 'list', 'movies'], {
      cwd: other,
      home,
      env: { GES_TOKEN: TOKEN },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(untrustedMessage(mjs));
    expect(r.stderr).toContain('or run code');
    expect(existsSync(marker())).toBe(false);
  });

  it('a trusted JavaScript config loads; a changed one is refused again', async () => {
    const mjs = writeFile(
      repo,
      'ges.config.mjs',
      `export default { profiles: { default: { endpoint: ${JSON.stringify(good.url)}, ` +
        `projectId: 'demo', auth: { type: 'token', token: '\${GES_TOKEN}' } } } };\n`,
    );
    const trusted = await runMain(['config', 'trust'], { cwd: repo, home });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain(`Trusted ${mjs}`);
    const list = JSON.parse(readFileSync(path.join(home, '.config/ges/trusted.json'), 'utf8'));
    expect(Object.keys(list.files)).toEqual([mjs]);
    expect(statSync(path.join(home, '.config/ges/trusted.json')).mode & 0o777).toBe(0o600);
    const id = await createJob(good);
    expect(
      (
        await runMain(['job', 'cancel', 'movies', id], {
          cwd: repo,
          home,
          env: { GES_TOKEN: TOKEN },
        })
      ).code,
    ).toBe(0);

    writeFileSync(mjs, `${readFileSync(mjs, 'utf8')}// changed\n`);
    await expectRefusedUntrusted(mjs);
    const untrust = await runMain(['config', 'untrust', mjs], { cwd: repo, home });
    expect(untrust.stdout).toContain(`No longer trusted: ${mjs}`);
  });

  it(
    'a .gesrc.yaml with its own endpoint never receives ' + "the user's GES_TOKEN or any variable",
    async () => {
      const file = writeFile(
        repo,
        '.gesrc.yaml',
        `profiles:\n  default:\n    endpoint: "${evil.url}/\${AWS_SECRET_ACCESS_KEY}"\n` +
          `    projectId: demo\n    auth: {type: none}\n`,
      );
      await expectRefusedUntrusted(file, ['job', 'list', 'movies'], {
        AWS_SECRET_ACCESS_KEY: 'aws-SECRET-key',
      });
      const path_ = await runMain(['config', 'path'], { cwd: repo, home });
      expect(path_.stdout.split('\n')[0]).toBe(
        `${file}  (not trusted; to use it run: ges config trust '${file}')`,
      );
      const json = parseJson(
        (await runMain(['config', 'path', '--json'], { cwd: repo, home })).stdout,
      );
      expect(json).toMatchObject({ file, trusted: false, trust: null });
      const list = await runMain(['config', 'list', '--json'], { cwd: repo, home });
      expect(list.code).toBe(2);
      expect(parseJson(list.stdout)).toMatchObject({
        ok: false,
        exitCode: 2,
        error: { kind: 'config' },
      });
    },
  );

  it('a local password profile gets neither GES_PASSWORD nor the cached IAM token', async () => {
    // A token the user's real login cached for the same IAM endpoint, domain, user and project.
    const cache = new TokenCache(new PrivateCache(path.join(home, '.cache/ges')));
    await cache.write([evil.url, 'acme', 'ci-bot', 'demo'], {
      token: TOKEN,
      expiresAt: Date.now() + 3_600_000,
    });
    const file = writeFile(
      repo,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${evil.url}\n    projectId: demo\n` +
        `    auth: {type: password, iamEndpoint: "${evil.url}", ` +
        `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`,
    );
    await expectRefusedUntrusted(file, ['job', 'list', 'movies'], {
      GES_PASSWORD: PASSWORD,
      GES_TOKEN: '',
    });
  });

  it('config init trusts the file it writes, and will not add to an untrusted one', async () => {
    const init = [
      'config',
      'init',
      '--local',
      '-p',
      'mine',
      '--endpoint',
      good.url,
      '--project-id',
      'demo',
      '--auth',
      'token',
    ];
    const made = await runMain(init, { cwd: repo, home });
    expect(made.code, made.stderr).toBe(0);
    const id = await createJob(good);
    expect(
      (
        await runMain(['job', 'cancel', 'movies', id, '-p', 'mine'], {
          cwd: repo,
          home,
          env: { GES_TOKEN: TOKEN },
        })
      ).code,
    ).toBe(0);

    const other = path.join(home, 'src/other');
    const planted = writeFile(
      other,
      '.gesrc.yaml',
      `profiles:\n  default:\n    endpoint: ${evil.url}\n` +
        `    projectId: demo\n    auth: {type: none}\n`,
    );
    const refused = await runMain(init, { cwd: other, home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${planted} exists and is not trusted`);
  });
});

describe('files anyone else could change are refused, trusted or not', () => {
  it(
    'a config writable by group or others: ' + 'exit 2 naming the chmod, even with --config',
    async () => {
      const file = writeFile(
        repo,
        'shared.yaml',
        `profiles:\n  default:\n    endpoint: ${evil.url}\n` +
          `    projectId: demo\n    auth: {type: none}\n`,
        0o666,
      );
      const r = await runMain(['job', 'list', 'movies', '--config', file], { cwd: repo, home });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`can be changed by anyone (mode 0666); run: chmod go-w '${file}'`);
      chmodSync(file, 0o620);
      expect(
        (await runMain(['job', 'list', 'movies', '--config', file], { cwd: repo, home })).stderr,
      ).toContain('can be changed by its group');
      expect(await requestLog(evil)).toEqual([]);
    },
  );

  it.skipIf(!isRoot)(
    "another user's config, trust list or token cache: exit 2 naming the chown",
    async () => {
      const file = writeFile(
        repo,
        '.gesrc.yaml',
        `profiles:\n  default:\n    endpoint: ${evil.url}\n` +
          `    projectId: demo\n    auth: {type: none}\n`,
      );
      trust(home, file);
      chownSync(file, 65534, 65534);
      const r = await runMain(['job', 'list', 'movies'], { cwd: repo, home });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`belongs to another user (uid 65534)`);
      expect(r.stderr).toContain(`chown 0 '${file}'`);

      const home2 = tempHome();
      const repo2 = path.join(home2, 'r');
      writeTrusted(
        home2,
        'r/.gesrc.yaml',
        `profiles:\n  default:\n    endpoint: ${good.url}\n    projectId: demo\n` +
          `    auth: {type: token, token: "\${GES_TOKEN}"}\n`,
      );
      chownSync(path.join(home2, '.config/ges/trusted.json'), 65534, 65534);
      const list = await runMain(['job', 'list', 'movies'], {
        cwd: repo2,
        home: home2,
        env: { GES_TOKEN: TOKEN },
      });
      expect(list.code).toBe(2);
      expect(list.stderr).toContain('refusing the trust list');

      const cacheDir = path.join(home2, '.cache/ges');
      mkdirSync(cacheDir, { recursive: true });
      chmodSync(cacheDir, 0o777);
      const iamEmu = await emulator({
        iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD },
      });
      try {
        const profile =
          `profiles:\n  default:\n    endpoint: ${iamEmu.url}\n    projectId: demo\n` +
          `    auth: {type: password, iamEndpoint: "${iamEmu.url}", ` +
          `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`;
        const cfg = writeFile(home2, 'p.yaml', profile);
        const login = await runMain(['job', 'list', 'movies', '--config', cfg], {
          cwd: home2,
          home: home2,
          env: { GES_PASSWORD: PASSWORD },
        });
        expect(login.code).toBe(2);
        expect(login.stderr).toContain(`refusing the cache: ${cacheDir} can be changed by anyone`);
        expect((await requestLog(iamEmu)).filter((q) => q.path.startsWith('/ges/'))).toEqual([]);
      } finally {
        await iamEmu.close();
      }
    },
  );

  it('a FIFO or a folder named like a config: exit 2 at once, never read', async () => {
    execFileSync('mkfifo', [path.join(repo, '.gesrc.yaml')]);
    const r = await runMain(['job', 'list', 'movies'], { cwd: repo, home, timeoutMs: 10_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(repo, '.gesrc.yaml')} is a FIFO, not a regular file`);
    // config init would add its profile to that file: refused the same way, not read (it would
    // block).
    const init = await runMain(
      [
        'config',
        'init',
        '--local',
        '-p',
        'x',
        '--endpoint',
        'http://10.0.0.1',
        '--project-id',
        'p',
        '--auth',
        'none',
      ],
      { cwd: repo, home, timeoutMs: 10_000 },
    );
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(
      `${path.join(repo, '.gesrc.yaml')} is a FIFO, not a regular file`,
    );
    const dir = path.join(home, 'cfgdir');
    mkdirSync(dir);
    expect((await runMain(['config', 'show', '--config', dir], { cwd: home })).stderr).toContain(
      'is a folder, not a regular file',
    );
  });
});

describe('config files cannot hang ges or confuse its messages', () => {
  it('a 1.5 KB YAML alias bomb loads at once', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} ` +
          `{${Array.from({ length: 10 }, (_, j) => `k${j}: *${String.fromCharCode(96 + i)}`).join(
            ', ',
          )}}`,
      );
    const text =
      `profiles:\n  default:\n    endpoint: ${good.url}\n    projectId: demo\n` +
      `    auth: {type: token, token: "\${GES_TOKEN}"}\n    bomb:\n` +
      `${levels.map((l) => `      ${l}`).join('\n')}\n`;
    expect(text.length).toBeLessThan(2048);
    const file = writeFile(home, 'bomb.yaml', text);
    const r = await runMain(['config', 'show', '--config', file], {
      cwd: home,
      env: { GES_TOKEN: TOKEN },
      timeoutMs: 10_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('unknown key profiles.default.bomb');
  });

  it('-p constructor, __proto__ or toString names no profile', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await runMain(['config', 'show', '-p', name], { cwd: home });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toContain(
        `profile ${JSON.stringify(name)} (from flag --profile) is not defined`,
      );
    }
    writeFile(home, '.config/ges/config.yaml', 'defaultProfile: constructor\nprofiles: {}\n');
    const r = await runMain(['config', 'show'], { cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('defaultProfile in');
  });

  it('odd values read well: no [object Object], no "number null", never a secret', async () => {
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  ? {a: 1}\n  : {}\n` +
        `  default:\n    endpoint: ${good.url}\n    projectId: demo\n` +
        `    auth: {type: password, iamEndpoint: "${good.url}", ` +
        `domain: d, user: u, password: 20240917}\n`,
    );
    const r = await runMain(['config', 'show'], { cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('20240917');
    expect(r.stderr).toContain('auth.password');
    expect(r.stderr).toContain('must be a string, not number');
    writeFile(
      home,
      '.config/ges/config.yaml',
      `profiles:\n  default:\n    endpoint: ${good.url}\n    projectId: demo\n    timeout: .nan\n`,
    );
    const nan = await runMain(['config', 'show'], { cwd: home, env: { GES_TOKEN: TOKEN } });
    expect(nan.stderr).toContain('must be a duration (30, 30s, 2m), not number NaN');
    expect(nan.stderr).not.toContain('[object Object]');
    expect(nan.stderr).not.toContain('number null');
  });
});

describe('secrets and user info never reach a message', () => {
  it('endpoints that fail to parse are shown without user info, query or fragment', async () => {
    for (const endpoint of [
      'http://admin:hunter2@bad host:9',
      'http://admin:hunter2@h:99999/x',
      'http://admin:hunter2@[::1',
      'http://h:1/?key=hunter2',
      'http://h:1/#hunter2',
    ]) {
      const r = await runMain(
        ['job', 'list', 'movies', '--endpoint', endpoint, '--project-id', 'demo'],
        { cwd: home, env: { GES_TOKEN: TOKEN }, secrets: ['hunter2'] },
      );
      expect(r.code, endpoint).toBe(2);
      expect(r.stderr, endpoint).toContain('invalid endpoint');
    }
    const proxy = await runMain(
      ['job', 'list', 'movies', '--endpoint', good.url, '--project-id', 'demo'],
      {
        cwd: home,
        env: { GES_TOKEN: TOKEN, HTTP_PROXY: 'http://user:hunter2@bad host:1' },
        secrets: ['hunter2'],
      },
    );
    expect(proxy.code).toBe(2);
    expect(proxy.stderr).toContain(
      'the environment variable HTTP_PROXY is not an http or https URL: "http://***@bad host:1"',
    );
  });

  it('--verbose shows the IAM login body with the password masked', async () => {
    const iamEmu = await emulator({ iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD } });
    try {
      const cfg = writeFile(
        home,
        'p.yaml',
        `profiles:\n  default:\n    endpoint: ${iamEmu.url}\n    projectId: demo\n` +
          `    auth: {type: password, iamEndpoint: "${iamEmu.url}", ` +
          `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`,
      );
      const r = await runMain(['job', 'list', 'movies', '--config', cfg, '-v'], {
        cwd: home,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('"password":"***"');
    } finally {
      await iamEmu.close();
    }
  });

  it(
    'a token with a trailing carriage return ' + 'is exit 2 naming GES_TOKEN; nothing is sent',
    async () => {
      const r = await runMain(
        ['job', 'list', 'movies', '--endpoint', evil.url, '--project-id', 'demo'],
        { cwd: home, env: { GES_TOKEN: `${TOKEN}\r` } },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'the credential in env GES_TOKEN holds a carriage return at its end',
      );
      expect(await requestLog(evil)).toEqual([]);
    },
  );

  it('an unusable token cache is a note for --verbose; the command still works', async () => {
    const iamEmu = await emulator({ iam: { domain: 'acme', user: 'ci-bot', password: PASSWORD } });
    try {
      writeFile(home, '.cache/ges', 'not a folder');
      const cfg = writeFile(
        home,
        'p.yaml',
        `profiles:\n  default:\n    endpoint: ${iamEmu.url}\n    projectId: demo\n` +
          `    auth: {type: password, iamEndpoint: "${iamEmu.url}", ` +
          `domain: acme, user: ci-bot, password: "\${GES_PASSWORD}"}\n`,
      );
      const r = await runMain(['job', 'list', 'movies', '--config', cfg], {
        cwd: home,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('No jobs on graph movies\n');
      const verbose = await runMain(['job', 'list', 'movies', '--config', cfg, '-v'], {
        cwd: home,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(verbose.code, verbose.stderr).toBe(0);
      expect(verbose.stderr).toContain(`the cache ${path.join(home, '.cache/ges')} cannot be used`);
      const home2 = tempHome();
      mkdirSync(path.join(home2, '.cache'), { recursive: true });
      symlinkSync(path.join(home2, 'nowhere'), path.join(home2, '.cache/ges'));
      const dangling = await runMain(['job', 'list', 'movies', '--config', cfg, '--verbose'], {
        cwd: home2,
        home: home2,
        env: { GES_PASSWORD: PASSWORD },
      });
      expect(dangling.code, dangling.stderr).toBe(0);
      expect(dangling.stderr).toContain('a link to nowhere');
    } finally {
      await iamEmu.close();
    }
  });

  it(
    'writing a file atomically replaces a link planted at its name ' +
      'instead of writing through it',
    async () => {
      const victim = writeFile(home, 'victim', 'untouched');
      const target = path.join(home, 'written.yaml');
      symlinkSync(victim, target);
      await writeFileAtomic(target, 'new', 0o600);
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(statSync(target).mode & 0o777).toBe(0o600);
    },
  );
});

describe('shell completion never evaluates names from a config', () => {
  const hostile = () =>
    `profiles:\n  default:\n    endpoint: http://127.0.0.1:1\n    projectId: demo\n` +
    `    graphs: ["movies", "$(touch ${marker()})", "\`touch ${marker()}\`"]\n` +
    `  "$(touch ${marker()})": {}\n  dev: {}\n`;

  function shim(): string {
    const bin = path.join(home, 'bin');
    writeFile(bin, 'ges', `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, 0o755);
    return `${bin}:${process.env.PATH}`;
  }

  it('bash: profile and graph names are literal words', async () => {
    writeFile(home, '.config/ges/config.yaml', hostile());
    const script = writeFile(home, 'ges.bash', (await runMain(['completion', 'bash'])).stdout);
    const complete = (words: string[]): string =>
      execFileSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); ` +
            `COMP_CWORD=${words.length - 1}; _ges_complete; ` +
            `printf '%s|' "\${COMPREPLY[@]}"`,
        ],
        {
          cwd: home,
          env: { PATH: shim(), HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
          encoding: 'utf8',
        },
      );
    expect(complete(['ges', '-p', ''])).toBe('default|dev|');
    expect(complete(['ges', 'job', 'cancel', ''])).toContain('movies|');
    expect(complete(['ges', 'job', 'cancel', '$'])).toBe('|');
    expect(existsSync(marker())).toBe(false);
  });

  it.skipIf(!has('fish'))(
    'fish: names are literal, and job list options are not offered to config list',
    async () => {
      writeFile(home, '.config/ges/config.yaml', hostile());
      const script = writeFile(home, 'ges.fish', (await runMain(['completion', 'fish'])).stdout);
      const complete = (line: string): string[] =>
        execFileSync(
          'fish',
          ['--no-config', '-c', `source ${script}; complete -C ${JSON.stringify(line)}`],
          {
            cwd: home,
            env: { PATH: shim(), HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
            encoding: 'utf8',
          },
        )
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0]!);
      expect(complete('ges -p ')).toEqual(['default', 'dev']);
      expect(complete('ges job cancel ')).toContain('movies');
      expect(complete('ges job list --')).toContain('--status');
      expect(complete('ges config list --')).not.toContain('--status');
      expect(existsSync(marker())).toBe(false);
    },
  );

  it.skipIf(!has('zsh') || !has('tmux'))(
    'zsh: Tab on a profile offers the names and runs nothing',
    async () => {
      writeFile(home, '.config/ges/config.yaml', hostile());
      const script = writeFile(home, '_ges.zsh', (await runMain(['completion', 'zsh'])).stdout);
      const session = `ges-zsh-${process.pid}-${Date.now()}`;
      const env = {
        ...process.env,
        PATH: shim(),
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        ZDOTDIR: home,
        TERM: 'xterm',
      };
      writeFile(
        home,
        '.zshrc',
        `autoload -U compinit && compinit -u\nsource ${script}\nPS1='READY> '\n`,
      );
      const tmux = (...args: string[]): string =>
        execFileSync('tmux', ['-L', session, ...args], { env, encoding: 'utf8' });
      tmux('new-session', '-d', '-x', '200', '-y', '20', 'zsh', '-i');
      try {
        const screen = async (want: RegExp): Promise<string> => {
          let text = '';
          for (let i = 0; i < 100 && !want.test(text); i++) {
            await new Promise((r) => setTimeout(r, 100));
            text = tmux('capture-pane', '-p');
          }
          return text;
        };
        await screen(/READY>/);
        tmux('send-keys', 'ges -p ', 'Tab');
        await new Promise((r) => setTimeout(r, 300));
        tmux('send-keys', 'Tab');
        const text = await screen(/dev/);
        expect(text).toContain('default');
        expect(text).toContain('dev');
        expect(existsSync(marker())).toBe(false);
      } finally {
        tmux('kill-server');
      }
    },
  );
});
