import { createInterface } from 'node:readline';
import { type NewProfile, PROFILE_NAME, profileExistsError } from '../../core/config/init.js';
import { checkRegion } from '../../core/config/resolve.js';
import { AUTH_TYPES, type AuthType } from '../../core/config/schema.js';
import { holdsProfile, profileTarget, writeProfile } from '../../core/config/write.js';
import { GesError, InterruptedError, UsageError } from '../../core/errors.js';
import { checkEndpoint, checkProjectId } from '../../core/validate.js';
import { type CommandContext, explicitConfig } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { escapeText } from '../output.js';
import type { InitOptions } from '../program/config.js';
import { envelope } from '../report.js';

type Key =
  | 'profile'
  | 'endpoint'
  | 'region'
  | 'project-id'
  | 'auth'
  | 'iam-endpoint'
  | 'domain'
  | 'user';
type Given = Partial<Record<Key, string>>;

/** A name written as is into the file: something, and no control characters. */
function checkName(what: string): (value: string) => string {
  return (value) => {
    if (value !== '' && !/[\p{Cc}]/u.test(value)) return value;
    const why = value === '' ? 'it cannot be empty' : 'it cannot hold control characters';
    throw new UsageError(`invalid ${what} ${JSON.stringify(value)}: ${why}`);
  };
}

/**
 * Each value's check, the resolver's own where it has one (an endpoint, a region, a project
 * ID), so that a profile written is a profile that loads. `source` is the flag, or "your
 * answer".
 */
const CHECKS: Record<Key, (value: string, source: string) => string> = {
  profile: (value) => {
    if (PROFILE_NAME.test(value)) return value;
    throw new UsageError(
      `invalid profile name ${JSON.stringify(value)}: letters, digits, "_" and "-", ` +
        'at most 64 characters',
    );
  },
  endpoint: checkEndpoint,
  region: checkRegion,
  'project-id': checkProjectId,
  auth: (value) => {
    if ((AUTH_TYPES as readonly string[]).includes(value)) return value;
    throw new UsageError(
      `invalid auth type ${JSON.stringify(value)}: use one of ${AUTH_TYPES.join(', ')}`,
    );
  },
  'iam-endpoint': checkEndpoint,
  domain: checkName('account (domain) name'),
  user: checkName('user name'),
};

/** What the flags give, each value checked (a bad one is exit 2 naming the flag). */
function givenByFlags(ctx: CommandContext, opts: InitOptions): Given {
  const given: Given = {
    profile: ctx.options.profile,
    endpoint: ctx.options.endpoint,
    region: ctx.options.region,
    'project-id': ctx.options.projectId,
    auth: opts.auth,
    ...(opts.auth === 'password'
      ? { 'iam-endpoint': opts.iamEndpoint, domain: opts.domain, user: opts.user }
      : {}),
  };
  for (const key of Object.keys(given) as Key[]) {
    const value = given[key];
    if (value !== undefined) given[key] = CHECKS[key](value, `--${key}`);
  }
  return given;
}

/** A conversation on the terminal; every way out of it but the last answer is a typed error. */
interface Prompt {
  /** The answer, trimmed. */
  ask(question: string): Promise<string>;
  say(line: string): void;
  close(): void;
}

/**
 * Asks on stderr, reads stdin. Ctrl-C at a prompt (which the terminal hands to readline, not
 * to the process) and a stopped run are an interruption, exit 130; the input ending before the
 * last answer is a usage error. Either way nothing has been written.
 */
function openPrompt(ctx: CommandContext): Prompt {
  const { stdin, stderr } = ctx.streams;
  const rl = createInterface({ input: stdin, output: stderr });
  let ended: GesError | undefined;
  let reject: ((error: GesError) => void) | undefined;
  const end = (error: GesError): void => {
    ended ??= error;
    reject?.(ended);
  };
  const interrupt = (reason: string): void =>
    end(new InterruptedError('interrupted at a prompt: nothing written', 0, false, reason));
  const onStop = (): void => interrupt(String(ctx.signal.reason));
  rl.on('SIGINT', () => {
    // The line break the terminal did not echo; a stopped run has said why on its own line.
    stderr.write('\n');
    interrupt('SIGINT');
  });
  rl.on('close', () =>
    end(new UsageError('the input ended before the last answer: nothing written')),
  );
  ctx.signal.addEventListener('abort', onStop, { once: true });
  return {
    ask: (question) =>
      new Promise((resolve, fail) => {
        if (ended) return fail(ended);
        reject = fail;
        rl.question(question, (answer) => {
          reject = undefined;
          resolve(answer.trim());
        });
      }),
    say: (line) => stderr.write(`${escapeText(line)}\n`),
    close: () => {
      ctx.signal.removeEventListener('abort', onStop);
      rl.close();
    },
  };
}

interface Question {
  key: Key;
  text: string;
  fallback?: string;
  /** An empty answer leaves the value unset. */
  optional?: boolean;
  /** A check beyond the value's own; throws a GesError. */
  also?: (value: string) => void;
}

/** Asks until the answer passes its check; a bad answer is said, and asked again. */
async function ask(prompt: Prompt, given: Given, question: Question): Promise<void> {
  const { key, text, fallback, optional, also } = question;
  while (given[key] === undefined) {
    const answer = (await prompt.ask(`${text}${fallback ? ` [${fallback}]` : ''}: `)) || fallback;
    if (!answer) {
      if (optional) return;
      continue;
    }
    try {
      const value = CHECKS[key](answer, 'your answer');
      also?.(value);
      given[key] = value;
    } catch (error) {
      if (!(error instanceof GesError)) throw error;
      prompt.say(`${error.message}; try again`);
    }
  }
}

/** Asks on the terminal for what the flags left out; `taken` refuses a profile name in use. */
async function interview(
  prompt: Prompt,
  given: Given,
  taken: (name: string) => void,
): Promise<void> {
  await ask(prompt, given, {
    key: 'profile',
    text: 'Profile name',
    fallback: 'default',
    also: taken,
  });
  if (!given.endpoint && !given.region) {
    await ask(prompt, given, {
      key: 'endpoint',
      text:
        "Graph endpoint (the graph's service-plane address, e.g. http://192.168.0.20; " +
        'empty: find graphs by name in a region)',
      optional: true,
    });
    if (!given.endpoint)
      await ask(prompt, given, { key: 'region', text: 'Region (e.g. cn-north-4)' });
  }
  await ask(prompt, given, {
    key: 'project-id',
    text: 'Project ID (My Credentials > API Credentials)',
  });
  await ask(prompt, given, {
    key: 'auth',
    text: `Auth type (${AUTH_TYPES.join(', ')})`,
    fallback: 'token',
  });
  if (given.auth !== 'password') return;
  // A region profile logs in at the region's IAM unless told otherwise.
  if (!given.region)
    await ask(prompt, given, {
      key: 'iam-endpoint',
      text: 'IAM endpoint',
      fallback: 'https://iam.myhuaweicloud.com',
    });
  await ask(prompt, given, { key: 'domain', text: 'Account (domain) name' });
  await ask(prompt, given, { key: 'user', text: 'IAM user name' });
}

/** Without a terminal every answer must come from the flags: a UsageError names what is missing. */
function requireGiven(given: Given): void {
  const needs: [boolean, string][] = [
    [!given.profile, '--profile'],
    [!given.endpoint && !given.region, '--endpoint (or --region)'],
    [!given['project-id'], '--project-id'],
    [!given.auth, '--auth'],
    [given.auth === 'password' && !given.region && !given['iam-endpoint'], '--iam-endpoint'],
    [given.auth === 'password' && !given.domain, '--domain'],
    [given.auth === 'password' && !given.user, '--user'],
  ];
  const missing = needs.filter(([needed]) => needed).map(([, flag]) => flag);
  if (missing.length) {
    throw new UsageError(
      `ges config init needs ${missing.join(', ')} when there is no terminal to ask on`,
      'e.g. ges config init --profile default --endpoint http://192.168.0.20 ' +
        '--project-id <id> --auth token',
    );
  }
}

/** The answers, all checked, as the profile to write. */
function profileFrom(given: Given): NewProfile {
  const auth = given.auth as AuthType;
  return {
    name: given.profile!,
    ...(given.endpoint ? { endpoint: given.endpoint } : { region: given.region! }),
    projectId: given['project-id']!,
    auth,
    ...(auth === 'password'
      ? {
          ...(given['iam-endpoint'] ? { iamEndpoint: given['iam-endpoint'] } : {}),
          domain: given.domain,
          user: given.user,
        }
      : {}),
  };
}

/** --local against --global or a named file: which file was meant cannot be told. */
function checkWhere(ctx: CommandContext, opts: InitOptions): void {
  const named = explicitConfig(ctx);
  if (opts.local && opts.global)
    throw new UsageError(
      '--local and --global contradict each other: --local writes ./.gesrc.yaml, ' +
        'and the user config is the default',
    );
  if (opts.local && named.file)
    throw new UsageError(
      `--local writes ./.gesrc.yaml, but ${named.source} names the file ges reads ` +
        '(and then it searches no folder)',
      named.source === 'GES_CONFIG' ? 'unset GES_CONFIG, or drop --local' : 'drop one of them',
    );
  if (opts.global)
    ctx.output.warn(
      '--global is deprecated: config init writes the user config by default now; ' +
        'drop the flag (a later version removes it)',
    );
}

const SECRET_VARIABLES: Record<AuthType, string> = {
  token: 'GES_TOKEN',
  password: 'GES_PASSWORD',
  aksk: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
  none: '',
};

/**
 * ges config init: adds a profile to the user config (./.gesrc.yaml with --local), asking on a
 * terminal for what the flags leave out. Nothing is written before the last answer.
 */
export async function runConfigInit(ctx: CommandContext, opts: InitOptions): Promise<number> {
  const { output, streams, env } = ctx;
  checkWhere(ctx, opts);
  const named = explicitConfig(ctx).file;
  const file = await profileTarget({ named, local: Boolean(opts.local), cwd: ctx.cwd, env });
  const given = givenByFlags(ctx, opts);
  // A name in use is refused before any other answer is asked for, not after the last.
  const taken = (name: string): void => {
    if (!opts.force && holdsProfile(file, name)) throw profileExistsError(name, file);
  };
  if (given.profile) taken(given.profile);
  if (streams.stdin.isTTY && streams.stderr.isTTY && !output.flags.json) {
    const prompt = openPrompt(ctx);
    try {
      await interview(prompt, given, taken);
    } finally {
      prompt.close();
    }
  } else requireGiven(given);
  const profile = profileFrom(given);
  const dryRun = ctx.options.dryRun;
  await writeProfile(file, profile, {
    force: Boolean(opts.force),
    named: Boolean(named),
    dryRun,
    cwd: ctx.cwd,
    env,
  });
  if (output.flags.json) {
    output.json(envelope(EXIT.ok, { file, profile: profile.name, written: !dryRun }));
    return EXIT.ok;
  }
  output.result(`${dryRun ? 'Would write' : 'Wrote'} profile ${profile.name} to ${file}`);
  if (SECRET_VARIABLES[profile.auth])
    output.info(
      `Secrets stay out of the file: set ${SECRET_VARIABLES[profile.auth]} in the environment, ` +
        `then try: ges job list <graph> -p ${profile.name}`,
    );
  return EXIT.ok;
}
