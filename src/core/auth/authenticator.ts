import { ConfigError } from '../errors.js';
import type { AuthConfig } from '../config/schema.js';

/** What a request looks like to an authenticator (which may sign it). */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Authenticator {
  /** Headers that authenticate this request. */
  headers(request: OutgoingRequest): Promise<Record<string, string>>;
}

/** Header names whose values are credentials: masked in every trace and dry run. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['x-auth-token', 'authorization', 'x-security-token', 'x-subject-token']);

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v]));
}

export function createAuthenticator(auth: AuthConfig): Authenticator {
  switch (auth.type) {
    case 'token': {
      const header = { 'X-Auth-Token': auth.token! };
      return { headers: async () => header };
    }
    case 'none':
      return { headers: async () => ({}) };
    default:
      throw new ConfigError(`auth type ${auth.type} is not supported by this version of ges; use a token (GES_TOKEN or auth.type: token)`);
  }
}
