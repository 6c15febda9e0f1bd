import { loadConfig } from '../../core/config/load.js';
import type { CommandContext } from '../context.js';

/** `ges __complete profiles|graphs [profile]`: names for shell completion; silent on any error. */
export async function runComplete(ctx: CommandContext, what: string, profile?: string): Promise<number> {
  try {
    const loaded = await loadConfig({ explicitFile: ctx.options.config ?? (ctx.streams.env.GES_CONFIG || undefined), cwd: ctx.cwd, env: ctx.streams.env });
    const profiles = loaded?.config.profiles ?? {};
    const names =
      what === 'profiles'
        ? Object.keys(profiles)
        : what === 'graphs'
          ? (profiles[profile || ctx.streams.env.GES_PROFILE || loaded?.config.defaultProfile || 'default']?.graphs ?? [])
          : [];
    if (names.length) ctx.streams.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // Completion must never print errors into the user's command line.
  }
  return 0;
}
