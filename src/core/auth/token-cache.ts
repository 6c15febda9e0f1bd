import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { unsafeReason, writeFileAtomic } from '../fs-safety.js';

/**
 * IAM tokens cached between runs: folder 0700, one file 0600 per (IAM endpoint, domain, user,
 * project). A folder someone else could change is refused (its tokens could be planted); one
 * that cannot be used (a file in its place, a dangling link, no write access) only costs the
 * caching: a warning, and every run logs in.
 */

export interface CachedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A cached token is reused until five minutes before it expires. */
export const REUSE_MARGIN_MS = 5 * 60 * 1000;

export class TokenCache {
  /** Set once the cache has proved unusable: no more tries this run. */
  private unusable = false;

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  fileFor(keyParts: readonly string[]): string {
    const key = createHash('sha256').update(JSON.stringify(keyParts)).digest('hex').slice(0, 32);
    return path.join(this.dir, `token-${key}.json`);
  }

  private giveUp(why: string): void {
    if (this.unusable) return;
    this.unusable = true;
    this.warn(`the token cache ${this.dir} cannot be used (${why}); going on without it, so every run logs in`);
  }

  /** False when the folder is absent or unusable; throws ConfigError when it is unsafe. */
  private async usable(): Promise<boolean> {
    if (this.unusable) return false;
    let st;
    try {
      st = await stat(this.dir);
    } catch (error) {
      const dangling = await lstat(this.dir).then(() => true, () => false);
      if (dangling) this.giveUp('a link to nowhere');
      else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.giveUp((error as Error).message);
      return false;
    }
    if (!st.isDirectory()) {
      this.giveUp('it is not a folder');
      return false;
    }
    const unsafe = unsafeReason(this.dir, st, 'folder');
    if (unsafe) throw new ConfigError(`refusing the token cache: ${unsafe}`);
    return true;
  }

  /** The cached token when still usable at `now`, else null (a missing or unreadable file is no token). */
  async read(keyParts: readonly string[], now: number): Promise<CachedToken | null> {
    if (!(await this.usable())) return null;
    try {
      const entry = JSON.parse(await readFile(this.fileFor(keyParts), 'utf8')) as Partial<CachedToken>;
      if (typeof entry.token !== 'string' || typeof entry.expiresAt !== 'number') return null;
      return entry.expiresAt - REUSE_MARGIN_MS > now ? (entry as CachedToken) : null;
    } catch {
      return null;
    }
  }

  /** Writes atomically (a fresh private temporary file renamed into place); a failure is a warning. */
  async write(keyParts: readonly string[], entry: CachedToken): Promise<void> {
    if (this.unusable) return;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      if (!(await this.usable())) return;
      await chmod(this.dir, 0o700);
      await writeFileAtomic(this.fileFor(keyParts), JSON.stringify(entry), 0o600);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      this.giveUp((error as Error).message);
    }
  }

  async drop(keyParts: readonly string[]): Promise<void> {
    if (this.unusable) return;
    await rm(this.fileFor(keyParts), { force: true }).catch(() => {});
  }
}
