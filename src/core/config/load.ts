import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { SECRET_KEYS, isLiteralSecret, validateConfig, type FileConfig } from './schema.js';

export interface LoadedConfig {
  filepath: string;
  config: FileConfig;
  warnings: string[];
}

export const MODULE_NAME = 'ges';

/** Turns a parser's error into one line with the file, line and column. */
function malformed(file: string, error: unknown): ConfigError {
  const e = error as { message?: string; mark?: { line: number; column: number }; reason?: string };
  let where = '';
  if (e.mark) where = ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}`;
  else {
    const m = /line (\d+) column (\d+)/i.exec(e.message ?? '');
    if (m) where = ` at line ${m[1]}, column ${m[2]}`;
  }
  const lines = (e.message ?? String(error)).split('\n').filter((l) => l.trim() && !/^(JSON|YAML) Error in /.test(l));
  const reason = (e.reason ?? lines[0] ?? 'cannot be parsed').replace(/\s*\(\d+:\d+\)$/, '');
  return new ConfigError(`malformed config file ${file}${where}: ${reason}`);
}

function literalSecrets(config: FileConfig): string[] {
  const found: string[] = [];
  for (const [name, profile] of Object.entries(config.profiles)) {
    for (const key of SECRET_KEYS) {
      if (isLiteralSecret(profile.auth?.[key])) found.push(`profiles.${name}.auth.${key}`);
    }
  }
  return found;
}

async function permissionWarnings(file: string, config: FileConfig): Promise<string[]> {
  const secrets = literalSecrets(config);
  if (secrets.length === 0 || process.platform === 'win32') return [];
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  return [
    `${file} holds a literal secret (${secrets.join(', ')}) and can be read by other users (mode ${mode.toString(8)}); run: chmod 600 ${JSON.stringify(file)}`,
  ];
}

/**
 * Finds and loads the config: an explicit file (flag or GES_CONFIG), else cosmiconfig's
 * search from `cwd` up to the home directory, then the user config directory.
 * Returns null when there is no config file at all.
 */
export async function loadConfig(options: { explicitFile?: string; cwd: string }): Promise<LoadedConfig | null> {
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig(MODULE_NAME, { searchStrategy: 'global', cache: false });
  let result: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  if (options.explicitFile) {
    const file = path.resolve(options.cwd, options.explicitFile);
    try {
      await stat(file);
    } catch {
      throw new ConfigError(`config file ${file} does not exist`);
    }
    try {
      result = await explorer.load(file);
    } catch (error) {
      throw malformed(file, error);
    }
  } else {
    try {
      result = await explorer.search(options.cwd);
    } catch (error) {
      const file = (error as { filepath?: string }).filepath ?? /Error in (\S+):/.exec(String((error as Error).message))?.[1] ?? 'config file';
      throw malformed(file, error);
    }
  }
  if (!result) return null;
  const { config, warnings } = validateConfig(result.isEmpty ? undefined : result.config, result.filepath);
  warnings.push(...(await permissionWarnings(result.filepath, config)));
  return { filepath: result.filepath, config, warnings };
}
