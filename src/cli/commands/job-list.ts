import { LIST_PAGE_SIZE } from '../../core/ges/api.js';
import type { JobSummary } from '../../core/ges/jobs.js';
import { checkGraph } from '../../core/validate.js';
import { type CommandContext, connect } from '../context.js';
import { jobJson, parseStatusFilter, readJobList } from '../jobs.js';
import type { ListOptions } from '../program/job.js';
import { envelope, showDryRun } from '../report.js';

function kindOf(j: JobSummary): string {
  if (!j.command) return '-';
  return j.algorithm ? `${j.command} (${j.algorithm})` : j.command;
}

export async function runList(
  ctx: CommandContext,
  graphArg: string,
  opts: ListOptions,
): Promise<number> {
  const { output } = ctx;
  let graph = checkGraph(graphArg);
  const filter = parseStatusFilter(opts.status);
  const conn = await connect(ctx, graph);
  graph = conn.graph ?? graph;
  try {
    if (ctx.options.dryRun) {
      return showDryRun(
        output,
        conn.api.http,
        conn.api.listRequest(graph, { offset: 0, limit: LIST_PAGE_SIZE }),
        ' (and further pages while there are more jobs)',
        conn.lookup,
      );
    }
    const all = (await readJobList(ctx, conn.api, graph)).jobs;
    const jobs = filter ? all.filter((j) => filter.has(j.status)) : all;
    if (output.flags.json) {
      output.json(envelope(0, { graph, totalCount: all.length, jobs: jobs.map(jobJson) }));
      return 0;
    }
    if (jobs.length === 0) {
      output.info(
        filter
          ? `No ${[...filter].join(' or ')} jobs on graph ${graph}`
          : `No jobs on graph ${graph}`,
      );
      return 0;
    }
    if (!output.stdoutIsTTY) {
      // Scripts get one job a line, tab-separated, no header: jobId, status, command.
      output.batch(() => {
        for (const j of jobs) output.row([j.jobId, j.status, j.command ?? '']);
      });
      return 0;
    }
    const started = jobs.some((j) => j.startTime !== null);
    const progress = jobs.some((j) => j.progress !== null);
    output.table([
      [
        'JOB ID',
        'STATUS',
        'KIND',
        ...(started ? ['STARTED'] : []),
        ...(progress ? ['PROGRESS'] : []),
      ],
      ...jobs.map((j) => [
        j.jobId,
        j.status,
        kindOf(j),
        ...(started ? [j.startTime ?? '-'] : []),
        ...(progress ? [j.progress === null ? '-' : String(j.progress)] : []),
      ]),
    ]);
    output.info(
      `${jobs.length} job${jobs.length === 1 ? '' : 's'} on graph ${graph}` +
        `${filter ? ` (of ${all.length})` : ''}`,
    );
    return 0;
  } finally {
    await conn.close();
  }
}
