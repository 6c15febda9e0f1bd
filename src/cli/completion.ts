import type { Command } from 'commander';
import { bashScript } from './completion/bash.js';
import { fishScript } from './completion/fish.js';
import { completionModel, SHELLS } from './completion/model.js';
import { zshScript } from './completion/zsh.js';

/**
 * Shell completion scripts, generated from the commander program so they always match it.
 * Names that depend on the user's config or a server (profiles, graphs, running jobs) come
 * from `ges __complete` when Tab is pressed, as plain words: the scripts read them line by line
 * and compare them as text: no word is ever run, expanded or parsed as shell code.
 */

export { SHELLS };
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell, program: Command): string {
  const model = completionModel(program);
  return { bash: bashScript, zsh: zshScript, fish: fishScript }[shell](model);
}
