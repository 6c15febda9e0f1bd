import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readGuarded, writeFileAtomic } from '../fs-safety.js';

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

/** The recorded files; an absent list is empty, an unsafe or unreadable one a ConfigError. */
export function readTrustList(globalDir: string): TrustList {
  const file = trustFile(globalDir);
  const read = readGuarded(file, TRUST_FILE_LIMIT);
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

async function writeTrustList(globalDir: string, list: TrustList): Promise<void> {
  await mkdir(globalDir, { recursive: true, mode: 0o700 });
  const sorted = Object.fromEntries(Object.entries(list).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFileAtomic(
    trustFile(globalDir),
    `${JSON.stringify({ version: 1, files: sorted }, null, 2)}\n`,
    0o600,
  );
}

/** True when `realFile` is recorded with exactly this content. */
export function isTrustedContent(globalDir: string, realFile: string, bytes: Buffer): boolean {
  return isTrusted(globalDir, realFile, sha256(bytes));
}

/** True when `realFile` is recorded with exactly this hash. */
export function isTrusted(globalDir: string, realFile: string, hash: string): boolean {
  const record = readTrustList(globalDir)[realFile];
  return record !== undefined && record.sha256 === hash;
}

/** Records a file (by real path) with its content's hash. */
export async function recordTrust(
  globalDir: string,
  realFile: string,
  hash: string,
  now = new Date(),
): Promise<void> {
  const list = readTrustList(globalDir);
  list[realFile] = { sha256: hash, trustedAt: now.toISOString() };
  await writeTrustList(globalDir, list);
}

/** Removes a file's record; false when there was none. */
export async function dropTrust(globalDir: string, realFile: string): Promise<boolean> {
  const list = readTrustList(globalDir);
  if (!(realFile in list)) return false;
  delete list[realFile];
  await writeTrustList(globalDir, list);
  return true;
}
