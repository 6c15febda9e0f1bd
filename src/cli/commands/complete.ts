import { Writable } from 'node:stream';
import { PrivateCache } from '../../core/cache.js';
import { PROFILE_NAME } from '../../core/config/init.js';
import { chosenProfile, resolveSettings } from '../../core/config/resolve.js';
import { profileNamed } from '../../core/config/schema.js';
import { GRAPH_NAME, JOB_ID } from '../../core/ges/constants.js';
import { hasEnded } from '../../core/ges/jobs.js';
import { cachedGraphNames } from '../../core/ges/management.js';
import { type CommandContext, type Connection, connect, loadFileConfig } from '../context.js';
import { createOutput, type Streams } from '../output.js';

/** How long Tab may wait for a graph's job list, everything included. */
const LIVE_LIMIT_MS = 2000;

/**
 * `ges __complete profiles|graphs|jobs <graph>` (with the -p and --config typed so far): names
 * for shell completion, one a line. Only names that are plain words reach the shell (the
 * scripts never evaluate them either), an untrusted config gives none, and any failure is
 * silent: completion never prints errors into the user's command line.
 */
export async function runComplete(
  ctx: CommandContext,
  what: string,
  words: string[] = [],
): Promise<number> {
  try {
    const names =
      what === 'profiles'
        ? await profileNames(ctx)
        : what === 'graphs'
          ? await graphNames(ctx)
          : what === 'jobs'
            ? await runningJobIds(ctx, words[0])
            : [];
    const unique = [...new Set(names)];
    if (unique.length) ctx.streams.stdout.write(`${unique.join('\n')}\n`);
  } catch {
    // untrusted, unsafe or broken config, no answer in time: no names
  }
  return 0;
}

async function profileNames(ctx: CommandContext): Promise<string[]> {
  const loaded = await loadFileConfig(ctx);
  return Object.keys(loaded?.config.profiles ?? {}).filter((n) => PROFILE_NAME.test(n));
}

/**
 * The profile's `graphs`, and the names `ges graph list` (or a lookup by name) last saw: read
 * from the cache, never fetched on Tab.
 */
async function graphNames(ctx: CommandContext): Promise<string[]> {
  const loaded = await loadFileConfig(ctx);
  const chosen =
    loaded &&
    profileNamed(loaded.config, chosenProfile(ctx.options, ctx.env, loaded)?.value ?? 'default');
  const names = (chosen?.graphs ?? []).filter((g) => GRAPH_NAME.test(g));
  try {
    const settings = resolveSettings(ctx.options, ctx.env, loaded);
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
  return names;
}

/** Output that goes nowhere (stdin only when read, as main gives it). */
function streamsTo(sink: Writable, ctx: CommandContext): Streams {
  return {
    stdout: sink,
    stderr: sink,
    get stdin() {
      return ctx.streams.stdin;
    },
  };
}

/**
 * The IDs of the graph's jobs that have not ended, from a live job list: within
 * LIVE_LIMIT_MS in all, one attempt, nothing printed on the way (warnings included).
 */
async function runningJobIds(ctx: CommandContext, graph: string | undefined): Promise<string[]> {
  if (!graph || !GRAPH_NAME.test(graph)) return [];
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort('max-time'), LIVE_LIMIT_MS);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const quiet: CommandContext = {
    ...ctx,
    options: {
      ...ctx.options,
      timeout: `${LIVE_LIMIT_MS}ms`,
      connectTimeout: `${LIVE_LIMIT_MS / 2}ms`,
      retries: '0',
      verbose: false,
      dryRun: false,
    },
    output: await createOutput(streamsTo(sink, ctx), ctx.env, {
      json: false,
      jsonl: false,
      quiet: true,
      verbose: false,
      color: false,
    }),
    signal: AbortSignal.any([ctx.signal, deadline.signal]),
  };
  let connection: Connection | undefined;
  try {
    connection = await connect(quiet, graph);
    const list = await connection.api.listJobs(connection.graph ?? graph);
    return list.jobs
      .filter((job) => !hasEnded(job.status) && JOB_ID.test(job.jobId))
      .map((job) => job.jobId);
  } finally {
    clearTimeout(timer);
    await connection?.close();
  }
}
