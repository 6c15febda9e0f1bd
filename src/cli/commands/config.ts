import {
  type FoundConfig,
  findConfig,
  loadFound,
  searchPlaces,
  type TrustReason,
  untrustedError,
} from '../../core/config/load.js';
import { dropTrust, recordTrust, requireConfigDir, sha256 } from '../../core/config/trust.js';
import { ConfigError, GesError, UsageError } from '../../core/errors.js';
import { shellQuote } from '../../core/fs-safety.js';
import { maskUrlCredentials } from '../../core/http/address.js';
import { whyNoDir } from '../../core/paths.js';
import { checkGraph } from '../../core/validate.js';
import {
  type CommandContext,
  connect,
  explicitConfig,
  loadFileConfig,
  loadSettings,
} from '../context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import type { ShowOptions } from '../program/config.js';
import { envelope } from '../report.js';
import { settingRows } from '../settings-view.js';

/** A JavaScript config: run to be read, so never parsed by config path or checked by trust. */
const JS_CONFIG = /\.(c|m)?js$/;

const TRUST_WORDS: Record<TrustReason, string> = {
  named: 'trusted: named by --config or GES_CONFIG',
  'user-folder': 'trusted: in the user config folder',
  recorded: 'trusted: recorded by ges config trust',
};

/** "trusted: …" or "not trusted: …", for config path and config list. */
function trustWords(found: FoundConfig): string {
  if (found.trust) return TRUST_WORDS[found.trust];
  // With no user config folder no trust can be recorded: the way to use it is to name it.
  if (found.noTrustList) return `not trusted; ${untrustedError(found).hint}`;
  return `not trusted; to use it run: ges config trust ${shellQuote(found.filepath)}`;
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
    found?.trust && !JS_CONFIG.test(found.filepath)
      ? await loadFound(found).then(
          () => null,
          (e: unknown) => (e instanceof ConfigError ? e : null),
        )
      : null;
  const exitCode = problem ? exitCodeFor(problem) : EXIT.ok;
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
      envelope(EXIT.ok, {
        file: loaded?.filepath ?? null,
        trust: loaded?.trust ?? null,
        defaultProfile: loaded ? defaultName : null,
        profiles,
      }),
    );
    return EXIT.ok;
  }
  if (!loaded || profiles.length === 0) {
    output.info(
      loaded
        ? `no profiles in ${loaded.filepath} (${TRUST_WORDS[loaded.trust]})`
        : 'no config file found: create one with ges config init',
    );
    return EXIT.ok;
  }
  output.table([
    ['', 'NAME', 'ENDPOINT', 'AUTH'],
    ...profiles.map((p) => [p.default ? '*' : '', p.name, p.endpoint ?? '-', p.authType ?? '-']),
  ]);
  output.info(`from ${loaded.filepath} (${TRUST_WORDS[loaded.trust]}); * marks the default`);
  return EXIT.ok;
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

/**
 * A YAML or JSON config must parse and validate before it is trusted: else the parser's line
 * and column (or the key at fault), and nothing is recorded. Its warnings are returned. A
 * JavaScript config cannot be checked without running it, which trust must come before: null.
 */
async function checkBeforeTrust(found: FoundConfig): Promise<string[] | null> {
  if (JS_CONFIG.test(found.filepath)) return null;
  try {
    // The bytes that were read and will be hashed, parsed as a named file would be.
    return (await loadFound({ ...found, trust: 'named' })).warnings;
  } catch (error) {
    if (error instanceof GesError) error.during(`not trusted, nothing recorded`);
    throw error;
  }
}

/** ges config trust [file]: lets ges use a config file found in a folder, as it is now. */
export async function runConfigTrust(ctx: CommandContext, file?: string): Promise<number> {
  const { output } = ctx;
  const globalDir = requireConfigDir(ctx.env, 'record a trusted file');
  const found = await trustTarget(ctx, file);
  const warnings = await checkBeforeTrust(found);
  for (const warning of warnings ?? []) output.warn(warning);
  const hash = sha256(found.bytes);
  await recordTrust(globalDir, found.realpath, hash);
  if (output.flags.json) {
    output.json(
      envelope(EXIT.ok, { file: found.realpath, sha256: hash, trusted: true, checked: !!warnings }),
    );
    return EXIT.ok;
  }
  output.result(`Trusted ${found.realpath} (sha256 ${hash.slice(0, 12)}…)`);
  if (!warnings)
    output.info(
      'It is JavaScript, so it was not checked: that would mean running it. ' +
        'Trust it only once you have read it.',
    );
  output.info(
    'ges uses it until it changes; then it must be trusted again. Undo with: ges config untrust',
  );
  return EXIT.ok;
}

/** ges config untrust [file]: forgets a trusted file. */
export async function runConfigUntrust(ctx: CommandContext, file?: string): Promise<number> {
  const { output } = ctx;
  const globalDir = requireConfigDir(ctx.env, 'forget a trusted file');
  const found = await trustTarget(ctx, file);
  const dropped = await dropTrust(globalDir, found.realpath);
  if (output.flags.json)
    output.json(envelope(EXIT.ok, { file: found.realpath, trusted: false, wasTrusted: dropped }));
  else
    output.result(
      dropped ? `No longer trusted: ${found.realpath}` : `${found.realpath} was not trusted`,
    );
  return EXIT.ok;
}

/** ges config show: the resolved settings with the source of each value, secrets masked. */
export async function runConfigShow(ctx: CommandContext, opts: ShowOptions): Promise<number> {
  const { output } = ctx;
  let s = await loadSettings(ctx);
  if (opts.graph !== undefined && s.discovery && !s.endpoint) {
    // --graph: find the graph's address as a job command would (the management plane, or the
    // cache); an endpoint, when there is one, is where a job command goes without looking.
    const conn = await connect(ctx, checkGraph(opts.graph), { settings: s });
    await conn.close();
    s = { ...conn.settings, endpoint: conn.lookup?.endpoint ?? null };
  }
  const rows = settingRows(s, ctx.env);
  if (output.flags.json) {
    output.json(
      envelope(EXIT.ok, {
        settings: Object.fromEntries(rows.map(([k, value, source]) => [k, { value, source }])),
      }),
    );
    return EXIT.ok;
  }
  output.table([['SETTING', 'VALUE', 'SOURCE'], ...rows]);
  return EXIT.ok;
}
