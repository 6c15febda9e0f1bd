import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';
import type { Streams } from './output.js';
// The job commands are the hot path: bundled with the program (one module to load, not a dozen chunks).
// --help and --version never load the program at all (bin/ges.js answers them).
import { runCancel } from './commands/job-cancel.js';
import { runList } from './commands/job-list.js';
import { runStatus } from './commands/job-status.js';
import { runWait } from './commands/job-wait.js';
import { EMULATOR_DEFAULTS } from '../emulator/defaults.js';
import { version } from './version.js';

/** Loads a command's implementation (lazily: --help and other commands never pay for it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loader = () => Promise<(ctx: CommandContext, ...args: any[]) => Promise<number>>;
/** Turns a loader into a commander action (main.ts supplies context, Ctrl-C and exit codes). */
export type ActionFactory = (load: Loader) => (...args: unknown[]) => Promise<void>;

/** Help is laid out for 80 columns everywhere, so the cached help (see main.ts) is the same text. */
export const HELP_WIDTH = 80;

const EXIT_CODES_HELP = `
Exit codes:
  0  success          1  no usable answer (network, timeout, bad body)
  2  usage or config  3  HTTP 3xx   4  HTTP 4xx   5  HTTP 5xx
  130 / 143 / 129  interrupted by Ctrl-C / SIGTERM / SIGHUP (1 when --max-time stops it)`;

/** For repeatable options. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n${EXIT_CODES_HELP}`;
}

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
    .option('--project-id <id>', 'Huawei Cloud project ID (env GES_PROJECT_ID)')
    .option('--json', 'print one JSON document on stdout', false)
    .option('-q, --quiet', 'print nothing on success', false)
    .option('-v, --verbose', 'trace requests and responses on stderr (secrets masked)', false)
    .option('--timeout <seconds>', 'per-attempt timeout in seconds (default 30)')
    .option('--retries <n>', 'retries on connection errors, timeouts, 429, 500, 502, 503, 504 (default 2)')
    .option('--ca-cert <pem>', 'also trust the CA certificates in this PEM file')
    .option('--insecure', 'do not verify TLS certificates (warns on every run)')
    .option('--dry-run', 'print the requests instead of sending them', false)
    .option('--max-time <seconds>', 'a deadline for the whole run: when it passes, stop as on Ctrl-C, report, exit 1')
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
    .addHelpText('after', examples('ges emulator --port 0 &', 'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122', 'ges job list movies --json'));

  const job = program
    .command('job')
    .description("cancel, inspect and list a graph's jobs")
    .addHelpText('after', examples('ges job list movies', 'ges job cancel movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122', 'ges job wait movies a1 a2 --wait-timeout 600'));
  job
    .command('cancel')
    .description('cancel one or more jobs ("-" reads job IDs from stdin, one per line)')
    .argument('<graph>', 'graph name')
    .argument('[jobId...]', 'job IDs, or "-" for stdin')
    .option('--all', 'cancel every pending or running job of the graph (from the job list)')
    .option('--status <list>', 'with --all: the states to cancel, comma-separated (default pending,running)')
    .option('--ignore-finished', 'a job that already ended or is unknown (GES.8303) counts as done')
    .option('--wait', 'after each cancel, wait until the job is gone or has ended')
    .option('--wait-timeout <seconds>', 'how long --wait waits in all', '300')
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
    .addHelpText('after', examples('ges job status movies a1', 'ges job status movies a1 --json --offset 0 --limit 100 | jq .data'))
    .action(action(async () => runStatus));
  job
    .command('wait')
    .description('wait until each job has ended (success, failed, complete, partiallyFailed)')
    .argument('<graph>', 'graph name')
    .argument('<jobId...>', 'job IDs, or "-" for stdin')
    .option('--wait-timeout <seconds>', 'how long to wait in all', '300')
    .option('--concurrency <n>', 'jobs polled at once (1-64)', '8')
    .addHelpText(
      'after',
      `\nExits 0 when every job ended in success or complete, 4 when one failed or is unknown, 1 when the wait ran out.\n${examples(
        'ges job wait movies 4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
        'ges job wait movies a1 a2 --wait-timeout 600 --json',
      )}`,
    )
    .action(action(async () => runWait));
  job
    .command('list')
    .description("list the graph's jobs")
    .argument('<graph>', 'graph name')
    .option('--status <list>', 'only these statuses, comma-separated (pending,running,success,complete,failed,partiallyFailed)')
    .addHelpText('after', examples('ges job list movies', 'ges job list movies --status running,pending', 'ges job list movies --json | jq -r ".jobs[].jobId"'))
    .action(action(async () => runList));

  const config = program
    .command('config')
    .description('show, write and trust configuration profiles')
    .addHelpText('after', examples('ges config path', 'ges config show -p prod', 'ges config init', 'ges config trust'));
  config
    .command('path')
    .description('the config file in use (or none) and the places searched, in order')
    .addHelpText('after', examples('ges config path', 'ges config path --json | jq -r .file'))
    .action(action(async () => (await import('./commands/config.js')).runConfigPath));
  config
    .command('list')
    .description('the profiles, with the default marked, their endpoints and auth types')
    .addHelpText('after', examples('ges config list', 'ges config list --json | jq -r ".profiles[].name"'))
    .action(action(async () => (await import('./commands/config.js')).runConfigList));
  config
    .command('show')
    .description('the resolved settings (flags, environment and file merged) with the source of each; secrets masked')
    .addHelpText('after', examples('ges config show', 'ges config show -p prod', 'GES_ENDPOINT=http://10.0.0.5 ges config show --json'))
    .action(action(async () => (await import('./commands/config.js')).runConfigShow));
  config
    .command('init')
    .description('add a profile to ./.gesrc.yaml (or the user config with --global); asks on a terminal')
    .option('--auth <type>', 'token, password, aksk or none')
    .option('--iam-endpoint <url>', 'for --auth password: the IAM address')
    .option('--domain <name>', 'for --auth password: the account (domain) name')
    .option('--user <name>', 'for --auth password: the IAM user name')
    .option('--global', 'write $XDG_CONFIG_HOME/ges/config.yaml (default ~/.config/ges/config.yaml)')
    .option('--force', 'replace a profile of the same name')
    .addHelpText(
      'after',
      `\nThe global -p/--profile, --endpoint and --project-id name the profile and its values. Secrets are\nwritten as \${GES_TOKEN}-style references, never asked for; files are created 0600.\n${examples(
        'ges config init',
        'ges config init -p default --endpoint http://192.168.0.20 --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --auth token',
        'ges config init --global -p prod --endpoint https://100.93.1.2 --project-id <id> --auth password --iam-endpoint https://iam.cn-north-4.myhuaweicloud.com --domain my-account --user ci-bot',
      )}`,
    )
    .action(action(async () => (await import('./commands/config.js')).runConfigInit));

  config
    .command('trust')
    .description('let ges use a config file found in a folder (a repository, /tmp), as it is now')
    .argument('[file]', 'the file (default: the one the search finds)')
    .addHelpText(
      'after',
      `\nA config file found by the search outside the user config folder is used only once trusted: it\ncould send your credentials anywhere, and a .js one is code. Trust records its real path and\nSHA-256 in $XDG_CONFIG_HOME/ges/trusted.json; when the file changes it must be trusted again.\n${examples(
        'ges config path                      # which file, and is it trusted?',
        'ges config trust',
        'ges config trust ./deploy/.gesrc.yaml',
      )}`,
    )
    .action(action(async () => (await import('./commands/config.js')).runConfigTrust));
  config
    .command('untrust')
    .description('forget a trusted config file')
    .argument('[file]', 'the file (default: the one the search finds)')
    .addHelpText('after', examples('ges config untrust', 'ges config untrust ./deploy/.gesrc.yaml'))
    .action(action(async () => (await import('./commands/config.js')).runConfigUntrust));

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples('echo \'source <(ges completion bash)\' >> ~/.bashrc', 'ges completion zsh > "${fpath[1]}/_ges"', 'ges completion fish > ~/.config/fish/completions/ges.fish'),
    )
    .action(
      action(async () => {
        const { completionScript, SHELLS } = await import('./completion.js');
        return async (ctx: CommandContext, shell: string) => {
          if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unknown shell ${JSON.stringify(shell)}: use bash, zsh or fish`);
          ctx.streams.stdout.write(completionScript(shell as (typeof SHELLS)[number], program));
          return EXIT.ok;
        };
      }),
    );
  program
    .command('__help-json', { hidden: true })
    .description('every command\'s help as JSON, for the build\'s help cache')
    .action(
      action(async () => async (ctx: CommandContext) => {
        const { helpTexts } = await import('./help.js');
        ctx.streams.stdout.write(`${JSON.stringify(helpTexts())}\n`);
        return EXIT.ok;
      }),
    );
  program
    .command('__complete', { hidden: true })
    .argument('<what>')
    .argument('[profile]')
    .action(action(async () => (await import('./commands/complete.js')).runComplete));

  program
    .command('emulator')
    .description('run a local GES service-plane emulator (no cloud account needed)')
    .option('--host <address>', 'address to listen on', EMULATOR_DEFAULTS.host)
    .option('--port <n>', 'port to listen on; 0 picks a free one', String(EMULATOR_DEFAULTS.port))
    .option('--graph <name>', 'a graph to serve (repeatable; default movies)', collect)
    .option('--token <token>', 'the X-Auth-Token to accept', EMULATOR_DEFAULTS.token)
    .option('--no-auth', 'accept requests without credentials')
    .option('--pending-ms <ms>', 'how long a new job stays pending', String(EMULATOR_DEFAULTS.pendingMs))
    .option('--running-ms <ms>', 'how long a job runs before it succeeds', String(EMULATOR_DEFAULTS.runningMs))
    .option('--cancel-delay-ms <ms>', 'how long a cancelled job keeps running before it is gone', '0')
    .option('--ak <accessKey>', 'also accept requests signed with this access key (SDK-HMAC-SHA256)')
    .option('--sk <secretKey>', 'the secret key that goes with --ak')
    .option('--security-token <token>', 'signed requests must carry this X-Security-Token (temporary keys)')
    .option('--iam-domain <name>', 'serve IAM password login (POST /v3/auth/tokens) for this account')
    .option('--iam-user <name>', 'the IAM user name that may log in')
    .option('--iam-password <password>', 'that user\'s password')
    .option('--token-lifetime <seconds>', 'how long tokens from the emulated IAM last', '86400')
    .option('--tls-cert <pem>', 'serve HTTPS with this certificate (with --tls-key)')
    .option('--tls-key <pem>', 'the private key of --tls-cert')
    .option('--fault <json>', 'a fault for matching requests, as POST /emulator/faults takes it (repeatable)', collect)
    .addHelpText(
      'after',
      `\nThe global --project-id names the project it serves (default demo); --json prints one ready line:\n  {"endpoint":"http://127.0.0.1:8080","projectId":"demo","graphs":["movies"],"token":"demo-token"}\n${examples(
        'ges emulator',
        'ges emulator --port 0 --json --graph movies --graph friends',
        'GES_ENDPOINT=http://127.0.0.1:8080 GES_PROJECT_ID=demo GES_TOKEN=demo-token ges job list movies',
      )}`,
    )
    .action(action(async () => (await import('./commands/emulator.js')).runEmulator));

  return program;
}
