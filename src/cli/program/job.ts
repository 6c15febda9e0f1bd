import type { Command } from 'commander';
// The job commands are the hot path: bundled with the program (one module to load, not a dozen
// chunks).
// --help and --version never load the program at all (bin/ges.cjs answers them).
import { runCancel } from '../commands/job-cancel.js';
import { runList } from '../commands/job-list.js';
import { runStatus } from '../commands/job-status.js';
import { runWait } from '../commands/job-wait.js';
import type { ActionFactory } from '../context.js';
import { examples } from './help-text.js';

/** ges job cancel | status | wait | list */
export function addJobCommands(program: Command, action: ActionFactory): void {
  const job = program
    .command('job')
    .description("cancel, inspect and list a graph's jobs")
    .addHelpText(
      'after',
      examples(
        'ges job list movies',
        'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
        'ges job wait movies a1 a2 --wait-timeout 600',
      ),
    );
  job
    .command('cancel')
    .description('cancel one or more jobs ("-" reads job IDs from stdin, one per line)')
    .argument('<graph>', 'graph name')
    .argument('[jobId...]', 'job IDs, or "-" for stdin')
    .option(
      '--all',
      'cancel every waiting, pending or running job of the graph (from the job list)',
    )
    .option(
      '--status <list>',
      'with --all: the states to cancel, comma-separated (default waiting,pending,running)',
    )
    .option('--ignore-finished', 'a job that already ended or is unknown (GES.8303) counts as done')
    .option('--wait', 'once every cancel is sent, wait until each job is gone or has ended')
    .option('--wait-timeout <seconds>', 'how long the run may take with --wait, in all', '300')
    .option('--concurrency <n>', 'requests in flight when cancelling many jobs (1-64)', '8')
    .addHelpText(
      'after',
      examples(
        'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
        'ges job cancel movies a1 a2 a3 --ignore-finished --json',
        'ges job cancel movies --all --wait            # clean up a graph in a CI step',
        'ges job list movies --status running | cut -f1 | ges job cancel movies -',
      ),
    )
    .action(action(async () => runCancel));
  job
    .command('status')
    .description("show one job's status (and result pages with --offset/--limit)")
    .argument('<graph>', 'graph name')
    .argument('<jobId>', 'job ID')
    .option('--offset <n>', 'first result to return')
    .option('--limit <n>', 'how many results to return')
    .addHelpText(
      'after',
      examples(
        'ges job status movies a1',
        'ges job status movies a1 --json --offset 0 --limit 100 | jq .data',
      ),
    )
    .action(action(async () => runStatus));
  job
    .command('wait')
    .description('wait until each job has ended (any status but waiting, pending and running)')
    .argument('<graph>', 'graph name')
    .argument('<jobId...>', 'job IDs, or "-" for stdin')
    .option('--wait-timeout <seconds>', 'how long to wait in all', '300')
    .option('--concurrency <n>', 'jobs polled at once (1-64)', '8')
    .addHelpText(
      'after',
      '\nExits 0 when every job ended in success or complete, 4 when one ended otherwise or ' +
        `is unknown,\n1 when the wait ran out.\n${examples(
          'ges job wait movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
          'ges job wait movies a1 a2 --wait-timeout 600 --json',
        )}`,
    )
    .action(action(async () => runWait));
  job
    .command('list')
    .description("list the graph's jobs")
    .argument('<graph>', 'graph name')
    .option(
      '--status <list>',
      'only these statuses, comma-separated ' +
        '(waiting,pending,running,success,complete,failed,partiallyFailed)',
    )
    .addHelpText(
      'after',
      examples(
        'ges job list movies',
        'ges job list movies --status running,pending',
        'ges job list movies --json | jq -r ".jobs[].jobId"',
      ),
    )
    .action(action(async () => runList));
}
