import type { Command, Help, Option } from 'commander';

/**
 * How every command's help is laid out, and the texts all of them share: examples (as data,
 * given per command) and the closing lines.
 */

/**
 * Help is laid out for 80 columns everywhere, so the cached help (dist/help.json) and the man
 * page carry the same text.
 */
export const HELP_WIDTH = 80;

/** The "Examples:" block, for addHelpText('after', ...). A long example may go on over lines. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l.replaceAll('\n', '\n  ')}`).join('\n')}`;
}

/** A paragraph of prose to put before examples(), wrapped at HELP_WIDTH. */
export function note(text: string): string {
  const lines = [''];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > HELP_WIDTH) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return `\n${lines.join('\n')}\n`;
}

/** The lines that end every command's help but the root's (which lists the global options). */
export const HELP_FOOTER =
  '\nExit codes: ges help exit-codes\n' +
  'Global options (-p, --config, --endpoint, --json, --timeout, ...): ges --help';

/**
 * Commands before options (a group is read for its commands), and only the command's own
 * options: the global ones are listed once, in `ges --help`.
 */
function formatHelp(cmd: Command, helper: Help): string {
  const width = helper.padWidth(cmd, helper);
  // A list with no spaces (a,b,c) wider than its column may break after its commas.
  const room = HELP_WIDTH - width - 4;
  const breakable = (text: string): string =>
    text.replace(/\S+/g, (word) => (word.length > room ? word.replaceAll(',', ', ') : word));
  const list = (heading: string, items: [string, string][]): string[] =>
    helper.formatItemList(
      heading,
      items.map(([term, text]) => helper.formatItem(term, width, breakable(text), helper)),
      helper,
    );
  const description = helper.commandDescription(cmd);
  return [
    `Usage: ${helper.commandUsage(cmd)}`,
    '',
    ...(description ? [helper.boxWrap(description, HELP_WIDTH), ''] : []),
    ...list(
      'Arguments:',
      helper.visibleArguments(cmd).map((a) => [helper.argumentTerm(a), a.description]),
    ),
    ...list(
      'Commands:',
      helper
        .visibleCommands(cmd)
        .map((c) => [helper.subcommandTerm(c), helper.subcommandDescription(c)]),
    ),
    ...list(
      'Options:',
      helper.visibleOptions(cmd).map((o) => [helper.optionTerm(o), helper.optionDescription(o)]),
    ),
  ].join('\n');
}

/** A default worth telling: a value (not `false` on a switch), shown as typed. */
function optionDescription(option: Option): string {
  const value = option.defaultValue;
  return typeof value === 'string' && value !== ''
    ? `${option.description} (default: ${value})`
    : option.description;
}

/** For configureHelp(): every command inherits it. */
export const HELP_LAYOUT: Partial<Help> = { helpWidth: HELP_WIDTH, formatHelp, optionDescription };
