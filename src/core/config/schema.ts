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
  timeout?: number;
  retries?: number;
  caFile?: string;
  insecure?: boolean;
  auth?: AuthConfig;
  /** Graph names offered by shell completion. */
  graphs?: string[];
}

export interface FileConfig {
  defaultProfile?: string;
  profiles: Record<string, ProfileConfig>;
}

type KeyType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'strings';

const TOP_KEYS: Record<string, KeyType> = { defaultProfile: 'string', profiles: 'object' };
const PROFILE_KEYS: Record<string, KeyType> = {
  endpoint: 'string',
  projectId: 'string',
  timeout: 'number',
  retries: 'integer',
  caFile: 'string',
  insecure: 'boolean',
  auth: 'object',
  graphs: 'strings',
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
/** Keys whose values are secrets: never printed, and warned about when stored in a readable file. */
export const SECRET_KEYS = ['token', 'password', 'secretKey', 'securityToken'] as const;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
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
    default:
      return typeof value === type;
  }
}

function describe(type: KeyType): string {
  return type === 'object' ? 'a mapping' : type === 'integer' ? 'a whole number' : type === 'strings' ? 'a list of strings' : `a ${type}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
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
    const keyPath = path ? `${path}.${key}` : key;
    const type = keys[key];
    if (!type) {
      const guess = closest(key, Object.keys(keys));
      warnings.push(`unknown key ${keyPath} in ${file}${guess ? ` (did you mean ${guess}?)` : ''}; it is ignored`);
      continue;
    }
    if (!matches(value, type)) {
      throw new ConfigError(`${keyPath} in ${file} must be ${describe(type)}, not ${typeOf(value)}`);
    }
  }
}

/** Validates a parsed config file. Throws ConfigError naming the key path and file; returns warnings. */
export function validateConfig(raw: unknown, file: string): { config: FileConfig; warnings: string[] } {
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { config: { profiles: {} }, warnings };
  if (!matches(raw, 'object')) throw new ConfigError(`${file} must hold a mapping with a "profiles" key, not ${typeOf(raw)}`);
  const top = raw as Record<string, unknown>;
  checkKeys(top, TOP_KEYS, '', file, warnings);
  const profiles = (top.profiles ?? {}) as Record<string, unknown>;
  for (const [name, profile] of Object.entries(profiles)) {
    const path = `profiles.${name}`;
    if (!matches(profile, 'object')) throw new ConfigError(`${path} in ${file} must be a mapping, not ${typeOf(profile)}`);
    const p = profile as Record<string, unknown>;
    checkKeys(p, PROFILE_KEYS, path, file, warnings);
    if (p.auth === undefined) continue;
    const auth = p.auth as Record<string, unknown>;
    checkKeys(auth, AUTH_KEYS, `${path}.auth`, file, warnings);
    if (auth.type === undefined) {
      throw new ConfigError(`${path}.auth.type is missing in ${file}: use one of ${AUTH_TYPES.join(', ')}`);
    }
    if (!AUTH_TYPES.includes(auth.type as AuthType)) {
      throw new ConfigError(`${path}.auth.type in ${file} must be one of ${AUTH_TYPES.join(', ')}, not ${JSON.stringify(auth.type)}`);
    }
    for (const key of AUTH_REQUIRED[auth.type as AuthType]) {
      if (auth[key] === undefined) {
        throw new ConfigError(`${path}.auth.${key} is missing in ${file} (needed by auth type ${auth.type})`);
      }
    }
  }
  const config = top as unknown as FileConfig;
  if (config.defaultProfile !== undefined && !(config.defaultProfile in profiles)) {
    throw new ConfigError(
      `defaultProfile in ${file} names profile ${JSON.stringify(config.defaultProfile)}, which is not defined (profiles: ${Object.keys(profiles).join(', ') || 'none'})`,
    );
  }
  return { config: { ...config, profiles: profiles as Record<string, ProfileConfig> }, warnings };
}

/** True when a secret is written literally rather than as a ${VAR} reference. */
export function isLiteralSecret(value: unknown): boolean {
  return typeof value === 'string' && value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '').trim() !== '';
}

/** Replaces ${NAME} with the environment's value; an unset NAME is a ConfigError. */
export function interpolate(value: string, env: Record<string, string | undefined>, keyPath: string, file: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) {
      throw new ConfigError(`${keyPath} in ${file} refers to \${${name}}, but the environment variable ${name} is not set`);
    }
    return v;
  });
}

/** Interpolates every string of a profile (recursively into auth). */
export function interpolateProfile(
  profile: ProfileConfig,
  env: Record<string, string | undefined>,
  path: string,
  file: string,
): ProfileConfig {
  const walk = (obj: Record<string, unknown>, at: string): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [
        k,
        typeof v === 'string'
          ? interpolate(v, env, `${at}.${k}`, file)
          : matches(v, 'object')
            ? walk(v as Record<string, unknown>, `${at}.${k}`)
            : v,
      ]),
    );
  return walk(profile as Record<string, unknown>, path) as ProfileConfig;
}
