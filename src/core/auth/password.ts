import type { Authenticator } from '../http/client.js';
import type { AuthContext } from './authenticator.js';
import { iamLogin, type PasswordLogin } from './iam.js';
import { TokenCache } from './token-cache.js';

/** IAM password login: a cached token while it lasts, a new login when it does not or GES refuses it. */
export class PasswordAuthenticator implements Authenticator {
  private current: Promise<string> | undefined;
  private readonly cache: TokenCache;
  private readonly key: string[];

  constructor(
    private readonly login: PasswordLogin,
    private readonly context: AuthContext,
  ) {
    this.cache = new TokenCache(context.cacheDir);
    this.key = [login.iamEndpoint, login.domain, login.user, login.projectName ?? login.projectId];
  }

  private now(): number {
    return (this.context.now ?? Date.now)();
  }

  private async fresh(): Promise<string> {
    const entry = await iamLogin(this.login, this.context.http);
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

  async onUnauthorized(sent: Record<string, string>): Promise<boolean> {
    const used = sent['X-Auth-Token'];
    const current = await this.current?.catch(() => undefined);
    // Another request already replaced the refused token: just retry with the new one.
    if (current !== undefined && current !== used) return true;
    await this.cache.drop(this.key);
    this.current = this.fresh();
    await this.current;
    return true;
  }
}
