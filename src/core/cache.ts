import path from 'node:path';
import { ConfigError } from './errors.js';
import { readGuarded, unsafeReason, writeFileAtomic } from './fs-safety.js';

/** No entry is larger: a bigger file is not one ges wrote. */
const ENTRY_LIMIT = 1024 * 1024;

/** Loaded on first use, not at start: only IAM logins and graphs found by name use the cache. */
const fsp = () => import('node:fs/promises');

/**
 * ges's private cache folder ($XDG_CACHE_HOME/ges, 0700): one small JSON file (0600) per key.
 * A folder someone else could change is refused (a planted token or address would be used);
 * one that cannot be used (a file in its place, a dangling link, no write access) only costs
 * the caching: one warning, and the run goes on without it.
 */
export class PrivateCache {
  /** Set once the cache has proved unusable: no more tries this run. */
  private unusable = false;

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /**
   * The file of a key: `kind` and a hash of its parts (the parts may be endpoints and user names).
   */
  async fileFor(kind: string, keyParts: readonly string[]): Promise<string> {
    const { createHash } = await import('node:crypto'); // not at start: crypto costs ~3 ms to load
    const key = createHash('sha256').update(JSON.stringify(keyParts)).digest('hex').slice(0, 32);
    return path.join(this.dir, `${kind}-${key}.json`);
  }

  private giveUp(why: string): void {
    if (this.unusable) return;
    this.unusable = true;
    this.warn(`the cache ${this.dir} cannot be used (${why}); going on without it`);
  }

  /** False when the folder is absent or unusable; throws ConfigError when it is unsafe. */
  private async usable(): Promise<boolean> {
    if (this.unusable) return false;
    const { lstat, stat } = await fsp();
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(this.dir);
    } catch (error) {
      const dangling = await lstat(this.dir).then(
        () => true,
        () => false,
      );
      if (dangling) this.giveUp('a link to nowhere');
      else if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.giveUp((error as Error).message);
      return false;
    }
    if (!st.isDirectory()) {
      this.giveUp('it is not a folder');
      return false;
    }
    const unsafe = unsafeReason(this.dir, st, 'folder');
    if (unsafe) throw new ConfigError(`refusing the cache: ${unsafe}`);
    return true;
  }

  /**
   * The entry, or null when there is none or it cannot be read (or is not a safe file of at most 1
   * MiB).
   */
  async read(kind: string, keyParts: readonly string[]): Promise<unknown> {
    if (!(await this.usable())) return null;
    try {
      const read = readGuarded(await this.fileFor(kind, keyParts), ENTRY_LIMIT);
      return 'bytes' in read ? (JSON.parse(read.bytes.toString('utf8')) as unknown) : null;
    } catch {
      return null;
    }
  }

  /**
   * Writes atomically (a fresh private temporary file renamed into place); a failure is a warning.
   */
  async write(kind: string, keyParts: readonly string[], entry: unknown): Promise<void> {
    if (this.unusable) return;
    const { chmod, mkdir } = await fsp();
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      if (!(await this.usable())) return;
      await chmod(this.dir, 0o700);
      await writeFileAtomic(await this.fileFor(kind, keyParts), JSON.stringify(entry), 0o600);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      this.giveUp((error as Error).message);
    }
  }

  async drop(kind: string, keyParts: readonly string[]): Promise<void> {
    if (this.unusable) return;
    const { rm } = await fsp();
    await rm(await this.fileFor(kind, keyParts), { force: true }).catch(() => {});
  }
}
