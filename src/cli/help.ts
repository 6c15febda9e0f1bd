import type { Command } from 'commander';
import type { Streams } from './output.js';
import { createProgram } from './program.js';

/**
 * Every command's help as commander prints it, keyed by command path ("" for ges itself).
 * The build stores it in dist/help.json so that bin/ges.js answers `--help` without loading the CLI.
 */
export function helpTexts(): Record<string, string> {
  let captured = '';
  const sink = { write: (text: string) => ((captured += text), true), isTTY: false } as unknown as Streams['stdout'];
  const program = createProgram({ stdout: sink, stderr: sink, stdin: process.stdin }, () => async () => {});
  const texts: Record<string, string> = {};
  const visit = (command: Command, path: string[]): void => {
    captured = '';
    command.outputHelp();
    texts[path.join(' ')] = captured;
    for (const sub of command.commands) if (!sub.name().startsWith('__')) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return texts;
}
