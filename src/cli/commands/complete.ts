import { PROFILE_NAME } from '../../core/config/init.js';
import { chosenProfile } from '../../core/config/resolve.js';
import { profileNamed } from '../../core/config/schema.js';
import { GRAPH_NAME } from '../../core/ges/constants.js';
import { loadFileConfig, type CommandContext } from '../context.js';

/**
 * `ges __complete profiles|graphs [profile]`: names for shell completion, one a line.
 * Only names that are plain words reach the shell (the scripts never evaluate them either),
 * an untrusted config gives none, and any error is silent: completion never prints errors
 * into the user's command line.
 */
export async function runComplete(ctx: CommandContext, what: string, profile?: string): Promise<number> {
  try {
    const loaded = await loadFileConfig(ctx);
    if (!loaded) return 0;
    const names =
      what === 'profiles'
        ? Object.keys(loaded.config.profiles).filter((n) => PROFILE_NAME.test(n))
        : what === 'graphs'
          ? (profileNamed(loaded.config, chosenProfile({ profile }, ctx.env, loaded)?.value ?? 'default')?.graphs ?? []).filter((g) => GRAPH_NAME.test(g))
          : [];
    if (names.length) ctx.streams.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // untrusted, unsafe or broken config: no names
  }
  return 0;
}
