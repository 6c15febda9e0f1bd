import type { Command } from 'commander';

/**
 * Every command's help as commander prints it, keyed by command path ("" for ges itself).
 * The build stores it in dist/help.json so that bin/ges.cjs answers `--help` without loading the
 * CLI.
 */
export function helpTexts(program: Command): Record<string, string> {
  let captured = '';
  const texts: Record<string, string> = {};
  const visit = (command: Command, path: string[]): void => {
    const output = command.configureOutput();
    command.configureOutput({ ...output, writeOut: (text: string) => void (captured += text) });
    captured = '';
    command.outputHelp();
    command.configureOutput(output);
    texts[path.join(' ')] = captured;
    for (const sub of command.commands)
      if (!sub.name().startsWith('__')) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return texts;
}
