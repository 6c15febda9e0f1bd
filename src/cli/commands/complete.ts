import { PrivateCache } from '../../core/cache.js';
import { PROFILE_NAME } from '../../core/config/init.js';
import { chosenProfile, resolveSettings } from '../../core/config/resolve.js';
import { profileNamed } from '../../core/config/schema.js';
import { GRAPH_NAME } from '../../core/ges/constants.js';
import { cachedGraphNames } from '../../core/ges/management.js';
import { type CommandContext, loadFileConfig } from '../context.js';

/**
 * `ges __complete profiles|graphs [profile]`: names for shell completion, one a line.
 * Only names that are plain words reach the shell (the scripts never evaluate them either),
 * an untrusted config gives none, and any error is silent: completion never prints errors
 * into the user's command line.
 */
export async function runComplete(
  ctx: CommandContext,
  what: string,
  profile?: string,
): Promise<number> {
  try {
    const loaded = await loadFileConfig(ctx);
    const names: string[] = [];
    if (what === 'profiles' && loaded)
      names.push(...Object.keys(loaded.config.profiles).filter((n) => PROFILE_NAME.test(n)));
    if (what === 'graphs') {
      const chosen =
        loaded &&
        profileNamed(
          loaded.config,
          chosenProfile({ profile }, ctx.env, loaded)?.value ?? 'default',
        );
      names.push(...(chosen?.graphs ?? []).filter((g) => GRAPH_NAME.test(g)));
      // And the names `ges graph list` (or a lookup by name) last saw: read from the cache,
      // never fetched on Tab.
      try {
        const settings = resolveSettings({ profile }, ctx.env, loaded);
        if (settings.discovery)
          names.push(
            ...(await cachedGraphNames(
              new PrivateCache(settings.cacheDir),
              settings.discovery.managementEndpoint,
              settings.projectId,
            )),
          );
      } catch {
        // settings too incomplete to know the cache: the profile's names only
      }
    }
    const unique = [...new Set(names)];
    if (unique.length) ctx.streams.stdout.write(`${unique.join('\n')}\n`);
  } catch {
    // untrusted, unsafe or broken config, or settings too incomplete to find a cache: no more names
  }
  return 0;
}
