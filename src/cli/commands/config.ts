import { createInterface } from 'node:readline/promises';
import { type NewProfile, PROFILE_NAME } from '../../core/config/init.js';
import {
  type FoundConfig,
  findConfig,
  searchPlaces,
  type TrustReason,
} from '../../core/config/load.js';
import { checkRegion } from '../../core/config/resolve.js';
import { AUTH_TYPES, type AuthType } from '../../core/config/schema.js';
import { dropTrust, recordTrust, requireConfigDir, sha256 } from '../../core/config/trust.js';
import { profileTarget, writeProfile } from '../../core/config/write.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { shellQuote } from '../../core/fs-safety.js';
import { maskUrlCredentials } from '../../core/http/address.js';
import { whyNoDir } from '../../core/paths.js';
import { checkEndpoint, checkGraph, checkProjectId } from '../../core/validate.js';
import {
  type CommandContext,
  connect,
  explicitConfig,
  loadFileConfig,
  loadSettings,
} from '../context.js';
import type { InitOptions, ShowOptions } from '../program/config.js';
import { envelope } from '../report.js';
import { settingRows } from '../settings-view.js';

const TRUST_WORDS: Record<TrustReason, string> = {
  named: 'trusted: named by --config or GES_CONFIG',
  'user-folder': 'trusted: in the user config folder',
  recorded: 'trusted: recorded by ges config trust',
};

/** "trusted: …" or "not trusted: …", for config path and config list. */
function trustWords(found: { trust: TrustReason | null; filepath: string }): string {
  return found.trust
    ? TRUST_WORDS[found.trust]
    : `not trusted; to use it run: ges config trust ${shellQuote(found.filepath)}`;
}

function findFileConfig(
  ctx: CommandContext,
  file = explicitConfig(ctx).file,
): Promise<FoundConfig | null> {
  return findConfig({ explicitFile: file, cwd: ctx.cwd, env: ctx.env });
}

/** ges config path: the file in use, whether it is trusted, and where the search looked. */
export async function runConfigPath(ctx: CommandContext): Promise<number> {
  const { output } = ctx;
  const explicit = explicitConfig(ctx);
  const found = await findFileConfig(ctx);
  const places = explicit.file ? null : searchPlaces(ctx.cwd, ctx.env);
  // A trusted data file (not JavaScript) is also parsed, so a broken one is named with its error
  // here.
  const problem =
    found?.trust && !/\.(c|m)?js$/.test(found.filepath)
      ? await loadFileConfig(ctx).then(
          () => null,
          (e: unknown) => (e instanceof ConfigError ? e : null),
        )
      : null;
  const exitCode = problem ? 2 : 0;
  if (output.flags.json) {
    output.json(
      envelope(exitCode, {
        file: found?.filepath ?? null,
        namedBy: explicit.source ?? null,
        trusted: found ? found.trust !== null : null,
        trust: found?.trust ?? null,
        searched: places,
        ...(problem ? { error: { kind: problem.kind, message: problem.message } } : {}),
      }),
    );
    return exitCode;
  }
  output.result(found ? `${found.filepath}  (${trustWords(found)})` : 'none');
  if (places) {
    output.result('searched, in order:');
    for (const dir of places.dirs) output.result(`  ${dir}`);
    output.result(
      places.globalDir
        ? `  ${places.globalDir}  (${places.globalNames.join(', ')})`
        : `  (${whyNoDir(ctx.env, 'config')})`,
    );
    output.result(
      'in each folder: ' +
        places.names.map((n) => (n === 'package.json' ? 'package.json ("ges" key)' : n)).join(', '),
    );
  } else output.result(`(named by ${explicit.source}: no search)`);
  if (!found) output.info('no config file found: create one with ges config init');
  if (problem) output.error(problem.message);
  return exitCode;
}

/** ges config list: the profiles, the default marked. */
export async function runConfigList(ctx: CommandContext): Promise<number> {
  const { output } = ctx;
  const loaded = await loadFileConfig(ctx);
  for (const warning of loaded?.warnings ?? []) output.warn(warning);
  const defaultName = loaded?.config.defaultProfile ?? 'default';
  const profiles = Object.entries(loaded?.config.profiles ?? {}).map(([name, p]) => ({
    name,
    default: name === defaultName,
    endpoint: typeof p.endpoint === 'string' ? maskUrlCredentials(p.endpoint) : null,
    authType: p.auth?.type ?? null,
  }));
  if (output.flags.json) {
    output.json(
      envelope(0, {
        file: loaded?.filepath ?? null,
        trust: loaded?.trust ?? null,
        defaultProfile: loaded ? defaultName : null,
        profiles,
      }),
    );
    return 0;
  }
  if (!loaded || profiles.length === 0) {
    output.info(
      loaded
        ? `no profiles in ${loaded.filepath} (${TRUST_WORDS[loaded.trust]})`
        : 'no config file found: create one with ges config init',
    );
    return 0;
  }
  output.table([
    ['', 'NAME', 'ENDPOINT', 'AUTH'],
    ...profiles.map((p) => [p.default ? '*' : '', p.name, p.endpoint ?? '-', p.authType ?? '-']),
  ]);
  output.info(`from ${loaded.filepath} (${TRUST_WORDS[loaded.trust]}); * marks the default`);
  return 0;
}

/**
 * The file `config trust`/`untrust` act on: the one named, else the one in use (named or
 * searched).
 */
async function trustTarget(ctx: CommandContext, file: string | undefined): Promise<FoundConfig> {
  const found = await findFileConfig(ctx, file ?? explicitConfig(ctx).file);
  if (!found)
    throw new UsageError('no config file found to trust', 'name one: ges config trust <file>');
  return found;
}

/** ges config trust [file]: lets ges use a config file found in a folder, as it is now. */
export async function runConfigTrust(ctx: CommandContext, file?: string): Promise<number> {
  const { output } = ctx;
  const globalDir = requireConfigDir(ctx.env, 'record a trusted file');
  const found = await trustTarget(ctx, file);
  const hash = sha256(found.bytes);
  await recordTrust(globalDir, found.realpath, hash);
  if (output.flags.json)
    output.json(envelope(0, { file: found.realpath, sha256: hash, trusted: true }));
  else {
    output.result(`Trusted ${found.realpath} (sha256 ${hash.slice(0, 12)}…)`);
    output.info(
      'ges uses it until it changes; then it must be trusted again. Undo with: ges config untrust',
    );
  }
  return 0;
}

/** ges config untrust [file]: forgets a trusted file. */
export async function runConfigUntrust(ctx: CommandContext, file?: string): Promise<number> {
  const { output } = ctx;
  const globalDir = requireConfigDir(ctx.env, 'forget a trusted file');
  const found = await trustTarget(ctx, file);
  const dropped = await dropTrust(globalDir, found.realpath);
  if (output.flags.json)
    output.json(envelope(0, { file: found.realpath, trusted: false, wasTrusted: dropped }));
  else
    output.result(
      dropped ? `No longer trusted: ${found.realpath}` : `${found.realpath} was not trusted`,
    );
  return 0;
}

/** ges config show: the resolved settings with the source of each value, secrets masked. */
export async function runConfigShow(ctx: CommandContext, opts: ShowOptions): Promise<number> {
  const { output } = ctx;
  let s = await loadSettings(ctx);
  if (opts.graph !== undefined && s.discovery) {
    // --graph: find the graph's address as a job command would (the management plane, or the
    // cache).
    const conn = await connect(ctx, checkGraph(opts.graph), { settings: s });
    await conn.close();
    s = { ...conn.settings, endpoint: conn.lookup?.endpoint ?? null };
  }
  const rows = settingRows(s, ctx.env);
  if (output.flags.json) {
    output.json(
      envelope(0, {
        settings: Object.fromEntries(rows.map(([k, value, source]) => [k, { value, source }])),
      }),
    );
    return 0;
  }
  output.table([['SETTING', 'VALUE', 'SOURCE'], ...rows]);
  return 0;
}

type Given = Record<string, string | undefined>;

/** Asks on the terminal for what the flags left out; each answer is checked as given. */
async function askInteractively(ctx: CommandContext, given: Given, opts: InitOptions) {
  const { streams } = ctx;
  const rl = createInterface({ input: streams.stdin, output: streams.stderr });
  const ask = async (key: string, question: string, fallback?: string): Promise<void> => {
    while (given[key] === undefined || given[key] === '') {
      const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
      given[key] = answer || fallback;
    }
  };
  try {
    await ask('profile', 'Profile name', 'default');
    if (!given.endpoint && !given.region) {
      const answer = (
        await rl.question(
          "Graph endpoint (the graph's service-plane address, e.g. http://192.168.0.20; " +
            'empty: find graphs by name in a region): ',
        )
      ).trim();
      if (answer) given.endpoint = answer;
      else await ask('region', 'Region (e.g. cn-north-4)');
    }
    await ask('project-id', 'Project ID (My Credentials > API Credentials)');
    await ask('auth', `Auth type (${AUTH_TYPES.join(', ')})`, 'token');
    if (given.auth === 'password') {
      Object.assign(given, {
        'iam-endpoint': opts.iamEndpoint,
        domain: opts.domain,
        user: opts.user,
      });
      // A region profile logs in at the region's IAM unless told otherwise.
      if (!given.region) await ask('iam-endpoint', 'IAM endpoint', 'https://iam.myhuaweicloud.com');
      await ask('domain', 'Account (domain) name');
      await ask('user', 'IAM user name');
    }
  } finally {
    rl.close();
  }
}

/** Without a terminal every answer must come from the flags: a UsageError names what is missing. */
function requireGiven(given: Given, opts: InitOptions): void {
  if (opts.auth === 'password')
    Object.assign(given, {
      'iam-endpoint': opts.iamEndpoint ?? (given.region ? '' : undefined),
      domain: opts.domain,
      user: opts.user,
    });
  const missing = Object.entries(given)
    .filter(([k, v]) => v === undefined && !(k === 'endpoint' && given.region) && k !== 'region')
    .map(([k]) => (k === 'endpoint' ? '--endpoint (or --region)' : `--${k}`));
  if (missing.length) {
    throw new UsageError(
      `ges config init needs ${missing.join(', ')} when there is no terminal to ask on`,
      'e.g. ges config init --profile default --endpoint http://192.168.0.20 ' +
        '--project-id <id> --auth token',
    );
  }
}

/** The answers, checked, as the profile to write. */
function profileFrom(given: Given): NewProfile {
  const auth = given.auth as AuthType;
  if (!AUTH_TYPES.includes(auth))
    throw new UsageError(
      `invalid --auth ${JSON.stringify(given.auth)}: use one of ${AUTH_TYPES.join(', ')}`,
    );
  if (!PROFILE_NAME.test(given.profile!))
    throw new UsageError(
      `invalid profile name ${JSON.stringify(given.profile)}: letters, digits, "_" and "-"`,
    );
  return {
    name: given.profile!,
    ...(given.endpoint
      ? { endpoint: checkEndpoint(given.endpoint, '--endpoint') }
      : { region: checkRegion(given.region!, '--region') }),
    projectId: checkProjectId(given['project-id']!, '--project-id'),
    auth,
    ...(auth === 'password'
      ? {
          ...(given['iam-endpoint']
            ? { iamEndpoint: checkEndpoint(given['iam-endpoint'], '--iam-endpoint') }
            : {}),
          domain: given.domain,
          user: given.user,
        }
      : {}),
  };
}

/** ges config init: adds a profile to .gesrc.yaml (or the user config), asking on a terminal. */
export async function runConfigInit(ctx: CommandContext, opts: InitOptions): Promise<number> {
  const { output, streams } = ctx;
  const env = ctx.env;
  const file = await profileTarget({
    named: explicitConfig(ctx).file,
    global: Boolean(opts.global),
    cwd: ctx.cwd,
    env,
  });
  const given: Given = {
    profile: ctx.options.profile,
    endpoint: ctx.options.endpoint,
    region: ctx.options.region,
    'project-id': ctx.options.projectId,
    auth: opts.auth,
  };
  if (streams.stdin.isTTY && streams.stderr.isTTY && !output.flags.json)
    await askInteractively(ctx, given, opts);
  else requireGiven(given, opts);
  const profile = profileFrom(given);
  const auth = profile.auth;
  await writeProfile(file, profile, {
    force: Boolean(opts.force),
    named: Boolean(explicitConfig(ctx).file),
    dryRun: ctx.options.dryRun,
    cwd: ctx.cwd,
    env,
  });
  const secretEnv = {
    token: 'GES_TOKEN',
    password: 'GES_PASSWORD',
    aksk: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
    none: '',
  }[auth];
  if (output.flags.json) {
    output.json(envelope(0, { file, profile: profile.name, written: !ctx.options.dryRun }));
  } else {
    output.result(
      `${ctx.options.dryRun ? 'Would write' : 'Wrote'} profile ${profile.name} to ${file}`,
    );
    if (secretEnv)
      output.info(
        `Secrets stay out of the file: set ${secretEnv} in the environment, ` +
          `then try: ges job list <graph> -p ${profile.name}`,
      );
  }
  return 0;
}
