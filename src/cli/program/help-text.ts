/**
 * Help texts shared by every command: examples (as data, given per command) and the exit
 * codes.
 */

/**
 * Help is laid out for 80 columns everywhere, so the cached help (dist/help.json) is the same
 * text.
 */
export const HELP_WIDTH = 80;

const EXIT_CODES_HELP = `
Exit codes:
  0  success          1  no usable answer (network, timeout, bad body)
  2  usage or config  3  HTTP 3xx   4  HTTP 4xx   5  HTTP 5xx
  130 / 143 / 129  interrupted by Ctrl-C / SIGTERM / SIGHUP (1 when --max-time stops it)`;

/** The "Examples:" block and the exit codes, for addHelpText('after', ...). */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n${EXIT_CODES_HELP}`;
}
