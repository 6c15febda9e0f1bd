import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempHome, writeFile } from './helpers.js';

const QUESTIONS =
  'Profile name|Graph endpoint|Region|Project ID|Auth type|IAM endpoint|Account|IAM user name';
const PROMPT = new RegExp(`(${QUESTIONS})[^\\n]*?: `, 'g');

interface Conversation {
  code: number;
  stderr: string;
  /** The prompts, in the order they showed. */
  asked: string[];
}

/**
 * Runs `ges config init` through main() on a terminal (stdin and stderr marked as TTYs). Each
 * time a prompt shows, `reply` gives what the user does: a line to type, or a way out.
 */
async function converse(
  args: string[],
  home: string,
  reply: (asked: number) => string | { ctrlC: 'typed' | 'signal' } | 'eof',
): Promise<Conversation> {
  const tty = () => Object.assign(new PassThrough(), { isTTY: true });
  const [stdin, stdout, stderr] = [tty(), tty(), tty()];
  const stop = new AbortController();
  const asked: string[] = [];
  let text = '';
  stdout.resume();
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const prompts = [...text.matchAll(PROMPT)].map((m) => m[1]!);
    while (asked.length < prompts.length && asked.length < 20) {
      asked.push(prompts[asked.length]!);
      const answer = reply(asked.length - 1);
      // After the prompt has been written, as a person answers.
      setImmediate(() => {
        if (answer === 'eof') stdin.end();
        else if (typeof answer === 'string') stdin.write(`${answer}\n`);
        else if (answer.ctrlC === 'typed') stdin.write('\x03');
        else stop.abort('SIGINT');
      });
    }
  });
  const code = await main(['config', 'init', ...args], {
    streams: { stdin, stdout, stderr },
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    },
    cwd: home,
    stop: stop.signal,
  });
  return { code, stderr: text, asked };
}

const USER_CONFIG = (home: string): string => path.join(home, '.config/ges/config.yaml');

describe('config init on a terminal', () => {
  it('checks each answer as it is given and asks again; writes at the end', async () => {
    const home = tempHome();
    const answers = [
      'prod',
      'not a url',
      'https://100.93.1.2',
      'has-dashes',
      '0a1b2c3d',
      'oauth',
      'password',
      '',
      'acme',
      'ci-bot',
    ];
    const r = await converse([], home, (i) => answers[i]!);
    expect(r.code, r.stderr).toBe(0);
    expect(r.asked).toEqual([
      'Profile name',
      'Graph endpoint',
      'Graph endpoint',
      'Project ID',
      'Project ID',
      'Auth type',
      'Auth type',
      'IAM endpoint',
      'Account',
      'IAM user name',
    ]);
    expect(r.stderr).toContain('invalid endpoint "not a url" (from your answer): not a URL');
    expect(r.stderr).toContain('invalid project ID "has-dashes" (from your answer)');
    expect(r.stderr).toContain('invalid auth type "oauth": use one of token, password, aksk');
    expect(readFileSync(USER_CONFIG(home), 'utf8')).toBe(
      "# ges configuration: 'ges help config' lists every key\n" +
        'defaultProfile: prod\nprofiles:\n  prod:\n    endpoint: https://100.93.1.2\n' +
        '    projectId: 0a1b2c3d\n    auth:\n      type: password\n' +
        '      iamEndpoint: https://iam.myhuaweicloud.com\n      domain: acme\n' +
        '      user: ci-bot\n      password: ${GES_PASSWORD}\n',
    );
  });

  it('asks only for what the flags leave out, and a region instead of an endpoint', async () => {
    const home = tempHome();
    const answers = ['', 'cn-north', 'cn-north-4', 'aksk'];
    const r = await converse(['-p', 'cloud', '--project-id', 'p1'], home, (i) => answers[i]!);
    expect(r.code, r.stderr).toBe(0);
    expect(r.asked).toEqual(['Graph endpoint', 'Region', 'Region', 'Auth type']);
    expect(r.stderr).toContain('invalid region "cn-north" (from your answer)');
    expect(readFileSync(USER_CONFIG(home), 'utf8')).toContain('    region: cn-north-4\n');
  });

  it('a profile name in use is asked again, before the other answers', async () => {
    const home = tempHome();
    const existing = 'profiles:\n  dev:  # mine\n    endpoint: http://10.0.0.1\n';
    writeFile(home, '.config/ges/config.yaml', existing);
    const answers = ['dev', 'new', 'http://10.0.0.2', 'p2', 'none'];
    const r = await converse([], home, (i) => answers[i]!);
    expect(r.code, r.stderr).toBe(0);
    expect(r.asked.slice(0, 3)).toEqual(['Profile name', 'Profile name', 'Graph endpoint']);
    expect(r.stderr).toContain('profile "dev" already exists in');
    const text = readFileSync(USER_CONFIG(home), 'utf8');
    expect(text.startsWith(existing)).toBe(true);
    expect(text).toContain('  new:\n    endpoint: http://10.0.0.2\n');
  });

  it('a bad flag is refused before anything is asked', async () => {
    const r = await converse(['--endpoint', 'ftp://x'], tempHome(), () => 'x');
    expect(r.code).toBe(2);
    expect(r.asked).toEqual([]);
    expect(r.stderr).toContain('invalid endpoint "ftp://x" (from --endpoint)');
  });

  for (const ctrlC of ['typed', 'signal'] as const) {
    it(`Ctrl-C at a prompt (${ctrlC}): "nothing written", exit 130`, async () => {
      const home = tempHome();
      const r = await converse([], home, (i) => (i < 2 ? ['p', 'http://10.0.0.1'][i]! : { ctrlC }));
      expect(r.code).toBe(130);
      expect(r.asked).toEqual(['Profile name', 'Graph endpoint', 'Project ID']);
      expect(r.stderr).toContain('nothing written');
      expect(r.stderr).not.toContain('internal error');
      expect(existsSync(USER_CONFIG(home))).toBe(false);
      expect(readdirSync(path.join(home, '.config'))).toEqual([]);
    });
  }

  it('the input ending at a prompt: exit 2, nothing written', async () => {
    const home = tempHome();
    const r = await converse([], home, (i) => (i === 0 ? 'p' : 'eof'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the input ended before the last answer: nothing written');
    expect(existsSync(USER_CONFIG(home))).toBe(false);
  });
});
