import type { Command } from 'commander';
import type { ActionFactory } from '../context.js';
import { examples } from './help-text.js';

/** ges graph list (loaded only when used). */
export function addGraphCommands(program: Command, action: ActionFactory): void {
  const graph = program
    .command('graph')
    .description("the project's graphs, from the management plane (needs a region)")
    .addHelpText(
      'after',
      examples(
        'ges graph list --region cn-north-4',
        'ges graph list --json | jq -r ".graphs[].name"',
      ),
    );
  graph
    .command('list')
    .description(
      'every graph of the project: name, state, edition, version, addresses, https; ' +
        'refreshes the address cache',
    )
    .addHelpText(
      'after',
      examples(
        'ges graph list',
        'ges graph list --region cn-north-4 -p prod',
        'ges graph list --json',
      ),
    )
    .action(action(async () => (await import('../commands/graph-list.js')).runGraphList));
}
