import { Command } from 'commander';
import { version } from '../core/version.js';
import type { ActionFactory, CommandContext } from './context.js';
import { topicList } from './help/topics.js';
import type { Streams } from './output.js';
import { addConfigCommands } from './program/config.js';
import { addDoctorCommand } from './program/doctor.js';
import { addFlags, defineFlags, type OptionsOf } from './program/flags.js';
import { addGraphCommands } from './program/graph.js';
import { examples, HELP_FOOTER, HELP_LAYOUT } from './program/help-text.js';
import { addJobCommands } from './program/job.js';
import { addToolCommands } from './program/tools.js';

/** The options every command takes (commander's "global" options). */
export const GLOBAL_FLAGS = defineFlags({
  profile: {
    flags: '-p, --profile <name>',
    description: 'config profile to use (env GES_PROFILE)',
  },
  config: {
    flags: '--config <file>',
    description: 'config file to use instead of searching (env GES_CONFIG)',
  },
  endpoint: {
    flags: '--endpoint <url>',
    description: "the graph's service-plane address (env GES_ENDPOINT)",
  },
  region: {
    flags: '--region <name>',
    description: "find graphs by name through this region's management plane (env GES_REGION)",
  },
  projectId: {
    flags: '--project-id <id>',
    description: 'Huawei Cloud project ID (env GES_PROJECT_ID)',
  },
  json: { flags: '--json', description: 'print one JSON document on stdout', default: false },
  jsonl: {
    flags: '--jsonl',
    description: 'print JSON lines: one a job as each ends, then a summary (else one document)',
    default: false,
  },
  quiet: { flags: '-q, --quiet', description: 'print nothing on success', default: false },
  verbose: {
    flags: '-v, --verbose',
    description: 'trace requests and responses on stderr (secrets masked)',
    default: false,
  },
  timeout: {
    flags: '--timeout <duration>',
    description: 'bound on each attempt, first byte sent to last byte read (default 30s)',
  },
  connectTimeout: {
    flags: '--connect-timeout <duration>',
    description: 'bound on reaching the server or proxy, TLS included (default 10s)',
  },
  retries: {
    flags: '--retries <n>',
    description: 'retries on connection errors, timeouts, 429, 500, 502, 503, 504 (default 2)',
  },
  caCert: {
    flags: '--ca-cert <pem>',
    description: 'also trust the CA certificates in this PEM file',
  },
  insecure: {
    flags: '--insecure',
    description: 'do not verify TLS certificates (warns on every run)',
  },
  dryRun: {
    flags: '--dry-run',
    description: 'print the requests instead of sending them',
    default: false,
  },
  maxTime: {
    flags: '--max-time <duration>',
    description: 'a deadline for the whole run: when it passes, stop as on Ctrl-C, report, exit 1',
  },
  progressEvery: {
    flags: '--progress-every <duration>',
    description:
      'in long runs without a spinner: a progress line on stderr after this much silence ' +
      '(default 30s, 0: off)',
  },
  color: { flags: '--no-color', description: 'no colour, even on a terminal' },
});

export type GlobalOptions = OptionsOf<typeof GLOBAL_FLAGS>;

/** The whole command tree: commands, options, help texts; actions come from `action`. */
export function createProgram(streams: Streams, action: ActionFactory): Command {
  const program = new Command('ges')
    .description('Command-line tool for Huawei Cloud Graph Engine Service (GES) jobs')
    .version(version(), '--version', 'print the version')
    .helpOption('-h, --help', 'show help');
  addFlags(program, GLOBAL_FLAGS)
    .configureHelp(HELP_LAYOUT)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: () => {
        // Reported below, as text or JSON, once.
      },
    })
    .addHelpText(
      'after',
      examples(
        'ges emulator --port 0 &',
        'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
        'ges job list movies --json',
        'ges help exit-codes',
      ),
    )
    .addHelpText('afterAll', ({ command }) => (command === program ? topicList() : HELP_FOOTER));

  addJobCommands(program, action);
  addGraphCommands(program, action);
  addConfigCommands(program, action);
  addDoctorCommand(program, action);
  addToolCommands(program, action);
  addHelpCommands(program, action);
  return program;
}

/**
 * `ges help [command...|topic]`, and `ges <group> help [command...]` as commander's own help
 * command would have it (which reads only the first word: `ges help job cancel` showed job).
 */
function addHelpCommands(program: Command, action: ActionFactory): void {
  const help = (group: Command): void => {
    group
      .command('help', { hidden: group !== program })
      .description('show the help of a command, or a help topic')
      .argument('[command...]', 'a command (job cancel) or a topic (exit-codes)')
      .addHelpText(
        'after',
        examples(
          'ges help                      # the commands and the topics',
          'ges help job cancel           # as ges job cancel --help',
          'ges help exit-codes',
        ),
      )
      .action(
        action(async () => {
          const { runHelp } = await import('./help.js');
          const path = group === program ? [] : [group.name()];
          return async (ctx: CommandContext, words: string[]) =>
            runHelp(program, ctx.streams.stdout, [...path, ...words]);
        }),
      );
  };
  for (const group of program.commands) if (group.commands.length) help(group);
  help(program);
  program
    .command('__help-data', { hidden: true })
    .description('every command and topic as JSON, for the man page (.ci/man.mjs)')
    .action(
      action(async () => {
        const { helpData } = await import('./help.js');
        return async (ctx: CommandContext) => {
          ctx.streams.stdout.write(`${JSON.stringify(await helpData(program))}\n`);
          return 0;
        };
      }),
    );
}
