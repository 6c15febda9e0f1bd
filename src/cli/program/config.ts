import type { Command } from 'commander';
import type { ActionFactory } from '../context.js';
import { addFlags, defineFlags, type OptionsOf } from './flags.js';
import { examples, note } from './help-text.js';

const SHOW_FLAGS = defineFlags({
  graph: {
    flags: '--graph <name>',
    description: "also find this graph's address (region profiles), as a job command would",
  },
});
export type ShowOptions = OptionsOf<typeof SHOW_FLAGS>;

const INIT_FLAGS = defineFlags({
  auth: { flags: '--auth <type>', description: 'token, password, aksk or none' },
  iamEndpoint: {
    flags: '--iam-endpoint <url>',
    description: 'for --auth password: the IAM address',
  },
  domain: {
    flags: '--domain <name>',
    description: 'for --auth password: the account (domain) name',
  },
  user: { flags: '--user <name>', description: 'for --auth password: the IAM user name' },
  local: {
    flags: '--local',
    description: 'write ./.gesrc.yaml (this folder and those below it) instead of the user config',
  },
  global: {
    flags: '--global',
    description: 'deprecated: the user config is the default now',
    hidden: true,
  },
  force: { flags: '--force', description: 'replace a profile of the same name' },
});
export type InitOptions = OptionsOf<typeof INIT_FLAGS>;

/** What config init's help adds: how it names the profile, and examples. */
const INIT_HELP =
  note(
    'The global -p/--profile, --endpoint and --project-id name the profile and its ' +
      'values. It writes $XDG_CONFIG_HOME/ges/config.yaml (default ' +
      '~/.config/ges/config.yaml), or ./.gesrc.yaml with --local; other profiles and ' +
      'comments stay as they are. On a terminal it asks for the rest, checking each ' +
      'answer, and writes nothing before the last one. Secrets are written as ' +
      '${GES_TOKEN}-style references, never asked for; files are created 0600.',
  ) +
  examples(
    'ges config init',
    'ges config init -p default --endpoint http://192.168.0.20 \\\n' +
      '  --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --auth token',
    'ges config init --local -p here --endpoint http://127.0.0.1:8080 \\\n' +
      '  --project-id demo --auth none',
    'ges config init -p prod --endpoint https://100.93.1.2 \\\n' +
      '  --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --auth password \\\n' +
      '  --iam-endpoint https://iam.cn-north-4.myhuaweicloud.com \\\n' +
      '  --domain my-account --user ci-bot',
  );

/** What config trust's help adds: why trust, and examples. */
const TRUST_HELP =
  note(
    'A config file found by the search outside the user config folder is used only ' +
      'once trusted: it could send your credentials anywhere, and a .js one is code. ' +
      'Trust records its real path and SHA-256 in $XDG_CONFIG_HOME/ges/trusted.json; ' +
      'when the file changes it must be trusted again. A YAML or JSON file that does not ' +
      'parse or validate is refused (exit 2); a JavaScript one cannot be checked without ' +
      'running it, so read it before you trust it.',
  ) +
  examples(
    'ges config path                      # which file, and is it trusted?',
    'ges config trust',
    'ges config trust ./deploy/.gesrc.yaml',
  );

/** ges config path | list | show | init | trust | untrust (loaded only when used). */
export function addConfigCommands(program: Command, action: ActionFactory): void {
  const config = program
    .command('config')
    .description('show, write and trust configuration profiles')
    .addHelpText(
      'after',
      examples('ges config path', 'ges config show -p prod', 'ges config init', 'ges config trust'),
    );
  config
    .command('path')
    .description('the config file in use (or none) and the places searched, in order')
    .addHelpText('after', examples('ges config path', 'ges config path --json | jq -r .file'))
    .action(action(async () => (await import('../commands/config.js')).runConfigPath));
  config
    .command('list')
    .description('the profiles, with the default marked, their endpoints and auth types')
    .addHelpText(
      'after',
      examples('ges config list', 'ges config list --json | jq -r ".profiles[].name"'),
    )
    .action(action(async () => (await import('../commands/config.js')).runConfigList));
  addFlags(config.command('show'), SHOW_FLAGS)
    .description(
      'the resolved settings (flags, environment and file merged) with the source of each; ' +
        'secrets masked',
    )
    .addHelpText(
      'after',
      examples(
        'ges config show',
        'ges config show -p prod',
        'GES_ENDPOINT=http://10.0.0.5 ges config show --json',
      ),
    )
    .action(action(async () => (await import('../commands/config.js')).runConfigShow));
  addFlags(config.command('init'), INIT_FLAGS)
    .description(
      'add a profile to the user config (./.gesrc.yaml with --local); asks on a terminal',
    )
    .addHelpText('after', INIT_HELP)
    .action(action(async () => (await import('../commands/config-init.js')).runConfigInit));

  config
    .command('trust')
    .description('let ges use a config file found in a folder (a repository, /tmp), as it is now')
    .argument('[file]', 'the file (default: the one the search finds)')
    .addHelpText('after', TRUST_HELP)
    .action(action(async () => (await import('../commands/config.js')).runConfigTrust));
  config
    .command('untrust')
    .description('forget a trusted config file')
    .argument('[file]', 'the file (default: the one the search finds)')
    .addHelpText('after', examples('ges config untrust', 'ges config untrust ./deploy/.gesrc.yaml'))
    .action(action(async () => (await import('../commands/config.js')).runConfigUntrust));
}
