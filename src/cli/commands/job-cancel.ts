import { InterruptedError, UsageError } from '../../core/errors.js';
import type { GesApi } from '../../core/ges/api.js';
import {
  type CancelResult,
  cancelAndWait,
  cancelJobs,
  failedResult,
  stoppableJobs,
} from '../../core/ges/cancel.js';
import { RUNNING_STATUSES } from '../../core/ges/jobs.js';
import { mapConcurrent } from '../../core/pool.js';
import { checkGraph, checkJobId } from '../../core/validate.js';
import { CANCEL_OUTCOMES, type CancelRow, CancelView } from '../cancel-view.js';
import { type CommandContext, type Connection, connect } from '../context.js';
import { JobReport, orList } from '../job-report.js';
import {
  JobIdSource,
  parseConcurrency,
  parseInterval,
  parseStatusFilter,
  parseWaitTimeout,
  readJobList,
} from '../jobs.js';
import type { CancelOptions } from '../program/job.js';
import { DryRunPrinter, showLookup } from '../report.js';
import { type GraphsPlan, runCancelAllGraphs } from './job-cancel-graphs.js';

/** What the options ask for, checked before anything is read or sent. */
interface CancelPlan {
  graph: string;
  concurrency: number;
  waitTimeoutMs: number;
  intervalMs?: number;
  /** --all: the states to cancel. */
  statuses?: Set<string>;
}

/** --status, or every state a job has not ended in. */
const cancelStatuses = (opts: CancelOptions): Set<string> =>
  parseStatusFilter(opts.status ?? RUNNING_STATUSES.join(','))!;

function planCancel(graphArg: string, jobArgs: string[], opts: CancelOptions): CancelPlan {
  const graph = checkGraph(graphArg);
  const concurrency = parseConcurrency(opts.concurrency);
  const waitTimeoutMs = parseWaitTimeout(opts.waitTimeout);
  const intervalMs = parseInterval(opts.interval);
  if (opts.all && jobArgs.length > 0)
    throw new UsageError(
      '--all cancels every matching job: give either job IDs or --all, not both',
    );
  if (!opts.all && opts.status !== undefined)
    throw new UsageError('--status goes with --all (to cancel jobs in those states)');
  if (!opts.all && jobArgs.length === 0)
    throw new UsageError(
      'no job IDs: give job IDs, "-" to read them from stdin, or --all',
      'see ges job cancel --help',
    );
  const statuses = opts.all ? cancelStatuses(opts) : undefined;
  return { graph, concurrency, waitTimeoutMs, intervalMs, statuses };
}

/**
 * --all: the IDs of the graph's jobs in the chosen states; those the list marks canStop: false
 * are reported at once as skipped.
 */
async function listedJobs(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
  statuses: Set<string>,
  report: JobReport<CancelRow>,
): Promise<string[]> {
  const listed = (await readJobList(ctx, api, graph)).jobs;
  const { skipped, ids } = stoppableJobs(graph, listed, statuses);
  for (const result of skipped) await report.add(result);
  return ids;
}

/** A job the run never reached: stopped before its request. */
function notSent(graph: string, jobId: string, signal: AbortSignal): CancelResult {
  return failedResult(graph, jobId, new InterruptedError('interrupted', 0, false, signal.reason));
}

/** --dry-run: each request that would be sent, as the IDs come. */
function plannedCancels(
  api: GesApi,
  graph: string,
  ids: JobIdSource,
  plan: CancelPlan,
  signal: AbortSignal,
): AsyncIterable<CancelRow> {
  return mapConcurrent(ids, { concurrency: plan.concurrency, signal }, async (jobId) => ({
    graph,
    jobId: checkJobId(jobId),
    outcome: 'dry-run',
    httpStatus: null,
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    request: await api.http.describe(api.cancelRequest(graph, jobId)),
  }));
}

/** The cancels (and with --wait, the waits), reported as each job ends. */
async function cancelAll(
  ctx: CommandContext,
  conn: Connection,
  graph: string,
  ids: JobIdSource,
  { plan, opts, report }: { plan: CancelPlan; opts: CancelOptions; report: JobReport<CancelRow> },
): Promise<number> {
  const { signal } = ctx;
  const before = report.jobs;
  const status = await report.status(ctx.options, () => {
    const pending = ids.taken - (report.jobs - before);
    const ok = report.jobs - before - report.failed;
    return opts.wait
      ? `Cancelling jobs on graph ${graph} and waiting for them to stop: ` +
          `${ok} stopped, ${pending} waiting, ${report.failed} failed`
      : `Cancelling jobs on graph ${graph}: ` +
          `${ok} cancelled, ${pending} in flight, ${report.failed} failed`;
  });
  let error: Awaited<ReturnType<typeof report.drain>>;
  try {
    const options = {
      concurrency: plan.concurrency,
      signal,
      ignoreFinished: opts.ignoreFinished,
      deadline: Date.now() + plan.waitTimeoutMs,
      intervalMs: plan.intervalMs,
    };
    const results: AsyncIterable<CancelRow> = ctx.options.dryRun
      ? plannedCancels(conn.api, graph, ids, plan, signal)
      : opts.wait
        ? cancelAndWait(conn.api, graph, ids, options)
        : cancelJobs(conn.api, graph, ids, options);
    error = await report.drain(results);
    if (signal.aborted)
      for (const id of ids.unreached()) await report.add(notSent(graph, id, signal));
  } finally {
    status.stop();
  }
  return report.finish({
    stopped: signal.aborted ? signal : undefined,
    error,
    stdin: ids.stdinState,
    duplicates: ids.duplicates,
    fields: ctx.options.dryRun && conn.lookup ? { lookup: conn.lookup } : {},
  });
}

/** --all-graphs: checked before anything is read or sent. */
function planAllGraphs(graphArg: string | undefined, opts: CancelOptions): GraphsPlan {
  if (graphArg !== undefined)
    throw new UsageError(
      `--all-graphs cancels on every running graph of the project: give either a graph ` +
        `(${JSON.stringify(graphArg)}) or --all-graphs, not both`,
    );
  if (!opts.all)
    throw new UsageError(
      '--all-graphs goes with --all: ges job cancel --all --all-graphs cancels every ' +
        'waiting, pending or running job of every running graph',
    );
  if (opts.wait) throw new UsageError('--wait does not go with --all-graphs');
  const concurrency = parseConcurrency(opts.concurrency);
  return { concurrency, statuses: cancelStatuses(opts), yes: Boolean(opts.yes) };
}

export async function runCancel(
  ctx: CommandContext,
  graphArg: string | undefined,
  jobArgsGiven: string[] | undefined,
  opts: CancelOptions,
): Promise<number> {
  if (opts.allGraphs) return runCancelAllGraphs(ctx, planAllGraphs(graphArg, opts));
  if (opts.yes) throw new UsageError('--yes goes with --all-graphs (nothing else asks)');
  if (graphArg === undefined)
    throw new UsageError(
      "missing required argument 'graph'",
      'give the graph, or --all --all-graphs for every graph of the project',
    );
  const jobArgs = jobArgsGiven ?? [];
  const { output } = ctx;
  const dryRun = ctx.options.dryRun ? new DryRunPrinter(output) : undefined;
  const report = new JobReport<CancelRow>(output, new CancelView(output, dryRun), CANCEL_OUTCOMES);
  const plan = planCancel(graphArg, jobArgs, opts);
  const stdin = { streams: ctx.streams, signal: ctx.signal };
  let ids = plan.statuses ? undefined : new JobIdSource(jobArgs, stdin);
  if (ids && !(await ids.hasAny())) {
    if (!ctx.signal.aborted) output.info('No job IDs on stdin: nothing to cancel');
    return report.finish({
      stopped: ctx.signal.aborted ? ctx.signal : undefined,
      stdin: ids.stdinState,
    });
  }
  const conn = await connect(ctx, plan.graph, { connections: plan.concurrency });
  const graph = conn.graph ?? plan.graph;
  try {
    if (dryRun && conn.lookup && !output.flags.json) showLookup(output, conn.lookup);
    if (plan.statuses) {
      const listed = await listedJobs(ctx, conn.api, graph, plan.statuses, report);
      if (listed.length + report.jobs === 0) {
        output.info(`No ${orList([...plan.statuses])} jobs on graph ${graph}: nothing to cancel`);
        return report.finish();
      }
      ids = new JobIdSource(listed);
    }
    // A job the list showed as pending or running that GES.8303 refuses ended in between.
    const ignoreFinished = opts.ignoreFinished || Boolean(plan.statuses);
    return await cancelAll(ctx, conn, graph, ids!, {
      plan,
      opts: { ...opts, ignoreFinished },
      report,
    });
  } finally {
    await conn.close();
  }
}
