import { createHash, createHmac } from 'node:crypto';

/**
 * Huawei Cloud API signing, SDK-HMAC-SHA256 (the API gateway's AK/SK scheme), as pure functions.
 *   canonical request = method \n canonical URI \n canonical query \n canonical headers \n
 *                       signed headers \n hex(sha256(body))
 *   string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(canonical request))
 *   signature         = hex(hmac-sha256(SK, string to sign))
 */

export const SIGN_ALGORITHM = 'SDK-HMAC-SHA256';

/** Headers this client signs when present; host and x-sdk-date always. */
export const HEADERS_TO_SIGN = [
  'content-type',
  'host',
  'x-sdk-date',
  'x-project-id',
  'x-security-token',
];

/** UTC time as YYYYMMDDTHHMMSSZ. */
export function sdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function parseSdkDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

/** Percent-encodes everything but A-Z a-z 0-9 - _ . ~, with upper-case hex. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Each path segment decoded once and encoded once (never twice), always ending in "/". */
export function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeSafely(segment)))
    .join('/');
  const rooted = path.startsWith('/') ? path : `/${path}`;
  return rooted.endsWith('/') ? rooted : `${rooted}/`;
}

/** name=value pairs, encoded, sorted by name then value; an empty value keeps its "=". */
export function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface CanonicalInput {
  method: string;
  url: URL;
  /** Header names (any case) to values; must hold every name in signedHeaders. */
  headers: Record<string, string>;
  /** Lower-case names to sign. */
  signedHeaders: string[];
  body?: string;
}

export function canonicalRequest({
  method,
  url,
  headers,
  signedHeaders,
  body = '',
}: CanonicalInput): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const names = [...signedHeaders].sort();
  return [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    names.map((n) => `${n}:${(lower[n] ?? '').trim()}\n`).join(''),
    names.join(';'),
    createHash('sha256').update(body).digest('hex'),
  ].join('\n');
}

export function stringToSign(date: string, canonical: string): string {
  return `${SIGN_ALGORITHM}\n${date}\n${createHash('sha256').update(canonical).digest('hex')}`;
}

export function signature(secretKey: string, date: string, canonical: string): string {
  return createHmac('sha256', secretKey).update(stringToSign(date, canonical)).digest('hex');
}

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  projectId?: string;
  date: Date;
}

/**
 * The headers that sign a request: X-Sdk-Date, X-Project-Id, X-Security-Token (temporary keys) and
 * Authorization.
 */
export function signRequest(input: SignInput): Record<string, string> {
  const added: Record<string, string> = { 'X-Sdk-Date': sdkDate(input.date) };
  if (input.projectId) added['X-Project-Id'] = input.projectId;
  if (input.securityToken) added['X-Security-Token'] = input.securityToken;
  const all: Record<string, string> = { ...input.headers, ...added, host: input.url.host };
  const present = new Set(Object.keys(all).map((k) => k.toLowerCase()));
  const signedHeaders = HEADERS_TO_SIGN.filter((h) => present.has(h));
  const canonical = canonicalRequest({
    method: input.method,
    url: input.url,
    headers: all,
    signedHeaders,
    body: input.body,
  });
  const sig = signature(input.secretKey, added['X-Sdk-Date']!, canonical);
  added.Authorization =
    `${SIGN_ALGORITHM} Access=${input.accessKey}, ` +
    `SignedHeaders=${[...signedHeaders].sort().join(';')}, Signature=${sig}`;
  return added;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Reads an `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...` header; null when it is
 * not one.
 */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | null {
  if (!value?.startsWith(`${SIGN_ALGORITHM} `)) return null;
  const fields = Object.fromEntries(
    value
      .slice(SIGN_ALGORITHM.length + 1)
      .split(',')
      .map((part) => part.trim().split('=') as [string, string]),
  );
  if (!fields.Access || !fields.SignedHeaders || !fields.Signature) return null;
  return {
    accessKey: fields.Access,
    signedHeaders: fields.SignedHeaders.split(';'),
    signature: fields.Signature,
  };
}
