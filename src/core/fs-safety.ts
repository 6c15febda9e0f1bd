import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Files that decide where credentials go (configs, the trust list, the token cache) are
 * used only when they are the user's own and nobody else can change them (ssh's
 * StrictModes): owned by the user or root, not writable by group or others.
 */

/** A path in single quotes, for a command the user can paste. */
export function shellQuote(file: string): string {
  return `'${file.replace(/'/g, `'\\''`)}'`;
}

/** The current user's id; undefined where there is none (Windows), which turns the checks off. */
export function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * Why a file (or folder) must not be used, with the command that fixes it; null when it is fine.
 * `kind` says what it should be.
 */
export function unsafeReason(
  file: string,
  st: Stats,
  kind: 'file' | 'folder' = 'file',
  uid = currentUid(),
): string | null {
  if (kind === 'file' && !st.isFile()) {
    const what = st.isDirectory()
      ? 'a folder'
      : st.isFIFO()
        ? 'a FIFO'
        : st.isSocket()
          ? 'a socket'
          : 'a device';
    return `${file} is ${what}, not a regular file; remove it or name a regular file`;
  }
  if (kind === 'folder' && !st.isDirectory())
    return `${file} is not a folder; remove it: rm ${shellQuote(file)}`;
  if (uid === undefined) return null;
  if (st.uid !== uid && st.uid !== 0) {
    return (
      `${file} belongs to another user (uid ${st.uid}), who could point your credentials ` +
      `anywhere; if it is yours, run: chown ${uid} ${shellQuote(file)}`
    );
  }
  const mode = st.mode & 0o777;
  if (mode & 0o022) {
    const who = mode & 0o002 ? 'anyone' : 'its group';
    return (
      `${file} can be changed by ${who} (mode ${mode.toString(8).padStart(4, '0')}); ` +
      `run: chmod go-w ${shellQuote(file)}`
    );
  }
  return null;
}

/** What readGuarded found: the bytes (and the file's permission bits), or why there are none. */
export type Guarded =
  | { bytes: Buffer; mode: number }
  | { missing: true }
  | { unsafe: string }
  | { tooLarge: true };

/** How often a read is tried again when a writer renamed a new file in while it was read. */
const READ_TRIES = 4;

/**
 * Reads a file that decides where credentials go, at most `limit` bytes: never opened unless
 * stat says it is a regular file that is safe (unsafeReason, with `shown` as its name), and
 * read through a descriptor that must still be that file, no longer than stat said (a FIFO
 * that would block or a file still growing is refused, not read). A file replaced while it was
 * read (a writer renaming its new version in) is read again, a few times: readers never fail
 * because of a writer. `anyOwner`: only the regular-file part applies (a file about to be
 * replaced by the user's own copy). Synchronous: a few local calls.
 */
export function readGuarded(file: string, limit: number, shown = file, anyOwner = false): Guarded {
  for (let tries = 1; ; tries++) {
    const read = readOnce(file, limit, shown, anyOwner);
    if (read !== 'changed') return read;
    if (tries === READ_TRIES)
      return { unsafe: `${shown} kept changing while it was being read; try again` };
  }
}

function readOnce(
  file: string,
  limit: number,
  shown: string,
  anyOwner: boolean,
): Guarded | 'changed' {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return { missing: true };
  const unsafe = anyOwner && st.isFile() ? null : unsafeReason(shown, st);
  if (unsafe) return { unsafe };
  if (st.size > limit) return { tooLarge: true };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    // Renamed away between stat and open: read what is there now.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'changed';
    throw error;
  }
  try {
    const now = fstatSync(fd);
    if (now.ino !== st.ino || now.dev !== st.dev || !now.isFile()) return 'changed';
    // One byte more than stat said: a file still growing is caught, not read without end.
    const buffer = Buffer.alloc(st.size + 1);
    let size = 0;
    while (size < buffer.length) {
      const n = readSync(fd, buffer, size, buffer.length - size, null);
      if (n === 0) break;
      size += n;
    }
    return size > st.size ? 'changed' : { bytes: buffer.subarray(0, size), mode: now.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

/**
 * The file-system calls every write goes through: node:fs/promises, or in a test one that
 * fails the way a full or read-only disk does.
 */
export type WriteFs = Pick<
  typeof import('node:fs/promises'),
  'open' | 'rename' | 'rm' | 'readFile' | 'stat' | 'mkdir'
>;

/** Loaded on first use: every run checks files with this module, few write one. */
const defaultFs = (): Promise<WriteFs> => import('node:fs/promises');

/** A name no other writer picks (exclusive create still refuses one that exists). */
function uniqueName(file: string, suffix: string): string {
  const random = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${random}${suffix}`);
}

/**
 * The one way ges writes a file: a temporary file in the same folder, created exclusively (a
 * link planted at its name is never followed) and private (0600), written, given `mode`, flushed
 * to disk (fsync), then renamed over `file`, so a reader sees the old file or the new one, never
 * half of one. On any failure (a full or read-only disk) the temporary file is removed and the
 * error thrown; `file` is untouched.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Buffer,
  mode: number,
  fs?: WriteFs,
): Promise<void> {
  const fsp = fs ?? (await defaultFs());
  const temp = uniqueName(file, '.tmp');
  let handle: Awaited<ReturnType<WriteFs['open']>> | undefined;
  try {
    handle = await fsp.open(temp, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fsp.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Makes `dir` and its missing parents, each 0700, one level at a time. Not mkdir's own
 * `recursive`, which never returns where a parent exists but refuses children (HOME=/proc).
 */
export async function makeDirs(dir: string, fs?: WriteFs): Promise<void> {
  const fsp = fs ?? (await defaultFs());
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (
      await fsp.stat(d).then(
        () => true,
        () => false,
      )
    )
      break;
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    await fsp.mkdir(d, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** A lock older than this is left over from a run that died: writers hold one for a moment. */
export const STALE_LOCK_MS = 10_000;
/** How long a writer waits for a lock before it gives up (longer than a lock can live). */
const LOCK_WAIT_MS = 15_000;

export interface LockOptions {
  fs?: WriteFs;
  now?: () => number;
}

/** A lock file as read: its text ("pid time host") and when it was last written. */
interface LockSeen {
  text: string;
  mtimeMs: number;
}

async function readLock(fs: WriteFs, lock: string): Promise<LockSeen | null> {
  try {
    const [text, st] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
    return { text, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

/** Whether a lock's holder is gone: it says so by its age, or its pid is dead on this host. */
function isStale(seen: LockSeen, now: number, thisHost: string): boolean {
  const [pid, time, host] = seen.text.trim().split(' ');
  if (now - (Number(time) || seen.mtimeMs) > STALE_LOCK_MS) return true;
  if (!pid || !/^\d+$/.test(pid) || host !== thisHost) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a lock judged stale, unless it is no longer that lock (its holder let go and another
 * writer took it since it was read). One breaker at a time, under `${lock}.break`: between its
 * second look and the removal nobody else can remove or replace the stale lock (its holder is
 * gone, and a new lock needs the name free). A guard left by a breaker that died is removed
 * once old.
 */
async function breakLock(fs: WriteFs, lock: string, seen: LockSeen, now: number): Promise<void> {
  const guard = `${lock}.break`;
  try {
    await (await fs.open(guard, 'wx', 0o600)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const st = await fs.stat(guard).catch(() => null);
    if (st && now - st.mtimeMs > STALE_LOCK_MS) await fs.rm(guard, { force: true });
    return;
  }
  try {
    const again = await readLock(fs, lock);
    if (again?.text === seen.text && again.mtimeMs === seen.mtimeMs)
      await fs.rm(lock, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

/** Creates the lock with its text; false when another writer holds it. */
async function createLock(fs: WriteFs, lock: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<WriteFs['open']>>;
  try {
    handle = await fs.open(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    return true;
  } catch (error) {
    await fs.rm(lock, { force: true }).catch(() => {});
    throw error;
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Takes `${file}.lock` (exclusive create, with pid, time and host); returns its release. */
async function takeLock(file: string, options: LockOptions): Promise<() => Promise<void>> {
  const fs = options.fs ?? (await defaultFs());
  const now = options.now ?? Date.now;
  const lock = `${file}.lock`;
  const deadline = now() + LOCK_WAIT_MS;
  // node:os is loaded by a run that writes, not by every start.
  const host = (await import('node:os')).hostname();
  for (;;) {
    const text = `${process.pid} ${now()} ${host}\n`;
    if (await createLock(fs, lock, text)) {
      // Released only while still ours (a lock held past STALE_LOCK_MS may be another's now).
      return async () => {
        if ((await fs.readFile(lock, 'utf8').catch(() => null)) === text)
          await fs.rm(lock, { force: true });
      };
    }
    const seen = await readLock(fs, lock);
    if (seen && isStale(seen, now(), host)) await breakLock(fs, lock, seen, now());
    else if (now() > deadline)
      throw Object.assign(new Error(`${lock} is held by another run (${seen?.text.trim()})`), {
        code: 'ELOCKED',
      });
    else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
}

export interface UpdateOptions extends LockOptions {
  mode: number;
  /** The largest file `update` is given; a larger one is given as tooLarge. */
  limit: number;
  /** Whose file it may be: see readGuarded. */
  anyOwner?: boolean;
}

/**
 * Read-modify-write of a file many runs may update at once (the trust list, the address cache,
 * a config): under a lock file beside it (`${file}.lock`, taken exclusively, broken when its
 * holder died or it is older than STALE_LOCK_MS), `update` gets the file as it is now and
 * returns the new content (null: leave it) and its mode (else `options.mode`), which is written
 * with writeFileAtomic. No writer
 * loses another's entries; readers, who take no lock, see the old file or the new one.
 */
export async function updateFileAtomic<T>(
  file: string,
  update: (current: Guarded) => Promise<{ data: string | null; result: T; mode?: number }>,
  options: UpdateOptions,
): Promise<T> {
  const release = await takeLock(file, options);
  try {
    const read = readGuarded(file, options.limit, file, options.anyOwner);
    const { data, result, mode } = await update(read);
    if (data !== null) await writeFileAtomic(file, data, mode ?? options.mode, options.fs);
    return result;
  } finally {
    await release().catch(() => {});
  }
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'a folder on its path is missing and cannot be made',
  ENOTDIR: 'a part of its path is not a folder',
  EISDIR: 'it is a folder',
  ELOCKED: 'another ges run holds its lock',
};

/** Why a write failed, in words ("permission denied (EACCES)"), for messages and notes. */
export function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code ? FS_REASONS[code] : undefined;
  return reason ? `${reason} (${code})` : ((error as Error)?.message ?? String(error));
}
