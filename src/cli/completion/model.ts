import type { Argument, Command, Option } from 'commander';
import { AUTH_TYPES } from '../../core/config/schema.js';
import { KNOWN_STATUSES } from '../../core/ges/jobs.js';
import { EDITIONS, TOKEN_REFUSALS } from '../../emulator/context.js';
import { AFTER_CANCEL } from '../../emulator/state.js';
import { TOPICS } from '../help/topics.js';

/**
 * The program as shell completion sees it: each command's own flags and the global ones, what
 * completes a flag's value and each argument. The scripts (bash.ts, zsh.ts, fish.ts) are
 * generated from it.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** What completes a value or an argument. */
export type Values =
  | { kind: 'profiles' | 'graphs' | 'jobs' | 'files' | 'none' }
  | { kind: 'words'; words: readonly string[] };

export interface Flag {
  names: string[];
  description: string;
  /** For a flag that takes a value: its name (`<duration>`) and what completes it. */
  value?: { name: string; values: Values };
  repeatable: boolean;
}

export interface Arg {
  name: string;
  values: Values;
  variadic: boolean;
}

export interface Node {
  path: string[];
  description: string;
  commands: Node[];
  /** The command's own flags, then the global ones. */
  flags: Flag[];
  args: Arg[];
}

const PROFILE_FLAGS = ['-p', '--profile'];
const FILE_FLAGS = ['--config', '--ca-cert', '--tls-cert', '--tls-key'];
const VALUE_WORDS: Readonly<Record<string, readonly string[]>> = {
  '--auth': AUTH_TYPES,
  '--status': KNOWN_STATUSES,
  '--edition': EDITIONS,
  '--after-cancel': AFTER_CANCEL,
  '--refuse-token-as': TOKEN_REFUSALS,
};
const HELP_FLAG: Flag = { names: ['-h', '--help'], description: 'show help', repeatable: false };

function visible(command: Command): Command[] {
  return command.createHelp().visibleCommands(command);
}

function flagValues(long: string, path: string[]): Values {
  if (PROFILE_FLAGS.includes(long)) return { kind: 'profiles' };
  if (FILE_FLAGS.includes(long)) return { kind: 'files' };
  // The emulator's --graph names a graph to serve, not one to look up.
  if (long === '--graph' && path[0] !== 'emulator') return { kind: 'graphs' };
  const words = VALUE_WORDS[long];
  return words ? { kind: 'words', words } : { kind: 'none' };
}

function flagOf(option: Option, path: string[]): Flag {
  const names = [option.short, option.long].filter((n): n is string => Boolean(n));
  const takesValue = option.required || option.optional;
  return {
    names,
    description: option.description,
    value: takesValue
      ? {
          name: /<([^>]+)>|\[([^\]]+)\]/.exec(option.flags)?.slice(1).find(Boolean) ?? 'value',
          values: flagValues(option.long ?? names[0]!, path),
        }
      : undefined,
    // Only repeatable flags have a parser of their own (it collects their values: flags.ts).
    repeatable: option.variadic || option.parseArg !== undefined,
  };
}

function argValues(name: string): Values {
  if (name === 'graph') return { kind: 'graphs' };
  if (name === 'jobId') return { kind: 'jobs' };
  if (name === 'file') return { kind: 'files' };
  if (name === 'shell') return { kind: 'words', words: SHELLS };
  return { kind: 'none' };
}

function argsOf(command: Command, program: Command): Arg[] {
  const args = (command.registeredArguments as readonly Argument[]).map((a) => ({
    name: a.name(),
    values: argValues(a.name()),
    variadic: a.variadic,
  }));
  if (command.name() !== 'help' || command.parent !== program) return args;
  // ges help: a command or a topic, then a group's commands.
  const words = (list: string[]): Values => ({ kind: 'words', words: [...new Set(list)] });
  const top = visible(program);
  return [
    {
      name: 'command',
      values: words([...top.map((c) => c.name()), ...TOPICS.map((t) => t.name)]),
      variadic: false,
    },
    {
      name: 'command',
      values: words(top.flatMap((c) => visible(c).map((s) => s.name()))),
      variadic: true,
    },
  ];
}

/** The program as completion sees it. */
export function completionModel(program: Command): Node {
  const globals = program.options
    .filter((o) => !o.hidden && o.long !== '--version')
    .map((o) => flagOf(o, []));
  const node = (command: Command, path: string[]): Node => ({
    path,
    description: command.description(),
    commands: visible(command).map((c) => node(c, [...path, c.name()])),
    flags: [
      ...(path.length
        ? command.options.filter((o) => !o.hidden).map((o) => flagOf(o, path))
        : program.options.filter((o) => o.long === '--version').map((o) => flagOf(o, path))),
      ...globals,
      HELP_FLAG,
    ],
    args: argsOf(command, program),
  });
  return node(program, []);
}

export function nodes(root: Node): Node[] {
  return [root, ...root.commands.flatMap(nodes)];
}

/** Every word a script spells out must be plain: it is never quoted there. */
export function plain(words: readonly string[]): string {
  for (const w of words)
    if (!/^[A-Za-z0-9_.,=+-]+$/.test(w)) throw new Error(`not a plain word: ${JSON.stringify(w)}`);
  return words.join(' ');
}
