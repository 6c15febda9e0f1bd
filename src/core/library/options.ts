import path from 'node:path';
import type { ConnectionSettings } from '../client.js';
import { checkHeaderCredentials, checkRegion, regionEndpoint } from '../config/resolve.js';
import { type AuthConfig, closest } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import { KNOWN_STATUSES } from '../ges/jobs.js';
import { checkEndpoint, checkProjectId, describeUrlText, parseNumberOption } from '../validate.js';
import type { ClientOptions, ProxyOptions } from './types.js';

/**
 * createClient()'s options, checked before anything is sent: a wrong one is a ConfigError that
 * names it (a secret's value is never shown). The same rules as the CLI's where there is one.
 */

/** What a client is made of, once its options are checked. */
export interface ClientSetup {
  settings: ConnectionSettings;
  ca?: string;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

const OPTIONS: readonly (keyof ClientOptions)[] = [
  'endpoint',
  'projectId',
  'auth',
  'region',
  'managementEndpoint',
  'network',
  'timeout',
  'connectTimeout',
  'retries',
  'ca',
  'insecure',
  'proxy',
  'signal',
  'cacheDir',
  'language',
  'onWarning',
];

/** Each auth type's keys: those it needs, then those it may have. */
const AUTH_KEYS: Record<AuthConfig['type'], [string[], string[]]> = {
  token: [['token'], []],
  password: [
    ['domain', 'user', 'password'],
    ['iamEndpoint', 'projectName'],
  ],
  aksk: [['accessKey', 'secretKey'], ['securityToken']],
  none: [[], []],
};

/** Runs a check of the core's: its UsageError is, for the library, a ConfigError. */
export function asConfig<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof UsageError) throw new ConfigError(error.message, error.hint);
    throw error;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a wrong value is, for a message: its type, never its text (it may be a secret). */
const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/** Throws for a key that is none of `known` (a typo would otherwise be ignored). */
export function checkKeys(value: Record<string, unknown>, known: readonly string[], of: string) {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    throw new ConfigError(
      `unknown ${of} ${JSON.stringify(key)}${guess ? `; did you mean ${guess}?` : ''}`,
    );
  }
}

function text(value: unknown, name: string, required: true): string;
function text(value: unknown, name: string, required?: boolean): string | undefined;
function text(value: unknown, name: string, required = false): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new ConfigError(`${name} must be a non-empty string, not ${kindOf(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, words: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (words as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${name} must be ${words.join(' or ')}, not ${JSON.stringify(value)}`);
}

/** A whole number of milliseconds (or a count) within bounds. */
export function whole(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, not ${kindOf(value)}`);
  return asConfig(() => parseNumberOption(name, value, { min, max, integer: true }));
}

/** The credentials: the keys their type needs, strings that fit in a header. */
function checkAuth(value: unknown, region: string | undefined): AuthConfig {
  if (!isRecord(value))
    throw new ConfigError(
      `auth must be an object such as { type: 'token', token }, not ${kindOf(value)}`,
    );
  const type = oneOf(value.type, 'auth.type', Object.keys(AUTH_KEYS) as AuthConfig['type'][]);
  if (!type) throw new ConfigError(`auth.type is missing: use one of token, password, aksk, none`);
  const [needed, optional] = AUTH_KEYS[type];
  checkKeys(value, ['type', ...needed, ...optional], `key of auth type ${type}`);
  const auth: Record<string, string> = { type };
  for (const key of needed) auth[key] = text(value[key], `auth.${key}`, true);
  for (const key of optional) {
    const given = text(value[key], `auth.${key}`);
    if (given !== undefined) auth[key] = given;
  }
  if (type === 'password') auth.iamEndpoint = iamOf(auth.iamEndpoint, region);
  checkHeaderCredentials(auth as unknown as AuthConfig, 'option auth');
  return auth as unknown as AuthConfig;
}

function iamOf(given: string | undefined, region: string | undefined): string {
  if (given) return asConfig(() => checkEndpoint(given, 'option auth.iamEndpoint'));
  if (region) return regionEndpoint('iam', region);
  throw new ConfigError('auth type password needs auth.iamEndpoint, or a region');
}

/** A proxy URL: http or https, its user info never shown. */
function proxyUrl(value: unknown, name: string): string {
  if (value === undefined || value === '') return '';
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ConfigError(
      `${name} must be an http or https URL, not ` +
        `${typeof value === 'string' ? describeUrlText(value) : kindOf(value)}`,
    );
  return value as string;
}

function checkProxy(value: unknown): ConnectionSettings['proxy'] {
  if (value === undefined) return { http: '', https: '', noProxy: '' };
  if (typeof value === 'string') {
    const url = proxyUrl(value, 'proxy');
    return { http: url, https: url, noProxy: '' };
  }
  if (!isRecord(value))
    throw new ConfigError(`proxy must be a URL or { http, https, noProxy }, not ${kindOf(value)}`);
  checkKeys(value, ['http', 'https', 'noProxy'] satisfies (keyof ProxyOptions)[], 'key of proxy');
  const noProxy = value.noProxy ?? '';
  if (typeof noProxy !== 'string')
    throw new ConfigError(`proxy.noProxy must be a string, not ${kindOf(noProxy)}`);
  return {
    http: proxyUrl(value.http, 'proxy.http'),
    https: proxyUrl(value.https, 'proxy.https'),
    noProxy,
  };
}

/** The endpoint, and the management plane that finds graphs by name. */
function checkLocation(
  o: Record<string, unknown>,
): Pick<ConnectionSettings, 'endpoint' | 'discovery'> {
  const endpoint = text(o.endpoint, 'endpoint');
  const region = text(o.region, 'region');
  const management = text(o.managementEndpoint, 'managementEndpoint');
  const network = oneOf(o.network, 'network', ['private', 'public'] as const) ?? 'private';
  if (region !== undefined) checkRegion(region, 'option region');
  const plane = management ?? (region && regionEndpoint('ges', region));
  if (!endpoint && !plane)
    throw new ConfigError(
      'no endpoint: give endpoint (the service-plane address of the graphs), ' +
        'or region or managementEndpoint to find graphs by name',
    );
  return {
    endpoint: endpoint ? asConfig(() => checkEndpoint(endpoint, 'option endpoint')) : null,
    discovery: plane
      ? {
          managementEndpoint: asConfig(() => checkEndpoint(plane, 'option managementEndpoint')),
          region: region ?? null,
          network,
        }
      : null,
  };
}

function checkCa(value: unknown): string | undefined {
  const ca = text(value, 'ca');
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError(
      'ca must be PEM text holding a certificate (-----BEGIN CERTIFICATE-----)',
    );
  return ca;
}

function checkCacheDir(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const dir = text(value, 'cacheDir');
  if (!dir || !path.isAbsolute(dir))
    throw new ConfigError(`cacheDir must be an absolute path, not ${JSON.stringify(dir)}`);
  return path.normalize(dir);
}

function checkCallbacks(o: Record<string, unknown>): Pick<ClientSetup, 'signal' | 'onWarning'> {
  const { signal, onWarning } = o;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new ConfigError(`signal must be an AbortSignal, not ${kindOf(signal)}`);
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw new ConfigError(`onWarning must be a function, not ${kindOf(onWarning)}`);
  return {
    ...(signal ? { signal } : {}),
    ...(onWarning ? { onWarning: onWarning as (message: string) => void } : {}),
  };
}

/** createClient()'s options, checked, as the settings the core connects with. */
export function clientSetup(options: unknown): ClientSetup {
  if (!isRecord(options))
    throw new ConfigError('createClient needs an options object: { endpoint, projectId, auth }');
  checkKeys(options, OPTIONS, 'option');
  const insecure = options.insecure ?? false;
  if (typeof insecure !== 'boolean')
    throw new ConfigError(`insecure must be true or false, not ${kindOf(insecure)}`);
  const projectId = text(options.projectId, 'projectId', true);
  const location = checkLocation(options);
  const settings: ConnectionSettings = {
    ...location,
    projectId: asConfig(() => checkProjectId(projectId, 'option projectId')),
    auth: checkAuth(options.auth, location.discovery?.region ?? undefined),
    timeoutMs: whole(options.timeout, 'timeout', 1, 3_600_000) ?? 30_000,
    connectTimeoutMs: whole(options.connectTimeout, 'connectTimeout', 1, 3_600_000) ?? 10_000,
    retries: whole(options.retries, 'retries', 0, 10) ?? 2,
    insecure,
    proxy: checkProxy(options.proxy),
    cacheDir: checkCacheDir(options.cacheDir),
    language: oneOf(options.language, 'language', ['en-us', 'zh-cn'] as const) ?? 'en-us',
  };
  const ca = checkCa(options.ca);
  return { settings, ...(ca ? { ca } : {}), ...checkCallbacks(options) };
}

/** A status filter: known job states only (a typo would match nothing). */
export function statusSet(value: unknown, name: string): Set<string> | undefined {
  if (value === undefined) return undefined;
  const words = Array.isArray(value) ? (value as unknown[]) : [value];
  if (words.length === 0) throw new ConfigError(`${name} needs at least one job state`);
  for (const word of words) {
    if (typeof word !== 'string' || !(KNOWN_STATUSES as readonly string[]).includes(word))
      throw new ConfigError(
        `unknown job state ${JSON.stringify(word)} in ${name}: use ${KNOWN_STATUSES.join(', ')}`,
      );
  }
  return new Set(words as string[]);
}

/** A call's options: an object (or nothing) with only the keys the call knows. */
export function callOptions<T extends object>(value: T | undefined, keys: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (!isRecord(value)) throw new ConfigError(`options must be an object, not ${kindOf(value)}`);
  checkKeys(value, ['signal', ...keys], 'option');
  if (value.signal !== undefined && !(value.signal instanceof AbortSignal))
    throw new ConfigError(`signal must be an AbortSignal, not ${kindOf(value.signal)}`);
  return value;
}
