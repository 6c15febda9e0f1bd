import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/cli/help/topics.js';
import { helpFor } from '../../src/cli/help.js';
import { createProgram } from '../../src/cli/program.js';
import { parseJson, ROOT, runGes, runMain, tempHome } from './helpers.js';

/** Every command's help as the build cached it (dist/help.json): the same as --help prints. */
const cached = (): Record<string, string> =>
  JSON.parse(readFileSync(path.join(ROOT, 'dist/help.json'), 'utf8'));

const words = (key: string): string[] => key.split(' ').filter(Boolean);

const topicTexts = (): Promise<string[]> => Promise.all(TOPICS.map((t) => t.text()));

/** A program whose actions do nothing: for checking that a command line parses. */
function parseOnly() {
  const sink = new PassThrough();
  return createProgram({ stdout: sink, stderr: sink, stdin: sink }, () => async () => undefined);
}

describe('ges help', () => {
  it('ges help <command...> prints what <command...> --help does, for every command', async () => {
    const texts = cached();
    expect(Object.keys(texts)).toContain('job cancel');
    for (const [key, text] of Object.entries(texts)) {
      const viaFlag = await runMain([...words(key), '--help']);
      expect(viaFlag, key).toMatchObject({ code: 0, stdout: text, stderr: '' });
      const viaHelp = await runMain(['help', ...words(key)]);
      expect(viaHelp.code, key).toBe(0);
      // A command that shares its name with a topic is followed by the topic.
      expect(viaHelp.stdout.startsWith(text), key).toBe(true);
    }
    expect((await runMain(['job', 'help', 'cancel'])).stdout).toBe(texts['job cancel']);
    expect((await runMain(['help'])).stdout).toBe(texts['']);
  });

  it('the build caches the help of exactly the commands a user can call', async () => {
    const live = await runMain(['__help-json']);
    expect(JSON.parse(live.stdout)).toEqual(cached());
    expect(Object.keys(cached()).some((k) => k.includes('__') || k.endsWith(' help'))).toBe(false);
  });

  it('ges help <topic> shows the topic; config and emulator: the command, then it', async () => {
    for (const topic of TOPICS) {
      const r = await runMain(['help', topic.name]);
      expect(r.code, topic.name).toBe(0);
      expect(r.stdout, topic.name).toContain(`${topic.title}\n\n`);
      expect(r.stdout, topic.name).toContain((await topic.text()).trim());
    }
    const config = (await runMain(['help', 'config'])).stdout;
    expect(config.indexOf('Usage: ges config')).toBe(0);
    expect(config.indexOf('Configuration\n\n')).toBeGreaterThan(config.indexOf('Examples:'));
    expect((await runMain(['help', 'emulator'])).stdout).toMatch(
      /^Usage: ges emulator[\s\S]*--edition[\s\S]*The emulator\n\n[\s\S]*\/emulator\/faults/,
    );
  });

  it('ges --help: commands, then options, examples and the topics', async () => {
    const text = (await runMain(['--help'])).stdout;
    const at = (s: string): number => text.indexOf(s);
    expect(at('Commands:')).toBeGreaterThan(0);
    expect(at('Commands:')).toBeLessThan(at('Options:'));
    expect(at('Options:')).toBeLessThan(at('Examples:'));
    expect(at('Examples:')).toBeLessThan(at('Help topics (ges help <topic>):'));
    for (const topic of TOPICS) expect(text).toMatch(new RegExp(`\\n  ${topic.name} +\\S`));
    expect(text).toMatch(
      /\n {2}help \[command\.\.\.\] +show the help of a command, or a help topic/,
    );
    expect(text).toContain('--max-time <duration>');
  });

  it(
    "every command's help ends by pointing at the global options and the exit codes, " +
      'and none repeats the exit-code table or a boolean default',
    () => {
      for (const [key, text] of Object.entries(cached())) {
        if (key === '') continue;
        expect(text.endsWith('ges --help\n'), key).toBe(true);
        expect(text, key).toContain('\nExit codes: ges help exit-codes\n');
        expect(text, key).not.toContain('130');
        expect(text, key).not.toContain('SIGTERM / SIGHUP');
        expect(text, key).not.toContain('(default: false)');
        expect(text, key).toContain('Examples:');
      }
      expect(cached()['job cancel']).toContain('(default: 300s)');
    },
  );

  it('fits 80 columns in ASCII: every help text and every topic', async () => {
    const texts = [...Object.values(cached()), ...(await topicTexts())];
    for (const text of texts) {
      for (const line of text.split('\n')) {
        expect(line.length, line).toBeLessThanOrEqual(80);
        expect(line, line).toMatch(/^[\x20-\x7e]*$/);
      }
    }
  });

  it('every example in the help and the topics is a command line ges accepts', async () => {
    const lines = [
      ...Object.values(cached()).flatMap((t) => examplesIn(t.split('\nExamples:\n')[1] ?? '')),
      ...(await topicTexts()).flatMap(examplesIn),
    ];
    const commands = lines.flatMap(gesCommands);
    expect(commands.length).toBeGreaterThan(40);
    for (const args of commands) {
      if (args[0] === 'help') {
        await expect(helpFor(parseOnly(), args.slice(1)), args.join(' ')).resolves.toBeTruthy();
        continue;
      }
      await expect(
        parseOnly().parseAsync(args, { from: 'user' }),
        args.join(' '),
      ).resolves.toBeDefined();
    }
    // The check can fail: a misspelt option or a missing argument does not parse.
    const user = { from: 'user' } as const;
    await expect(parseOnly().parseAsync(['job', 'cancel', 'x', '--wiat'], user)).rejects.toThrow();
    await expect(parseOnly().parseAsync(['job', 'status', 'movies'], user)).rejects.toThrow();
  });

  it('--version and --help exit 0; help shows examples and exit codes', async () => {
    const v = await runMain(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runMain(['job', 'cancel', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('Exit codes:');
  });

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

describe('help for a mistyped command', () => {
  it('one clean "did you mean" line, exit 2; the usage error document with --json', async () => {
    const run = await runMain(['job', 'cancle', 'movies', 'a1']);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'cancle' for 'ges job'\nhint: did you mean ges job cancel?\n",
    });
    const help = await runMain(['help', 'job', 'cancle']);
    expect(help).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "error: unknown command 'cancle' for 'ges job'\n" +
        'hint: did you mean ges help job cancel?\n',
    });
    const json = await runMain(['help', 'job', 'cancle', '--json']);
    expect(json.code).toBe(2);
    expect(parseJson(json.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      error: {
        kind: 'usage',
        code: null,
        message: "unknown command 'cancle' for 'ges job'",
        httpStatus: null,
        hint: 'did you mean ges help job cancel?',
      },
    });
    expect((await runMain(['help', 'exit-code'])).stderr).toContain(
      'hint: did you mean ges help exit-codes?',
    );
    expect((await runMain(['jbo', 'list'])).stderr).toContain('hint: did you mean ges job?');
    const far = await runMain(['help', 'xyzzy']);
    expect(far).toMatchObject({ code: 2, stdout: '' });
    expect(far.stderr).toBe("error: unknown command 'xyzzy' for 'ges'\nhint: see ges help\n");
    const extra = await runMain(['help', 'job', 'list', 'more']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("'ges job list' takes no command");
  });

  it('a mistyped option: its suggestion, on one line', async () => {
    const r = await runMain(['job', 'cancel', 'movies', 'a1', '--ignore-finshed']);
    expect(r).toMatchObject({
      code: 2,
      stderr: "error: unknown option '--ignore-finshed'\nhint: did you mean --ignore-finished?\n",
    });
    const bogus = await runMain(['job', 'list', 'movies', '--bogus']);
    expect(bogus.stderr).toBe("error: unknown option '--bogus'\nhint: see ges job list --help\n");
    expect(bogus.stderr).not.toContain('\\n');
  });
});

describe('the man page', () => {
  const groff = spawnSync('groff', ['--version']).status === 0;
  const mandoc = spawnSync('mandoc', ['-Tlint', '/dev/null']).error === undefined;

  function build(): string {
    const file = path.join(tempHome(), 'ges.1');
    execFileSync(process.execPath, [path.join(ROOT, '.ci/man.mjs'), file]);
    return file;
  }

  it('is made from the same help: every command, its options, and each topic', () => {
    const page = readFileSync(build(), 'utf8');
    expect(page).toMatch(/^\.TH GES 1 \d{4}-\d{2}-\d{2} "ges-cli \d+\.\d+\.\d+"/);
    for (const key of Object.keys(cached()).filter(Boolean))
      expect(page).toContain(`.SS "ges ${key.replaceAll('-', '\\-')}`);
    expect(page).toContain('\\fB\\-\\-ignore\\-finished\\fR');
    for (const topic of TOPICS) expect(page).toContain(`.SH "${topic.title.toUpperCase()}"`);
    expect(page).toContain('.SH "GLOBAL OPTIONS"');
  });

  it.skipIf(!groff)('renders without a warning, within 80 columns', () => {
    const file = build();
    const run = spawnSync('groff', ['-man', '-Tutf8', '-ww', file], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const text = run.stdout.replace(/.\x08/g, '').replace(/\x1b\[[0-9;]*m/g, '');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('ges job cancel [options] <graph> [jobId...]');
  });

  it.skipIf(!mandoc)('passes mandoc -Tlint', () => {
    const run = spawnSync('mandoc', ['-Tlint', build()], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

/** The example command lines in a help text: lines indented by two, continued by a `\`. */
function examplesIn(text: string): string[] {
  const lines: string[] = [];
  let open = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('  ')) {
      open = false;
      continue;
    }
    const body = line.trim();
    if (open) lines[lines.length - 1] = `${lines.at(-1)!.slice(0, -1)} ${body}`;
    else lines.push(body);
    open = body.endsWith('\\');
  }
  return lines.filter((l) => /^(?:[A-Z_]+=\S*\s+)*ges\s/.test(l));
}

/**
 * The `ges` commands of a shell line, as argument lists: quotes removed, pipes, `&&`, `;`,
 * `&`, redirections and comments cut, leading VAR=value assignments dropped.
 */
function gesCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let skipNext = false;
  const end = (): void => {
    if (word !== null && !skipNext) words.push(word);
    else if (word !== null) skipNext = false;
    word = null;
  };
  const flush = (): void => {
    end();
    while (words[0] && /^[A-Z_]+=/.test(words[0])) words.shift();
    if (words[0] === 'ges') commands.push(words.slice(1));
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === ' ') end();
    else if (c === '#' && word === null) break;
    else if ('|;&'.includes(c)) flush();
    else if (c === '>' || c === '<') {
      end();
      skipNext = true;
    } else word = (word ?? '') + c;
  }
  flush();
  return commands;
}
