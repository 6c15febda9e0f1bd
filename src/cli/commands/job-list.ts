import { GesCliError, UsageError } from '../../core/errors.js';
import { checkGraph } from '../../core/validate.js';
import { connect, type CommandContext } from '../context.js';
import { LIST_PAGE_SIZE } from '../../core/ges/api.js';
import { reportError, showDryRun } from '../report.js';

export interface ListOptions {
  status?: string;
}

/** Statuses GES reports in job lists (pending, running, complete/success, failed, partiallyFailed). */
export const LIST_STATUSES = ['pending', 'running', 'success', 'complete', 'failed', 'partiallyFailed'];

export function parseStatusFilter(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const wanted = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--status needs at least one status, e.g. --status running,pending');
  for (const s of wanted) {
    if (!LIST_STATUSES.includes(s)) throw new UsageError(`unknown status ${JSON.stringify(s)} in --status: use ${LIST_STATUSES.join(', ')}`);
  }
  return new Set(wanted);
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
    const spinner = await output.spinner(`Listing jobs on graph ${graph}`);
    let all;
    try {
      all = await conn.api.listJobs(graph);
    } catch (error) {
      if (error instanceof GesCliError) return reportError(output, error, { graph }, `could not list jobs on graph ${graph}`);
      throw error;
    } finally {
      spinner.stop();
    }
    const jobs = filter ? all.filter((j) => filter.has(j.status)) : all;
    if (output.flags.json) {
      output.json({ ok: true, exitCode: 0, graph, totalCount: all.length, jobs });
      return 0;
    }
    if (jobs.length === 0) {
      output.info(filter ? `No ${[...filter].join(' or ')} jobs on graph ${graph}` : `No jobs on graph ${graph}`);
      return 0;
    }
    if (!output.stdoutIsTTY) {
      // Scripts get one job a line, tab-separated, no header: jobId, status, command.
      for (const j of jobs) output.result(`${j.jobId}\t${j.status}\t${j.command ?? ''}`);
      return 0;
    }
    output.table([['JOB ID', 'STATUS', 'COMMAND'], ...jobs.map((j) => [j.jobId, j.status, j.command ?? '-'])]);
    output.info(`${jobs.length} job${jobs.length === 1 ? '' : 's'} on graph ${graph}${filter ? ` (of ${all.length})` : ''}`);
    return 0;
  } finally {
    await conn.close();
  }
}
