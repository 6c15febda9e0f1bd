import type { AuthConfig } from '../config/schema.js';
import type { Authenticator } from '../http/client.js';
import type { AuthContext } from './context.js';

/**
 * Builds the authenticator for a profile's auth settings; IAM login and signing load only when
 * used.
 */
export async function createAuthenticator(
  auth: AuthConfig,
  context: AuthContext,
): Promise<Authenticator> {
  switch (auth.type) {
    case 'token': {
      const header = { 'X-Auth-Token': auth.token! };
      return {
        headers: () => header,
        refusalHint: () =>
          'GES refused the token: IAM tokens last 24 hours and are scoped to one project; ' +
          'get a new one (or use auth type password, which logs in by itself)',
      };
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
        refusalHint: (result) =>
          /sdk-date|expired|clock|time/i.test(result.text)
            ? "the signature was refused as out of date: this machine's clock must be within " +
              "15 minutes of the gateway's; check it (timedatectl, ntp)"
            : 'the signature was refused: check the access key and secret key ' +
              '(HUAWEICLOUD_SDK_AK/SK or the profile), ' +
              'and that a security token comes with temporary keys',
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
      return { headers: () => ({}) };
  }
}
