import type { Authenticator } from '../http/client.js';
import type { AuthContext } from './context.js';
import { iamLogin, type PasswordLogin } from './iam.js';
import { TokenCache } from './token-cache.js';

/**
 * IAM password login: a cached token while it lasts, a new login when it does not or GES refuses
 * it.
 */
export class PasswordAuthenticator implements Authenticator {
  private current: Promise<string> | undefined;
  private readonly cache: TokenCache;
  /** Tokens IAM issued in this run: when GES refuses one of those, logging in again cannot help. */
  private readonly issued = new Set<string>();
  private refusedFresh = false;
  private readonly key: string[];

  constructor(
    private readonly login: PasswordLogin,
    private readonly context: AuthContext,
  ) {
    this.cache = new TokenCache(context.cache);
    this.key = [login.iamEndpoint, login.domain, login.user, login.projectName ?? login.projectId];
  }

  private now(): number {
    return (this.context.now ?? Date.now)();
  }

  private async fresh(): Promise<string> {
    const entry = await iamLogin(this.login, this.context.http);
    this.issued.add(entry.token);
    await this.cache.write(this.key, entry);
    return entry.token;
  }

  private async cachedOrFresh(): Promise<string> {
    const cached = await this.cache.read(this.key, this.now());
    if (cached) {
      this.context.http.trace?.('using the cached IAM token');
      return cached.token;
    }
    return this.fresh();
  }

  async headers(): Promise<Record<string, string>> {
    // One login however many requests start at once.
    this.current ??= this.cachedOrFresh();
    return { 'X-Auth-Token': await this.current };
  }

  preview(): Record<string, string> {
    return { 'X-Auth-Token': '(a token from IAM login)' };
  }

  /**
   * GES refused a token: a cached one is dropped and replaced by one login, once per run. A token
   * IAM issued in this run being refused means GES will refuse any: no more logins (each would
   * send the password again).
   */
  async onUnauthorized(sent: Record<string, string>): Promise<boolean> {
    const used = sent['X-Auth-Token'] ?? '';
    const current = await this.current?.catch(() => undefined);
    // Another request already replaced the refused token: just retry with the new one.
    if (current !== undefined && current !== used) return true;
    if (this.issued.has(used)) {
      this.refusedFresh = true;
      return false;
    }
    await this.cache.drop(this.key);
    this.current = this.fresh();
    await this.current;
    return true;
  }

  refusalHint(_result?: unknown): string | undefined {
    return this.refusedFresh
      ? 'GES refuses even a token IAM has just issued: the IAM user lacks GES permissions ' +
          "in this project, or the project ID is not the graph's"
      : undefined;
  }
}
