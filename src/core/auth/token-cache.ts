import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** IAM tokens cached between runs: folder 0700, one file 0600 per (IAM endpoint, domain, user, project). */

export interface CachedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A cached token is reused until five minutes before it expires. */
export const REUSE_MARGIN_MS = 5 * 60 * 1000;

export class TokenCache {
  constructor(readonly dir: string) {}

  fileFor(keyParts: readonly string[]): string {
    const key = createHash('sha256').update(JSON.stringify(keyParts)).digest('hex').slice(0, 32);
    return path.join(this.dir, `token-${key}.json`);
  }

  /** The cached token when still usable at `now`, else null (a missing or unreadable file is no token). */
  async read(keyParts: readonly string[], now: number): Promise<CachedToken | null> {
    try {
      const entry = JSON.parse(await readFile(this.fileFor(keyParts), 'utf8')) as Partial<CachedToken>;
      if (typeof entry.token !== 'string' || typeof entry.expiresAt !== 'number') return null;
      return entry.expiresAt - REUSE_MARGIN_MS > now ? (entry as CachedToken) : null;
    } catch {
      return null;
    }
  }

  /** Writes atomically (a private temporary file renamed into place). */
  async write(keyParts: readonly string[], entry: CachedToken): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const file = this.fileFor(keyParts);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(entry), { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  }

  async drop(keyParts: readonly string[]): Promise<void> {
    await rm(this.fileFor(keyParts), { force: true });
  }
}
