import { type Arg, type Flag, type Node, nodes, plain, type Values } from './model.js';

/** A word in single quotes, for zsh. */
function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A description inside an _arguments spec's brackets, or a message after its colon. */
function describe(text: string): string {
  return text.replace(/([[\]:\\])/g, '\\$1');
}

/** The _arguments action that completes a value or an argument. */
function action(values: Values): string {
  switch (values.kind) {
    case 'profiles':
      return '_ges_profiles';
    case 'graphs':
      return '_ges_graphs';
    case 'jobs':
      return '->jobs';
    case 'files':
      return '_files';
    case 'words':
      return `(${plain(values.words)})`;
    case 'none':
      return ' ';
  }
}

function flagSpecs(flag: Flag): string[] {
  const exclusive = flag.names.length > 1 && !flag.repeatable ? `(${flag.names.join(' ')})` : '';
  const value = flag.value ? `:${describe(flag.value.name)}:${action(flag.value.values)}` : '';
  return flag.names.map((name) =>
    quote(
      `${exclusive}${flag.repeatable ? '*' : ''}${name}[${describe(flag.description)}]${value}`,
    ),
  );
}

function argSpec(arg: Arg, i: number): string {
  return quote(`${arg.variadic ? '*' : i + 1}:${describe(arg.name)}:${action(arg.values)}`);
}

function functionName(node: Node): string {
  return `_ges_cmd${node.path.map((p) => `_${p.replaceAll('-', '_')}`).join('')}`;
}

/**
 * One command's function: its flags (own and global) with descriptions, then either its
 * commands (described) and a dispatch to the chosen one, or its arguments.
 */
function commandFunction(node: Node, globals: Set<Flag>): string {
  const specs = node.flags.filter((f) => !globals.has(f)).flatMap(flagSpecs);
  const lines = [
    `${functionName(node)}() {`,
    '  local curcontext="$curcontext" state state_descr line ret=1',
    '  local -A opt_args',
    '  _arguments -C -s -S "${_ges_globals[@]}" \\',
  ];
  if (node.commands.length) {
    specs.push(quote('1: :->command'), quote('*:: :->args'));
    lines.push(...specs.map((s) => `    ${s} \\`), '    && ret=0', '  case $state in');
    lines.push('    command)', '      local -a commands=(');
    for (const c of node.commands)
      lines.push(`        ${quote(`${c.path.at(-1)}:${c.description.replaceAll(':', '\\:')}`)}`);
    lines.push('      )', `      _describe -t commands 'ges command' commands && ret=0 ;;`);
    lines.push('    args)', '      case $words[1] in');
    for (const c of node.commands)
      lines.push(`        (${c.path.at(-1)}) ${functionName(c)} && ret=0 ;;`);
    lines.push('      esac ;;', '  esac');
  } else {
    specs.push(...node.args.map(argSpec));
    lines.push(...specs.map((s) => `    ${s} \\`), '    && ret=0');
    if (node.args.some((a) => a.values.kind === 'jobs'))
      lines.push('  [[ $state == jobs ]] && _ges_names jobs "${(Q)line[1]}" && ret=0');
  }
  lines.push('  return ret', '}');
  return lines.join('\n');
}

/**
 * The script: native zsh (`_arguments`, `_describe`), one function per command. The line as
 * typed is kept in `_ges_line` (the nested _arguments calls shift `words`), so the profile and
 * config typed anywhere reach `ges __complete`.
 */
export function zshScript(root: Node): string {
  // The flags every command takes: the global ones and --help (one object each, shared).
  const globals = new Set(root.flags.filter((f) => f.names[0] !== '--version'));
  return `#compdef ges
# ges completion for zsh: save it as _ges in a folder on $fpath (then run compinit), or source
# it from ~/.zshrc after compinit.

# Names from the config or a server, one a line, offered as words (compadd quotes them).
_ges_names() {
  local -a names extra
  local i w
  for ((i = 2; i < \${#_ges_line}; i++)); do
    w=\${(Q)_ges_line[i]}
    case $w in
      -p|--profile) extra+=(--profile "\${(Q)_ges_line[i+1]}") ;;
      --profile=*) extra+=(--profile "\${w#*=}") ;;
      --config) extra+=(--config "\${(Q)_ges_line[i+1]}") ;;
      --config=*) extra+=(--config "\${w#*=}") ;;
    esac
  done
  names=("\${(@f)$(ges __complete "$@" "\${extra[@]}" 2>/dev/null)}")
  names=(\${names:#})
  (( \${#names} )) && compadd -a names
}
_ges_profiles() { _ges_names profiles; }
_ges_graphs() { _ges_names graphs; }

# The flags every command takes.
_ges_globals=(
${[...globals]
  .flatMap(flagSpecs)
  .map((s) => `  ${s}`)
  .join('\n')}
)

${nodes(root)
  .map((n) => commandFunction(n, globals))
  .join('\n\n')}

_ges() {
  local -a _ges_line
  _ges_line=("\${words[@]}")
  _ges_cmd
}

# Autoloaded from $fpath, this file is the body of _ges: run it. Sourced: register it.
if [[ $funcstack[1] == _ges ]]; then
  _ges "$@"
else
  compdef _ges ges
fi
`;
}
