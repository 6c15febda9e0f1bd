import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  BIN,
  control,
  createJob,
  emulator,
  envFor,
  requestLog,
  runMain,
  TEAM_CONFIG,
  TOKEN,
  tempHome,
  writeFile,
  writeTrusted,
} from './helpers.js';

/**
 * Shell completion: the scripts in real bash, zsh and fish (each skipped where the shell is
 * missing), and `ges __complete`, which they call for names. The shells run asynchronously:
 * the emulator they reach through `ges __complete jobs` answers from this process.
 */

const run = promisify(execFile);
const has = (shell: string): boolean => {
  try {
    execFileSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let emu: Emulator;
let home: string;
let env: Record<string, string>;
let running: string[];
let ended: string;

beforeAll(async () => {
  emu = await emulator({ graphs: ['movies', 'friends'] });
  home = tempHome();
  // The dev profile reaches the emulator; the default one reaches nothing.
  writeFile(
    home,
    '.config/ges/config.yaml',
    'defaultProfile: default\nprofiles:\n' +
      '  default: {endpoint: "http://127.0.0.1:1", projectId: demo, graphs: [movies]}\n' +
      `  dev: {endpoint: "${emu.url}", projectId: ${emu.projectId}, graphs: [movies, friends],` +
      ' auth: {type: token, token: "${T}"}}\n',
  );
  writeFile(home, 'bin/ges', `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, 0o755);
  env = {
    PATH: `${path.join(home, 'bin')}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    T: TOKEN,
  };
  running = [await createJob(emu), await createJob(emu, { status: 'pending' })];
  ended = await createJob(emu, { status: 'success' });
  await createJob(emu, { graph: 'friends' });
});
afterAll(() => emu.close());

async function script(shell: string): Promise<string> {
  return writeFile(home, `ges.${shell}`, (await runMain(['completion', shell])).stdout);
}

describe.skipIf(!has('bash'))('bash', () => {
  /**
   * What Tab offers after each list of words (the last one is being typed), as bash's
   * COMPREPLY: all asked in one bash.
   */
  async function complete(...queries: string[][]): Promise<string[][]> {
    const file = await script('bash');
    const quoted = (words: string[]): string => words.map((w) => `'${w}'`).join(' ');
    const { stdout } = await run(
      'bash',
      [
        '-c',
        `source ${file}\nq() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ges_complete; ` +
          `printf '%s|' "\${COMPREPLY[@]}"; echo; }\n` +
          queries.map((q) => `q ${quoted(q)}`).join('\n'),
      ],
      { cwd: home, env },
    );
    return stdout
      .split('\n')
      .slice(0, queries.length)
      .map((line) => line.split('|').filter(Boolean));
  }

  it("offers a command's own flags and the global ones, not every flag", async () => {
    const [cancel, list, configList, pro, jo, ca] = await complete(
      ['ges', 'job', 'cancel', '--'],
      ['ges', 'job', 'list', '--st'],
      ['ges', 'config', 'list', '--st'],
      ['ges', '--pro'],
      ['ges', 'jo'],
      ['ges', '-q', 'job', 'ca'],
    );
    expect(cancel).toEqual(expect.arrayContaining(['--all', '--ignore-finished', '--json']));
    expect(cancel).toEqual(expect.arrayContaining(['--profile', '--max-time', '--help']));
    expect(cancel).not.toContain('--edition');
    expect(cancel).not.toContain('--offset');
    expect(list).toEqual(['--status']);
    expect(configList).toEqual([]);
    expect(pro).toEqual(['--profile', '--project-id', '--progress-every']);
    expect(jo).toEqual(['job']);
    expect(ca).toEqual(['cancel']);
  });

  it("offers a flag's values, and nothing for a value it cannot know", async () => {
    expect(
      await complete(
        ['ges', 'job', 'list', 'movies', '--status', 'p'],
        ['ges', 'emulator', '--edition', ''],
        ['ges', 'job', 'cancel', '--wait-timeout', ''],
        ['ges', '--timeout', ''],
        ['ges', '-p', ''],
        ['ges', '--profile', '=', 'd'],
        ['ges', 'completion', ''],
        ['ges', 'help', 'exit'],
      ),
    ).toEqual([
      ['pending', 'partiallyFailed'],
      ['memory', 'memory-2021', 'database'],
      [],
      [],
      ['default', 'dev'],
      ['default', 'dev'],
      ['bash', 'zsh', 'fish'],
      ['exit-codes'],
    ]);
  });

  it("offers graph names, then the graph's running jobs, from the profile typed", async () => {
    const [graphs, devGraphs, none, ids, one, more] = await complete(
      ['ges', 'job', 'cancel', ''],
      ['ges', '-p', 'dev', 'job', 'cancel', ''],
      // The default profile reaches nothing: no IDs, and nothing else either.
      ['ges', 'job', 'cancel', 'movies', ''],
      ['ges', '-p', 'dev', 'job', 'cancel', 'movies', ''],
      ['ges', 'job', 'status', '--profile=dev', 'movies', running[0]!.slice(0, 4)],
      ['ges', 'job', 'wait', 'movies', 'x', '-p', 'dev', ''],
    );
    expect(graphs).toEqual(['movies']);
    expect(devGraphs).toEqual(['movies', 'friends']);
    expect(none).toEqual([]);
    expect(ids!.sort()).toEqual([...running].sort());
    expect(one).toEqual([running[0]]);
    expect(more!.sort()).toEqual([...running].sort());
  }, 60_000);
});

describe.skipIf(!has('fish'))('fish', () => {
  /** What `complete -C` offers for each line: all asked in one fish. */
  async function complete(...lines: string[]): Promise<string[][]> {
    const file = await script('fish');
    const asks = lines.map((l) => `complete -C ${JSON.stringify(l)}; echo @@`);
    const { stdout } = await run(
      'fish',
      ['--no-config', '-c', `source ${file}\n${asks.join('\n')}`],
      {
        cwd: home,
        env,
      },
    );
    return stdout
      .split('@@\n')
      .slice(0, lines.length)
      .map((out) =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0]!),
      );
  }

  it('offers commands, own and global flags, values, graphs and running jobs', async () => {
    const [jo, cancel, configList, edition, profiles, graphs, ids, none] = await complete(
      'ges jo',
      'ges job cancel --',
      'ges config list --st',
      'ges emulator --edition ',
      'ges -p ',
      'ges -p dev job cancel ',
      'ges -p dev job cancel movies ',
      'ges job cancel movies ',
    );
    expect(jo).toEqual(['job']);
    expect(cancel).toEqual(expect.arrayContaining(['--all', '--json', '--profile']));
    expect(cancel).not.toContain('--edition');
    expect(configList).toEqual([]);
    expect(edition).toEqual(['database', 'memory', 'memory-2021']);
    expect(profiles).toEqual(['default', 'dev']);
    expect(graphs).toEqual(['friends', 'movies']);
    expect(ids!.sort()).toEqual([...running].sort());
    expect(none).toEqual([]);
  }, 60_000);
});

describe.skipIf(!has('zsh') || !has('tmux'))('zsh', () => {
  /** Types `line` and Tab in an interactive zsh in tmux; returns the screen. */
  async function screenAfterTab(file: string, line: string, want: RegExp): Promise<string> {
    const session = `ges-zsh-${process.pid}-${Date.now()}`;
    const zenv = { ...env, ZDOTDIR: home, TERM: 'xterm' };
    writeFile(
      home,
      '.zshrc',
      `fpath=(${path.dirname(file)} $fpath)\nautoload -U compinit && compinit -u\n` +
        "zstyle ':completion:*' format '%d'\nPS1='READY> '\n",
    );
    const tmux = async (...args: string[]): Promise<string> =>
      (await run('tmux', ['-L', session, ...args], { env: zenv })).stdout;
    await tmux('new-session', '-d', '-x', '200', '-y', '30', 'zsh', '-i');
    try {
      let text = '';
      const wait = async (re: RegExp): Promise<void> => {
        for (let i = 0; i < 100 && !re.test(text); i++) {
          await new Promise((r) => setTimeout(r, 100));
          text = await tmux('capture-pane', '-p');
        }
      };
      await wait(/READY>/);
      await tmux('send-keys', line, 'Tab');
      await new Promise((r) => setTimeout(r, 300));
      await tmux('send-keys', 'Tab');
      await wait(want);
      return text;
    } finally {
      await tmux('kill-server').catch(() => undefined);
    }
  }

  it('is native zsh (no bashcompinit): commands and flags with descriptions', async () => {
    const file = writeFile(home, 'zfunc/_ges', (await runMain(['completion', 'zsh'])).stdout);
    const text = await screenAfterTab(file, 'ges job cancel --', /ignore-finished/);
    expect(text).toMatch(/--ignore-finished +-- a job that already ended/);
    expect(text).toContain('--max-time');
    expect(text).not.toContain('--edition');
    const jobs = await screenAfterTab(file, 'ges -p dev job cancel movies ', /READY>.*\n.*\S/);
    for (const id of running) expect(jobs).toContain(id);
    expect(jobs).not.toContain(ended);
  }, 90_000);
});

describe('the scripts', () => {
  it('never evaluate names: no eval and no compgen -W; zsh has no bashcompinit', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const text = (await runMain(['completion', shell])).stdout;
      expect(text, shell).not.toMatch(/\beval\b|compgen -W|_call_program/);
      expect(text, shell).toContain('__complete');
    }
    const zsh = (await runMain(['completion', 'zsh'])).stdout;
    expect(zsh.startsWith('#compdef ges\n')).toBe(true);
    expect(zsh).not.toContain('bashcompinit');
    expect(zsh).toContain('_arguments');
    expect(zsh).toContain('_describe');
  });
});

describe('ges __complete jobs <graph>', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("prints the IDs of the graph's jobs that have not ended, one a line", async () => {
    const r = await runMain(['__complete', 'jobs', 'movies'], { env: envFor(emu) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([...running].sort());
  });

  it('prints nothing, and sends nothing, for a graph name that breaks the rule', async () => {
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['__complete', 'jobs', '../x'], { env: envFor(emu) });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await requestLog(emu)).toEqual([]);
  });

  it('only plain job IDs reach the shell', async () => {
    await control(emu, 'POST', 'faults', {
      method: 'GET',
      path: '/jobs/status',
      status: 200,
      body: {
        jobs: [
          { jobId: '$(touch /tmp/x)', status: 'running' },
          { jobId: 'ok-1', status: 'running' },
          { jobId: 'a\nb', status: 'running' },
        ],
      },
    });
    const r = await runMain(['__complete', 'jobs', 'movies'], { env: envFor(emu) });
    expect(r).toMatchObject({ code: 0, stdout: 'ok-1\n', stderr: '' });
  });

  it('an untrusted config gives nothing, and nothing is sent', async () => {
    const repo = tempHome();
    writeFile(
      repo,
      '.gesrc.yaml',
      `profiles:\n  default: {endpoint: "${emu.url}", projectId: demo}\n`,
    );
    await control(emu, 'DELETE', 'requests');
    const r = await runMain(['__complete', 'jobs', 'movies'], {
      cwd: repo,
      env: { GES_TOKEN: TOKEN },
    });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await requestLog(emu)).toEqual([]);
    expect(existsSync(path.join(repo, '.config/ges/trusted.json'))).toBe(false);
  });

  it('gives up after 2 s in all, silently, even when each answer comes in time', async () => {
    // The graph is found by name (an answer in 1.2 s), then listed (one more in 1.2 s).
    const byName = envFor(emu, { GES_ENDPOINT: undefined, GES_MANAGEMENT_ENDPOINT: emu.url });
    await runMain(['__complete', 'jobs', 'movies'], { env: byName }); // modules loaded
    await control(emu, 'DELETE', 'requests');
    await control(emu, 'POST', 'faults', {
      method: 'GET',
      path: '/graphs',
      delayMs: 1200,
      count: 2,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let done = false;
    const result = runMain(['__complete', 'jobs', 'movies'], { env: byName }).then((r) => {
      done = true;
      return r;
    });
    let elapsed = 0;
    for (; elapsed < 5000 && !done; elapsed += 50) {
      await vi.advanceTimersByTimeAsync(50);
      await sleep(5); // real time, for the sockets
    }
    expect(done).toBe(true);
    // Had it waited for the list (due at 2.4 s), the running jobs' IDs would be on stdout. How much
    // fake time passed is no measure: on a busy machine the clock runs on while the command
    // reads its config, before its 2 s begin.
    expect(await result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const paths = (await requestLog(emu)).map((r) => r.path);
    expect(paths.some((p) => p.startsWith(`/v2/${emu.projectId}/graphs`))).toBe(true);
  });
});

describe('ges completion', () => {
  it('prints bash, zsh and fish scripts; an unknown shell is exit 2', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await runMain(['completion', shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ges __complete|__ges_names profiles/);
    }
    expect((await runMain(['completion', 'tcsh'])).code).toBe(2);
  });

  it('the bash script completes commands, options, profiles and graphs', async () => {
    const home = tempHome();
    writeTrusted(home, '.gesrc.yaml', TEAM_CONFIG);
    const shim = writeFile(
      home,
      'bin/ges',
      `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`,
      0o755,
    );
    chmodSync(shim, 0o755);
    const script = (await runMain(['completion', 'bash'])).stdout;
    writeFileSync(path.join(home, 'ges.bash'), script);
    const complete = (words: string[]): string =>
      execFileSync(
        'bash',
        [
          '-c',
          `source ges.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); ` +
            `COMP_CWORD=${words.length - 1}; _ges_complete; echo "\${COMPREPLY[*]}"`,
        ],
        {
          cwd: home,
          env: { PATH: `${path.join(home, 'bin')}:${process.env.PATH}`, HOME: home },
          encoding: 'utf8',
        },
      ).trim();
    expect(complete(['ges', 'jo'])).toBe('job');
    expect(complete(['ges', 'job', 'ca'])).toBe('cancel');
    expect(complete(['ges', 'job', 'cancel', '--ig'])).toBe('--ignore-finished');
    expect(complete(['ges', '-p', ''])).toBe('dev prod');
    expect(complete(['ges', 'job', 'cancel', 'mo'])).toBe('movies');
    expect(complete(['ges', 'config', ''])).toContain('init');
  });
});
