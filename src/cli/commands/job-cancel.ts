import { InterruptedError, UsageError } from '../../core/errors.js';
import { cancelJobs, type CancelResult } from '../../core/ges/cancel.js';
import { checkGraph, checkJobId, parseNumberOption } from '../../core/validate.js';
import { connect, type CommandContext } from '../context.js';
import { EXIT, combineExitCodes, exitCodeFor } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { showRequest } from '../report.js';
import { readIdLines } from '../stdin.js';

export interface CancelOptions {
  concurrency: string;
}

/** The IDs from the arguments, with "-" replaced by the lines of stdin. */
async function collectJobIds(args: string[], stdin: NodeJS.ReadableStream): Promise<string[]> {
  const dashes = args.filter((a) => a === '-').length;
  if (dashes > 1) throw new UsageError('"-" (read job IDs from stdin) may be given only once');
  const ids: string[] = [];
  for (const arg of args) ids.push(...(arg === '-' ? await readIdLines(stdin) : [arg]));
  if (ids.length === 0) throw new UsageError('no job IDs: stdin held none', 'pass job IDs as arguments, or one per line on stdin with "-"');
  for (const id of ids) checkJobId(id);
  return [...new Set(ids)];
}

/** One job's entry in the --json document, keys in a fixed order. */
function resultJson(r: Omit<CancelResult, 'error'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { graph, jobId, outcome, httpStatus, errorCode, errorMessage, attempts, note } = r;
  return { graph, jobId, outcome, httpStatus, errorCode, errorMessage, attempts, ...(note ? { note } : {}), ...extra };
}

export async function runCancel(ctx: CommandContext, graphArg: string, jobArgs: string[], opts: CancelOptions): Promise<number> {
  const { output } = ctx;
  const graph = checkGraph(graphArg);
  const concurrency = parseNumberOption('--concurrency', opts.concurrency, { min: 1, max: 64, integer: true });
  const jobIds = await collectJobIds(jobArgs, ctx.streams.stdin);
  const conn = await connect(ctx);
  try {
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
    const results = await cancelJobs(conn.api, graph, jobIds, {
      concurrency,
      signal: ctx.signal,
      onResult: () => spinner.update(`Cancelling jobs on graph ${graph}: ${++done}/${jobIds.length}`),
    });
    spinner.stop();
    const exitCode = combineExitCodes(results.map((r) => exitCodeFor(r.error)));

    if (output.flags.json) {
      output.json({ ok: exitCode === 0, exitCode, results: results.map((r) => resultJson(r)) });
      return exitCode;
    }
    const { out } = output;
    for (const r of results) {
      if (r.outcome === 'cancelled') {
        output.result(`${out.green('✓')} Cancelled job ${r.jobId} on graph ${graph}`);
        continue;
      }
      output.error(`could not cancel job ${r.jobId} on graph ${graph}: ${r.error?.message ?? r.errorMessage}`);
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
      const cancelled = results.filter((r) => r.outcome === 'cancelled').length;
      output.info(`${cancelled} of ${results.length} jobs cancelled${cancelled < results.length ? `, ${results.length - cancelled} failed` : ''}`);
    }
    return exitCode;
  } finally {
    await conn.close();
  }
}
