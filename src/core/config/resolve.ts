import path from 'node:path';
import { parseDurationOption } from '../duration.js';
import { ConfigError, NoEndpointError, UsageError } from '../errors.js';
import { userDirs } from '../paths.js';
import { checkEndpoint, checkProjectId, describeUrlText, parseNumberOption } from '../validate.js';
import type { LoadedConfig } from './load.js';
import {
  type AuthConfig,
  keyName,
  type ProfileConfig,
  profileNamed,
  usedAuth,
  usedValue,
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

/**
 * A value and where it came from: "flag --endpoint", "env GES_ENDPOINT",
 * "file <path> (profile <name>)", "default".
 */
export interface Candidate<T> {
  value: T | undefined;
  source: string;
}

type Found<T> = Candidate<T> & { value: T };

/** Set: neither undefined nor empty (an empty variable counts as unset). */
function isSet<T>(candidate: Candidate<T> | undefined): candidate is Found<T> {
  return candidate !== undefined && candidate.value !== undefined && candidate.value !== '';
}

/**
 * Where a value may come from. Flags always win and defaults always lose; the profile's rank
 * depends on how it was chosen (layerOrder).
 */
export type Layer = 'flag' | 'profile' | 'env';

/**
 * The layers, strongest first. A profile named on the command line (-p) outranks the
 * environment, so `ges -p prod` sends prod's requests where prod says, whatever GES_ENDPOINT
 * a shell still holds. A profile named by GES_PROFILE or defaultProfile (or the implicit
 * default) ranks below it, so the environment can point a shared profile elsewhere (CI).
 */
export function layerOrder(profileOnCommandLine: boolean): readonly Layer[] {
  return profileOnCommandLine ? ['flag', 'profile', 'env'] : ['flag', 'env', 'profile'];
}

/**
 * One candidate, read only when every stronger one is unset: a ${NAME} in a value that is not
 * used is never resolved, so its variable need not be set.
 */
export type Read<T> = () => Candidate<T> | undefined;
/** A setting's candidates in each layer, in order within the layer. */
export type Candidates<T> = Partial<Record<Layer, Read<T>[]>>;

/**
 * The precedence rule, implemented once: the first candidate that is set, layer by layer in
 * `order`; undefined when none is (then the default applies).
 */
export function firstSet<T>(
  order: readonly Layer[],
  candidates: Candidates<T>,
): Found<T> | undefined {
  for (const layer of order) {
    for (const read of candidates[layer] ?? []) {
      const candidate = read();
      if (isSet(candidate)) return candidate;
    }
  }
  return undefined;
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
  return [
    { value: flags.profile, source: 'flag --profile' },
    { value: env.GES_PROFILE, source: 'env GES_PROFILE' },
    { value: loaded?.config.defaultProfile, source: `defaultProfile in ${loaded?.filepath}` },
  ].find(isSet);
}

/** What the steps of resolveSettings read: the flags, the environment and the chosen profile. */
interface Inputs {
  flags: SettingsFlags;
  env: Env;
  order: readonly Layer[];
  name: string;
  /** As written: its ${NAME} references are resolved value by value, when used. */
  profile: ProfileConfig;
  file: string | null;
  /** "file <path> (profile <name>)". */
  fileSource: string;
}

function fromFlag<T>(value: T | undefined, flag: string): Read<T> {
  return () => ({ value, source: `flag --${flag}` });
}

function fromEnv(env: Env, name: string): Read<string> {
  return () => ({ value: env[name], source: `env ${name}` });
}

function fromProfile<K extends keyof ProfileConfig>(
  inputs: Inputs,
  key: K,
): Read<NonNullable<ProfileConfig[K]>> {
  const { profile, env, name, file, fileSource } = inputs;
  return () => ({
    value: usedValue(profile, key, env, `profiles.${name}`, file ?? '') as
      | NonNullable<ProfileConfig[K]>
      | undefined,
    source: fileSource,
  });
}

/**
 * Runs a check of a value: a bad value from a file or the environment is a config error, from a
 * flag a usage error.
 */
function checked<T>(source: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof UsageError && !source.startsWith('flag'))
      throw new ConfigError(error.message, error.hint);
    throw error;
  }
}

function selectProfile(flags: SettingsFlags, env: Env, loaded: LoadedConfig | null): Inputs {
  const chosen = chosenProfile(flags, env, loaded);
  const name = chosen?.value ?? 'default';
  const profile = loaded ? profileNamed(loaded.config, name) : undefined;
  if (!profile && chosen && !loaded) {
    throw new ConfigError(
      `profile ${JSON.stringify(name)} (from ${chosen.source}) was asked for, ` +
        `but no config file was found`,
      'write one with: ges config init, or name one with --config <file>',
    );
  }
  if (!profile && chosen) {
    const names = Object.keys(loaded!.config.profiles);
    throw new ConfigError(
      `profile ${JSON.stringify(name)} (from ${chosen.source}) is not defined in ` +
        `${loaded!.filepath} (profiles: ${names.map(keyName).join(', ') || 'none'})`,
    );
  }
  return {
    flags,
    env,
    order: layerOrder(Boolean(flags.profile)),
    name,
    profile: profile ?? {},
    file: loaded?.filepath ?? null,
    fileSource: loaded ? `file ${loaded.filepath} (profile ${name})` : 'file',
  };
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

/** Where the graph is, as one layer gives it: its address, or a region or management plane. */
interface Location {
  endpoint?: Found<string>;
  region?: Found<string>;
  management?: Found<string>;
}

function locationReads(inputs: Inputs, layer: Layer): Read<string>[] {
  const { flags, env } = inputs;
  if (layer === 'flag')
    return [
      fromFlag(flags.endpoint, 'endpoint'),
      fromFlag(flags.region, 'region'),
      () => undefined,
    ];
  if (layer === 'env')
    return ['GES_ENDPOINT', 'GES_REGION', 'GES_MANAGEMENT_ENDPOINT'].map((n) => fromEnv(env, n));
  return [
    fromProfile(inputs, 'endpoint'),
    fromProfile(inputs, 'region'),
    fromProfile(inputs, 'managementEndpoint'),
  ];
}

/**
 * The location is one setting: the strongest layer that gives any part of it (an endpoint, a
 * region, a management endpoint) gives all of it. A region from `-p` is never overridden by
 * GES_ENDPOINT, and parts from two layers are never mixed.
 */
function pickLocation(inputs: Inputs): Location | undefined {
  for (const layer of inputs.order) {
    const [endpoint, region, management] = locationReads(inputs, layer).map((read) => read());
    const location: Location = {
      ...(isSet(endpoint) ? { endpoint } : {}),
      ...(isSet(region)
        ? { region: { ...region, value: checkRegion(region.value, region.source) } }
        : {}),
      ...(isSet(management) ? { management } : {}),
    };
    if (Object.keys(location).length) return location;
  }
  return undefined;
}

function noEndpoint(inputs: Inputs): ConfigError {
  return new NoEndpointError(
    inputs.file
      ? `no endpoint: profile ${JSON.stringify(inputs.name)} in ${inputs.file} has neither ` +
          `an endpoint nor a region, and neither --endpoint, --region, GES_ENDPOINT nor ` +
          `GES_REGION is set`
      : 'no endpoint: no config file was found, and neither --endpoint, --region, ' +
          'GES_ENDPOINT nor GES_REGION is set',
    'run ges config init to write a profile (the address is under graph details in the GES ' +
      'console; or a region, to find graphs by name), or try ges with no cloud account: ' +
      'ges emulator',
  );
}

/**
 * The management plane, when the location gives a region or a management endpoint. A region's
 * address may be set by HUAWEICLOUD_SDK_REGION_GES_<REGION>, as Huawei's SDKs read it.
 */
function resolveDiscovery(
  inputs: Inputs,
  { region, management }: Location,
  sources: Record<string, string>,
): Discovery | null {
  const sdkName = region
    ? `HUAWEICLOUD_SDK_REGION_GES_${region.value.toUpperCase().replace(/-/g, '_')}`
    : '';
  const plane = [
    management,
    { value: inputs.env[sdkName], source: `env ${sdkName}` },
    {
      value: region && regionEndpoint('ges', region.value),
      source: `region ${region?.value} (from ${region?.source})`,
    },
  ].find(isSet);
  if (!plane) return null;
  const network = fromProfile(inputs, 'network')()?.value ?? 'private';
  if (network !== 'private' && network !== 'public')
    throw new ConfigError(
      `network (${inputs.fileSource}) must be private or public, not ${JSON.stringify(network)}`,
    );
  Object.assign(sources, {
    managementEndpoint: plane.source,
    network: inputs.profile.network ? inputs.fileSource : 'default',
    region: region?.source ?? 'none',
  });
  return {
    managementEndpoint: checked(plane.source, () => checkEndpoint(plane.value, plane.source)),
    region: region?.value ?? null,
    network,
  };
}

/** The service-plane address (or null: found by graph name) and the management plane. */
function resolveLocation(
  inputs: Inputs,
  sources: Record<string, string>,
): Pick<Settings, 'endpoint' | 'discovery'> {
  const location = pickLocation(inputs);
  const discovery = location ? resolveDiscovery(inputs, location, sources) : null;
  const endpoint = location?.endpoint;
  if (!endpoint && !discovery) throw noEndpoint(inputs);
  sources.endpoint = endpoint?.source ?? 'management plane (by graph name)';
  return {
    endpoint: endpoint
      ? checked(endpoint.source, () => checkEndpoint(endpoint.value, endpoint.source))
      : null,
    discovery,
  };
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
export function checkHeaderCredentials(auth: AuthConfig, source: string): void {
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

function resolveProjectId(inputs: Inputs, sources: Record<string, string>): string {
  const { flags, env } = inputs;
  const projectId = firstSet(inputs.order, {
    flag: [fromFlag(flags.projectId, 'project-id')],
    env: [fromEnv(env, 'GES_PROJECT_ID'), fromEnv(env, 'HUAWEICLOUD_SDK_PROJECT_ID')],
    profile: [fromProfile(inputs, 'projectId')],
  });
  if (!projectId) {
    throw new ConfigError(
      'no project ID: set --project-id, GES_PROJECT_ID or projectId in the profile',
      'the project ID is shown under My Credentials > API Credentials in the Huawei Cloud console',
    );
  }
  sources.projectId = projectId.source;
  return checked(projectId.source, () => checkProjectId(projectId.value, projectId.source));
}

/** Timeouts and retries: a flag, else the profile, else the default. */
function resolveLimits(
  inputs: Inputs,
  sources: Record<string, string>,
): Pick<Settings, 'timeoutMs' | 'connectTimeoutMs' | 'retries'> {
  const { flags, order } = inputs;
  const pickOne = (
    key: 'timeout' | 'connectTimeout' | 'retries',
    flag: string,
    fallback: number,
  ) => {
    const found = firstSet<string | number>(order, {
      flag: [fromFlag(flags[key], flag)],
      profile: [fromProfile(inputs, key)],
    }) ?? { value: fallback, source: 'default' };
    sources[key] = found.source;
    return found;
  };
  const duration = (key: 'timeout' | 'connectTimeout', flag: string, fallback: number) => {
    const { value, source } = pickOne(key, flag, fallback);
    return checked(source, () =>
      parseDurationOption(`${key} (from ${source})`, value, TIMEOUT_RULE),
    );
  };
  const retries = pickOne('retries', 'retries', DEFAULT_RETRIES);
  return {
    timeoutMs: duration('timeout', 'timeout', DEFAULT_TIMEOUT_SECONDS),
    connectTimeoutMs: duration(
      'connectTimeout',
      'connect-timeout',
      DEFAULT_CONNECT_TIMEOUT_SECONDS,
    ),
    retries: checked(retries.source, () =>
      parseNumberOption(`retries (from ${retries.source})`, retries.value, {
        min: 0,
        max: 10,
        integer: true,
      }),
    ),
  };
}

/** Credentials from the environment: GES_TOKEN, else an access key pair. */
function environmentAuth(env: Env): Read<AuthConfig>[] {
  const token: Read<AuthConfig> = () =>
    env.GES_TOKEN
      ? { value: { type: 'token', token: env.GES_TOKEN }, source: 'env GES_TOKEN' }
      : undefined;
  const keys: Read<AuthConfig> = () => {
    if (!env.HUAWEICLOUD_SDK_AK && !env.HUAWEICLOUD_SDK_SK) return undefined;
    if (!env.HUAWEICLOUD_SDK_AK || !env.HUAWEICLOUD_SDK_SK)
      throw new ConfigError('HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together');
    return {
      value: {
        type: 'aksk',
        accessKey: env.HUAWEICLOUD_SDK_AK,
        secretKey: env.HUAWEICLOUD_SDK_SK,
        securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined,
      },
      source: 'env HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK',
    };
  };
  return [token, keys];
}

/**
 * The region whose IAM a password login goes to: the location's, else (an endpoint given
 * elsewhere) the profile's own region.
 */
function loginRegion(inputs: Inputs, located?: Found<string>): Found<string> | undefined {
  if (located) return located;
  const region = fromProfile(inputs, 'region')();
  return isSet(region) ? { ...region, value: checkRegion(region.value, region.source) } : undefined;
}

/**
 * Where a password login goes: the profile's auth.iamEndpoint and HUAWEICLOUD_SDK_IAM_ENDPOINT
 * at their layers' ranks, else the region's IAM.
 */
function iamEndpoint(
  inputs: Inputs,
  auth: AuthConfig,
  located: Found<string> | undefined,
  sources: Record<string, string>,
): string {
  const at = `profiles.${inputs.name}`;
  const byRegion = (): Candidate<string> | undefined => {
    const region = loginRegion(inputs, located);
    return (
      region && {
        value: regionEndpoint('iam', region.value),
        source: `region ${region.value} (from ${region.source})`,
      }
    );
  };
  const iam =
    firstSet(inputs.order, {
      env: [fromEnv(inputs.env, 'HUAWEICLOUD_SDK_IAM_ENDPOINT')],
      profile: [
        () => ({
          value: usedAuth(auth, inputs.env, at, inputs.file ?? '').iamEndpoint,
          source: inputs.fileSource,
        }),
      ],
    }) ?? [byRegion()].find(isSet);
  if (!iam) {
    throw new ConfigError(
      `auth type password needs an IAM endpoint: set auth.iamEndpoint (${inputs.fileSource}), ` +
        `a region, or HUAWEICLOUD_SDK_IAM_ENDPOINT`,
    );
  }
  sources['auth.iamEndpoint'] = iam.source;
  return checked(iam.source, () => checkEndpoint(iam.value, iam.source));
}

/**
 * Credentials are one setting: the profile's auth section (when it has one) at the profile's
 * rank, GES_TOKEN or an access key pair at the environment's; never a mix of both.
 */
function resolveAuth(
  inputs: Inputs,
  located: Found<string> | undefined,
  sources: Record<string, string>,
): AuthConfig {
  const { profile, env } = inputs;
  const found = firstSet<AuthConfig>(inputs.order, {
    env: environmentAuth(env),
    profile: [() => ({ value: profile.auth, source: inputs.fileSource })],
  });
  if (!found) {
    throw new ConfigError(
      'no credentials: set GES_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, ' +
        'or an auth section in the profile',
      'for a graph that needs no token (a local emulator without one) ' +
        'set auth.type: none in the profile',
    );
  }
  sources.auth = found.source;
  if (found.source.startsWith('env') && found.value.securityToken)
    sources['auth.securityToken'] = 'env HUAWEICLOUD_SDK_SECURITY_TOKEN';
  const auth = found.source.startsWith('env')
    ? found.value
    : usedAuth(found.value, env, `profiles.${inputs.name}`, inputs.file ?? '', ['iamEndpoint']);
  if (auth.type === 'password')
    auth.iamEndpoint = iamEndpoint(inputs, found.value, located, sources);
  checkHeaderCredentials(auth, found.source);
  return auth;
}

/** TLS and the profile's language: a flag, else the profile, else the default. */
function resolveTransport(
  inputs: Inputs,
  sources: Record<string, string>,
): Pick<Settings, 'caFile' | 'insecure' | 'language'> {
  const { flags, order, file } = inputs;
  const caFile = firstSet(order, {
    flag: [fromFlag(flags.caCert, 'ca-cert')],
    profile: [fromProfile(inputs, 'caFile')],
  });
  const insecure = firstSet<boolean>(order, {
    flag: [fromFlag(flags.insecure || undefined, 'insecure')],
    profile: [fromProfile(inputs, 'insecure')],
  }) ?? { value: false, source: 'default' };
  const language = fromProfile(inputs, 'language')();
  Object.assign(sources, {
    caFile: caFile?.source ?? 'default',
    insecure: insecure.source,
    language: isSet(language) ? language.source : 'default',
  });
  return {
    // A file's caFile is relative to the file; a flag's, to the working directory (connect()).
    caFile:
      caFile && file && !caFile.source.startsWith('flag')
        ? path.resolve(path.dirname(file), caFile.value)
        : caFile?.value,
    insecure: insecure.value,
    language: checkLanguage(language?.value, inputs.fileSource),
  };
}

/**
 * Merges flags, the environment, the chosen profile and defaults into validated settings
 * (precedence: layerOrder). Only values that are used are read, resolved and checked.
 */
export function resolveSettings(
  flags: SettingsFlags,
  env: Env,
  loaded: LoadedConfig | null,
): Settings {
  const inputs = selectProfile(flags, env, loaded);
  const sources: Record<string, string> = {
    profile: chosenProfile(flags, env, loaded)?.source ?? 'default',
  };
  const location = resolveLocation(inputs, sources);
  return {
    profileName: inputs.name,
    configFile: inputs.file,
    ...location,
    projectId: resolveProjectId(inputs, sources),
    ...resolveLimits(inputs, sources),
    auth: resolveAuth(
      inputs,
      location.discovery?.region
        ? { value: location.discovery.region, source: sources.region! }
        : undefined,
      sources,
    ),
    ...resolveTransport(inputs, sources),
    proxy: {
      http: proxyVariable(env, 'http_proxy'),
      https: proxyVariable(env, 'https_proxy'),
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    },
    cacheDir: userDirs(env).cache,
    sources,
  };
}
