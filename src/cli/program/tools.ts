import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { EMULATOR_DEFAULTS } from '../../emulator/defaults.js';
import type { ActionFactory, CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addFlags, defineFlags, type OptionsOf } from './flags.js';
import { examples, note } from './help-text.js';

const D = EMULATOR_DEFAULTS;

const EMULATOR_FLAGS = defineFlags({
  host: { flags: '--host <address>', description: 'address to listen on', default: D.host },
  port: {
    flags: '--port <n>',
    description: 'port to listen on; 0 picks a free one',
    default: String(D.port),
  },
  graph: {
    flags: '--graph <name>',
    description:
      'a graph to serve (repeatable; default movies); name:stopped (or another state) ' +
      'lists it so on the management plane',
    repeatable: true,
  },
  token: { flags: '--token <token>', description: 'the X-Auth-Token to accept', default: D.token },
  auth: { flags: '--no-auth', description: 'accept requests without credentials' },
  pendingMs: {
    flags: '--pending-ms <duration>',
    description: 'how long a new job stays pending (a plain number is milliseconds)',
    default: String(D.pendingMs),
  },
  runningMs: {
    flags: '--running-ms <duration>',
    description: 'how long a job runs before it succeeds (a plain number is milliseconds)',
    default: String(D.runningMs),
  },
  cancelDelayMs: {
    flags: '--cancel-delay-ms <duration>',
    description: 'how long a cancelled job keeps running before it is gone (plain: milliseconds)',
    default: '0',
  },
  edition: {
    flags: '--edition <name>',
    description: 'answer shapes and status words: memory, memory-2021 or database',
    default: D.edition,
  },
  afterCancel: {
    flags: '--after-cancel <what>',
    description:
      'what a cancelled job becomes: gone, failed, or linger (listed as running a while)',
    default: D.afterCancel,
  },
  refuseTokenAs: {
    flags: '--refuse-token-as <answer>',
    description: 'a refused token gets 401 (API gateway) or GES.8007 (a 400 from the engine)',
    default: D.refuseTokenAs,
  },
  ak: {
    flags: '--ak <accessKey>',
    description: 'also accept requests signed with this access key (SDK-HMAC-SHA256)',
  },
  sk: { flags: '--sk <secretKey>', description: 'the secret key that goes with --ak' },
  securityToken: {
    flags: '--security-token <token>',
    description: 'signed requests must carry this X-Security-Token (temporary keys)',
  },
  iamDomain: {
    flags: '--iam-domain <name>',
    description: 'serve IAM password login (POST /v3/auth/tokens) for this account',
  },
  iamUser: { flags: '--iam-user <name>', description: 'the IAM user name that may log in' },
  iamPassword: { flags: '--iam-password <password>', description: "that user's password" },
  tokenLifetime: {
    flags: '--token-lifetime <duration>',
    description: 'how long tokens from the emulated IAM last (a plain number is seconds)',
    default: '24h',
  },
  tlsCert: {
    flags: '--tls-cert <pem>',
    description: 'serve HTTPS with this certificate (with --tls-key)',
  },
  tlsKey: { flags: '--tls-key <pem>', description: 'the private key of --tls-cert' },
  fault: {
    flags: '--fault <json>',
    description: 'a fault for matching requests, as POST /emulator/faults takes it (repeatable)',
    repeatable: true,
  },
});
export type EmulatorOptions = OptionsOf<typeof EMULATOR_FLAGS>;

/**
 * ges completion, ges emulator, and the hidden helpers the build and the completion scripts
 * call.
 */
export function addToolCommands(program: Command, action: ActionFactory): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples(
        "echo 'source <(ges completion bash)' >> ~/.bashrc",
        'ges completion zsh > "${fpath[1]}/_ges"',
        'ges completion fish > ~/.config/fish/completions/ges.fish',
      ),
    )
    .action(
      action(async () => {
        const { completionScript, SHELLS } = await import('../completion.js');
        return async (ctx: CommandContext, shell: string) => {
          if (!(SHELLS as readonly string[]).includes(shell))
            throw new UsageError(`unknown shell ${JSON.stringify(shell)}: use bash, zsh or fish`);
          ctx.streams.stdout.write(completionScript(shell as (typeof SHELLS)[number], program));
          return EXIT.ok;
        };
      }),
    );
  program
    .command('__help-json', { hidden: true })
    .description("every command's help as JSON, for the build's help cache")
    .action(
      action(async () => async (ctx: CommandContext) => {
        const { helpTexts } = await import('../help.js');
        ctx.streams.stdout.write(`${JSON.stringify(helpTexts(program))}\n`);
        return EXIT.ok;
      }),
    );
  program
    .command('__complete', { hidden: true })
    .argument('<what>', 'profiles, graphs, or jobs <graph>')
    .argument('[words...]')
    .action(action(async () => (await import('../commands/complete.js')).runComplete));

  addFlags(program.command('emulator'), EMULATOR_FLAGS)
    .description('run a local GES service-plane emulator (no cloud account needed)')
    .addHelpText(
      'after',
      note(
        'The global --project-id names the project it serves (default demo). --json prints ' +
          'one line when it is ready:',
      ) +
        '  {"endpoint":"http://127.0.0.1:8080","projectId":"demo",\n' +
        '   "graphs":["movies"],"token":"demo-token"}\n' +
        examples(
          'ges emulator',
          'ges emulator --port 0 --json --graph movies --graph friends',
          'ges emulator --graph movies --graph archive:stopped  # not running',
          'GES_ENDPOINT=http://127.0.0.1:8080 GES_PROJECT_ID=demo \\\n' +
            '  GES_TOKEN=demo-token ges job list movies',
          'ges help emulator                    # what it serves, its control API',
        ),
    )
    .action(action(async () => (await import('../commands/emulator.js')).runEmulator));
}
