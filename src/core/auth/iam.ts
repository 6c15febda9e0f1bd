import { HttpError, NetworkError, ResponseError } from '../errors.js';
import { httpErrorFor } from '../http/body.js';
import { HttpClient, type HttpClientOptions, NO_AUTH } from '../http/client.js';
import type { CachedToken } from './token-cache.js';

export interface PasswordLogin {
  iamEndpoint: string;
  domain: string;
  user: string;
  password: string;
  projectId: string;
  /** Scope by project name (e.g. the region id) instead of id. */
  projectName?: string;
}

export type IamHttpOptions = Omit<HttpClientOptions, 'endpoint' | 'authenticator'>;

/** The body of POST /v3/auth/tokens for the password method, scoped to one project. */
export function passwordLoginBody(login: PasswordLogin): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { domain: { name: login.domain }, name: login.user, password: login.password },
        },
      },
      scope: { project: login.projectName ? { name: login.projectName } : { id: login.projectId } },
    },
  };
}

const LOGIN_HINT =
  'check auth.domain (the account name), auth.user and the password; ' +
  'the user needs GES permissions in the project';

/** Logs in to IAM; the token comes in X-Subject-Token, its expiry in token.expires_at. */
export async function iamLogin(
  login: PasswordLogin,
  options: IamHttpOptions,
): Promise<CachedToken> {
  const http = new HttpClient({ ...options, endpoint: login.iamEndpoint, authenticator: NO_AUTH });
  try {
    const result = await http.send({
      method: 'POST',
      path: '/v3/auth/tokens',
      query: { nocatalog: 'true' },
      body: passwordLoginBody(login),
    });
    if (result.status < 200 || result.status >= 300) {
      const e = httpErrorFor(result);
      const error = new HttpError(
        `IAM login to ${login.iamEndpoint} failed: ${e.message}`,
        e.httpStatus,
        e.errorCode,
        e.errorMessage,
        e.attempts,
      );
      error.hint = LOGIN_HINT;
      throw error;
    }
    const token = result.headers['x-subject-token'];
    let expiresAt = NaN;
    try {
      expiresAt = Date.parse(
        (JSON.parse(result.text) as { token?: { expires_at?: string } }).token?.expires_at ?? '',
      );
    } catch {
      // judged below
    }
    if (!token || Number.isNaN(expiresAt)) {
      throw new ResponseError(
        `IAM at ${login.iamEndpoint} answered ${result.status} without a token ` +
          `(X-Subject-Token) or token.expires_at`,
        result.status,
        result.attempts,
      );
    }
    return { token, expiresAt };
  } catch (error) {
    if (error instanceof NetworkError) {
      const e = new NetworkError(
        `IAM login to ${login.iamEndpoint} failed: ${error.message}`,
        error.code,
        error.attempts,
      );
      e.hint =
        'check auth.iamEndpoint (or HUAWEICLOUD_SDK_IAM_ENDPOINT), ' +
        'e.g. https://iam.cn-north-4.myhuaweicloud.com';
      throw e;
    }
    throw error;
  } finally {
    await http.close();
  }
}
