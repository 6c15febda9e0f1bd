import { GesCliError, HttpError, WaitTimeoutError } from '../../core/errors.js';
import { runPool } from '../../core/pool.js';
import { GES_ERRORS } from '../../core/ges/constants.js';
import { POLL_PAGE, waitForJob } from '../../core/ges/wait.js';
import { checkGraph, parseNumberOption } from '../../core/validate.js';
import { connect, type CommandContext } from '../context.js';
import { EXIT, combineExitCodes, exitCodeFor } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { errorJson, showDryRun } from '../report.js';
import { collectJobIds, parseWaitTimeout } from './job-ids.js';

export interface WaitOptions {
  concurrency: string;
  waitTimeout: string;
}

export type WaitOutcome = 'success' | 'failed' | 'timeout' | 'unknown' | 'error';

interface WaitResult {
  graph: string;
  jobId: string;
  outcome: WaitOutcome;
  /** The last status seen; null when none was. */
  status: string | null;
  exitCode: number;
  error?: GesCliError;
}

const SUCCESS = new Set(['success', 'complete']);

export async function runWait(ctx: CommandContext, graphArg: string, jobArgs: string[], opts: WaitOptions): Promise<number> {
  const { output } = ctx;
  const graph = checkGraph(graphArg);
  const concurrency = parseNumberOption('--concurrency', opts.concurrency, { min: 1, max: 64, integer: true });
  const timeoutMs = parseWaitTimeout(opts.waitTimeout);
  const jobIds = await collectJobIds(jobArgs, ctx.streams.stdin);
  const conn = await connect(ctx);
  try {
    if (ctx.options.dryRun) {
      const request = conn.api.statusRequest(graph, jobIds[0]!, POLL_PAGE);
      return showDryRun(output, conn.api.http, request, ` (repeated for each job until it ends, at most ${timeoutMs / 1000} s)`);
    }
    const deadline = Date.now() + timeoutMs;
    const spinner = await output.spinner(`Waiting for ${jobIds.length === 1 ? `job ${jobIds[0]}` : `${jobIds.length} jobs`} on graph ${graph}`);
    let ended = 0;
    const results = await runPool(jobIds, concurrency, async (jobId): Promise<WaitResult> => {
      const base = { graph, jobId };
      let result: WaitResult;
      try {
        const end = await waitForJob(conn.api, graph, jobId, { deadline, signal: ctx.signal });
        if (end.state === 'terminal') {
          const ok = SUCCESS.has(end.status);
          result = { ...base, outcome: ok ? 'success' : 'failed', status: end.status, exitCode: ok ? EXIT.ok : EXIT.clientError };
        } else if (end.state === 'gone') {
          const error = new HttpError(`GES does not know job ${jobId} (GES.8301): it ended long ago, was cancelled, or the ID is wrong`, 400, GES_ERRORS.jobNotFound, null, 1);
          result = { ...base, outcome: 'unknown', status: null, exitCode: EXIT.clientError, error };
        } else {
          const error = new WaitTimeoutError(`job ${jobId} was still ${end.status ?? 'running'} after ${timeoutMs / 1000} s`);
          result = { ...base, outcome: 'timeout', status: end.status, exitCode: EXIT.noAnswer, error };
        }
      } catch (error) {
        if (!(error instanceof GesCliError)) throw error;
        result = { ...base, outcome: 'error', status: null, exitCode: exitCodeFor(error), error };
      }
      spinner.update(`Waiting for jobs on graph ${graph}: ${++ended}/${jobIds.length} ended`);
      return result;
    });
    spinner.stop();
    const exitCode = combineExitCodes(results.map((r) => r.exitCode));
    if (output.flags.json) {
      output.json({
        ok: exitCode === 0,
        exitCode,
        results: results.map(({ graph: g, jobId, outcome, status, error }) => ({ graph: g, jobId, outcome, status, ...(error ? { error: errorJson(error) } : {}) })),
      });
      return exitCode;
    }
    for (const r of results) {
      if (r.outcome === 'success') output.result(`${output.out.green('✓')} Job ${r.jobId} on graph ${graph} ended: ${r.status}`);
      else if (r.outcome === 'failed') output.error(`job ${r.jobId} on graph ${graph} ended: ${r.status}`, `see its details with: ges job status ${graph} ${r.jobId} --json`);
      else output.error(r.outcome === 'error' ? `could not follow job ${r.jobId} on graph ${graph}: ${r.error!.message}` : r.error!.message, hintFor(r.error, { graph, jobId: r.jobId }));
    }
    return exitCode;
  } finally {
    await conn.close();
  }
}
