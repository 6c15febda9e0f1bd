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

/**
 * Reads a file that decides where credentials go, at most `limit` bytes: never opened unless
 * stat says it is a regular file that is safe (unsafeReason, with `shown` as its name), and
 * read through a descriptor that must still be that file, no longer than stat said (a file
 * swapped in after the check, a FIFO that would block or a file still growing is refused, not
 * read). `anyOwner`: only the regular-file part applies (a file about to be replaced by the
 * user's own copy). Synchronous: a few local calls.
 */
export function readGuarded(file: string, limit: number, shown = file, anyOwner = false): Guarded {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return { missing: true };
  const unsafe = anyOwner && st.isFile() ? null : unsafeReason(shown, st);
  if (unsafe) return { unsafe };
  if (st.size > limit) return { tooLarge: true };
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const now = fstatSync(fd);
    const changed = { unsafe: `${shown} changed while it was being read; try again` };
    if (now.ino !== st.ino || now.dev !== st.dev || !now.isFile()) return changed;
    // One byte more than stat said: a file still growing is caught, not read without end.
    const buffer = Buffer.alloc(st.size + 1);
    let size = 0;
    while (size < buffer.length) {
      const n = readSync(fd, buffer, size, buffer.length - size, null);
      if (n === 0) break;
      size += n;
    }
    return size > st.size ? changed : { bytes: buffer.subarray(0, size), mode: now.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a file atomically with `mode`: a fresh temporary file opened exclusively ("wx", a
 * random name, so a link planted beside it is never followed), then renamed into place.
 */
export async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  // Loaded here, not at start: every run checks files with this module, few write one.
  const [{ randomBytes }, { chmod, rename, rm, writeFile }] = await Promise.all([
    import('node:crypto'),
    import('node:fs/promises'),
  ]);
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, text, { mode, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
