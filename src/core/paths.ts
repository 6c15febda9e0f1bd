import path from 'node:path';

/**
 * The one place that decides the user's directories; nothing else reads HOME or XDG_*.
 *
 * The XDG base directory rule: `XDG_CONFIG_HOME` / `XDG_CACHE_HOME` count only when absolute
 * (a relative or empty value is ignored), else `$HOME/.config` / `$HOME/.cache` when `HOME`
 * is absolute. With no absolute home there is no user config directory and no cache: nothing
 * is ever derived from the working directory by accident. This file imports nothing but
 * node:path, so bin/ges.cjs can load it (built to dist/paths.cjs) before the CLI.
 */
export interface UserDirs {
  /** The absolute home directory (where the config search stops), or null. */
  home: string | null;
  /** `$XDG_CONFIG_HOME/ges` or `$HOME/.config/ges`: trusted configs, the trust list. */
  config: string | null;
  /** `$XDG_CACHE_HOME/ges` or `$HOME/.cache/ges`: IAM tokens, graph addresses, compiled code. */
  cache: string | null;
}

export const APP_DIR = 'ges';

type Env = Readonly<Record<string, string | undefined>>;

/** The value when it is an absolute path (normalised), else null. */
function absolute(value: string | undefined): string | null {
  return value && path.isAbsolute(value) ? path.normalize(value) : null;
}

export function userDirs(env: Env): UserDirs {
  const home = absolute(env.HOME);
  const base = (xdg: string | undefined, fallback: string): string | null => {
    const dir = absolute(xdg) ?? (home ? path.join(home, fallback) : null);
    return dir ? path.join(dir, APP_DIR) : null;
  };
  return {
    home,
    config: base(env.XDG_CONFIG_HOME, '.config'),
    cache: base(env.XDG_CACHE_HOME, '.cache'),
  };
}

/** Why a directory is missing, for messages: "HOME is not set" or "HOME is not absolute". */
export function whyNoDir(env: Env, kind: 'config' | 'cache'): string {
  const xdg = kind === 'config' ? 'XDG_CONFIG_HOME' : 'XDG_CACHE_HOME';
  const home = env.HOME
    ? `HOME (${JSON.stringify(env.HOME)}) is not an absolute path`
    : 'HOME is not set';
  return `there is no user ${kind} directory: ${home} and ${xdg} is not an absolute path either`;
}
