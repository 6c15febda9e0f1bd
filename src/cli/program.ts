import { Command } from 'commander';
import type { ActionFactory } from './context.js';
import type { Streams } from './output.js';
import { addConfigCommands } from './program/config.js';
import { addFlags, defineFlags, type OptionsOf } from './program/flags.js';
import { addGraphCommands } from './program/graph.js';
import { examples, HELP_WIDTH } from './program/help-text.js';
import { addJobCommands } from './program/job.js';
import { addToolCommands } from './program/tools.js';
import { version } from './version.js';

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
    .configureHelp({ helpWidth: HELP_WIDTH })
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
      ),
    );

  addJobCommands(program, action);
  addGraphCommands(program, action);
  addConfigCommands(program, action);
  addToolCommands(program, action);
  return program;
}
