import type { PrivateCache } from '../cache.js';

/**
 * IAM tokens cached between runs, one per (IAM endpoint, domain, user, project): never a password.
 */

export interface CachedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A cached token is reused until five minutes before it expires. */
export const REUSE_MARGIN_MS = 5 * 60 * 1000;

export class TokenCache {
  constructor(private readonly cache: PrivateCache) {}

  /** The cached token when still usable at `now`, else null. */
  async read(keyParts: readonly string[], now: number): Promise<CachedToken | null> {
    const entry = (await this.cache.read('token', keyParts)) as Partial<CachedToken> | null;
    if (typeof entry?.token !== 'string' || typeof entry.expiresAt !== 'number') return null;
    return entry.expiresAt - REUSE_MARGIN_MS > now ? (entry as CachedToken) : null;
  }

  write(keyParts: readonly string[], entry: CachedToken): Promise<void> {
    return this.cache.write('token', keyParts, entry);
  }

  drop(keyParts: readonly string[]): Promise<void> {
    return this.cache.drop('token', keyParts);
  }
}
