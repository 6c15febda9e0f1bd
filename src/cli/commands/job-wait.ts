import { type GesError, InterruptedError } from '../../core/errors.js';
import type { GesApi } from '../../core/ges/api.js';
import { POLL_PAGE, type WaitResult, waitJobs } from '../../core/ges/wait.js';
import type { PreparedRequest } from '../../core/http/client.js';
import type { WaitOutcome } from '../../core/library/types.js';
import { mapConcurrent } from '../../core/pool.js';
import { waitOutcome, waitRecord, waitStatus } from '../../core/records.js';
import { checkGraph, checkJobId } from '../../core/validate.js';
import { type CommandContext, connect } from '../context.js';
import { JobReport, type JobView } from '../job-report.js';
import { JobIdSource, parseConcurrency, parseInterval, parseWaitTimeout } from '../jobs.js';
import type { Output } from '../output.js';
import type { WaitOptions } from '../program/job.js';
import { DryRunPrinter, showLookup } from '../report.js';

/** A wait's result as the command reports it; under --dry-run, the poll it would send. */
type WaitRow = WaitResult & { request?: PreparedRequest };

/**
 * success | failed | timeout | unknown (GES no longer knows it) | error (could not be followed)
 * | interrupted (the run was stopped first) | dry-run.
 */
const WAIT_OUTCOMES: readonly WaitOutcome[] = [
  'success',
  'failed',
  'timeout',
  'unknown',
  'error',
  'interrupted',
  'dry-run',
];

const SUMMARY_WORDS: [string, string][] = [
  ['success', 'ended well'],
  ['failed', 'ended otherwise'],
  ['timeout', 'still going when the wait ran out'],
  ['unknown', 'unknown to GES'],
  ['error', 'could not be followed'],
  ['interrupted', 'not seen ending'],
];

/** How job wait reports each job: a line as it stops. */
class WaitView implements JobView<WaitRow> {
  private readonly interrupted = { count: 0, first: [] as string[] };

  constructor(
    private readonly output: Output,
    private readonly timeoutMs: number,
    private readonly dryRun?: DryRunPrinter,
  ) {}

  outcome = waitOutcome;
  error = (r: WaitRow): GesError | undefined => r.error;
  json = waitRecord;

  show(r: WaitRow, report: JobReport<WaitRow>): void {
    const outcome = waitOutcome(r);
    if (outcome === 'dry-run') this.dryRun?.show(r.request!, r.graph, r.jobId);
    else if (outcome === 'success') {
      const line = `Job ${r.jobId} on graph ${r.graph} ended: ${waitStatus(r) ?? 'gone'}`;
      this.output.result(line, { mark: true });
    } else if (outcome === 'interrupted') {
      if (this.interrupted.count++ < 10) this.interrupted.first.push(r.jobId);
    } else this.showFailure(r, outcome, report);
  }

  private showFailure(r: WaitRow, outcome: string, report: JobReport<WaitRow>): void {
    const { output } = this;
    const job = `job ${r.jobId} on graph ${r.graph}`;
    const error = r.error!;
    if (outcome === 'failed') {
      output.error(`${job} ended: ${waitStatus(r)}`);
      report.hint(
        `see its details with: ges job status ${r.graph} <jobId> --json`,
        `see its details with: ges job status ${r.graph} ${r.jobId} --json`,
      );
      return;
    }
    if (outcome === 'unknown')
      output.error(
        `GES does not know ${job} (GES.8301): it ended long ago, was cancelled, or the ID is wrong`,
      );
    else if (outcome === 'timeout')
      output.error(`${job}: ${error.message} (after ${this.timeoutMs / 1000} s)`);
    else output.error(`could not follow ${job}: ${error.message}`);
    report.hintFor(error, r.graph, r.jobId);
  }

  end(): void {
    if (this.dryRun) {
      this.dryRun.end();
      this.output.info(
        `each job would be polled until it ends, at most ${this.timeoutMs / 1000} s`,
      );
    }
    const { count, first } = this.interrupted;
    if (count === 0) return;
    this.output.error(
      `not seen ending: ${count === 1 ? 'job' : `${count} jobs`} ` +
        `${first.join(', ')}${count > first.length ? ', …' : ''}`,
    );
  }

  summary(counts: Readonly<Record<string, number>>): string[] {
    if (counts['dry-run']) return [`${counts['dry-run']} jobs would be polled`];
    return SUMMARY_WORDS.filter(([key]) => counts[key]).map(
      ([key, words]) => `${counts[key]} ${words}`,
    );
  }
}

/** --dry-run: the first poll of each job, as the IDs come. */
function plannedPolls(
  api: GesApi,
  graph: string,
  ids: JobIdSource,
  concurrency: number,
  signal: AbortSignal,
): AsyncIterable<WaitRow> {
  return mapConcurrent(ids, { concurrency, signal }, async (jobId) => ({
    graph,
    jobId: checkJobId(jobId),
    request: await api.http.describe(api.statusRequest(graph, jobId, POLL_PAGE)),
  }));
}

export async function runWait(
  ctx: CommandContext,
  graphArg: string,
  jobArgs: string[],
  opts: WaitOptions,
): Promise<number> {
  const { output, signal } = ctx;
  const timeoutMs = parseWaitTimeout(opts.waitTimeout);
  const dryRun = ctx.options.dryRun ? new DryRunPrinter(output) : undefined;
  const report = new JobReport<WaitRow>(
    output,
    new WaitView(output, timeoutMs, dryRun),
    WAIT_OUTCOMES,
  );
  let graph = checkGraph(graphArg);
  const concurrency = parseConcurrency(opts.concurrency);
  const intervalMs = parseInterval(opts.interval);
  const ids = new JobIdSource(jobArgs, { streams: ctx.streams, signal });
  if (!(await ids.hasAny())) {
    if (!signal.aborted) output.info('No job IDs on stdin: nothing to wait for');
    return report.finish({ stopped: signal.aborted ? signal : undefined, stdin: ids.stdinState });
  }
  const conn = await connect(ctx, graph, { connections: concurrency });
  graph = conn.graph ?? graph;
  if (dryRun && conn.lookup && !output.flags.json) showLookup(output, conn.lookup);
  const status = await report.status(ctx.options, () => {
    const ok = report.jobs - report.failed;
    return (
      `Waiting for jobs on graph ${graph}: ${ok} stopped, ` +
      `${ids.taken - report.jobs} waiting, ${report.failed} failed`
    );
  });
  let error: GesError | undefined;
  try {
    error = await report.drain(
      dryRun
        ? plannedPolls(conn.api, graph, ids, concurrency, signal)
        : waitJobs(conn.api, graph, ids, {
            deadline: Date.now() + timeoutMs,
            concurrency,
            signal,
            intervalMs,
          }),
    );
    if (signal.aborted)
      for (const jobId of ids.unreached())
        await report.add({
          graph,
          jobId,
          error: new InterruptedError('interrupted before its wait began', 0, false, signal.reason),
        });
  } finally {
    status.stop();
    await conn.close();
  }
  return report.finish({
    stopped: signal.aborted ? signal : undefined,
    error,
    stdin: ids.stdinState,
    duplicates: ids.duplicates,
    fields: dryRun && conn.lookup ? { lookup: conn.lookup } : {},
  });
}
