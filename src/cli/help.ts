import type { EventEmitter } from 'node:events';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { closest } from './help/suggest.js';
import { TOPICS, topicNamed, topicText } from './help/topics.js';

/** The commands a user can call under `command` (not hidden ones, not a group's `help`). */
export function visibleCommands(command: Command): Command[] {
  return command.createHelp().visibleCommands(command);
}

/** "ges job cancel" */
function commandName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What `<command> --help` prints, word for word. */
function helpText(command: Command): string {
  let captured = '';
  const output = command.configureOutput();
  command.configureOutput({ ...output, writeOut: (text: string) => void (captured += text) });
  try {
    command.outputHelp();
  } finally {
    command.configureOutput(output);
  }
  return captured;
}

/**
 * Every command's help as `--help` prints it, keyed by command path ("" for ges itself). The
 * build stores it in dist/help.json so that bin/ges.cjs answers `--help` without loading the
 * CLI.
 */
export function helpTexts(program: Command): Record<string, string> {
  const texts: Record<string, string> = {};
  const visit = (command: Command, path: string[]): void => {
    texts[path.join(' ')] = helpText(command);
    for (const sub of visibleCommands(command)) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return texts;
}

/**
 * `ges help <words>`: a command's help (as `--help` prints it), followed by the topic of the
 * same name if there is one; or a topic. An unknown word is a usage error with the nearest
 * command or topic.
 */
export async function helpFor(program: Command, words: readonly string[]): Promise<string> {
  let command = program;
  for (const [i, word] of words.entries()) {
    const sub = visibleCommands(command).find((c) => c.name() === word);
    if (sub) {
      command = sub;
      continue;
    }
    const topic = command === program ? topicNamed(word) : undefined;
    if (topic && words.length === 1) return await topicText(topic);
    throw unknownCommand(command, word, words.slice(0, i), 'ges help ');
  }
  const topic = command.parent === program ? topicNamed(command.name()) : undefined;
  return topic ? `${helpText(command)}\n${await topicText(topic)}` : helpText(command);
}

/**
 * `unknown command 'cancle' for 'ges job'`, with the nearest command (or, at the top, topic)
 * as the hint. `typed` is what was typed before the word; `prefix` what to run ("ges " or
 * "ges help ").
 */
export function unknownCommand(
  parent: Command,
  word: string,
  typed: readonly string[],
  prefix: string,
): UsageError {
  const names = visibleCommands(parent).map((c) => c.name());
  if (!parent.parent) names.push(...TOPICS.map((t) => t.name));
  const near = closest(word, names);
  const message = names.length
    ? `unknown command '${word}' for '${commandName(parent)}'`
    : `'${commandName(parent)}' takes no command: '${word}' is one word too many`;
  const hint = near
    ? `did you mean ${[prefix.trim(), ...typed, near].join(' ')}?`
    : `see ${[prefix.trim(), ...typed].join(' ')}${prefix === 'ges ' ? ' --help' : ''}`;
  return new UsageError(message, hint);
}

/** `ges help` and `ges <group> help`: prints the help asked for; exit 0. */
export async function runHelp(
  program: Command,
  stdout: NodeJS.WritableStream,
  words: string[],
): Promise<number> {
  stdout.write(await helpFor(program, words));
  return 0;
}

/** What the man page is made of: every command's parts, and the topics. */
export interface HelpData {
  commands: {
    path: string;
    usage: string;
    description: string;
    arguments: { term: string; description: string }[];
    options: { term: string; description: string }[];
    /** The command's own closing text (its examples), as its help shows it. */
    after: string;
  }[];
  topics: { name: string; title: string; text: string }[];
}

/** For `ges __help-data` (the man page generator, .ci/man.mjs). */
export async function helpData(program: Command): Promise<HelpData> {
  const commands: HelpData['commands'] = [];
  const visit = (command: Command, path: string[]): void => {
    const help = command.createHelp();
    let after = '';
    // The text addHelpText('after') gave (commander's typings leave out that it is an emitter).
    (command as unknown as EventEmitter).emit('afterHelp', {
      error: false,
      command,
      write: (text: string) => void (after += text),
    });
    commands.push({
      path: path.join(' '),
      usage: help.commandUsage(command),
      description: help.commandDescription(command),
      arguments: help
        .visibleArguments(command)
        .map((a) => ({ term: help.argumentTerm(a), description: a.description })),
      options: help
        .visibleOptions(command)
        .map((o) => ({ term: help.optionTerm(o), description: help.optionDescription(o) })),
      after,
    });
    for (const sub of visibleCommands(command)) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  const topics = await Promise.all(
    TOPICS.map(async ({ name, title, text }) => ({ name, title, text: await text() })),
  );
  return { commands, topics };
}
