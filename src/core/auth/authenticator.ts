import type { AuthConfig } from '../config/schema.js';
import type { Authenticator } from '../http/client.js';
import type { IamHttpOptions } from './iam.js';

export interface AuthContext {
  projectId: string;
  /** Where password logins cache their tokens. */
  cacheDir: string;
  /** HTTP settings for talking to IAM. */
  http: IamHttpOptions;
  now?: () => number;
  /** Warnings that do not stop the run (an unusable token cache). */
  warn?: (message: string) => void;
}

/** Builds the authenticator for a profile's auth settings; IAM login and signing load only when used. */
export async function createAuthenticator(auth: AuthConfig, context: AuthContext): Promise<Authenticator> {
  switch (auth.type) {
    case 'token': {
      const header = { 'X-Auth-Token': auth.token! };
      return { headers: async () => header };
    }
    case 'password': {
      const { PasswordAuthenticator } = await import('./password.js');
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
    }
    case 'aksk': {
      const { signRequest } = await import('./signer.js');
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
    }
    case 'none':
      return { headers: async () => ({}) };
  }
}
