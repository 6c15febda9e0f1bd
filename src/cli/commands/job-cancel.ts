import { UsageError } from '../../core/errors.js';
import type { GesApi } from '../../core/ges/api.js';
import { type CancelResult, cancelJobs } from '../../core/ges/cancel.js';
import { RUNNING_STATUSES } from '../../core/ges/jobs.js';
import { waitJobs } from '../../core/ges/wait.js';
import { checkGraph, parseNumberOption } from '../../core/validate.js';
import { type CommandContext, connect, describeStop } from '../context.js';
import { combineExitCodes, exitCodeFor } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { collectJobIds, parseStatusFilter, parseWaitTimeout, readJobList } from '../jobs.js';
import type { Output } from '../output.js';
import type { CancelOptions } from '../program/job.js';
import { envelope, showLookup, showRequest } from '../report.js';

/** "waiting, pending or running" */
function orList(words: string[]): string {
  return words.length < 2
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** One job's entry in the --json document, keys in a fixed order. */
function resultJson(
  r: Omit<CancelResult, 'error'>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const {
    graph,
    jobId,
    outcome,
    httpStatus,
    errorCode,
    errorMessage,
    attempts,
    note,
    jobStatus,
    stopped,
  } = r;
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

const SKIPPED_MESSAGE = 'the job list marks it canStop: false, so no cancel was sent';

/**
 * --all: the graph's jobs in the chosen states; those the list marks canStop: false come back
 * as skipped results.
 */
async function jobsToCancel(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
  statuses: Set<string>,
): Promise<{ ids: string[]; skipped: CancelResult[] }> {
  const jobs = (await readJobList(ctx, api, graph)).jobs.filter((j) => statuses.has(j.status));
  const skipped = jobs
    .filter((j) => j.canStop === false)
    .map(
      (j): CancelResult => ({
        graph,
        jobId: j.jobId,
        outcome: 'skipped',
        httpStatus: null,
        errorCode: null,
        errorMessage: SKIPPED_MESSAGE,
        attempts: 0,
      }),
    );
  return { ids: jobs.filter((j) => j.canStop !== false).map((j) => j.jobId), skipped };
}

/**
 * --wait: waits for every accepted cancel at once, under the one deadline, and notes how each
 * ended.
 */
async function waitForCancelled(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
  results: CancelResult[],
  deadline: number,
  concurrency: number,
): Promise<void> {
  const cancelled = results.filter((r) => r.outcome === 'cancelled');
  if (cancelled.length === 0) return;
  const spinner = await ctx.output.spinner(
    `Waiting for ${cancelled.length} cancelled job${cancelled.length === 1 ? '' : 's'} to stop`,
  );
  try {
    const waits = await waitJobs(
      api,
      graph,
      cancelled.map((r) => r.jobId),
      { deadline, concurrency, signal: ctx.signal, goneIsSuccess: true },
    );
    waits.forEach((w, i) => {
      const r = cancelled[i]!;
      r.stopped = !w.error;
      r.jobStatus =
        w.end?.state === 'terminal'
          ? w.end.status
          : w.end?.state === 'timeout'
            ? w.end.status
            : null;
      if (w.error)
        Object.assign(r, {
          error: w.error,
          errorMessage: `the cancel was accepted, but ${w.error.message}`,
        });
    });
  } finally {
    spinner.stop();
  }
}

function describeDone(r: CancelResult): string {
  if (r.outcome === 'already-finished') {
    return (
      `Job ${r.jobId} on graph ${r.graph} had already ` +
      `${r.jobStatus ? `ended (${r.jobStatus})` : 'ended, or is unknown to GES'}`
    );
  }
  const stopped = r.stopped ? (r.jobStatus ? `; it ended ${r.jobStatus}` : '; it has stopped') : '';
  return `Cancelled job ${r.jobId} on graph ${r.graph}${stopped}`;
}

/**
 * "3 cancelled, 2 had already ended, 1 skipped, 1 failed": what happened, nothing counted
 * twice.
 */
function summary(results: CancelResult[]): string {
  const count = (outcome: CancelResult['outcome'], ok?: boolean): number =>
    results.filter((r) => r.outcome === outcome && (ok === undefined || !r.error === ok)).length;
  const parts: [number, string][] = [
    [count('cancelled'), 'cancelled'],
    [count('already-finished'), 'had already ended'],
    [count('skipped'), 'skipped (canStop: false)'],
    [count('failed'), 'failed'],
    [count('unknown'), 'unknown (the request had been sent)'],
    [count('not-sent'), 'not sent'],
  ];
  const waited = results.filter((r) => r.stopped === false).length;
  return [
    `${parts[0]![0]} cancelled`,
    ...parts
      .slice(1)
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`),
    ...(waited ? [`${waited} not seen stopping`] : []),
  ].join(', ');
}

/**
 * Human report: one line per job, each distinct hint once (with how many jobs it concerns),
 * then the summary.
 */
function report(
  output: Output,
  results: CancelResult[],
  graph: string,
  stop: string | undefined,
): void {
  const hints = new Map<string, { text: string; jobs: number }>();
  const addHint = (generic: string | undefined, specific: string | undefined): void => {
    if (!generic) return;
    const seen = hints.get(generic);
    if (seen) seen.jobs++;
    else hints.set(generic, { text: specific ?? generic, jobs: 1 });
  };
  const notSent: string[] = [];
  for (const r of results) {
    if (r.outcome === 'not-sent') {
      notSent.push(r.jobId);
      continue;
    }
    if (r.outcome === 'skipped') {
      output.result(`- Skipped job ${r.jobId} on graph ${graph}: ${SKIPPED_MESSAGE}`);
      continue;
    }
    if (!r.error) {
      output.result(describeDone(r), { mark: true });
      continue;
    }
    const what =
      r.outcome === 'cancelled'
        ? `job ${r.jobId} on graph ${graph}`
        : `could not cancel job ${r.jobId} on graph ${graph}`;
    output.error(`${what}: ${r.outcome === 'cancelled' ? r.errorMessage : r.error.message}`);
    addHint(r.note, r.note);
    addHint(
      hintFor(r.error, { graph, jobId: '<jobId>' }),
      hintFor(r.error, { graph, jobId: r.jobId }),
    );
  }
  if (notSent.length) {
    const shown = notSent.slice(0, 10).join(', ');
    output.error(
      `not sent, so not cancelled: ${notSent.length === 1 ? 'job' : `${notSent.length} jobs`} ` +
        `${shown}${notSent.length > 10 ? ', …' : ''}` +
        `${notSent.length > 1 ? ' (--json lists each)' : ''}`,
    );
  }
  for (const [generic, { text, jobs }] of hints)
    output.hint(jobs === 1 ? text : `(${jobs} jobs) ${generic}`);
  if (stop) output.error(`${stop}: ${summary(results)}`);
  else if (results.length > 1 || results.some((r) => r.outcome !== 'cancelled'))
    output.info(summary(results));
}

export async function runCancel(
  ctx: CommandContext,
  graphArg: string,
  jobArgsGiven: string[] | undefined,
  opts: CancelOptions,
): Promise<number> {
  const jobArgs = jobArgsGiven ?? [];
  const { output } = ctx;
  let graph = checkGraph(graphArg);
  const concurrency = parseNumberOption('--concurrency', opts.concurrency, {
    min: 1,
    max: 64,
    integer: true,
  });
  const waitTimeoutMs = parseWaitTimeout(opts.waitTimeout);
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
  const statuses = opts.all
    ? parseStatusFilter(opts.status ?? RUNNING_STATUSES.join(','))!
    : undefined;
  const argIds = opts.all ? [] : await collectJobIds(jobArgs, ctx.streams, ctx.signal);
  if (!opts.all && argIds.length === 0) {
    if (output.flags.json) output.json(envelope(0, { results: [] }));
    else output.info('No job IDs on stdin: nothing to cancel');
    return 0;
  }
  const conn = await connect(ctx, graph, { connections: concurrency });
  graph = conn.graph ?? graph;
  try {
    let jobIds = argIds;
    let skipped: CancelResult[] = [];
    if (statuses) {
      ({ ids: jobIds, skipped } = await jobsToCancel(ctx, conn.api, graph, statuses));
      if (jobIds.length + skipped.length === 0) {
        if (output.flags.json) output.json(envelope(0, { results: [] }));
        else output.info(`No ${orList([...statuses])} jobs on graph ${graph}: nothing to cancel`);
        return 0;
      }
    }

    if (ctx.options.dryRun) {
      const requests = await Promise.all(
        jobIds.map((id) => conn.api.http.describe(conn.api.cancelRequest(graph, id))),
      );
      if (output.flags.json) {
        const planned = jobIds.map((jobId, i) =>
          resultJson(
            {
              graph,
              jobId,
              outcome: 'dry-run',
              httpStatus: null,
              errorCode: null,
              errorMessage: null,
              attempts: 0,
            },
            { request: requests[i] },
          ),
        );
        output.json(
          envelope(0, {
            ...(conn.lookup ? { lookup: conn.lookup } : {}),
            results: [...planned, ...skipped.map((r) => resultJson(r))],
          }),
        );
      } else {
        if (conn.lookup) showLookup(output, conn.lookup);
        for (const req of requests) showRequest(output, req);
        for (const r of skipped) output.result(`- would skip job ${r.jobId}: ${SKIPPED_MESSAGE}`);
      }
      return 0;
    }

    const waitDeadline = Date.now() + waitTimeoutMs;
    const spinner = await output.spinner(
      jobIds.length === 1
        ? `Cancelling job ${jobIds[0]} on graph ${graph}`
        : `Cancelling ${jobIds.length} jobs on graph ${graph}`,
    );
    let done = 0;
    let failed = 0;
    let results: CancelResult[];
    try {
      results = await cancelJobs(conn.api, graph, jobIds, {
        concurrency,
        signal: ctx.signal,
        ignoreFinished: opts.ignoreFinished,
        onResult: (r) => {
          if (r.error) failed++;
          else done++;
          spinner.update(`cancelled ${done}/${jobIds.length}${failed ? `, ${failed} failed` : ''}`);
        },
      });
    } finally {
      spinner.stop();
    }
    if (opts.wait && !ctx.signal.aborted)
      await waitForCancelled(ctx, conn.api, graph, results, waitDeadline, concurrency);
    results = [...results, ...skipped];
    const exitCode = combineExitCodes(results.map((r) => exitCodeFor(r.error)));
    const stop = ctx.signal.aborted ? describeStop(ctx.signal) : undefined;
    if (output.flags.json)
      output.json(
        envelope(exitCode, {
          ...(stop ? { stoppedBy: stop } : {}),
          results: results.map((r) => resultJson(r)),
        }),
      );
    else output.batch(() => report(output, results, graph, stop));
    return exitCode;
  } finally {
    await conn.close();
  }
}
