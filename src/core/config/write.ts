import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, GesError, UsageError } from '../errors.js';
import {
  type Guarded,
  makeDirs,
  readGuarded,
  shellQuote,
  updateFileAtomic,
  writeFailure,
} from '../fs-safety.js';
import { whyNoDir } from '../paths.js';
import { addProfile, hasProfile, type NewProfile } from './init.js';
import {
  CONFIG_SIZE_LIMIT,
  findConfig,
  firstCandidate,
  GLOBAL_NAMES,
  inUserFolder,
  parseYaml,
  SEARCH_NAMES,
  searchPlaces,
} from './load.js';
import { profileNamed, validateConfig } from './schema.js';
import { isTrusted, recordTrust, requireConfigDir, sha256 } from './trust.js';

/** Writing a profile for `ges config init`: to the file that will be read, trusted as written. */

type Env = Record<string, string | undefined>;

/**
 * The file a new profile goes to: the one named by --config/GES_CONFIG, else config.yaml in
 * the user config folder (./.gesrc.yaml in `cwd` with `local`), unless a file ges reads first
 * sits in that folder: then that one when it is YAML, or a refusal naming it (a profile
 * written elsewhere would never load). With no user config folder, only a named or local
 * file can be written.
 */
export async function profileTarget(options: {
  named?: string;
  local: boolean;
  cwd: string;
  env: Env;
}): Promise<string> {
  const { named, local, cwd, env } = options;
  const target = named
    ? path.resolve(cwd, named)
    : local
      ? path.join(cwd, '.gesrc.yaml')
      : path.join(
          requireConfigDir(
            env,
            'write the user config',
            'name the file to write: ges config init --config <file> ...',
          ),
          'config.yaml',
        );
  if (/\.(json|c?js|mjs)$/.test(target))
    throw new UsageError(
      `config init writes YAML, and ${target} is not a YAML file; edit it by hand`,
    );
  if (named) return target;
  const dir = path.dirname(target);
  const first = firstCandidate((local ? SEARCH_NAMES : GLOBAL_NAMES).map((n) => path.join(dir, n)));
  if (!first || first === target) return target;
  if (/(^|\/)(\.gesrc|config)(\.ya?ml)?$/.test(first)) return first;
  throw new UsageError(
    `${first} is read before ${target}, so a profile written there would never load`,
    `add the profile to ${first} by hand, or write elsewhere with --config <file>`,
  );
}

/**
 * True when `file` holds profile `name` already, as config init would find it in the text: so a
 * terminal can ask for another name before the other answers. Best effort: a file that cannot
 * be read here is left for the write to refuse, saying why.
 */
export function holdsProfile(file: string, name: string): boolean {
  const read = readGuarded(file, CONFIG_SIZE_LIMIT, file, true);
  if (!('bytes' in read)) return false;
  try {
    return hasProfile(read.bytes.toString('utf8'), name, file);
  } catch {
    return false;
  }
}

/** Where `file` is or will be, links in its folder resolved (the file may not exist yet). */
function realTarget(file: string): string {
  try {
    return path.join(realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return path.resolve(file);
  }
}

interface WriteOptions {
  force: boolean;
  named: boolean;
  dryRun: boolean;
  cwd: string;
  env: Env;
}

/**
 * The new text of `file` (and its mode: the existing file's, less write access for others;
 * 0600 when new) with the profile added. An existing file found in a folder must be trusted
 * already: adding to it would trust whatever else it holds.
 */
async function planProfile(
  file: string,
  read: Guarded,
  profile: NewProfile,
  options: WriteOptions,
  globalDir: string | null,
): Promise<{ text: string; mode: number }> {
  if ('unsafe' in read) throw new UsageError(read.unsafe);
  if ('tooLarge' in read)
    throw new UsageError(
      `${file} is larger than 1 MiB, which is not a config ges reads; ` +
        `write elsewhere with --config <file>`,
    );
  const existing = 'bytes' in read ? read.bytes.toString('utf8') : null;
  if (existing !== null && !options.named) {
    const found = (await findConfig({ explicitFile: file, cwd: options.cwd, env: options.env }))!;
    if (
      !inUserFolder(found.realpath, globalDir) &&
      !(globalDir && isTrusted(globalDir, found.realpath, sha256(found.bytes)))
    ) {
      throw new UsageError(
        `${file} exists and is not trusted; ` +
          `read it, then run: ges config trust ${shellQuote(file)}`,
        'or write the profile to the user config (config init without --local)',
      );
    }
  }
  const text = addProfile(existing, profile, file, options.force);
  const { config } = validateConfig(await parseYaml(file, text), file);
  const written = profileNamed(config, profile.name);
  if (written?.endpoint !== profile.endpoint || written?.region !== profile.region) {
    throw new UsageError(
      `could not add profile ${profile.name} to ${file} safely; ` +
        `edit it by hand ('ges help config' lists every key)`,
    );
  }
  return { text, mode: 'bytes' in read ? read.mode & 0o755 : 0o600 };
}

/**
 * Adds (or with `force` replaces) a profile in `file`, keeping its comments, other profiles
 * and mode, then trusts it as written. The whole read-modify-write holds the file's lock, so
 * two runs adding profiles at once both land. Nothing is written (not even a lock) on a dry run.
 */
export async function writeProfile(
  file: string,
  profile: NewProfile,
  options: WriteOptions,
): Promise<void> {
  const globalDir = searchPlaces(options.cwd, options.env).globalDir;
  const needsTrust = !options.named && !inUserFolder(realTarget(file), globalDir);
  if (needsTrust && !globalDir)
    throw new ConfigError(
      `cannot trust ${file} once written: ${whyNoDir(options.env, 'config')}`,
      'name the file instead (a named config needs no trust): ges config init --config <file> ...',
    );
  // Read as configs are read (a regular file of at most 1 MiB: a FIFO here would block for
  // ever), whoever owns it: what is written is the user's own file.
  const read = (): Guarded => readGuarded(file, CONFIG_SIZE_LIMIT, file, true);
  if (options.dryRun) {
    await planProfile(file, read(), profile, options, globalDir);
    return;
  }
  let text: string;
  try {
    await makeDirs(path.dirname(file));
    text = await updateFileAtomic(
      file,
      async (current) => {
        const plan = await planProfile(file, current, profile, options, globalDir);
        return { data: plan.text, result: plan.text, mode: plan.mode };
      },
      { mode: 0o600, limit: CONFIG_SIZE_LIMIT, anyOwner: true },
    );
  } catch (error) {
    if (error instanceof GesError) throw error;
    throw new ConfigError(`cannot write ${file}: ${writeFailure(error)}`);
  }
  // The user wrote it just now: trust exactly what was written.
  if (needsTrust) await recordTrust(globalDir!, realpathSync(file), sha256(text));
}
