import { GesError } from '../../core/errors.js';
import { checkGraph, checkJobId, parseNumberOption } from '../../core/validate.js';
import { type CommandContext, connect } from '../context.js';
import type { StatusOptions } from '../program/job.js';
import { envelope, showDryRun } from '../report.js';

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

export async function runStatus(
  ctx: CommandContext,
  graphArg: string,
  jobArg: string,
  opts: StatusOptions,
): Promise<number> {
  const { output } = ctx;
  let graph = checkGraph(graphArg);
  const jobId = checkJobId(jobArg);
  const page = {
    offset:
      opts.offset === undefined
        ? undefined
        : parseNumberOption('--offset', opts.offset, { min: 0, max: 2 ** 31 - 1, integer: true }),
    limit:
      opts.limit === undefined
        ? undefined
        : parseNumberOption('--limit', opts.limit, { min: 1, max: 2 ** 31 - 1, integer: true }),
  };
  const conn = await connect(ctx, graph);
  graph = conn.graph ?? graph;
  try {
    if (ctx.options.dryRun)
      return showDryRun(
        output,
        conn.api.http,
        conn.api.statusRequest(graph, jobId, page),
        '',
        conn.lookup,
      );
    const spinner = await output.spinner(`Reading job ${jobId} on graph ${graph}`);
    let status: Awaited<ReturnType<typeof conn.api.jobStatus>>;
    try {
      status = await conn.api.jobStatus(graph, jobId, page);
    } catch (error) {
      if (error instanceof GesError)
        error.during(`could not read job ${jobId} on graph ${graph}`, { graph, jobId });
      throw error;
    } finally {
      spinner.stop();
    }
    const data = status.body.data ?? null;
    if (output.flags.json) {
      output.json(
        envelope(0, {
          graph,
          jobId,
          status: status.status,
          result: status.body.result ?? null,
          data,
          attempts: status.attempts,
        }),
      );
      return 0;
    }
    const style =
      status.status === 'failed'
        ? 'red'
        : /^(success|complete)$/.test(status.status)
          ? 'green'
          : 'cyan';
    output.result(`Job ${jobId} on graph ${graph}: `, { tail: { text: status.status, style } });
    const results = describeOutputs(data);
    if (results) output.result(`Results: ${results}; --json prints them`);
    return 0;
  } finally {
    await conn.close();
  }
}
