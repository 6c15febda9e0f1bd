import { ConfigError } from '../errors.js';

/** The shape of a ges config file, and its validation (types, required keys, unknown keys). */

export type AuthType = 'token' | 'password' | 'aksk' | 'none';

export interface AuthConfig {
  type: AuthType;
  token?: string;
  iamEndpoint?: string;
  domain?: string;
  user?: string;
  password?: string;
  projectName?: string;
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
}

export interface ProfileConfig {
  endpoint?: string;
  projectId?: string;
  /** Seconds, or a duration (`30s`, `2m`). */
  timeout?: number | string;
  connectTimeout?: number | string;
  retries?: number;
  caFile?: string;
  insecure?: boolean;
  auth?: AuthConfig;
  /** Graph names offered by shell completion. */
  graphs?: string[];
  /** X-Language of service-plane requests: en-us (default) or zh-cn. */
  language?: string;
  /** A Huawei Cloud region (cn-north-4): graphs are found by name through its management plane. */
  region?: string;
  /** The management plane's address, instead of the region's (tests, other clouds). */
  managementEndpoint?: string;
  /** Which address of a graph to use: private (default, inside the VPC) or public (its EIP). */
  network?: string;
}

export interface FileConfig {
  defaultProfile?: string;
  profiles: Record<string, ProfileConfig>;
}

type KeyType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'strings' | 'duration';

const TOP_KEYS: Record<string, KeyType> = { defaultProfile: 'string', profiles: 'object' };
const PROFILE_KEYS: Record<string, KeyType> = {
  endpoint: 'string',
  projectId: 'string',
  timeout: 'duration',
  connectTimeout: 'duration',
  retries: 'integer',
  caFile: 'string',
  insecure: 'boolean',
  auth: 'object',
  graphs: 'strings',
  language: 'string',
  region: 'string',
  managementEndpoint: 'string',
  network: 'string',
};
const AUTH_KEYS: Record<string, KeyType> = {
  type: 'string',
  token: 'string',
  iamEndpoint: 'string',
  domain: 'string',
  user: 'string',
  password: 'string',
  projectName: 'string',
  accessKey: 'string',
  secretKey: 'string',
  securityToken: 'string',
};
export const AUTH_TYPES: readonly AuthType[] = ['token', 'password', 'aksk', 'none'];
/** Keys each auth type needs in the file (password's iamEndpoint may come from the environment). */
const AUTH_REQUIRED: Record<AuthType, string[]> = {
  token: ['token'],
  password: ['domain', 'user', 'password'],
  aksk: ['accessKey', 'secretKey'],
  none: [],
};
/**
 * Keys whose values are secrets: never printed, and warned about when stored in a readable file.
 */
export const SECRET_KEYS = ['token', 'password', 'secretKey', 'securityToken'] as const;

/** How a wrong value reads in a message: its kind, and for a short plain value the value itself. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return value instanceof Date ? 'a date' : 'a mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** A key as it reads in a key path: plain when it is a plain word, else quoted. */
export function keyName(key: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(key)
    ? key
    : JSON.stringify(key.length > 64 ? `${key.slice(0, 63)}…` : key);
}

function matches(value: unknown, type: KeyType): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'duration':
      return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string';
    default:
      return typeof value === type;
  }
}

function describe(type: KeyType): string {
  return type === 'object'
    ? 'a mapping'
    : type === 'integer'
      ? 'a whole number'
      : type === 'strings'
        ? 'a list of strings'
        : type === 'duration'
          ? 'a duration (30, 30s, 2m)'
          : `a ${type}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known word within a small distance, for "did you mean" suggestions. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function checkKeys(
  obj: Record<string, unknown>,
  keys: Record<string, KeyType>,
  path: string,
  file: string,
  warnings: string[],
): void {
  for (const [key, value] of Object.entries(obj)) {
    const keyPath = path ? `${path}.${keyName(key)}` : keyName(key);
    const type = keys[key];
    if (!type) {
      const guess = closest(key, Object.keys(keys));
      warnings.push(
        `unknown key ${keyPath} in ${file}` +
          `${guess ? ` (did you mean ${guess}?)` : ''}; it is ignored`,
      );
      continue;
    }
    if (!matches(value, type)) {
      // A secret's value is never shown, whatever its type.
      const shown = (SECRET_KEYS as readonly string[]).includes(key)
        ? typeOf(value).replace(/ .*$/, '')
        : typeOf(value);
      throw new ConfigError(`${keyPath} in ${file} must be ${describe(type)}, not ${shown}`);
    }
  }
}

/**
 * Validates a parsed config file. Throws ConfigError naming the key path and file; returns
 * warnings.
 */
export function validateConfig(
  raw: unknown,
  file: string,
): { config: FileConfig; warnings: string[] } {
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { config: { profiles: {} }, warnings };
  if (!matches(raw, 'object'))
    throw new ConfigError(`${file} must hold a mapping with a "profiles" key, not ${typeOf(raw)}`);
  const top = raw as Record<string, unknown>;
  checkKeys(top, TOP_KEYS, '', file, warnings);
  const profiles = (top.profiles ?? {}) as Record<string, unknown>;
  for (const [name, profile] of Object.entries(profiles)) {
    const path = `profiles.${keyName(name)}`;
    if (!matches(profile, 'object'))
      throw new ConfigError(`${path} in ${file} must be a mapping, not ${typeOf(profile)}`);
    const p = profile as Record<string, unknown>;
    checkKeys(p, PROFILE_KEYS, path, file, warnings);
    if (p.auth === undefined) continue;
    const auth = p.auth as Record<string, unknown>;
    checkKeys(auth, AUTH_KEYS, `${path}.auth`, file, warnings);
    if (auth.type === undefined) {
      throw new ConfigError(
        `${path}.auth.type is missing in ${file}: use one of ${AUTH_TYPES.join(', ')}`,
      );
    }
    if (!AUTH_TYPES.includes(auth.type as AuthType)) {
      throw new ConfigError(
        `${path}.auth.type in ${file} must be one of ${AUTH_TYPES.join(', ')}, ` +
          `not ${JSON.stringify(auth.type)}`,
      );
    }
    for (const key of AUTH_REQUIRED[auth.type as AuthType]) {
      if (auth[key] === undefined) {
        throw new ConfigError(
          `${path}.auth.${key} is missing in ${file} (needed by auth type ${auth.type})`,
        );
      }
    }
  }
  const config = top as unknown as FileConfig;
  if (config.defaultProfile !== undefined && !Object.hasOwn(profiles, config.defaultProfile)) {
    throw new ConfigError(
      `defaultProfile in ${file} names profile ${JSON.stringify(config.defaultProfile)}, ` +
        `which is not defined ` +
        `(profiles: ${Object.keys(profiles).map(keyName).join(', ') || 'none'})`,
    );
  }
  return { config: { ...config, profiles: profiles as Record<string, ProfileConfig> }, warnings };
}

/** A profile by name: own keys only, so "constructor" or "__proto__" name no profile. */
export function profileNamed(config: FileConfig, name: string): ProfileConfig | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

/** True when a secret is written literally rather than as a ${VAR} reference. */
export function isLiteralSecret(value: unknown): boolean {
  return (
    typeof value === 'string' && value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '').trim() !== ''
  );
}

/** Replaces ${NAME} with the environment's value; an unset NAME is a ConfigError. */
export function interpolate(
  value: string,
  env: Record<string, string | undefined>,
  keyPath: string,
  file: string,
): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) {
      throw new ConfigError(
        `${keyPath} in ${file} refers to \${${name}}, ` +
          `but the environment variable ${name} is not set`,
      );
    }
    return v;
  });
}

/** The keys of a profile (and of its auth section) whose strings may hold ${NAME} references. */
const INTERPOLATED_KEYS = new Set(
  Object.keys(PROFILE_KEYS).filter((k) => PROFILE_KEYS[k] === 'string'),
);
const INTERPOLATED_AUTH_KEYS = Object.keys(AUTH_KEYS) as (keyof AuthConfig)[];

/**
 * One value of a profile as it is used: a string of a string key with its ${NAME} references
 * resolved. Called only for the values a run uses, so a reference in an unused or overridden
 * value never needs its variable. Unknown keys are never walked, so no shape of file (a YAML
 * alias bomb) makes this costly.
 */
export function usedValue<K extends keyof ProfileConfig>(
  profile: ProfileConfig,
  key: K,
  env: Record<string, string | undefined>,
  path: string,
  file: string,
): ProfileConfig[K] {
  const value = Object.hasOwn(profile, key) ? profile[key] : undefined;
  return typeof value === 'string' && INTERPOLATED_KEYS.has(key)
    ? (interpolate(value, env, `${path}.${key}`, file) as ProfileConfig[K])
    : value;
}

/**
 * An auth section as it is used: ${NAME} resolved in each of its string keys but those in
 * `skip` (a key another source may override is resolved only when it is used).
 */
export function usedAuth(
  auth: AuthConfig,
  env: Record<string, string | undefined>,
  path: string,
  file: string,
  skip: readonly (keyof AuthConfig)[] = [],
): AuthConfig {
  const out: Record<string, unknown> = { ...auth };
  for (const key of INTERPOLATED_AUTH_KEYS) {
    const value = auth[key];
    if (typeof value === 'string' && !skip.includes(key))
      out[key] = interpolate(value, env, `${path}.auth.${key}`, file);
  }
  return out as unknown as AuthConfig;
}
