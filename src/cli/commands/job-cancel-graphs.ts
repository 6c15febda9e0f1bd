import { ConfigError, GesError, NoEndpointError, UsageError } from '../../core/errors.js';
import {
  cancelAcrossGraphs,
  type GraphEvent,
  type GraphsOptions,
  type GraphTarget,
  sortGraphs,
  stoppable,
} from '../../core/ges/cancel-graphs.js';
import {
  cacheAddresses,
  type DiscoveryOptions,
  type ManagedGraph,
  type ManagementApi,
} from '../../core/ges/management.js';
import { canAsk, confirm } from '../confirm.js';
import { type CommandContext, type Connection, connect } from '../context.js';
import { plural } from '../job-report.js';
import { ProjectStop } from '../project-stop.js';

/** What the options ask for, checked before anything is read or sent. */
export interface GraphsPlan {
  concurrency: number;
  statuses: Set<string>;
  /** --yes: do not ask. */
  yes: boolean;
}

const needsRegion = (): ConfigError =>
  new ConfigError(
    '--all-graphs finds the graphs of the project through the management plane: it needs a ' +
      'region (--region, GES_REGION, or region in the profile) or a management endpoint ' +
      '(GES_MANAGEMENT_ENDPOINT, or managementEndpoint in the profile)',
    'e.g. ges job cancel --all --all-graphs --region cn-north-4 --dry-run',
  );

/** The connection to the management plane, or why this form cannot have one. */
async function connectToProject(
  ctx: CommandContext,
  plan: GraphsPlan,
): Promise<Connection & { management: ManagementApi; discovery: DiscoveryOptions }> {
  let conn: Connection;
  try {
    conn = await connect(ctx, undefined, { connections: plan.concurrency });
  } catch (error) {
    // Neither an endpoint nor a region: say what this form needs, a region.
    if (error instanceof NoEndpointError) throw needsRegion();
    throw error;
  }
  const { management, discovery } = conn;
  if (management && discovery && conn.serviceApi) return { ...conn, management, discovery };
  await conn.close();
  throw needsRegion();
}

/** Every graph of the project, behind a spinner; their addresses are cached on the way. */
async function projectGraphs(
  ctx: CommandContext,
  management: ManagementApi,
  discovery: DiscoveryOptions,
): Promise<ManagedGraph[]> {
  const spinner = await ctx.output.spinner(`Listing the graphs of ${discovery.where}`);
  let graphs: ManagedGraph[];
  try {
    graphs = await management.listGraphs();
  } catch (error) {
    if (error instanceof GesError) error.during(`could not list the graphs of ${discovery.where}`);
    throw error;
  } finally {
    spinner.stop();
  }
  await cacheAddresses(graphs, discovery);
  return graphs;
}

/** Reports each event as it comes, behind a status line. */
async function drive(
  ctx: CommandContext,
  stop: ProjectStop,
  events: AsyncIterable<GraphEvent>,
): Promise<void> {
  const status = await stop.report.status(ctx.options, () => stop.progress());
  try {
    for await (const event of events) await stop.handle(event);
  } finally {
    status.stop();
  }
}

/**
 * On a terminal without --yes: reads every list first, shows what would be cancelled on each
 * graph, and cancels those jobs only if the answer is yes (nothing is sent otherwise).
 */
async function askThenCancel(
  ctx: CommandContext,
  stop: ProjectStop,
  targets: GraphTarget[],
  options: GraphsOptions,
): Promise<number> {
  const { output } = ctx;
  const listed: GraphTarget[] = [];
  const spinner = await output.spinner(`Reading the job lists of ${targets.length} graphs`);
  try {
    for await (const event of cancelAcrossGraphs(targets, { ...options, readOnly: true })) {
      if (event.type !== 'listed') await stop.handle(event);
      else {
        stop.listed(event);
        listed.push(event.target);
      }
    }
  } finally {
    spinner.stop();
  }
  if (ctx.signal.aborted) return stop.finish(ctx.signal);
  const plan = stop.plan();
  if (plan.jobs > 0) {
    // Written out before readline writes the question.
    output.batch(() => {
      for (const line of plan.lines) output.notice(line);
    });
    const question =
      `Cancel ${plan.jobs} job${plural(plan.jobs)} on ` +
      `${plan.graphs} graph${plural(plan.graphs)}? [y/N] `;
    if (!(await confirm(ctx, question))) {
      output.info('Nothing cancelled.');
      return stop.finish(undefined, { declined: true });
    }
  }
  for (const target of listed) await stop.reportListed(target);
  const toCancel = listed.filter((t) => t.jobs?.some(stoppable));
  await drive(ctx, stop, cancelAcrossGraphs(toCancel, options));
  return stop.finish(ctx.signal.aborted ? ctx.signal : undefined);
}

/**
 * ges job cancel --all --all-graphs: every cancellable job in the chosen states on every
 * running graph of the project, graphs in parallel within one --concurrency. On a terminal it
 * asks first (unless --yes); without one it needs --yes. --dry-run reads the lists only.
 */
export async function runCancelAllGraphs(ctx: CommandContext, plan: GraphsPlan): Promise<number> {
  const dryRun = ctx.options.dryRun;
  const ask = !dryRun && !plan.yes;
  if (ask && !canAsk(ctx.streams))
    throw new UsageError(
      '--all-graphs cancels jobs on every graph of the project, and there is no terminal ' +
        'to confirm on: add --yes to run it from a script',
      'see what it would cancel first: ges job cancel --all --all-graphs --dry-run',
    );
  const conn = await connectToProject(ctx, plan);
  try {
    if (dryRun && conn.settings.auth.type === 'password')
      throw new UsageError(
        '--all-graphs --dry-run reads every job list, which needs an IAM login with ' +
          'password auth, and --dry-run never logs in',
        'use a token (GES_TOKEN) or AK/SK for the dry run, or leave out --dry-run',
      );
    const { management, discovery } = conn;
    const sorted = sortGraphs(
      await projectGraphs(ctx, management, discovery),
      discovery.network,
      discovery.warn,
    );
    const stop = new ProjectStop(ctx.output, sorted, { dryRun, statuses: plan.statuses });
    const targets = sorted.running.map(({ graph, endpoint }) => ({
      graph: graph.name,
      api: conn.serviceApi!(endpoint),
    }));
    const options = { concurrency: plan.concurrency, signal: ctx.signal, statuses: plan.statuses };
    if (ask) return await askThenCancel(ctx, stop, targets, options);
    await drive(ctx, stop, cancelAcrossGraphs(targets, { ...options, readOnly: dryRun }));
    return stop.finish(ctx.signal.aborted ? ctx.signal : undefined);
  } finally {
    await conn.close();
  }
}
