import { GesCliError, UsageError } from '../../core/errors.js';
import { LIST_PAGE_SIZE, type GesApi, type JobList } from '../../core/ges/api.js';
import { KNOWN_STATUSES, type JobSummary } from '../../core/ges/jobs.js';
import { checkGraph } from '../../core/validate.js';
import { connect, type CommandContext } from '../context.js';
import type { Output } from '../output.js';
import { envelope, showDryRun } from '../report.js';

export interface ListOptions {
  status?: string;
}

export function parseStatusFilter(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const wanted = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--status needs at least one status, e.g. --status running,pending');
  for (const s of wanted) {
    if (!(KNOWN_STATUSES as readonly string[]).includes(s)) throw new UsageError(`unknown status ${JSON.stringify(s)} in --status: use ${KNOWN_STATUSES.join(', ')}`);
  }
  return new Set(wanted);
}

/**
 * Reads the whole job list behind a spinner, warning once about entries that were left out.
 * Shared by job list and cancel --all.
 */
export async function readJobList(ctx: CommandContext, api: GesApi, graph: string): Promise<JobList> {
  const spinner = await ctx.output.spinner(`Listing jobs on graph ${graph}`);
  let list: JobList;
  try {
    list = await api.listJobs(graph);
  } catch (error) {
    if (error instanceof GesCliError) error.during(`could not list jobs on graph ${graph}`, { graph });
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
    `left out ${list.skippedCount} entr${list.skippedCount === 1 ? 'y' : 'ies'} of graph ${graph}'s job list that ges cannot use (first: ${first.why}, ${JSON.stringify(first.sample.slice(0, 60))}); nothing is sent for them`,
  );
}

/** One job in --json: the fields every edition can fill, null where this one does not. */
export function jobJson(j: JobSummary): Record<string, unknown> {
  return { jobId: j.jobId, status: j.status, command: j.command, canStop: j.canStop, progress: j.progress, startTime: j.startTime, endTime: j.endTime, failReason: j.failReason };
}

function kindOf(j: JobSummary): string {
  if (!j.command) return '-';
  return j.algorithm ? `${j.command} (${j.algorithm})` : j.command;
}

export async function runList(ctx: CommandContext, graphArg: string, opts: ListOptions): Promise<number> {
  const { output } = ctx;
  const graph = checkGraph(graphArg);
  const filter = parseStatusFilter(opts.status);
  const conn = await connect(ctx);
  try {
    if (ctx.options.dryRun) {
      return showDryRun(output, conn.api.http, conn.api.listRequest(graph, { offset: 0, limit: LIST_PAGE_SIZE }), ' (and further pages while there are more jobs)');
    }
    const all = (await readJobList(ctx, conn.api, graph)).jobs;
    const jobs = filter ? all.filter((j) => filter.has(j.status)) : all;
    if (output.flags.json) {
      output.json(envelope(0, { graph, totalCount: all.length, jobs: jobs.map(jobJson) }));
      return 0;
    }
    if (jobs.length === 0) {
      output.info(filter ? `No ${[...filter].join(' or ')} jobs on graph ${graph}` : `No jobs on graph ${graph}`);
      return 0;
    }
    if (!output.stdoutIsTTY) {
      // Scripts get one job a line, tab-separated, no header: jobId, status, command.
      for (const j of jobs) output.row([j.jobId, j.status, j.command ?? '']);
      return 0;
    }
    const started = jobs.some((j) => j.startTime !== null);
    const progress = jobs.some((j) => j.progress !== null);
    output.table([
      ['JOB ID', 'STATUS', 'KIND', ...(started ? ['STARTED'] : []), ...(progress ? ['PROGRESS'] : [])],
      ...jobs.map((j) => [j.jobId, j.status, kindOf(j), ...(started ? [j.startTime ?? '-'] : []), ...(progress ? [j.progress === null ? '-' : String(j.progress)] : [])]),
    ]);
    output.info(`${jobs.length} job${jobs.length === 1 ? '' : 's'} on graph ${graph}${filter ? ` (of ${all.length})` : ''}`);
    return 0;
  } finally {
    await conn.close();
  }
}
