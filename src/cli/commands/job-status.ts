import { GesError } from '../../core/errors.js';
import {
  type JobDetails,
  type JobStatus,
  LIST_PAGE_SIZE,
  type Page,
  unlistedWarning,
} from '../../core/ges/api.js';
import { ageSeconds, humanAge, type JobSummary } from '../../core/ges/jobs.js';
import { jobStatusRecord } from '../../core/records.js';
import { checkGraph, checkJobId, parseNumberOption } from '../../core/validate.js';
import { type CommandContext, type Connection, connect } from '../context.js';
import { canStopText, kindOf, progressText, statusStyle } from '../job-table.js';
import type { StatusOptions } from '../program/job.js';
import { envelope, showLookup, showRequest } from '../report.js';

/**
 * `ges job status`: the status call gives the status and result pages; the job list is where
 * GES keeps a job's kind, progress, times, failure reason and whether it can stop. Both are
 * asked at once, and the job is shown with every field `job list` shows.
 */

interface Outputs {
  data_return_size?: unknown;
  data_offset?: unknown;
  data_total_size?: unknown;
}

function describeOutputs(data: unknown): string | undefined {
  const outputs = (data as { outputs?: Outputs } | undefined)?.outputs;
  if (!outputs || typeof outputs !== 'object') return undefined;
  const { data_return_size: returned, data_offset: offset, data_total_size: total } = outputs;
  if (returned === undefined && total === undefined) return undefined;
  return `${returned ?? '?'} of ${total ?? '?'} (offset ${offset ?? 0})`;
}

function readPage(opts: StatusOptions): Page {
  const whole = { max: 2 ** 31 - 1, integer: true };
  return {
    offset:
      opts.offset === undefined
        ? undefined
        : parseNumberOption('--offset', opts.offset, { min: 0, ...whole }),
    limit:
      opts.limit === undefined
        ? undefined
        : parseNumberOption('--limit', opts.limit, { min: 1, ...whole }),
  };
}

export async function runStatus(
  ctx: CommandContext,
  graphArg: string,
  jobArg: string,
  opts: StatusOptions,
): Promise<number> {
  let graph = checkGraph(graphArg);
  const jobId = checkJobId(jobArg);
  const page = readPage(opts);
  const conn = await connect(ctx, graph);
  graph = conn.graph ?? graph;
  try {
    if (ctx.options.dryRun) return await showStatusDryRun(ctx, conn, graph, jobId, page);
    const { job, status } = await readJob(ctx, conn, graph, jobId, page);
    printStatus(ctx, graph, job, status);
    return 0;
  } finally {
    await conn.close();
  }
}

/**
 * The status and the job's list entry, asked at once. A failed status call fails the command;
 * a failed list is a warning (the status is still the answer).
 */
async function readJob(
  ctx: CommandContext,
  conn: Connection,
  graph: string,
  jobId: string,
  page: Page,
): Promise<JobDetails> {
  const spinner = await ctx.output.spinner(`Reading job ${jobId} on graph ${graph}`);
  try {
    const details = await conn.api.jobDetails(graph, jobId, page);
    const { listError } = details;
    if (listError) {
      if (ctx.signal.aborted) throw listError;
      ctx.output.warn(unlistedWarning(graph, jobId, listError));
    }
    return details;
  } catch (error) {
    if (error instanceof GesError)
      error.during(`could not read job ${jobId} on graph ${graph}`, { graph, jobId });
    throw error;
  } finally {
    spinner.stop();
  }
}

function printStatus(ctx: CommandContext, graph: string, job: JobSummary, status: JobStatus): void {
  const { output } = ctx;
  const doc = jobStatusRecord(graph, job, status, Date.now());
  const { data } = doc;
  if (output.flags.json) {
    output.json(envelope(0, { ...doc }));
    return;
  }
  output.result(`Job ${job.jobId} on graph ${graph}: `, {
    tail: { text: job.status, style: statusStyle(job.status) },
  });
  // A start GES puts in the future (clock skew) gets no "ago".
  const age = ageSeconds(job, Date.now());
  const started =
    job.startTime === null
      ? '-'
      : age === null || age < -1
        ? job.startTime
        : `${job.startTime} (${humanAge(age)} ago)`;
  const rows: [string, string][] = [
    ['kind', kindOf(job)],
    ['progress', progressText(job.progress)],
    ['started', started],
    ['ended', job.endTime ?? '-'],
    ['can stop', canStopText(job.canStop)],
  ];
  if (job.failReason) rows.push(['reason', job.failReason]);
  const results = describeOutputs(data);
  if (results) rows.push(['results', `${results}; --json prints them`]);
  for (const [label, value] of rows) output.result(`  ${`${label}:`.padEnd(10)} ${value}`);
}

/** --dry-run: the status request, and the list request that finds the job's details. */
async function showStatusDryRun(
  ctx: CommandContext,
  conn: Connection,
  graph: string,
  jobId: string,
  page: Page,
): Promise<number> {
  const { http } = conn.api;
  const request = await http.describe(conn.api.statusRequest(graph, jobId, page));
  const listRequest = await http.describe(
    conn.api.listRequest(graph, { offset: 0, limit: LIST_PAGE_SIZE }),
  );
  if (ctx.output.flags.json) {
    ctx.output.json(
      envelope(0, {
        dryRun: true,
        ...(conn.lookup ? { lookup: conn.lookup } : {}),
        request,
        listRequest,
      }),
    );
    return 0;
  }
  if (conn.lookup) showLookup(ctx.output, conn.lookup);
  showRequest(ctx.output, request);
  showRequest(ctx.output, listRequest, " (the job's details; further pages until it is found)");
  return 0;
}
