import { parseDurationOption } from '../core/duration.js';
import { GesError, UsageError } from '../core/errors.js';
import type { GesApi, JobList } from '../core/ges/api.js';
import { type JobSummary, KNOWN_STATUSES } from '../core/ges/jobs.js';
import { checkJobId } from '../core/validate.js';
import type { CommandContext } from './context.js';
import type { Output, Streams } from './output.js';
import { readIdLines } from './stdin.js';

/**
 * What the job commands share: job IDs from arguments and stdin, status filters, reading the
 * job list.
 */

/**
 * The IDs from the arguments, with "-" replaced by the lines of stdin; validated, duplicates
 * dropped. Empty when "-" read nothing: nothing to do (callers exit 0).
 */
export async function collectJobIds(
  args: string[],
  streams: Pick<Streams, 'stdin'>,
  signal?: AbortSignal,
): Promise<string[]> {
  const dashes = args.filter((a) => a === '-').length;
  if (dashes > 1) throw new UsageError('"-" (read job IDs from stdin) may be given only once');
  const ids: string[] = [];
  for (const arg of args)
    ids.push(...(arg === '-' ? await readIdLines(streams.stdin, signal) : [arg]));
  for (const id of ids) checkJobId(id);
  return [...new Set(ids)];
}

/** --wait-timeout (1 s to 24 h; a plain number is seconds), in milliseconds. */
export function parseWaitTimeout(value: string): number {
  return parseDurationOption('--wait-timeout', value, {
    plainUnit: 's',
    min: 1000,
    max: 86_400_000,
  });
}

export function parseStatusFilter(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const wanted = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0)
    throw new UsageError('--status needs at least one status, e.g. --status running,pending');
  for (const s of wanted) {
    if (!(KNOWN_STATUSES as readonly string[]).includes(s))
      throw new UsageError(
        `unknown status ${JSON.stringify(s)} in --status: use ${KNOWN_STATUSES.join(', ')}`,
      );
  }
  return new Set(wanted);
}

/**
 * Reads the whole job list behind a spinner, warning once about entries that were left out.
 * Shared by job list and cancel --all.
 */
export async function readJobList(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
): Promise<JobList> {
  const spinner = await ctx.output.spinner(`Listing jobs on graph ${graph}`);
  let list: JobList;
  try {
    list = await api.listJobs(graph);
  } catch (error) {
    if (error instanceof GesError) error.during(`could not list jobs on graph ${graph}`, { graph });
    throw error;
  } finally {
    spinner.stop();
  }
  warnSkipped(ctx.output, list, graph);
  return list;
}

function warnSkipped(output: Output, list: JobList, graph: string): void {
  if (list.skippedCount === 0) return;
  const first = list.skipped[0]!;
  output.warn(
    `left out ${list.skippedCount} entr${list.skippedCount === 1 ? 'y' : 'ies'} ` +
      `of graph ${graph}'s job list that ges cannot use ` +
      `(first: ${first.why}, ${JSON.stringify(first.sample.slice(0, 60))}); ` +
      'nothing is sent for them',
  );
}

/** One job in --json: the fields every edition can fill, null where this one does not. */
export function jobJson(j: JobSummary): Record<string, unknown> {
  return {
    jobId: j.jobId,
    status: j.status,
    command: j.command,
    canStop: j.canStop,
    progress: j.progress,
    startTime: j.startTime,
    endTime: j.endTime,
    failReason: j.failReason,
  };
}
