import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import {
  type Guarded,
  makeDirs,
  readGuarded,
  updateFileAtomic,
  writeFailure,
} from '../fs-safety.js';
import { userDirs, whyNoDir } from '../paths.js';

/**
 * Config files found by the search outside the user config folder (a cloned repository,
 * /tmp) are used only once the user has trusted them: trusted.json in the user config
 * folder records each one's real path and SHA-256, so a changed file needs trusting again.
 */

export const TRUST_FILE = 'trusted.json';
const TRUST_FILE_LIMIT = 1024 * 1024;

export interface TrustRecord {
  sha256: string;
  trustedAt: string;
}

type TrustList = Record<string, TrustRecord>;

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function trustFile(globalDir: string): string {
  return path.join(globalDir, TRUST_FILE);
}

/**
 * The user config directory, where `doing` (e.g. "record a trusted file") must write; a
 * ConfigError saying why when there is none (no absolute HOME nor XDG_CONFIG_HOME).
 */
export function requireConfigDir(
  env: Record<string, string | undefined>,
  doing: string,
  instead = 'name a config with --config',
): string {
  const dir = userDirs(env).config;
  if (dir) return dir;
  throw new ConfigError(
    `cannot ${doing}: ${whyNoDir(env, 'config')}`,
    `set HOME (or XDG_CONFIG_HOME) to an absolute path, or ${instead}`,
  );
}

/** The list as read; an absent list is empty, an unsafe or unreadable one a ConfigError. */
function parseTrustList(file: string, read: Guarded): TrustList {
  if ('missing' in read) return {};
  if ('unsafe' in read) throw new ConfigError(`refusing the trust list: ${read.unsafe}`);
  if ('tooLarge' in read)
    throw new ConfigError(
      `the trust list ${file} is larger than 1 MiB; remove it and trust your config files again`,
    );
  try {
    const parsed = JSON.parse(read.bytes.toString('utf8')) as { files?: unknown };
    const files = parsed?.files;
    if (typeof files !== 'object' || files === null || Array.isArray(files))
      throw new Error('no "files" mapping');
    const list: TrustList = Object.create(null) as TrustList;
    for (const [name, record] of Object.entries(files as Record<string, unknown>)) {
      const r = record as Partial<TrustRecord> | null;
      if (typeof r?.sha256 === 'string')
        list[name] = { sha256: r.sha256, trustedAt: String(r.trustedAt ?? '') };
    }
    return list;
  } catch (error) {
    throw new ConfigError(
      `the trust list ${file} cannot be read (${(error as Error).message}); ` +
        `remove it and trust your config files again`,
    );
  }
}

/**
 * The recorded files. Read without a lock: writers rename a whole new list in, and a list
 * replaced while it is read is read again.
 */
export function readTrustList(globalDir: string): TrustList {
  const file = trustFile(globalDir);
  return parseTrustList(file, readGuarded(file, TRUST_FILE_LIMIT));
}

/**
 * Changes the list under its lock (see updateFileAtomic): `change` edits the list as it is
 * now and says whether to write it. A failure to write is a ConfigError naming the file.
 */
async function updateTrustList(
  globalDir: string,
  change: (list: TrustList) => boolean,
): Promise<boolean> {
  const file = trustFile(globalDir);
  try {
    await makeDirs(globalDir);
    return await updateFileAtomic(
      file,
      async (read) => {
        const list = parseTrustList(file, read);
        if (!change(list)) return { data: null, result: false };
        const sorted = Object.fromEntries(
          Object.entries(list).sort(([a], [b]) => (a < b ? -1 : 1)),
        );
        const data = `${JSON.stringify({ version: 1, files: sorted }, null, 2)}\n`;
        return { data, result: true };
      },
      { mode: 0o600, limit: TRUST_FILE_LIMIT },
    );
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot write the trust list ${file}: ${writeFailure(error)}`);
  }
}

/** True when `realFile` is recorded with exactly this content. */
export function isTrustedContent(globalDir: string, realFile: string, bytes: Buffer): boolean {
  return isTrusted(globalDir, realFile, sha256(bytes));
}

/** True when `realFile` is recorded with exactly this hash. */
export function isTrusted(globalDir: string, realFile: string, hash: string): boolean {
  const list = readTrustList(globalDir);
  return Object.hasOwn(list, realFile) && list[realFile]!.sha256 === hash;
}

/** Records a file (by real path) with its content's hash. */
export async function recordTrust(
  globalDir: string,
  realFile: string,
  hash: string,
  now = new Date(),
): Promise<void> {
  await updateTrustList(globalDir, (list) => {
    list[realFile] = { sha256: hash, trustedAt: now.toISOString() };
    return true;
  });
}

/** Removes a file's record; false when there was none. */
export function dropTrust(globalDir: string, realFile: string): Promise<boolean> {
  return updateTrustList(globalDir, (list) => {
    if (!Object.hasOwn(list, realFile)) return false;
    delete list[realFile];
    return true;
  });
}
