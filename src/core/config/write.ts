import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { readGuarded, shellQuote, writeFileAtomic } from '../fs-safety.js';
import { addProfile, type NewProfile } from './init.js';
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
import { isTrusted, recordTrust, sha256 } from './trust.js';

/** Writing a profile for `ges config init`: to the file that will be read, trusted as written. */

type Env = Record<string, string | undefined>;

/**
 * The file a new profile goes to: the one named by --config/GES_CONFIG, else .gesrc.yaml in
 * `cwd` (or config.yaml in the user config folder), unless a file ges reads first sits in
 * that folder: then that one when it is YAML, or a refusal naming it (a profile written
 * elsewhere would never load).
 */
export async function profileTarget(options: {
  named?: string;
  global: boolean;
  cwd: string;
  env: Env;
}): Promise<string> {
  const { named, global, cwd, env } = options;
  const target = named
    ? path.resolve(cwd, named)
    : global
      ? path.join(searchPlaces(cwd, env).globalDir, 'config.yaml')
      : path.join(cwd, '.gesrc.yaml');
  if (/\.(json|c?js|mjs)$/.test(target))
    throw new UsageError(
      `config init writes YAML, and ${target} is not a YAML file; edit it by hand`,
    );
  if (named) return target;
  const dir = path.dirname(target);
  const first = firstCandidate(
    (global ? GLOBAL_NAMES : SEARCH_NAMES).map((n) => path.join(dir, n)),
  );
  if (!first || first === target) return target;
  if (/(^|\/)(\.gesrc|config)(\.ya?ml)?$/.test(first)) return first;
  throw new UsageError(
    `${first} is read before ${target}, so a profile written there would never load`,
    `add the profile to ${first} by hand, or write elsewhere with --config <file>`,
  );
}

/**
 * Adds (or with `force` replaces) a profile in `file`, keeping its comments, other profiles
 * and mode (0600 when new), then trusts it. An existing file found in a folder must be
 * trusted already: adding to it would trust whatever else it holds.
 */
export async function writeProfile(
  file: string,
  profile: NewProfile,
  options: { force: boolean; named: boolean; dryRun: boolean; cwd: string; env: Env },
): Promise<void> {
  const { cwd, env } = options;
  const globalDir = searchPlaces(cwd, env).globalDir;
  // Read as configs are read (a regular file of at most 1 MiB: a FIFO here would block for
  // ever), whoever owns it: what is written is the user's own file.
  const read = readGuarded(file, CONFIG_SIZE_LIMIT, file, true);
  if ('unsafe' in read) throw new UsageError(read.unsafe);
  if ('tooLarge' in read)
    throw new UsageError(
      `${file} is larger than 1 MiB, which is not a config ges reads; ` +
        `write elsewhere with --config <file>`,
    );
  const existing = 'bytes' in read ? read.bytes.toString('utf8') : null;
  const mode = 'bytes' in read ? read.mode : 0o600;
  if (existing !== null && !options.named) {
    const found = (await findConfig({ explicitFile: file, cwd, env }))!;
    if (
      !inUserFolder(found.realpath, globalDir) &&
      !isTrusted(globalDir, found.realpath, sha256(found.bytes))
    ) {
      throw new UsageError(
        `${file} exists and is not trusted; ` +
          `read it, then run: ges config trust ${shellQuote(file)}`,
        'or write the profile to the user config folder with --global',
      );
    }
  }
  const text = addProfile(existing, profile, file, options.force);
  const { config } = validateConfig(await parseYaml(file, text), file);
  const written = profileNamed(config, profile.name);
  if (written?.endpoint !== profile.endpoint || written?.region !== profile.region) {
    throw new UsageError(
      `could not add profile ${profile.name} to ${file} safely; ` +
        `edit it by hand (see .gesrc.example)`,
    );
  }
  if (options.dryRun) return;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, mode & 0o755);
  // The user wrote it just now: trust it as written (a file in the user config folder needs no
  // record).
  const found = (await findConfig({ explicitFile: file, cwd, env }))!;
  if (!inUserFolder(found.realpath, globalDir))
    await recordTrust(globalDir, found.realpath, sha256(found.bytes));
}
