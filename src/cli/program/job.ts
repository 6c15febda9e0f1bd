import type { Command } from 'commander';
// The job commands are the hot path: bundled with the program, not loaded as chunks of their own.
import { runCancel } from '../commands/job-cancel.js';
import { runList } from '../commands/job-list.js';
import { runStatus } from '../commands/job-status.js';
import { runWait } from '../commands/job-wait.js';
import type { ActionFactory } from '../context.js';
import { addFlags, defineFlags, type OptionsOf } from './flags.js';
import { examples, note } from './help-text.js';

const WAIT_TIMEOUT = {
  flags: '--wait-timeout <duration>',
  description: 'how long the wait may take in all (a plain number is seconds)',
  default: '300s',
} as const;

const INTERVAL = {
  flags: '--interval <duration>',
  description: 'time between polls of a job (default: from 0.5s, growing by half, to 5s)',
} as const;

const CONCURRENCY = {
  flags: '--concurrency <n>',
  description: 'requests in flight when handling many jobs (1-64)',
  default: '8',
} as const;

const CANCEL_FLAGS = defineFlags({
  all: {
    flags: '--all',
    description: 'cancel every waiting, pending or running job of the graph (from the job list)',
  },
  allGraphs: {
    flags: '--all-graphs',
    description:
      'with --all and no graph: every running graph of the project (needs a region; ' +
      'asks first on a terminal)',
  },
  yes: {
    flags: '-y, --yes',
    description: 'with --all-graphs: do not ask (needed without a terminal)',
  },
  status: {
    flags: '--status <list>',
    description:
      'with --all: the states to cancel, comma-separated (default waiting,pending,running)',
  },
  ignoreFinished: {
    flags: '--ignore-finished',
    description: 'a job that already ended or is unknown (GES.8303) counts as done',
  },
  wait: {
    flags: '--wait',
    description: 'once every cancel is sent, wait until each job is gone or has ended',
  },
  waitTimeout: WAIT_TIMEOUT,
  interval: { ...INTERVAL, description: `with --wait: ${INTERVAL.description}` },
  concurrency: CONCURRENCY,
});
export type CancelOptions = OptionsOf<typeof CANCEL_FLAGS>;

const STATUS_FLAGS = defineFlags({
  offset: { flags: '--offset <n>', description: 'first result to return' },
  limit: { flags: '--limit <n>', description: 'how many results to return' },
});
export type StatusOptions = OptionsOf<typeof STATUS_FLAGS>;

const WAIT_FLAGS = defineFlags({
  waitTimeout: WAIT_TIMEOUT,
  interval: INTERVAL,
  concurrency: { ...CONCURRENCY, description: 'jobs polled at once (1-64)' },
});
export type WaitOptions = OptionsOf<typeof WAIT_FLAGS>;

const LIST_FLAGS = defineFlags({
  status: {
    flags: '--status <list>',
    description:
      'only these statuses, comma-separated ' +
      '(waiting,pending,running,success,complete,failed,partiallyFailed)',
  },
  limit: { flags: '--limit <n>', description: 'only the newest n jobs (after --status)' },
  output: {
    flags: '-o, --output <format>',
    description: 'wide: start and end times, can-stop, failure reason too; json: as --json',
  },
  watch: {
    flags: '-w, --watch',
    description: 'keep watching: a live table on a terminal, else one line per change',
  },
  interval: {
    flags: '--interval <duration>',
    description: 'with --watch: how often to read the list (default 2s)',
  },
});
export type ListOptions = OptionsOf<typeof LIST_FLAGS>;

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
        'ges job wait movies a1 a2 --wait-timeout 10m',
      ),
    );
  addCancelCommand(job, action);
  addStatusCommand(job, action);
  addWaitCommand(job, action);
  addListCommand(job, action);
}

function addCancelCommand(job: Command, action: ActionFactory): void {
  addFlags(job.command('cancel'), CANCEL_FLAGS)
    .description('cancel one or more jobs ("-" reads job IDs from stdin, one per line)')
    // The graph may be left out only with --all-graphs: runCancel says so otherwise.
    .argument('[graph]', 'graph name (none with --all-graphs)')
    .argument('[jobId...]', 'job IDs, or "-" for stdin')
    .usage('[options] <graph> [jobId...] | --all --all-graphs')
    .addHelpText(
      'after',
      examples(
        'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
        'ges job cancel movies a1 a2 a3 --ignore-finished --json',
        'ges job cancel movies --all --wait     # clean up a graph in a CI step',
        'ges job list movies --status running | cut -f1 | ges job cancel movies -',
        'ges job cancel --all --all-graphs --region cn-north-4 --dry-run',
        'ges job cancel --all --all-graphs --yes --json   # stop the whole project',
      ),
    )
    .action(action(async () => runCancel));
}

function addStatusCommand(job: Command, action: ActionFactory): void {
  addFlags(job.command('status'), STATUS_FLAGS)
    .description('show one job: its status, kind, progress and times (and result pages)')
    .argument('<graph>', 'graph name')
    .argument('<jobId>', 'job ID')
    .addHelpText(
      'after',
      examples(
        'ges job status movies a1',
        'ges job status movies a1 --json --offset 0 --limit 100 | jq .data',
      ),
    )
    .action(action(async () => runStatus));
}

function addWaitCommand(job: Command, action: ActionFactory): void {
  addFlags(job.command('wait'), WAIT_FLAGS)
    .description('wait until each job has ended (any status but waiting, pending and running)')
    .argument('<graph>', 'graph name')
    .argument('<jobId...>', 'job IDs, or "-" for stdin')
    .addHelpText(
      'after',
      note(
        'Exits 0 when every job ended in success or complete, 4 when one ended otherwise ' +
          'or is unknown, 1 when the wait ran out.',
      ) +
        examples(
          'ges job wait movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
          'ges job wait movies a1 a2 --wait-timeout 10m --json',
        ),
    )
    .action(action(async () => runWait));
}

function addListCommand(job: Command, action: ActionFactory): void {
  addFlags(job.command('list'), LIST_FLAGS)
    .description("list the graph's jobs, newest first")
    .argument('<graph>', 'graph name')
    .addHelpText(
      'after',
      examples(
        'ges job list movies',
        'ges job list movies --status running,pending --limit 10',
        'ges job list movies -o wide',
        'ges job list movies --watch                   # Ctrl-C stops it',
        'ges job list movies -w --max-time 10m | cat   # a line per change',
        'ges job list movies --json | jq -r ".jobs[].jobId"',
      ),
    )
    .action(action(async () => runList));
}
