import { GesError, UsageError } from '../../core/errors.js';
import {
  cacheAddresses,
  type DiscoveryOptions,
  type ManagedGraph,
  type ManagementApi,
  stateWords,
} from '../../core/ges/management.js';
import { graphRecord } from '../../core/records.js';
import { type CommandContext, type Connection, connect } from '../context.js';
import type { Output } from '../output.js';
import { envelope, showDryRun } from '../report.js';

/** ges graph list: the project's graphs from the management plane; refreshes the address cache. */
export async function runGraphList(ctx: CommandContext): Promise<number> {
  const { output } = ctx;
  const conn = await connect(ctx);
  try {
    const { management, discovery } = managementPlane(conn);
    if (ctx.options.dryRun)
      return showDryRun(
        output,
        management.http,
        management.listRequest(),
        ' (and further pages while there are more graphs)',
      );
    const graphs = await listGraphs(output, management, conn.settings.projectId, discovery.where);
    await cacheAddresses(graphs, discovery);
    if (output.flags.json) {
      output.json(
        envelope(0, {
          projectId: conn.settings.projectId,
          region: conn.settings.discovery?.region ?? null,
          graphs: graphs.map(graphRecord),
        }),
      );
    } else if (graphs.length === 0) {
      output.info(`No graphs in ${discovery.where}`);
    } else if (!output.stdoutIsTTY) {
      printRows(output, graphs);
    } else {
      printTable(output, graphs, discovery.where);
    }
    return 0;
  } finally {
    await conn.close();
  }
}

/** The connection's management plane, which only a region or a management endpoint gives. */
function managementPlane(conn: Connection): {
  management: ManagementApi;
  discovery: DiscoveryOptions;
} {
  if (!conn.management || !conn.discovery) {
    throw new UsageError(
      'ges graph list needs the management plane: give a region ' +
        '(--region, GES_REGION, or region in the profile) or a management endpoint',
      'e.g. ges graph list --region cn-north-4',
    );
  }
  return { management: conn.management, discovery: conn.discovery };
}

async function listGraphs(
  output: Output,
  management: ManagementApi,
  projectId: string,
  where: string,
): Promise<ManagedGraph[]> {
  const spinner = await output.spinner(`Listing graphs of project ${projectId}`);
  try {
    return await management.listGraphs();
  } catch (error) {
    if (error instanceof GesError) error.during(`could not list the graphs of ${where}`);
    throw error;
  } finally {
    spinner.stop();
  }
}

/** Scripts: name, state, edition, version, private address, public address, https. */
function printRows(output: Output, graphs: ManagedGraph[]): void {
  output.batch(() => {
    for (const g of graphs)
      output.row([
        g.name,
        stateWords(g.status),
        g.edition ?? '',
        g.version ?? '',
        g.privateIp ?? '',
        g.publicIp ?? '',
        g.https ? 'https' : 'http',
      ]);
  });
}

function printTable(output: Output, graphs: ManagedGraph[], where: string): void {
  output.table([
    ['NAME', 'STATE', 'EDITION', 'VERSION', 'ADDRESS (PRIVATE / PUBLIC)', 'HTTPS'],
    ...graphs.map((g) => [
      g.name,
      stateWords(g.status),
      g.edition ?? '-',
      g.version ?? '-',
      `${g.privateIp ?? '-'} / ${g.publicIp ?? '-'}`,
      g.https ? 'yes' : 'no',
    ]),
  ]);
  output.info(`${graphs.length} graph${graphs.length === 1 ? '' : 's'} in ${where}`);
}
