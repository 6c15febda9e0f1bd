import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  canonicalRequest,
  parseAuthorization,
  parseSdkDate,
  signature,
} from '../core/auth/signer.js';
import { GES_ERRORS } from '../core/ges/constants.js';
import { type EmulatorContext, gesError, parseJson, Reply } from './context.js';

/**
 * Credentials as Huawei Cloud checks them: a static token, tokens from the emulated IAM
 * (POST /v3/auth/tokens), or an SDK-HMAC-SHA256 signature verified with core's signer, so
 * client and emulator agree by construction (the published test vector keeps both honest).
 */

const unauthorized = (why: string): Reply =>
  new Reply(401, {
    error_msg: `Incorrect IAM authentication information: ${why}`,
    error_code: 'APIGW.0301',
  });

/** Checks a signed request as the API gateway would; null when it passes. */
function verifySignature(
  ctx: EmulatorContext,
  method: string,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  body: string,
): Reply | null {
  const auth = parseAuthorization(headers.authorization);
  if (!auth || ctx.options.accessKey === undefined || ctx.options.secretKey === undefined)
    return unauthorized('unsupported authorization');
  if (auth.accessKey !== ctx.options.accessKey) return unauthorized('access key not found');
  if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-sdk-date'))
    return unauthorized('host and x-sdk-date must be signed');
  const date = parseSdkDate(String(headers['x-sdk-date'] ?? ''));
  if (date === null) return unauthorized('x-sdk-date missing or malformed');
  if (Math.abs(ctx.state.now() - date) > 15 * 60 * 1000)
    return unauthorized('request expired: x-sdk-date is more than 15 minutes off');
  if (ctx.options.securityToken !== undefined) {
    if (
      headers['x-security-token'] !== ctx.options.securityToken ||
      !auth.signedHeaders.includes('x-security-token')
    ) {
      return unauthorized('security token missing or wrong');
    }
  }
  const values = Object.fromEntries(auth.signedHeaders.map((h) => [h, String(headers[h] ?? '')]));
  const url = new URL(rawUrl, 'http://signed.local');
  const expected = signature(
    ctx.options.secretKey,
    String(headers['x-sdk-date']),
    canonicalRequest({ method, url, headers: values, signedHeaders: auth.signedHeaders, body }),
  );
  const a = Buffer.from(expected);
  const b = Buffer.from(auth.signature);
  return a.length === b.length && timingSafeEqual(a, b)
    ? null
    : unauthorized('verify aksk signature fail');
}

/**
 * A refused token: 401 from the API gateway, or (with tokenRefusal GES.8007) 400 GES.8007 from the
 * engine.
 */
function refusedToken(ctx: EmulatorContext, why: string): Reply {
  return ctx.options.tokenRefusal === 'GES.8007'
    ? gesError(400, GES_ERRORS.invalidToken, `invalid token: ${why}`)
    : unauthorized(why);
}

export function authenticate(
  ctx: EmulatorContext,
  method: string,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  body: string,
): Reply | null {
  const needsCredentials =
    ctx.token !== null || ctx.options.accessKey !== undefined || ctx.options.iam !== undefined;
  if (!needsCredentials) return null;
  if (headers.authorization !== undefined)
    return verifySignature(ctx, method, rawUrl, headers, body);
  const given = headers['x-auth-token'];
  if (typeof given !== 'string' || given === '') return unauthorized('x-auth-token not found');
  if (ctx.token !== null && given === ctx.token) return null;
  const expiry = ctx.issued.get(given);
  if (expiry === undefined) return refusedToken(ctx, 'verify token failed');
  return expiry > ctx.state.now() ? null : refusedToken(ctx, 'the token has expired');
}

/** The parts of an IAM password login (POST /v3/auth/tokens) the emulator reads; all untrusted. */
interface IamLogin {
  identity?: {
    methods?: unknown[];
    password?: { user?: { name?: unknown; password?: unknown; domain?: { name?: unknown } } };
  };
  scope?: { project?: { id?: unknown; name?: unknown } };
}

export function serveIam(ctx: EmulatorContext, body: string): Reply {
  const iam = ctx.options.iam!;
  const parsed = parseJson(body);
  const auth = (parsed instanceof Reply ? {} : parsed).auth as IamLogin | undefined;
  const user = auth?.identity?.password?.user;
  const scope = auth?.scope?.project;
  if (!auth?.identity?.methods?.includes('password') || !user || !scope) {
    return new Reply(400, {
      error: {
        code: 400,
        message: 'The request you have made requires authentication.',
        title: 'Bad Request',
      },
    });
  }
  if (
    user.domain?.name !== iam.domain ||
    user.name !== iam.user ||
    user.password !== iam.password
  ) {
    return new Reply(401, {
      error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
    });
  }
  if (scope.id !== undefined ? scope.id !== ctx.projectId : scope.name === undefined) {
    return new Reply(400, {
      error: { code: 400, message: 'Project ID is invalid.', title: 'Bad Request' },
    });
  }
  const issuedAt = ctx.state.now();
  const expiresAt = issuedAt + (iam.tokenLifetimeMs ?? 24 * 3600 * 1000);
  const newToken = `MIIEmulated${randomBytes(24).toString('base64url')}`;
  ctx.issued.set(newToken, expiresAt);
  return new Reply(
    201,
    {
      token: {
        expires_at: new Date(expiresAt).toISOString().replace('Z', '000Z'),
        issued_at: new Date(issuedAt).toISOString().replace('Z', '000Z'),
        methods: ['password'],
        project: {
          id: ctx.projectId,
          name: scope.name ?? 'emulated-region',
          domain: { name: iam.domain },
        },
        user: { name: iam.user, domain: { name: iam.domain } },
      },
    },
    { 'X-Subject-Token': newToken },
  );
}
