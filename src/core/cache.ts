import path from 'node:path';
import { ConfigError } from './errors.js';
import {
  type Guarded,
  makeDirs,
  readGuarded,
  unsafeReason,
  updateFileAtomic,
  type WriteFs,
  writeFailure,
  writeFileAtomic,
} from './fs-safety.js';

/** No entry is larger (10,000 graphs' addresses take about 1 MiB): a bigger file is not ours. */
const ENTRY_LIMIT = 8 * 1024 * 1024;

/** Loaded on first use, not at start: only IAM logins and graphs found by name use the cache. */
const fsp = () => import('node:fs/promises');

/**
 * ges's private cache folder ($XDG_CACHE_HOME/ges, 0700): one small JSON file (0600) per key.
 * A folder someone else could change is refused (a planted token or address would be used).
 * Anything else that keeps the cache from working (no user cache directory, a file in its
 * place, a dangling link, a full or read-only disk) only costs the caching: one note for
 * --verbose, and the run goes on without it, with the same outcome.
 */
export class PrivateCache {
  /** Set once the cache has proved unusable: no more tries this run. */
  private unusable = false;

  /**
   * `dir`: null when there is no user cache directory (`absent` says why). `note`: where a
   * cache that cannot be used is mentioned (the CLI's --verbose trace).
   */
  constructor(
    readonly dir: string | null,
    private readonly note: (message: string) => void = () => {},
    private readonly absent = 'there is no user cache directory',
    private readonly fs?: WriteFs,
  ) {}

  /**
   * The file of a key: `kind` and a hash of its parts (the parts may be endpoints and user names).
   */
  private async fileFor(kind: string, keyParts: readonly string[]): Promise<string> {
    const { createHash } = await import('node:crypto'); // not at start: crypto costs ~3 ms to load
    const key = createHash('sha256').update(JSON.stringify(keyParts)).digest('hex').slice(0, 32);
    return path.join(this.dir!, `${kind}-${key}.json`);
  }

  private giveUp(why: string): void {
    if (this.unusable) return;
    this.unusable = true;
    this.note(
      this.dir
        ? `the cache ${this.dir} cannot be used (${why}); going on without it`
        : `no cache: ${this.absent}`,
    );
  }

  /** False when the folder is absent or unusable; throws ConfigError when it is unsafe. */
  private async usable(): Promise<boolean> {
    if (this.unusable) return false;
    if (!this.dir) {
      this.giveUp(this.absent);
      return false;
    }
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
      else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.giveUp(writeFailure(error));
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

  /** An entry's JSON, or null when it is absent, unsafe, too large or not JSON (a miss). */
  private static parse(read: Guarded): unknown {
    if (!('bytes' in read)) return null;
    try {
      return JSON.parse(read.bytes.toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }

  /** The entry, or null when there is none or it cannot be read: a cache miss, never an error. */
  async read(kind: string, keyParts: readonly string[]): Promise<unknown> {
    if (!(await this.usable())) return null;
    try {
      return PrivateCache.parse(readGuarded(await this.fileFor(kind, keyParts), ENTRY_LIMIT));
    } catch {
      return null;
    }
  }

  /** Makes the folder (0700) when needed; false when the cache cannot be used. */
  private async ready(): Promise<boolean> {
    if (this.unusable || !this.dir) return this.usable();
    const real = await fsp();
    try {
      await makeDirs(this.dir, this.fs);
      if (!(await this.usable())) return false;
      await real.chmod(this.dir, 0o700);
      return true;
    } catch (error) {
      // A folder others can change is refused, as on a read; anything else is a note.
      if (error instanceof ConfigError) throw error;
      this.giveUp(writeFailure(error));
      return false;
    }
  }

  /** Replaces an entry (atomically); a failure is a note, and the run goes on. */
  async write(kind: string, keyParts: readonly string[], entry: unknown): Promise<void> {
    if (!(await this.ready())) return;
    try {
      const file = await this.fileFor(kind, keyParts);
      await writeFileAtomic(file, JSON.stringify(entry), 0o600, this.fs);
    } catch (error) {
      this.giveUp(writeFailure(error));
    }
  }

  /**
   * Read-modify-write of an entry that several runs may change at once (a map of entries):
   * `update` gets the entry as it is now (null for none) and returns the new one, under the
   * file's lock, so no run loses another's changes. A failure is a note, as for write().
   */
  async update(
    kind: string,
    keyParts: readonly string[],
    update: (current: unknown) => unknown,
  ): Promise<void> {
    if (!(await this.ready())) return;
    try {
      await updateFileAtomic(
        await this.fileFor(kind, keyParts),
        async (read) => ({ data: JSON.stringify(update(PrivateCache.parse(read))), result: null }),
        { mode: 0o600, limit: ENTRY_LIMIT, fs: this.fs },
      );
    } catch (error) {
      this.giveUp(writeFailure(error));
    }
  }

  async drop(kind: string, keyParts: readonly string[]): Promise<void> {
    if (this.unusable || !this.dir) return;
    const { rm } = await fsp();
    await rm(await this.fileFor(kind, keyParts), { force: true }).catch(() => {});
  }
}
