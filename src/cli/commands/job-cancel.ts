import { GesCliError, InterruptedError, UsageError } from '../../core/errors.js';
import type { GesApi } from '../../core/ges/api.js';
import { cancelJobs, type CancelResult } from '../../core/ges/cancel.js';
import { checkGraph, parseNumberOption } from '../../core/validate.js';
import { connect, type CommandContext } from '../context.js';
import { EXIT, combineExitCodes, exitCodeFor } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { reportError, showRequest } from '../report.js';
import { collectJobIds, parseWaitTimeout } from './job-ids.js';
import { parseStatusFilter } from './job-list.js';

export interface CancelOptions {
  concurrency: string;
  all?: boolean;
  status?: string;
  ignoreFinished?: boolean;
  wait?: boolean;
  waitTimeout: string;
}

/** One job's entry in the --json document, keys in a fixed order. */
function resultJson(r: Omit<CancelResult, 'error'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { graph, jobId, outcome, httpStatus, errorCode, errorMessage, attempts, note, jobStatus, stopped } = r;
  return {
    graph,
    jobId,
    outcome,
    httpStatus,
    errorCode,
    errorMessage,
    attempts,
    ...(jobStatus !== undefined ? { jobStatus } : {}),
    ...(stopped !== undefined ? { stopped } : {}),
    ...(note ? { note } : {}),
    ...extra,
  };
}

/** --all: the IDs of the graph's jobs in the chosen states, read from the job list. */
async function jobsToCancel(ctx: CommandContext, api: GesApi, graph: string, statuses: Set<string>): Promise<string[]> {
  const spinner = await ctx.output.spinner(`Listing jobs on graph ${graph}`);
  try {
    return (await api.listJobs(graph)).filter((j) => statuses.has(j.status)).map((j) => j.jobId);
  } finally {
    spinner.stop();
  }
}

function describeResult(r: CancelResult): string {
  if (r.outcome === 'already-finished') {
    return `Job ${r.jobId} on graph ${r.graph} had already ${r.jobStatus ? `ended (${r.jobStatus})` : 'ended, or is unknown to GES'}`;
  }
  const stopped = r.stopped ? (r.jobStatus ? `; it ended ${r.jobStatus}` : '; it has stopped') : '';
  return `Cancelled job ${r.jobId} on graph ${r.graph}${stopped}`;
}

export async function runCancel(ctx: CommandContext, graphArg: string, jobArgsGiven: string[] | undefined, opts: CancelOptions): Promise<number> {
  const jobArgs = jobArgsGiven ?? [];
  const { output } = ctx;
  const graph = checkGraph(graphArg);
  const concurrency = parseNumberOption('--concurrency', opts.concurrency, { min: 1, max: 64, integer: true });
  const waitTimeoutMs = parseWaitTimeout(opts.waitTimeout);
  if (opts.all && jobArgs.length > 0) throw new UsageError('--all cancels every matching job: give either job IDs or --all, not both');
  if (!opts.all && opts.status !== undefined) throw new UsageError('--status goes with --all (to cancel jobs in those states)');
  if (!opts.all && jobArgs.length === 0) throw new UsageError('no job IDs: give job IDs, "-" to read them from stdin, or --all', 'see ges job cancel --help');
  const statuses = opts.all ? parseStatusFilter(opts.status ?? 'pending,running')! : undefined;
  const argIds = opts.all ? [] : await collectJobIds(jobArgs, ctx.streams.stdin);
  const conn = await connect(ctx);
  try {
    let jobIds = argIds;
    if (statuses) {
      try {
        jobIds = await jobsToCancel(ctx, conn.api, graph, statuses);
      } catch (error) {
        if (error instanceof GesCliError) return reportError(output, error, { graph }, `could not list jobs on graph ${graph}`);
        throw error;
      }
      if (jobIds.length === 0) {
        if (output.flags.json) output.json({ ok: true, exitCode: 0, results: [] });
        else output.info(`No ${[...statuses].join(' or ')} jobs on graph ${graph}: nothing to cancel`);
        return 0;
      }
    }

    if (ctx.options.dryRun) {
      const requests = await Promise.all(jobIds.map((id) => conn.api.http.describe(conn.api.cancelRequest(graph, id))));
      if (output.flags.json) {
        output.json({
          ok: true,
          exitCode: 0,
          results: jobIds.map((jobId, i) =>
            resultJson({ graph, jobId, outcome: 'dry-run', httpStatus: null, errorCode: null, errorMessage: null, attempts: 0 }, { request: requests[i] }),
          ),
        });
      } else {
        for (const req of requests) showRequest(output, req);
      }
      return 0;
    }

    const spinner = await output.spinner(jobIds.length === 1 ? `Cancelling job ${jobIds[0]} on graph ${graph}` : `Cancelling ${jobIds.length} jobs on graph ${graph}`);
    let done = 0;
    let failed = 0;
    const results = await cancelJobs(conn.api, graph, jobIds, {
      concurrency,
      signal: ctx.signal,
      ignoreFinished: opts.ignoreFinished,
      waitDeadline: opts.wait ? Date.now() + waitTimeoutMs : undefined,
      onResult: (r) => {
        if (r.error) failed++;
        else done++;
        spinner.update(`cancelled ${done}/${jobIds.length}${failed ? `, ${failed} failed` : ''}`);
      },
    });
    spinner.stop();
    const exitCode = combineExitCodes(results.map((r) => exitCodeFor(r.error)));

    if (output.flags.json) {
      output.json({ ok: exitCode === 0, exitCode, results: results.map((r) => resultJson(r)) });
      return exitCode;
    }
    const { out } = output;
    for (const r of results) {
      if (!r.error) {
        output.result(`${out.green('✓')} ${describeResult(r)}`);
        if (r.note && r.outcome === 'already-finished') output.info(`  ${r.note}`);
        continue;
      }
      const what = r.outcome === 'cancelled' ? `job ${r.jobId} on graph ${graph}` : `could not cancel job ${r.jobId} on graph ${graph}`;
      output.error(`${what}: ${r.outcome === 'cancelled' ? r.errorMessage : r.error.message}`);
      if (r.note) output.hint(r.note);
      const hint = hintFor(r.error, { graph, jobId: r.jobId });
      if (hint) output.hint(hint);
    }
    if (exitCode === EXIT.interrupted) {
      const count = (pred: (r: CancelResult) => boolean): number => results.filter(pred).length;
      const unknown = count((r) => r.error instanceof InterruptedError && r.error.inFlight);
      const cancelled = count((r) => r.outcome === 'cancelled');
      output.error(`interrupted: ${cancelled} cancelled, ${unknown} unknown (the request was in flight), ${results.length - cancelled - unknown} not cancelled`);
    } else if (results.length > 1) {
      const ok = results.filter((r) => !r.error).length;
      output.info(`${ok} of ${results.length} jobs cancelled${ok < results.length ? `, ${results.length - ok} failed` : ''}`);
    }
    return exitCode;
  } finally {
    await conn.close();
  }
}
