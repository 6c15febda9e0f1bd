import type { Env, Settings } from '../core/config/resolve.js';
import { SECRET_KEYS } from '../core/config/schema.js';
import { maskUrlCredentials } from '../core/http/address.js';
import { whyNoDir } from '../core/paths.js';

/** One resolved setting as `config show` and `--verbose` print it: name, value, source. */
export type SettingRow = [name: string, value: string, source: string];

/**
 * An access key is an identifier, shown only by its last characters: four of a usual 20, fewer
 * of a short one.
 */
function maskKey(value: string): string {
  return `****${value.slice(value.length - Math.min(4, Math.floor(value.length / 4)))}`;
}

/** The auth section's rows: secrets as ***, an access key by its last characters. */
function authRows(s: Settings): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const [key, value] of Object.entries(s.auth)) {
    if (value === undefined) continue;
    const shown = (SECRET_KEYS as readonly string[]).includes(key)
      ? '***'
      : key === 'accessKey'
        ? maskKey(value as string)
        : String(value);
    rows.push([`auth.${key}`, shown, s.sources[`auth.${key}`] ?? s.sources.auth ?? '']);
  }
  return rows;
}

/** Every resolved setting with where it came from; no secret in any of them. */
export function settingRows(s: Settings, env: Env): SettingRow[] {
  const proxy =
    `http ${maskUrlCredentials(s.proxy.http) || 'none'}, ` +
    `https ${maskUrlCredentials(s.proxy.https) || 'none'}, ` +
    `no proxy for ${s.proxy.noProxy || 'none'}`;
  const discovery: SettingRow[] = s.discovery
    ? [
        ['region', s.discovery.region ?? 'none', s.sources.region!],
        ['managementEndpoint', s.discovery.managementEndpoint, s.sources.managementEndpoint!],
        ['network', s.discovery.network, s.sources.network!],
      ]
    : [];
  return [
    ['profile', s.profileName, s.sources.profile ?? ''],
    ['configFile', s.configFile ?? 'none', ''],
    [
      'endpoint',
      s.endpoint ?? '(found by graph name; --graph <name> looks one up)',
      s.sources.endpoint!,
    ],
    ...discovery,
    ['projectId', s.projectId, s.sources.projectId!],
    ['timeout', `${s.timeoutMs / 1000}`, s.sources.timeout!],
    ['connectTimeout', `${s.connectTimeoutMs / 1000}`, s.sources.connectTimeout!],
    ['retries', String(s.retries), s.sources.retries!],
    ...authRows(s),
    ['caFile', s.caFile ?? 'none', s.sources.caFile!],
    ['insecure', String(s.insecure), s.sources.insecure!],
    ['language', s.language, s.sources.language!],
    ['proxy', proxy, 'env'],
    ['cache', s.cacheDir ?? `none: ${whyNoDir(env, 'cache')}`, 'env XDG_CACHE_HOME, else HOME'],
  ];
}
