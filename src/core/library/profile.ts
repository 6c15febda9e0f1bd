import { loadConfig } from '../config/load.js';
import { type Env, resolveSettings, type Settings } from '../config/resolve.js';
import type { AuthConfig } from '../config/schema.js';
import { ConfigError, GesError } from '../errors.js';
import { readCaFile } from '../http/tls.js';
import { asConfig, checkKeys } from './options.js';
import type { AuthOptions, ClientOptions, LoadedProfile, LoadProfileOptions } from './types.js';

/**
 * loadProfile(): a profile resolved exactly as the CLI resolves one (the config file named or
 * searched for, its trust, the precedence of the profile and the environment, the region), as
 * createClient()'s options. The environment and folder are given: core reads neither itself.
 */

/** The credentials as the library's options spell each type. */
function authOptions(auth: AuthConfig): AuthOptions {
  switch (auth.type) {
    case 'token':
      return { type: 'token', token: auth.token! };
    case 'password':
      return {
        type: 'password',
        domain: auth.domain!,
        user: auth.user!,
        password: auth.password!,
        iamEndpoint: auth.iamEndpoint!,
        ...(auth.projectName ? { projectName: auth.projectName } : {}),
      };
    case 'aksk':
      return {
        type: 'aksk',
        accessKey: auth.accessKey!,
        secretKey: auth.secretKey!,
        ...(auth.securityToken ? { securityToken: auth.securityToken } : {}),
      };
    case 'none':
      return { type: 'none' };
  }
}

/** Settings as createClient()'s options (times in milliseconds, the CA file read). */
function clientOptions(settings: Settings, ca: string | undefined): ClientOptions {
  const { discovery } = settings;
  return {
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    projectId: settings.projectId,
    auth: authOptions(settings.auth),
    ...(discovery?.region ? { region: discovery.region } : {}),
    ...(discovery
      ? { managementEndpoint: discovery.managementEndpoint, network: discovery.network }
      : {}),
    timeout: settings.timeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    retries: settings.retries,
    ...(ca ? { ca } : {}),
    insecure: settings.insecure,
    proxy: { ...settings.proxy },
    cacheDir: settings.cacheDir,
    language: settings.language,
  };
}

function checkLoadOptions(options: LoadProfileOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('loadProfile takes an options object: { profile, config, cwd, env }');
  checkKeys(options as Record<string, unknown>, ['profile', 'config', 'cwd', 'env'], 'option');
  for (const key of ['profile', 'config', 'cwd'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === ''))
      throw new ConfigError(`${key} must be a non-empty string`);
  }
  if (typeof options.env !== 'object' || options.env === null)
    throw new ConfigError('env must be an object of environment variables');
}

/** loadProfile() with its environment and folder given. */
export async function loadProfileOptions(
  options: LoadProfileOptions & { env: Env; cwd: string },
): Promise<LoadedProfile> {
  try {
    checkLoadOptions(options);
    const { env, cwd } = options;
    // As the CLI: --config (here: config), else GES_CONFIG, else the search from cwd.
    const explicitFile = options.config ?? (env.GES_CONFIG || undefined);
    const loaded = await loadConfig({ explicitFile, cwd, env });
    const settings = asConfig(() => resolveSettings({ profile: options.profile }, env, loaded));
    const ca = settings.caFile
      ? asConfig(() => readCaFile(settings.caFile!, settings.sources.caFile!, cwd))
      : undefined;
    return {
      options: clientOptions(settings, ca),
      warnings: loaded?.warnings ?? [],
      profile: settings.profileName,
      configFile: settings.configFile,
      sources: { ...settings.sources },
    };
  } catch (error) {
    if (error instanceof GesError && !(error instanceof ConfigError))
      throw Object.assign(new ConfigError(error.message, error.hint), { subject: error.subject });
    throw error;
  }
}
