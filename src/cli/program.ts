import { Command } from 'commander';
import type { ActionFactory } from './context.js';
import type { Streams } from './output.js';
import { addConfigCommands } from './program/config.js';
import { addGraphCommands } from './program/graph.js';
import { examples, HELP_WIDTH } from './program/help-text.js';
import { addJobCommands } from './program/job.js';
import { addToolCommands } from './program/tools.js';
import { version } from './version.js';

/** The whole command tree: commands, options, help texts; actions come from `action`. */
export function createProgram(streams: Streams, action: ActionFactory): Command {
  const program = new Command('ges')
    .description('Command-line tool for Huawei Cloud Graph Engine Service (GES) jobs')
    .version(version(), '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureHelp({ helpWidth: HELP_WIDTH })
    .option('-p, --profile <name>', 'config profile to use (env GES_PROFILE)')
    .option('--config <file>', 'config file to use instead of searching (env GES_CONFIG)')
    .option('--endpoint <url>', "the graph's service-plane address (env GES_ENDPOINT)")
    .option(
      '--region <name>',
      "find graphs by name through this region's management plane (env GES_REGION)",
    )
    .option('--project-id <id>', 'Huawei Cloud project ID (env GES_PROJECT_ID)')
    .option('--json', 'print one JSON document on stdout', false)
    .option('-q, --quiet', 'print nothing on success', false)
    .option('-v, --verbose', 'trace requests and responses on stderr (secrets masked)', false)
    .option('--timeout <seconds>', 'per-attempt timeout in seconds (default 30)')
    .option(
      '--retries <n>',
      'retries on connection errors, timeouts, 429, 500, 502, 503, 504 (default 2)',
    )
    .option('--ca-cert <pem>', 'also trust the CA certificates in this PEM file')
    .option('--insecure', 'do not verify TLS certificates (warns on every run)')
    .option('--dry-run', 'print the requests instead of sending them', false)
    .option(
      '--max-time <seconds>',
      'a deadline for the whole run: when it passes, stop as on Ctrl-C, report, exit 1',
    )
    .option('--no-color', 'no colour, even on a terminal')
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
