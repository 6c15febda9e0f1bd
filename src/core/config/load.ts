import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { SECRET_KEYS, isLiteralSecret, validateConfig, type FileConfig } from './schema.js';

export interface LoadedConfig {
  filepath: string;
  config: FileConfig;
  warnings: string[];
}

export const MODULE_NAME = 'ges';

/** Line and column (1-based) of a character offset in a text. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Turns a parser's error into one line with the file, line and column. */
async function malformed(file: string, error: unknown): Promise<ConfigError> {
  const e = error as { message?: string; mark?: { line: number; column: number }; reason?: string; name?: string };
  if (e.mark) {
    // js-yaml: 0-based mark, and a reason without the code frame.
    return new ConfigError(`malformed config file ${file} at line ${e.mark.line + 1}, column ${e.mark.column + 1}: ${e.reason ?? 'invalid YAML'}`);
  }
  if (e.name === 'JSONError') {
    // parse-json's message carries a code frame; JSON.parse names the offending offset.
    const text = await readFile(file, 'utf8').catch(() => '');
    try {
      JSON.parse(text);
    } catch (native) {
      const message = (native as Error).message;
      const offset = /at position (\d+)/.exec(message);
      const reason = message.replace(/ in JSON at position \d+.*$/s, '');
      return new ConfigError(`malformed config file ${file}${offset ? lineColumn(text, Number(offset[1])) : ''}: ${reason}`);
    }
  }
  const lines = (e.message ?? String(error)).split('\n').filter((l) => l.trim() && !/^(JSON|YAML|TypeScript) Error in /.test(l));
  return new ConfigError(`malformed config file ${file}: ${lines[0]?.trim() ?? 'cannot be parsed'}`);
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
export async function loadConfig(options: { explicitFile?: string; cwd: string; env: Record<string, string | undefined> }): Promise<LoadedConfig | null> {
  // Most runs in scripts and CI have no config file: a few stat calls tell, without loading cosmiconfig.
  if (!options.explicitFile && !anyCandidateExists(searchPlaces(options.cwd, options.env))) return null;
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
      throw await malformed(file, error);
    }
  } else {
    try {
      result = await explorer.search(options.cwd);
    } catch (error) {
      const file = (error as { filepath?: string }).filepath ?? /Error in (\S+):/.exec(String((error as Error).message))?.[1] ?? 'config file';
      throw await malformed(file, error);
    }
  }
  if (!result) return null;
  const { config, warnings } = validateConfig(result.isEmpty ? undefined : result.config, result.filepath);
  warnings.push(...(await permissionWarnings(result.filepath, config)));
  return { filepath: result.filepath, config, warnings };
}

export interface SearchPlaces {
  /** Folders searched, in order: the working directory up to the home directory. */
  dirs: string[];
  /** File names tried in each of them. */
  names: string[];
  /** The user config directory, searched last, and the names tried there. */
  globalDir: string;
  globalNames: string[];
}

/** cosmiconfig's search places for the name "ges" (a unit test keeps them equal to its own). */
export const SEARCH_NAMES = [
  'package.json',
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.${MODULE_NAME}rc${ext}`),
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.config/${MODULE_NAME}rc${ext}`),
  ...['.js', '.ts', '.cjs', '.mjs'].map((ext) => `${MODULE_NAME}.config${ext}`),
];
export const GLOBAL_NAMES = ['config', 'config.json', 'config.yaml', 'config.yml', 'config.js', 'config.ts', 'config.cjs', 'config.mjs'];

/** Where the search looks, in the order cosmiconfig's global strategy looks there. */
export function searchPlaces(cwd: string, env: Record<string, string | undefined>): SearchPlaces {
  const home = path.resolve(env.HOME || homedir());
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === home || path.dirname(dir) === dir) break;
  }
  return {
    dirs,
    names: SEARCH_NAMES,
    globalDir: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), MODULE_NAME),
    globalNames: GLOBAL_NAMES,
  };
}

/** A package.json is a candidate only when it has a "ges" key (most have none). */
function isCandidate(file: string): boolean {
  if (!existsSync(file)) return false;
  if (path.basename(file) !== 'package.json') return true;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return pkg !== null && typeof pkg === 'object' && pkg[MODULE_NAME] !== undefined;
  } catch {
    return true; // let cosmiconfig report it
  }
}

function anyCandidateExists(places: SearchPlaces): boolean {
  const files = [...places.dirs.flatMap((d) => places.names.map((n) => path.join(d, n))), ...places.globalNames.map((n) => path.join(places.globalDir, n))];
  return files.some(isCandidate);
}

/** Parses YAML text as the config loader does (for checking a file before it is written). */
export async function parseYaml(file: string, text: string): Promise<unknown> {
  const { defaultLoaders } = await import('cosmiconfig');
  try {
    return await defaultLoaders['.yaml'](file, text);
  } catch (error) {
    throw await malformed(file, error);
  }
}
