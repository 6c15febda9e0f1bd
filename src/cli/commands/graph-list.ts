import { GesError, UsageError } from '../../core/errors.js';
import { cacheAddresses, type ManagedGraph, stateWords } from '../../core/ges/management.js';
import { graphRecord } from '../../core/records.js';
import { type CommandContext, connect } from '../context.js';
import { envelope, showDryRun } from '../report.js';

/** ges graph list: the project's graphs from the management plane; refreshes the address cache. */
export async function runGraphList(ctx: CommandContext): Promise<number> {
  const { output } = ctx;
  const conn = await connect(ctx);
  try {
    if (!conn.management || !conn.discovery) {
      throw new UsageError(
        'ges graph list needs the management plane: give a region ' +
          '(--region, GES_REGION, or region in the profile) or a management endpoint',
        'e.g. ges graph list --region cn-north-4',
      );
    }
    if (ctx.options.dryRun)
      return showDryRun(
        output,
        conn.management.http,
        conn.management.listRequest(),
        ' (and further pages while there are more graphs)',
      );
    const spinner = await output.spinner(`Listing graphs of project ${conn.settings.projectId}`);
    let graphs: ManagedGraph[];
    try {
      graphs = await conn.management.listGraphs();
    } catch (error) {
      if (error instanceof GesError)
        error.during(`could not list the graphs of ${conn.discovery.where}`);
      throw error;
    } finally {
      spinner.stop();
    }
    await cacheAddresses(graphs, conn.discovery);
    if (output.flags.json) {
      output.json(
        envelope(0, {
          projectId: conn.settings.projectId,
          region: conn.settings.discovery?.region ?? null,
          graphs: graphs.map(graphRecord),
        }),
      );
      return 0;
    }
    if (graphs.length === 0) {
      output.info(`No graphs in ${conn.discovery.where}`);
      return 0;
    }
    const rows = graphs.map((g) => [
      g.name,
      stateWords(g.status),
      g.edition ?? '-',
      g.version ?? '-',
      `${g.privateIp ?? '-'} / ${g.publicIp ?? '-'}`,
      g.https ? 'yes' : 'no',
    ]);
    if (!output.stdoutIsTTY) {
      // Scripts: name, state, edition, version, private address, public address, https.
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
      return 0;
    }
    output.table([
      ['NAME', 'STATE', 'EDITION', 'VERSION', 'ADDRESS (PRIVATE / PUBLIC)', 'HTTPS'],
      ...rows,
    ]);
    output.info(
      `${graphs.length} graph${graphs.length === 1 ? '' : 's'} in ${conn.discovery.where}`,
    );
    return 0;
  } finally {
    await conn.close();
  }
}
