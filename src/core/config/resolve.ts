import path from 'node:path';
import { parseDurationOption } from '../duration.js';
import { ConfigError, UsageError } from '../errors.js';
import { userDirs } from '../paths.js';
import { checkEndpoint, checkProjectId, describeUrlText, parseNumberOption } from '../validate.js';
import type { LoadedConfig } from './load.js';
import {
  type AuthConfig,
  interpolateProfile,
  keyName,
  type ProfileConfig,
  profileNamed,
} from './schema.js';

export type Env = Record<string, string | undefined>;

/** Global flags as the CLI parsed them (strings, unvalidated). */
export interface SettingsFlags {
  profile?: string;
  endpoint?: string;
  region?: string;
  projectId?: string;
  timeout?: string;
  connectTimeout?: string;
  retries?: string;
  caCert?: string;
  insecure?: boolean;
}

export interface ProxySettings {
  http: string;
  https: string;
  noProxy: string;
}

/** Finding a graph's service-plane address by its name, through the management plane. */
export interface Discovery {
  managementEndpoint: string;
  region: string | null;
  network: 'private' | 'public';
}

export interface Settings {
  profileName: string;
  configFile: string | null;
  /**
   * The service-plane address when one is given (flag, env, profile); null: found by graph name
   * (`discovery`).
   */
  endpoint: string | null;
  /**
   * The management plane, when a region or management endpoint is known (graph list; the endpoint
   * when none is given).
   */
  discovery: Discovery | null;
  projectId: string;
  /** Bounds each attempt, first byte sent to last byte read. */
  timeoutMs: number;
  /** Bounds reaching the server or proxy, TLS included. */
  connectTimeoutMs: number;
  retries: number;
  auth: AuthConfig;
  /** A PEM file whose CAs are trusted on top of the system ones. */
  caFile?: string;
  insecure: boolean;
  /** From HTTP_PROXY, HTTPS_PROXY, NO_PROXY (lower case first); empty when unset. */
  proxy: ProxySettings;
  /** Where IAM tokens and graph addresses are cached (paths.ts); null: no cache. */
  cacheDir: string | null;
  /** X-Language of service-plane requests. */
  language: 'en-us' | 'zh-cn';
  /**
   * Where each value came from: "flag --endpoint", "env GES_ENDPOINT", "file <path>", "default";
   * `auth.<key>` where it differs from `auth`.
   */
  sources: Record<string, string>;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
/** Per-attempt and connect timeouts: a millisecond to an hour; a plain number is seconds. */
const TIMEOUT_RULE = { plainUnit: 's', min: 1, max: 3_600_000 } as const;
export const DEFAULT_RETRIES = 2;

export interface Candidate<T> {
  value: T | undefined;
  source: string;
}

/** The first candidate with a value: the precedence rule flag > env > profile > default. */
export function pick<T>(...candidates: Candidate<T>[]): Candidate<T> | undefined {
  return candidates.find((c) => c.value !== undefined && c.value !== '');
}

/**
 * The profile asked for: --profile, else GES_PROFILE, else defaultProfile; undefined when none is
 * (then "default").
 */
export function chosenProfile(
  flags: SettingsFlags,
  env: Env,
  loaded: LoadedConfig | null,
): Candidate<string> | undefined {
  return pick(
    { value: flags.profile, source: 'flag --profile' },
    { value: env.GES_PROFILE, source: 'env GES_PROFILE' },
    { value: loaded?.config.defaultProfile, source: `defaultProfile in ${loaded?.filepath}` },
  );
}

function selectProfile(
  flags: SettingsFlags,
  env: Env,
  loaded: LoadedConfig | null,
): { name: string; source: string; profile: ProfileConfig } {
  const chosen = chosenProfile(flags, env, loaded);
  const name = chosen?.value ?? 'default';
  const source = chosen?.source ?? 'default';
  const profile = loaded ? profileNamed(loaded.config, name) : undefined;
  if (profile)
    return {
      name,
      source,
      profile: interpolateProfile(profile, env, `profiles.${name}`, loaded!.filepath),
    };
  if (!chosen) return { name, source, profile: {} };
  if (!loaded) {
    throw new ConfigError(
      `profile ${JSON.stringify(name)} (from ${chosen.source}) was asked for, ` +
        `but no config file was found`,
      'create one from .gesrc.example, or name it with --config <file>',
    );
  }
  const names = Object.keys(loaded.config.profiles);
  throw new ConfigError(
    `profile ${JSON.stringify(name)} (from ${chosen.source}) is not defined in ` +
      `${loaded.filepath} (profiles: ${names.map(keyName).join(', ') || 'none'})`,
  );
}

/**
 * Huawei Cloud region names: cn-north-4, ap-southeast-1, eu-west-101 (they build host names, so
 * nothing else).
 */
const REGION = /^[a-z]{2,3}(-[a-z]+)+-[0-9]{1,3}$/;

/** https://{service}.{region}.myhuaweicloud.com (.eu for eu-west-101, as Huawei's SDKs have it). */
export function regionEndpoint(service: 'ges' | 'iam', region: string): string {
  return `https://${service}.${region}.myhuaweicloud.${region === 'eu-west-101' ? 'eu' : 'com'}`;
}

/**
 * A region name, checked (it builds host names); a usage error from a flag, a config error
 * otherwise.
 */
export function checkRegion(value: string, source: string): string {
  if (REGION.test(value)) return value;
  const message =
    `invalid region ${JSON.stringify(value.slice(0, 40))} (from ${source}): ` +
    `expected a region name such as cn-north-4`;
  throw source.startsWith('flag') || source.startsWith('--')
    ? new UsageError(message)
    : new ConfigError(message);
}

function resolveRegion(
  flags: SettingsFlags,
  env: Env,
  profile: ProfileConfig,
  fileSource: string,
): Candidate<string> | undefined {
  const region = pick(
    { value: flags.region, source: 'flag --region' },
    { value: env.GES_REGION, source: 'env GES_REGION' },
    { value: profile.region, source: fileSource },
  );
  if (region) checkRegion(region.value!, region.source);
  return region;
}

function resolveDiscovery(
  env: Env,
  profile: ProfileConfig,
  fileSource: string,
  region: Candidate<string> | undefined,
  sources: Record<string, string>,
): Discovery | null {
  const sdkName = region
    ? `HUAWEICLOUD_SDK_REGION_GES_${region.value!.toUpperCase().replace(/-/g, '_')}`
    : undefined;
  const management = pick(
    { value: env.GES_MANAGEMENT_ENDPOINT, source: 'env GES_MANAGEMENT_ENDPOINT' },
    { value: sdkName ? env[sdkName] : undefined, source: `env ${sdkName}` },
    { value: profile.managementEndpoint, source: fileSource },
    {
      value: region ? regionEndpoint('ges', region.value!) : undefined,
      source: `region ${region?.value} (from ${region?.source})`,
    },
  );
  if (!management) return null;
  const network = profile.network ?? 'private';
  if (network !== 'private' && network !== 'public')
    throw new ConfigError(
      `network (${fileSource}) must be private or public, not ${JSON.stringify(network)}`,
    );
  Object.assign(sources, {
    managementEndpoint: management.source,
    network: profile.network ? fileSource : 'default',
    region: region?.source ?? 'none',
  });
  return { managementEndpoint: management.value!, region: region?.value ?? null, network };
}

function resolveAuth(
  env: Env,
  profile: ProfileConfig,
  fileSource: string,
  sources: Record<string, string>,
  region?: Candidate<string>,
): AuthConfig {
  if (env.GES_TOKEN) {
    sources.auth = 'env GES_TOKEN';
    return { type: 'token', token: env.GES_TOKEN };
  }
  if (env.HUAWEICLOUD_SDK_AK || env.HUAWEICLOUD_SDK_SK) {
    if (!env.HUAWEICLOUD_SDK_AK || !env.HUAWEICLOUD_SDK_SK) {
      throw new ConfigError('HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together');
    }
    sources.auth = 'env HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK';
    if (env.HUAWEICLOUD_SDK_SECURITY_TOKEN)
      sources['auth.securityToken'] = 'env HUAWEICLOUD_SDK_SECURITY_TOKEN';
    return {
      type: 'aksk',
      accessKey: env.HUAWEICLOUD_SDK_AK,
      secretKey: env.HUAWEICLOUD_SDK_SK,
      securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined,
    };
  }
  if (profile.auth) {
    sources.auth = fileSource;
    const auth = { ...profile.auth };
    if (auth.type === 'password') {
      const iam = pick(
        { value: env.HUAWEICLOUD_SDK_IAM_ENDPOINT, source: 'env HUAWEICLOUD_SDK_IAM_ENDPOINT' },
        { value: auth.iamEndpoint, source: fileSource },
        {
          value: region ? regionEndpoint('iam', region.value!) : undefined,
          source: `region ${region?.value} (from ${region?.source})`,
        },
      );
      if (!iam) {
        throw new ConfigError(
          `auth type password needs an IAM endpoint: set auth.iamEndpoint (${fileSource}), ` +
            `a region, or HUAWEICLOUD_SDK_IAM_ENDPOINT`,
        );
      }
      auth.iamEndpoint = checkEndpoint(iam.value!, iam.source);
      sources['auth.iamEndpoint'] = iam.source;
    }
    return auth;
  }
  throw new ConfigError(
    'no credentials: set GES_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, ' +
      'or an auth section in the profile',
    'for a graph that needs no token (a local emulator without one) ' +
      'set auth.type: none in the profile',
  );
}

/** The profile's language, en-us unless it says zh-cn. */
function checkLanguage(value: string | undefined, source: string): 'en-us' | 'zh-cn' {
  if (value === undefined || value === 'en-us' || value === 'zh-cn') return value ?? 'en-us';
  throw new ConfigError(
    `language (${source}) must be en-us or zh-cn, not ${JSON.stringify(value)}`,
  );
}

/** A proxy variable (lower case first, as curl reads them), checked to be an http(s) URL. */
function proxyVariable(env: Env, lower: 'http_proxy' | 'https_proxy'): string {
  const upper = lower.toUpperCase();
  const name = env[lower] !== undefined ? lower : upper;
  const value = env[name] ?? '';
  if (value === '') return '';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `the environment variable ${name} is not an http or https URL: ${describeUrlText(value)}`,
      `fix it (e.g. ${name}=http://proxy.example.com:3128), or unset it`,
    );
  }
  return value;
}

/** Credentials that travel in headers: only printable characters, no spaces around them. */
const HEADER_CREDENTIALS = {
  token: 'GES_TOKEN',
  accessKey: 'HUAWEICLOUD_SDK_AK',
  securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
} as const;

/**
 * A credential that cannot go in an HTTP header (a CR left by `curl | awk`, a line break, a
 * space) is a config error naming where it came from, never a failed request.
 */
function checkHeaderCredentials(auth: AuthConfig, source: string): void {
  for (const [key, envName] of Object.entries(HEADER_CREDENTIALS)) {
    const value = auth[key as keyof typeof HEADER_CREDENTIALS];
    if (value === undefined) continue;
    const bad = /[^\x21-\x7e]/.exec(value);
    if (!bad && value !== '') continue;
    const where = source.startsWith('env') ? `env ${envName}` : `auth.${key} (${source})`;
    const what =
      value === ''
        ? 'is empty'
        : `holds ${
            bad![0] === '\r'
              ? 'a carriage return'
              : bad![0] === '\n'
                ? 'a line break'
                : /\s/.test(bad![0])
                  ? 'white space'
                  : `the character U+${bad![0]
                      .codePointAt(0)!
                      .toString(16)
                      .toUpperCase()
                      .padStart(4, '0')}`
          }${bad!.index === value.length - 1 ? ' at its end' : ''}` +
          `, which cannot go in an HTTP header`;
    throw new ConfigError(
      `the credential in ${where} ${what}; nothing was sent`,
      "strip it where the value is made, e.g. | tr -d '\\r\\n'",
    );
  }
}

/** Merges flags, environment, the selected profile and defaults into validated settings. */
export function resolveSettings(
  flags: SettingsFlags,
  env: Env,
  loaded: LoadedConfig | null,
): Settings {
  const { name, source: profileSource, profile } = selectProfile(flags, env, loaded);
  const fileSource = loaded ? `file ${loaded.filepath} (profile ${name})` : 'file';
  const sources: Record<string, string> = {};

  const endpoint = pick(
    { value: flags.endpoint, source: 'flag --endpoint' },
    { value: env.GES_ENDPOINT, source: 'env GES_ENDPOINT' },
    { value: profile.endpoint, source: fileSource },
  );
  const region = resolveRegion(flags, env, profile, fileSource);
  // An explicit endpoint always wins; without one, a region (or management endpoint) finds graphs
  // by name.
  const discovery = resolveDiscovery(env, profile, fileSource, region, sources);
  if (!endpoint && !discovery) {
    throw new ConfigError(
      loaded
        ? `no endpoint: profile ${JSON.stringify(name)} in ${loaded.filepath} has neither ` +
            `an endpoint nor a region, and neither --endpoint, --region, GES_ENDPOINT nor ` +
            `GES_REGION is set`
        : 'no endpoint: no config file was found, and neither --endpoint, --region, ' +
            'GES_ENDPOINT nor GES_REGION is set',
      "give the graph's service-plane address (GES console: graph details, private or " +
        'public access address), or a region (e.g. --region cn-north-4) to find graphs by name',
    );
  }
  const projectId = pick(
    { value: flags.projectId, source: 'flag --project-id' },
    { value: env.GES_PROJECT_ID, source: 'env GES_PROJECT_ID' },
    { value: env.HUAWEICLOUD_SDK_PROJECT_ID, source: 'env HUAWEICLOUD_SDK_PROJECT_ID' },
    { value: profile.projectId, source: fileSource },
  );
  if (!projectId) {
    throw new ConfigError(
      'no project ID: set --project-id, GES_PROJECT_ID or projectId in the profile',
      'the project ID is shown under My Credentials > API Credentials in the Huawei Cloud console',
    );
  }
  const timeout = pick<string | number>(
    { value: flags.timeout, source: 'flag --timeout' },
    { value: profile.timeout, source: fileSource },
  ) ?? { value: DEFAULT_TIMEOUT_SECONDS, source: 'default' };
  const connectTimeout = pick<string | number>(
    { value: flags.connectTimeout, source: 'flag --connect-timeout' },
    { value: profile.connectTimeout, source: fileSource },
  ) ?? { value: DEFAULT_CONNECT_TIMEOUT_SECONDS, source: 'default' };
  const retries = pick<string | number>(
    { value: flags.retries, source: 'flag --retries' },
    { value: profile.retries, source: fileSource },
  ) ?? { value: DEFAULT_RETRIES, source: 'default' };

  const asConfigError = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      // A bad value from a file or the environment is a config error; from a flag, a usage error.
      if (error instanceof UsageError) throw new ConfigError(error.message);
      throw error;
    }
  };
  const check = <T>(source: string, fn: () => T): T =>
    source.startsWith('flag') ? fn() : asConfigError(fn);

  const settings: Settings = {
    profileName: name,
    configFile: loaded?.filepath ?? null,
    endpoint: endpoint
      ? check(endpoint.source, () => checkEndpoint(endpoint.value!, endpoint.source))
      : null,
    discovery: discovery && {
      ...discovery,
      managementEndpoint: check(sources.managementEndpoint!, () =>
        checkEndpoint(discovery.managementEndpoint, sources.managementEndpoint!),
      ),
    },
    projectId: check(projectId.source, () => checkProjectId(projectId.value!, projectId.source)),
    timeoutMs: check(timeout.source, () =>
      parseDurationOption(`timeout (from ${timeout.source})`, timeout.value!, TIMEOUT_RULE),
    ),
    connectTimeoutMs: check(connectTimeout.source, () =>
      parseDurationOption(
        `connectTimeout (from ${connectTimeout.source})`,
        connectTimeout.value!,
        TIMEOUT_RULE,
      ),
    ),
    retries: check(retries.source, () =>
      parseNumberOption(`retries (from ${retries.source})`, retries.value!, {
        min: 0,
        max: 10,
        integer: true,
      }),
    ),
    auth: resolveAuth(env, profile, fileSource, sources, region),
    caFile:
      flags.caCert ??
      (profile.caFile && loaded
        ? path.resolve(path.dirname(loaded.filepath), profile.caFile)
        : undefined),
    insecure: flags.insecure || (profile.insecure ?? false),
    proxy: {
      http: proxyVariable(env, 'http_proxy'),
      https: proxyVariable(env, 'https_proxy'),
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    },
    cacheDir: userDirs(env).cache,
    language: checkLanguage(profile.language, fileSource),
    sources,
  };
  checkHeaderCredentials(settings.auth, sources.auth ?? fileSource);
  Object.assign(sources, {
    profile: profileSource,
    caFile: flags.caCert ? 'flag --ca-cert' : settings.caFile ? fileSource : 'default',
    insecure: flags.insecure
      ? 'flag --insecure'
      : profile.insecure !== undefined
        ? fileSource
        : 'default',
    language: profile.language !== undefined ? fileSource : 'default',
    endpoint: endpoint?.source ?? 'management plane (by graph name)',
    projectId: projectId.source,
    timeout: timeout.source,
    connectTimeout: connectTimeout.source,
    retries: retries.source,
  });
  return settings;
}
