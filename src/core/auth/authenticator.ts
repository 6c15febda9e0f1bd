import type { AuthConfig } from '../config/schema.js';
import type { Authenticator } from '../http/client.js';
import { iamLogin, type IamHttpOptions, type PasswordLogin } from './iam.js';
import { signRequest } from './signer.js';
import { TokenCache } from './token-cache.js';

export interface AuthContext {
  projectId: string;
  /** Where password logins cache their tokens. */
  cacheDir: string;
  /** HTTP settings for talking to IAM. */
  http: IamHttpOptions;
  now?: () => number;
}

/** IAM password login: a cached token while it lasts, a new login when it does not or GES refuses it. */
class PasswordAuthenticator implements Authenticator {
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

/** Builds the authenticator for a profile's auth settings. */
export function createAuthenticator(auth: AuthConfig, context: AuthContext): Authenticator {
  switch (auth.type) {
    case 'token': {
      const header = { 'X-Auth-Token': auth.token! };
      return { headers: async () => header };
    }
    case 'password':
      return new PasswordAuthenticator(
        {
          iamEndpoint: auth.iamEndpoint!,
          domain: auth.domain!,
          user: auth.user!,
          password: auth.password!,
          projectId: context.projectId,
          projectName: auth.projectName,
        },
        context,
      );
    case 'aksk':
      return {
        headers: async (request) =>
          signRequest({
            ...request,
            accessKey: auth.accessKey!,
            secretKey: auth.secretKey!,
            securityToken: auth.securityToken,
            projectId: context.projectId,
            date: new Date((context.now ?? Date.now)()),
          }),
      };
    case 'none':
      return { headers: async () => ({}) };
  }
}
