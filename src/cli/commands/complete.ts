import { chosenProfile } from '../../core/config/resolve.js';
import { loadFileConfig, type CommandContext } from '../context.js';

/** `ges __complete profiles|graphs [profile]`: names for shell completion; silent on any error. */
export async function runComplete(ctx: CommandContext, what: string, profile?: string): Promise<number> {
  try {
    const loaded = await loadFileConfig(ctx);
    const profiles = loaded?.config.profiles ?? {};
    const names =
      what === 'profiles'
        ? Object.keys(profiles)
        : what === 'graphs'
          ? (profiles[chosenProfile({ profile }, ctx.streams.env, loaded)?.value ?? 'default']?.graphs ?? [])
          : [];
    if (names.length) ctx.streams.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // Completion must never print errors into the user's command line.
  }
  return 0;
}
