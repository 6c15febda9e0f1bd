import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { EMULATOR_DEFAULTS } from '../../emulator/defaults.js';
import type { ActionFactory, CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { collect, examples } from './help-text.js';

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
    .argument('<what>')
    .argument('[profile]')
    .action(action(async () => (await import('../commands/complete.js')).runComplete));

  program
    .command('emulator')
    .description('run a local GES service-plane emulator (no cloud account needed)')
    .option('--host <address>', 'address to listen on', EMULATOR_DEFAULTS.host)
    .option('--port <n>', 'port to listen on; 0 picks a free one', String(EMULATOR_DEFAULTS.port))
    .option('--graph <name>', 'a graph to serve (repeatable; default movies)', collect)
    .option('--token <token>', 'the X-Auth-Token to accept', EMULATOR_DEFAULTS.token)
    .option('--no-auth', 'accept requests without credentials')
    .option(
      '--pending-ms <ms>',
      'how long a new job stays pending',
      String(EMULATOR_DEFAULTS.pendingMs),
    )
    .option(
      '--running-ms <ms>',
      'how long a job runs before it succeeds',
      String(EMULATOR_DEFAULTS.runningMs),
    )
    .option(
      '--cancel-delay-ms <ms>',
      'how long a cancelled job keeps running before it is gone',
      '0',
    )
    .option(
      '--edition <name>',
      'answer shapes and status words: memory, memory-2021 or database',
      EMULATOR_DEFAULTS.edition,
    )
    .option(
      '--after-cancel <what>',
      'what a cancelled job becomes: gone, failed, or linger (listed as running a while)',
      EMULATOR_DEFAULTS.afterCancel,
    )
    .option(
      '--refuse-token-as <answer>',
      'a refused token gets 401 (API gateway) or GES.8007 (a 400 from the engine)',
      EMULATOR_DEFAULTS.refuseTokenAs,
    )
    .option(
      '--ak <accessKey>',
      'also accept requests signed with this access key (SDK-HMAC-SHA256)',
    )
    .option('--sk <secretKey>', 'the secret key that goes with --ak')
    .option(
      '--security-token <token>',
      'signed requests must carry this X-Security-Token (temporary keys)',
    )
    .option(
      '--iam-domain <name>',
      'serve IAM password login (POST /v3/auth/tokens) for this account',
    )
    .option('--iam-user <name>', 'the IAM user name that may log in')
    .option('--iam-password <password>', "that user's password")
    .option('--token-lifetime <seconds>', 'how long tokens from the emulated IAM last', '86400')
    .option('--tls-cert <pem>', 'serve HTTPS with this certificate (with --tls-key)')
    .option('--tls-key <pem>', 'the private key of --tls-cert')
    .option(
      '--fault <json>',
      'a fault for matching requests, as POST /emulator/faults takes it (repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      '\nThe global --project-id names the project it serves (default demo); ' +
        '--json prints one ready line:\n' +
        '  {"endpoint":"http://127.0.0.1:8080","projectId":"demo","graphs":["movies"],' +
        `"token":"demo-token"}\n${examples(
          'ges emulator',
          'ges emulator --port 0 --json --graph movies --graph friends',
          'GES_ENDPOINT=http://127.0.0.1:8080 GES_PROJECT_ID=demo GES_TOKEN=demo-token ' +
            'ges job list movies',
        )}`,
    )
    .action(action(async () => (await import('../commands/emulator.js')).runEmulator));
}
