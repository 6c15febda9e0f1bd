import { parseDurationOption } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { LIST_PAGE_SIZE } from '../../core/ges/api.js';
import type { JobSummary } from '../../core/ges/jobs.js';
import { jobRecord } from '../../core/records.js';
import { checkGraph, parseNumberOption } from '../../core/validate.js';
import { type CommandContext, connect } from '../context.js';
import {
  jobRows,
  type ListChoices,
  noJobsLine,
  renderTable,
  selectJobs,
  TABLE_WIDTH,
  tsvFields,
  tsvLine,
  wantsJsonl,
  writeJsonLine,
} from '../job-table.js';
import { parseStatusFilter, readJobList } from '../jobs.js';
import type { ListOptions } from '../program/job.js';
import { envelope, showDryRun } from '../report.js';
import { watchJobs } from './job-watch.js';

const OUTPUTS = ['wide', 'json'];
/** --interval: often enough to watch, not so often that a watch loads the engine. */
const INTERVAL = { plainUnit: 's', min: 250, max: 3_600_000 } as const;

/** Reads the options; `-o json` turns --json on, so errors come as JSON documents too. */
export function readListOptions(ctx: CommandContext, opts: ListOptions): ListChoices {
  if (opts.output !== undefined && !OUTPUTS.includes(opts.output))
    throw new UsageError(
      `invalid --output ${JSON.stringify(opts.output)}: use wide, or json (the same as --json)`,
    );
  if (opts.output === 'json') ctx.output.flags.json = true;
  if ((ctx.options.json || opts.output === 'json') && wantsJsonl(ctx))
    throw new UsageError('--json and --jsonl go apart: pick one');
  if (opts.watch && ctx.output.flags.json && !wantsJsonl(ctx))
    throw new UsageError(
      '--watch prints a stream of changes, not one JSON document: use --jsonl with --watch',
    );
  if (opts.interval !== undefined && !opts.watch)
    throw new UsageError('--interval goes with --watch (how often the watch polls)');
  return {
    filter: parseStatusFilter(opts.status),
    limit:
      opts.limit === undefined
        ? undefined
        : parseNumberOption('--limit', opts.limit, { min: 1, max: 2 ** 31 - 1, integer: true }),
    wide: opts.output === 'wide',
    intervalMs: opts.watch
      ? parseDurationOption('--interval', opts.interval ?? '2s', INTERVAL)
      : undefined,
  };
}

export async function runList(
  ctx: CommandContext,
  graphArg: string,
  opts: ListOptions,
): Promise<number> {
  // Options first: with -o json, even a bad graph name is reported as JSON.
  const choices = readListOptions(ctx, opts);
  let graph = checkGraph(graphArg);
  const conn = await connect(ctx, graph);
  graph = conn.graph ?? graph;
  try {
    if (ctx.options.dryRun) {
      const again = choices.intervalMs === undefined ? '' : ', again at every --interval';
      return showDryRun(
        ctx.output,
        conn.api.http,
        conn.api.listRequest(graph, { offset: 0, limit: LIST_PAGE_SIZE }),
        ` (and further pages while there are more jobs${again})`,
        conn.lookup,
      );
    }
    if (choices.intervalMs !== undefined) {
      return await watchJobs(ctx, conn.api, graph, { ...choices, intervalMs: choices.intervalMs });
    }
    const all = (await readJobList(ctx, conn.api, graph)).jobs;
    printList(ctx, graph, all, choices);
    return 0;
  } finally {
    await conn.close();
  }
}

function printList(
  ctx: CommandContext,
  graph: string,
  all: readonly JobSummary[],
  choices: ListChoices,
): void {
  const { output } = ctx;
  const jobs = selectJobs(all, choices);
  const now = Date.now();
  if (wantsJsonl(ctx)) {
    for (const job of jobs) writeJsonLine(ctx, jobRecord(job, now));
    const counts: Record<string, number> = {};
    for (const job of jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
    writeJsonLine(ctx, {
      summary: true,
      ...envelope(0, { graph, totalCount: all.length, counts }),
    });
  } else if (output.flags.json) {
    output.json(
      envelope(0, { graph, totalCount: all.length, jobs: jobs.map((j) => jobRecord(j, now)) }),
    );
  } else if (jobs.length === 0) {
    output.info(noJobsLine(graph, choices.filter));
  } else if (output.flags.quiet) {
    // --quiet: nothing on stdout on success.
  } else if (!output.stdoutIsTTY) {
    // Scripts get one job a line, tab-separated, no header: jobId, status, command (`cut -f1`).
    ctx.streams.stdout.write(jobs.map((j) => tsvLine(tsvFields(j, choices.wide))).join(''));
  } else {
    const rows = jobRows(jobs, now, choices.wide);
    const width = choices.wide ? Infinity : TABLE_WIDTH;
    const lines = renderTable(rows, { width, paint: output.out });
    ctx.streams.stdout.write(`${lines.join('\n')}\n`);
    output.info(
      `${jobs.length} job${jobs.length === 1 ? '' : 's'} on graph ${graph}` +
        `${jobs.length < all.length ? ` (of ${all.length})` : ''}`,
    );
  }
}
