import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readGuarded, shellQuote } from '../fs-safety.js';
import { userDirs, whyNoDir } from '../paths.js';
import { type FileConfig, isLiteralSecret, SECRET_KEYS, validateConfig } from './schema.js';

export interface LoadedConfig {
  filepath: string;
  config: FileConfig;
  warnings: string[];
  trust: TrustReason;
}

export const MODULE_NAME = 'ges';

/** Line and column (1-based) of a character offset in a text. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Turns a parser's error into one line with the file, line and column. */
function malformed(file: string, error: unknown, text: string): ConfigError {
  const e = error as {
    message?: string;
    mark?: { line: number; column: number };
    reason?: string;
    name?: string;
  };
  if (e.mark) {
    // js-yaml: 0-based mark, and a reason without the code frame.
    return new ConfigError(
      `malformed config file ${file} at line ${e.mark.line + 1}, column ${e.mark.column + 1}: ` +
        `${e.reason ?? 'invalid YAML'}`,
    );
  }
  if (e.name === 'JSONError') {
    // parse-json's message carries a code frame; JSON.parse names the offending offset.
    try {
      JSON.parse(text);
    } catch (native) {
      const message = (native as Error).message;
      const offset = /at position (\d+)/.exec(message);
      const reason = message.replace(/ in JSON at position \d+.*$/s, '');
      return new ConfigError(
        `malformed config file ${file}` +
          `${offset ? lineColumn(text, Number(offset[1])) : ''}: ${reason}`,
      );
    }
  }
  const lines = (e.message ?? String(error))
    .split('\n')
    .filter((l) => l.trim() && !/^(JSON|YAML|TypeScript) Error in /.test(l));
  return new ConfigError(
    `malformed config file ${file}: ${lines[0]?.trim() ?? 'cannot be parsed'}`,
  );
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

function permissionWarnings(file: string, mode: number, config: FileConfig): string[] {
  const secrets = literalSecrets(config);
  if (secrets.length === 0 || process.platform === 'win32') return [];
  if ((mode & 0o077) === 0) return [];
  return [
    `${file} holds a literal secret (${secrets.join(', ')}) and can be read by other users ` +
      `(mode ${mode.toString(8)}); run: chmod 600 ${JSON.stringify(file)}`,
  ];
}

/** Config files larger than this are refused: no config needs more, and a huge one is an attack. */
export const CONFIG_SIZE_LIMIT = 1024 * 1024;

/**
 * Why a config file may be used: named on the command line, in the user config folder, or trusted
 * by the user.
 */
export type TrustReason = 'named' | 'user-folder' | 'recorded';

export interface FoundConfig {
  /** As found (or named, made absolute). */
  filepath: string;
  /** Its real path (links resolved): what trust is recorded under. */
  realpath: string;
  /** null: found by the search outside the user config folder and not (or no longer) trusted. */
  trust: TrustReason | null;
  /** The content that was hashed; what is parsed is exactly this. */
  bytes: Buffer;
  /** Its permission bits when it was read. */
  mode: number;
  /** Set when there is no user config directory, so no trust can be recorded: why. */
  noTrustList?: string;
}

interface LoadOptions {
  explicitFile?: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Every file the search tries, in order. */
export function searchFiles(places: SearchPlaces): string[] {
  const { globalDir } = places;
  return [
    ...places.dirs.flatMap((d) => places.names.map((n) => path.join(d, n))),
    ...(globalDir ? places.globalNames.map((n) => path.join(globalDir, n)) : []),
  ];
}

/**
 * The first of `files` that is a candidate: not empty (and a package.json only with a "ges" key).
 */
export function firstCandidate(files: readonly string[]): string | null {
  for (const file of files) {
    // Synchronous on purpose: dozens of misses, each a few µs this way, each ~0.1 ms through the
    // thread pool.
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) continue;
    if (!st.isFile()) return file; // refused by the safety check, never read
    if (st.size === 0) continue;
    if (path.basename(file) === 'package.json' && !hasGesKey(file, st.size)) continue;
    return file;
  }
  return null;
}

function hasGesKey(file: string, size: number): boolean {
  if (size > CONFIG_SIZE_LIMIT) return false;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
    return pkg !== null && typeof pkg === 'object' && Object.hasOwn(pkg, MODULE_NAME);
  } catch {
    return false; // not ours to judge
  }
}

/**
 * Finds the config file (named by --config/GES_CONFIG, else searched) and tells whether it may
 * be used; nothing of it is parsed or run. Throws ConfigError for a file that is unsafe whatever
 * its trust (another user's, writable by others, not a regular file, too large).
 */
export async function findConfig(options: LoadOptions): Promise<FoundConfig | null> {
  const places = searchPlaces(options.cwd, options.env);
  let filepath: string;
  if (options.explicitFile) {
    filepath = path.resolve(options.cwd, options.explicitFile);
  } else {
    const found = firstCandidate(searchFiles(places));
    if (!found) return null;
    filepath = found;
  }
  let real: string;
  try {
    real = realpathSync(filepath);
  } catch {
    throw new ConfigError(`config file ${filepath} does not exist`);
  }
  const read = readGuarded(real, CONFIG_SIZE_LIMIT, filepath);
  if ('missing' in read) throw new ConfigError(`config file ${filepath} does not exist`);
  if ('unsafe' in read) throw new ConfigError(`refusing config file: ${read.unsafe}`);
  if ('tooLarge' in read) throw new ConfigError(`config file ${filepath} is larger than 1 MiB`);
  const { bytes, mode } = read;
  // Only a file found in a folder is checked against the trust list (and hashed: crypto loads
  // then).
  const { globalDir } = places;
  const trust: TrustReason | null = options.explicitFile
    ? 'named'
    : inUserFolder(real, globalDir)
      ? 'user-folder'
      : globalDir && (await import('./trust.js')).isTrustedContent(globalDir, real, bytes)
        ? 'recorded'
        : null;
  return {
    filepath,
    realpath: real,
    trust,
    bytes,
    mode,
    ...(globalDir ? {} : { noTrustList: whyNoDir(options.env, 'config') }),
  };
}

/** True when a file (by real path) sits directly in the user config folder (if there is one). */
export function inUserFolder(realFile: string, globalDir: string | null): boolean {
  if (!globalDir) return false;
  let dir = globalDir;
  try {
    dir = realpathSync(globalDir);
  } catch {
    // a folder that does not exist holds no file
  }
  return path.dirname(realFile) === dir;
}

/** The error for a config file found in a folder the user has not trusted. */
export function untrustedError(found: FoundConfig): ConfigError {
  const code = JS_CONFIG.test(found.filepath) ? ', or run code' : '';
  return new ConfigError(
    `config file ${found.filepath} is not trusted: a config found in a folder could send ` +
      `your credentials anywhere${code}, so ges uses it only once you trust it ` +
      `(or when you name it with --config)`,
    found.noTrustList
      ? `${found.noTrustList}, so no trust can be recorded; if you wrote it, or have read it, ` +
          `name it: ges --config ${shellQuote(found.filepath)} ...`
      : `if you wrote it, or have read it, run: ges config trust ${shellQuote(found.filepath)}`,
  );
}

const JS_CONFIG = /\.(c|m)?js$/;

/**
 * cosmiconfig's own YAML and JSON parsers, from its public API (loaded when a config is parsed,
 * not at start). Its search (the explorer) is not used: see docs/ARCHITECTURE.md, "Finding
 * the config".
 */
async function cosmiconfigLoaders() {
  const { defaultLoadersSync } = await import('cosmiconfig');
  return { loadJson: defaultLoadersSync['.json']!, loadYaml: defaultLoadersSync['.yaml']! };
}

/** Parses a config file's content by its name: JSON, JavaScript (trusted files only), else YAML. */
async function parseConfig(found: FoundConfig): Promise<unknown> {
  const { filepath } = found;
  const text = found.bytes.toString('utf8');
  const base = path.basename(filepath);
  try {
    if (JS_CONFIG.test(filepath)) {
      // The bytes that were checked, never the file again (it may have changed since).
      return await (await import('./run-js.js')).runJsConfig(text, found.realpath);
    }
    const { loadJson, loadYaml } = await cosmiconfigLoaders();
    if (base === 'package.json')
      return (loadJson(filepath, text) as Record<string, unknown> | null)?.[MODULE_NAME];
    if (filepath.endsWith('.json')) return loadJson(filepath, text);
    return loadYaml(filepath, text);
  } catch (error) {
    throw malformed(filepath, error, text);
  }
}

/**
 * Finds and loads the config: an explicit file (flag or GES_CONFIG), else the search from
 * `cwd` up to the home directory, then the user config folder. A searched file outside the
 * user config folder must be trusted first (ges config trust). Null when there is none.
 */
export async function loadConfig(options: LoadOptions): Promise<LoadedConfig | null> {
  const found = await findConfig(options);
  return found && loadFound(found);
}

/**
 * Parses (or runs) and validates a config findConfig() found and checked: its bytes as they
 * were read and hashed, never the file again. Throws when it is not trusted.
 */
export async function loadFound(found: FoundConfig): Promise<LoadedConfig> {
  if (!found.trust) throw untrustedError(found);
  const raw = await parseConfig(found);
  const { config, warnings } = validateConfig(raw ?? undefined, found.filepath);
  warnings.push(...permissionWarnings(found.filepath, found.mode, config));
  return { filepath: found.filepath, config, warnings, trust: found.trust };
}

export interface SearchPlaces {
  /** Folders searched, in order: the working directory up to the home directory (or the root). */
  dirs: string[];
  /** File names tried in each of them. */
  names: string[];
  /** The user config directory, searched last, and the names tried there; null: none. */
  globalDir: string | null;
  globalNames: string[];
}

/**
 * cosmiconfig's search places for the name "ges" but TypeScript (which needs a compiler an
 * installed ges lacks).
 */
export const SEARCH_NAMES = [
  'package.json',
  ...['', '.json', '.yaml', '.yml', '.js', '.cjs', '.mjs'].map((ext) => `.${MODULE_NAME}rc${ext}`),
  ...['', '.json', '.yaml', '.yml', '.js', '.cjs', '.mjs'].map(
    (ext) => `.config/${MODULE_NAME}rc${ext}`,
  ),
  ...['.js', '.cjs', '.mjs'].map((ext) => `${MODULE_NAME}.config${ext}`),
];
export const GLOBAL_NAMES = [
  'config',
  'config.json',
  'config.yaml',
  'config.yml',
  'config.js',
  'config.cjs',
  'config.mjs',
];

/**
 * Where the search looks, in the order cosmiconfig's global strategy looks there: from `cwd` up
 * to the home directory (the root when there is none, or `cwd` is not under it), then the user
 * config directory when there is one (paths.ts).
 */
export function searchPlaces(cwd: string, env: Record<string, string | undefined>): SearchPlaces {
  const { home, config } = userDirs(env);
  const stop = home && path.resolve(home);
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === stop || path.dirname(dir) === dir) break;
  }
  return { dirs, names: SEARCH_NAMES, globalDir: config, globalNames: GLOBAL_NAMES };
}

/** Parses YAML text as the config loader does (for checking a file before it is written). */
export async function parseYaml(file: string, text: string): Promise<unknown> {
  const { loadYaml } = await cosmiconfigLoaders();
  try {
    return loadYaml(file, text);
  } catch (error) {
    throw malformed(file, error, text);
  }
}
