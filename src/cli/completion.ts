import type { Command, Option } from 'commander';

/**
 * Shell completion scripts, generated from the commander program so they always match it.
 * Profile and graph names come from `ges __complete profiles|graphs` at completion time.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Options whose value is a file, a profile, or anything (no completion). */
const FILE_OPTIONS = new Set(['--config', '--ca-cert', '--tls-cert', '--tls-key']);
const PROFILE_OPTIONS = new Set(['-p', '--profile']);

interface Node {
  path: string[];
  command: Command;
}

function visible(command: Command): Command[] {
  return command.commands.filter(
    (c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== 'help',
  );
}

function walk(command: Command, path: string[] = []): Node[] {
  return [{ path, command }, ...visible(command).flatMap((c) => walk(c, [...path, c.name()]))];
}

function flags(options: readonly Option[]): string[] {
  return options
    .filter((o) => !o.hidden)
    .flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
}

function valueOptions(program: Command): string[] {
  return walk(program).flatMap(({ command }) =>
    command.options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))),
  );
}

function takesGraph(command: Command): boolean {
  return (
    (
      command as unknown as { registeredArguments: { name(): string }[] }
    ).registeredArguments?.[0]?.name() === 'graph'
  );
}

function bash(program: Command): string {
  const globals = flags(program.options).filter((f) => f !== '--version');
  const cases = walk(program).map(({ path, command }) => {
    const words = [
      ...visible(command).map((c) => c.name()),
      ...flags(command.options),
      ...(path.length ? globals : []),
      '--help',
    ];
    return (
      `    "${path.join(' ')}") words="${[...new Set(words)].join(' ')}"` +
      `${takesGraph(command) ? ' graphs=1' : ''} ;;`
    );
  });
  const paths = walk(program)
    .filter((n) => n.path.length)
    .map((n) => `"${n.path.join(' ')}"`)
    .join('|');
  const valued = [...new Set(valueOptions(program))].filter(
    (f) => !FILE_OPTIONS.has(f) && !PROFILE_OPTIONS.has(f),
  );
  // "at" (the command path typed so far) is not called "path": in zsh that name is $PATH.
  // Names from config files are data: they are read line by line and compared as text, never
  // handed to compgen's word list or evaluated (either would run a $(...) inside a name).
  return (
    `# ges completion for bash: source it, or save it as /etc/bash_completion.d/ges
_ges_offer() {
  local w
  while IFS= read -r w; do
    [[ -n "$w" && "$w" == "$cur"* ]] && COMPREPLY+=("$w")
  done
}
_ges_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local at="" profile="" i w words="" graphs=""
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "\${COMP_WORDS[i-1]}" in -p|--profile) profile="$w" ;; esac
    case "\${at:+$at }$w" in ${paths}) at="\${at:+$at }$w" ;; esac
  done
  case "$prev" in
    ${[...PROFILE_OPTIONS].join('|')}) ` +
    `_ges_offer < <(ges __complete profiles 2>/dev/null); return ;;
    ${[...FILE_OPTIONS].join('|')}) _ges_offer < <(compgen -f -- "$cur"); return ;;
    ${valued.join('|')}) return ;;
  esac
  case "$at" in
${cases.join('\n')}
  esac
  _ges_offer < <(printf '%s\\n' $words)
  if [[ -n "$graphs" ]]; then _ges_offer < <(ges __complete graphs "$profile" 2>/dev/null); fi
}
complete -F _ges_complete ges
`
  );
}

function zsh(program: Command): string {
  return `#compdef ges
# ges completion for zsh: save it as _ges in a folder on $fpath, or source it from ~/.zshrc
autoload -U +X bashcompinit && bashcompinit
${bash(program).split('\n').slice(1).join('\n')}`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(program: Command): string {
  const paths = walk(program)
    .filter((n) => n.path.length)
    .map((n) => fishQuote(n.path.join(' ')));
  const lines = [
    '# ges completion for fish: save it as ~/.config/fish/completions/ges.fish',
    'complete -c ges -f',
    '# The command path typed so far ("job list", "config list", ...): ' +
      'options are offered for exactly that command.',
    'function __ges_path',
    '    set -l path',
    '    for w in (commandline -opc)[2..-1]',
    '        set -l next (string join " " $path $w)',
    `        if contains -- $next ${paths.join(' ')}`,
    '            set path $next',
    '        end',
    '    end',
    '    string join " " $path',
    'end',
    'function __ges_at',
    '    set -l at (__ges_path)',
    '    test "$at" = "$argv"',
    'end',
  ];
  for (const { path, command } of walk(program)) {
    const condition = `__ges_at ${fishQuote(path.join(' '))}`;
    for (const sub of visible(command)) {
      lines.push(
        `complete -c ges -n ${fishQuote(condition)} -a ${sub.name()} ` +
          `-d ${fishQuote(sub.description())}`,
      );
    }
    for (const o of command.options.filter((x) => !x.hidden)) {
      const names = [o.short ? `-s ${o.short.slice(1)}` : '', o.long ? `-l ${o.long.slice(2)}` : '']
        .filter(Boolean)
        .join(' ');
      const value = PROFILE_OPTIONS.has(o.long ?? '')
        ? " -x -a '(ges __complete profiles)'"
        : FILE_OPTIONS.has(o.long ?? '')
          ? ' -r -F'
          : o.required
            ? ' -x'
            : '';
      lines.push(
        `complete -c ges${path.length ? ` -n ${fishQuote(condition)}` : ''} ${names}${value} ` +
          `-d ${fishQuote(o.description)}`,
      );
    }
    if (takesGraph(command))
      lines.push(
        `complete -c ges -n ${fishQuote(condition)} -a '(ges __complete graphs)' -d graph`,
      );
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, program: Command): string {
  return { bash, zsh, fish }[shell](program);
}
