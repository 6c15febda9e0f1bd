import { JobFailedError, WaitTimeoutError } from '../../core/errors.js';
import { POLL_PAGE, type WaitResult, waitJobs } from '../../core/ges/wait.js';
import { checkGraph, parseNumberOption } from '../../core/validate.js';
import { type CommandContext, connect, describeStop } from '../context.js';
import { combineExitCodes, exitCodeFor } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { collectJobIds, parseWaitTimeout } from '../jobs.js';
import type { Output } from '../output.js';
import type { WaitOptions } from '../program/job.js';
import { envelope, errorJson, showDryRun } from '../report.js';

/**
 * success | failed | timeout | unknown (GES no longer knows it) | error (could not be
 * followed).
 */
function outcomeOf(r: WaitResult): string {
  if (!r.error) return 'success';
  if (r.error instanceof JobFailedError) return 'failed';
  if (r.error instanceof WaitTimeoutError) return 'timeout';
  if (r.end?.state === 'gone') return 'unknown';
  return 'error';
}

function statusOf(r: WaitResult): string | null {
  return r.end?.state === 'terminal' || r.end?.state === 'timeout' ? r.end.status : null;
}

export async function runWait(
  ctx: CommandContext,
  graphArg: string,
  jobArgs: string[],
  opts: WaitOptions,
): Promise<number> {
  const { output } = ctx;
  let graph = checkGraph(graphArg);
  const concurrency = parseNumberOption('--concurrency', opts.concurrency, {
    min: 1,
    max: 64,
    integer: true,
  });
  const timeoutMs = parseWaitTimeout(opts.waitTimeout);
  const jobIds = await collectJobIds(jobArgs, ctx.streams, ctx.signal);
  if (jobIds.length === 0) {
    if (output.flags.json) output.json(envelope(0, { results: [] }));
    else output.info('No job IDs on stdin: nothing to wait for');
    return 0;
  }
  const conn = await connect(ctx, graph, { connections: concurrency });
  graph = conn.graph ?? graph;
  try {
    if (ctx.options.dryRun) {
      const request = conn.api.statusRequest(graph, jobIds[0]!, POLL_PAGE);
      return showDryRun(
        output,
        conn.api.http,
        request,
        ` (repeated for each job until it ends, at most ${timeoutMs / 1000} s)`,
        conn.lookup,
      );
    }
    const spinner = await output.spinner(
      `Waiting for ${jobIds.length === 1 ? `job ${jobIds[0]}` : `${jobIds.length} jobs`} ` +
        `on graph ${graph}`,
    );
    let ended = 0;
    let results: WaitResult[];
    try {
      results = await waitJobs(conn.api, graph, jobIds, {
        deadline: Date.now() + timeoutMs,
        concurrency,
        signal: ctx.signal,
        onResult: () =>
          spinner.update(`Waiting for jobs on graph ${graph}: ${++ended}/${jobIds.length} ended`),
      });
    } finally {
      spinner.stop();
    }
    const exitCode = combineExitCodes(results.map((r) => exitCodeFor(r.error)));
    const stop = ctx.signal.aborted ? describeStop(ctx.signal) : undefined;
    if (output.flags.json) {
      output.json(
        envelope(exitCode, {
          ...(stop ? { stoppedBy: stop } : {}),
          results: results.map((r) => ({
            graph,
            jobId: r.jobId,
            outcome: outcomeOf(r),
            status: statusOf(r),
            ...(r.error ? { error: errorJson(r.error) } : {}),
          })),
        }),
      );
      return exitCode;
    }
    output.batch(() => report(output, results, graph, timeoutMs, stop));
    return exitCode;
  } finally {
    await conn.close();
  }
}

/** One line per job, then the stop if any: written in one piece. */
function report(
  output: Output,
  results: WaitResult[],
  graph: string,
  timeoutMs: number,
  stop: string | undefined,
): void {
  for (const r of results) {
    const outcome = outcomeOf(r);
    if (outcome === 'success')
      output.result(`Job ${r.jobId} on graph ${graph} ended: ${statusOf(r) ?? 'gone'}`, {
        mark: true,
      });
    else if (outcome === 'failed')
      output.error(
        `job ${r.jobId} on graph ${graph} ended: ${statusOf(r)}`,
        `see its details with: ges job status ${graph} ${r.jobId} --json`,
      );
    else if (outcome === 'unknown')
      output.error(
        `GES does not know job ${r.jobId} on graph ${graph} (GES.8301): ` +
          'it ended long ago, was cancelled, or the ID is wrong',
        hintFor(r.error, { graph, jobId: r.jobId }),
      );
    else if (outcome === 'timeout')
      output.error(
        `job ${r.jobId} on graph ${graph}: ${r.error!.message} (after ${timeoutMs / 1000} s)`,
        hintFor(r.error, { graph, jobId: r.jobId }),
      );
    else
      output.error(
        `could not follow job ${r.jobId} on graph ${graph}: ${r.error!.message}`,
        hintFor(r.error, { graph, jobId: r.jobId }),
      );
  }
  if (stop)
    output.error(
      `${stop}: ${results.filter((r) => !r.error).length} of ${results.length} jobs seen ending`,
    );
}
