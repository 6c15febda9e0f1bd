import { type Flag, type Node, nodes, plain, type Values } from './model.js';

/** The bash that offers what completes a flag's value (cur: the word being typed). */
function offer(values: Values): string {
  switch (values.kind) {
    case 'profiles':
    case 'graphs':
      return `_ges_names ${values.kind}`;
    case 'jobs':
      return '_ges_names jobs "${args[0]}"';
    case 'files':
      return '_ges_files';
    case 'words':
      return `_ges_words ${plain(values.words)}`;
    case 'none':
      return ':';
  }
}

/** What an argument takes, as the script's variables `arg` and `choices` say it. */
function argument(values: Values): string {
  return values.kind === 'words'
    ? `arg=words choices="${plain(values.words)}"`
    : `arg=${values.kind}`;
}

/**
 * `case "$at:$value"` branches: what completes the value of each flag, where it is given (a
 * global flag: anywhere).
 */
function valueCases(all: Node[]): string[] {
  const where = new Map<string, Map<string, string[]>>();
  for (const node of all) {
    for (const flag of node.flags) {
      if (!flag.value) continue;
      const action = offer(flag.value.values);
      const names = where.get(action) ?? new Map<string, string[]>();
      for (const name of flag.names)
        names.set(name, [...(names.get(name) ?? []), node.path.join(' ')]);
      where.set(action, names);
    }
  }
  return [...where].map(([action, names]) => {
    const patterns = [...names].flatMap(([name, paths]) =>
      paths.length === all.length ? [`*:${name}`] : paths.map((p) => `"${p}:${name}"`),
    );
    return `    ${patterns.join('|')}) ${action} ;;`;
  });
}

/** The branch of one command: its subcommands, its flags, and what completes each argument. */
function commandCase(node: Node, globals: Set<string>): string {
  const lines = [`    "${node.path.join(' ')}")`];
  const own = node.flags.flatMap((f: Flag) => f.names).filter((n) => !globals.has(n));
  const flags = [plain(own), '$globals'].filter(Boolean).join(' ');
  if (node.commands.length)
    lines.push(`      cmds="${plain(node.commands.map((c) => c.path.at(-1)!))}"`);
  lines.push(`      flags="${flags}"`);
  if (node.args.length) {
    lines.push('      case ${#args[@]} in');
    node.args.forEach((arg, i) => {
      const last = i === node.args.length - 1 && arg.variadic;
      lines.push(`        ${last ? '*' : i}) ${argument(arg.values)} ;;`);
    });
    lines.push('      esac');
  }
  lines.push('      ;;');
  return lines.join('\n');
}

/**
 * The script. The words before the cursor are read once: the command path ("job cancel"), the
 * arguments after it, the profile and config typed (passed on to `ges __complete`), and
 * whether the word being completed is a flag's value.
 */
export function bashScript(root: Node): string {
  const all = nodes(root);
  const valued = new Set(
    all.flatMap((n) => n.flags.filter((f) => f.value).flatMap((f) => f.names)),
  );
  const paths = all.filter((n) => n.path.length).map((n) => `"${n.path.join(' ')}"`);
  // The flags every command takes (the global ones and --help).
  const globals = new Set(root.flags.flatMap((f) => f.names).filter((n) => n !== '--version'));
  return `# ges completion for bash: source it, or save it as /etc/bash_completion.d/ges
_ges_offer() {
  local w
  while IFS= read -r w; do
    [[ -n "$w" && "$w" == "$cur"* ]] && COMPREPLY+=("$w")
  done
}
_ges_words() { _ges_offer < <(printf '%s\\n' "$@"); }
_ges_files() {
  compopt -o filenames 2>/dev/null
  _ges_offer < <(compgen -f -- "$cur")
}
# Names from the config or a server, with the profile and config typed so far.
_ges_names() {
  local -a extra=()
  [[ -n "$profile" ]] && extra+=(--profile "$profile")
  [[ -n "$config" ]] && extra+=(--config "$config")
  _ges_offer < <(ges __complete "$@" "\${extra[@]}" 2>/dev/null)
}
_ges_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" at="" value="" profile="" config="" ddash=""
  local cmds="" flags="" arg="" choices="" i w globals="${plain([...globals])}"
  local -a args=()
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == "=" && -n "$value" ]] && continue
    if [[ -n "$value" ]]; then
      case "$value" in -p|--profile) profile="$w" ;; --config) config="$w" ;; esac
      value=""
      continue
    fi
    if [[ -z "$ddash" && "$w" == -?* ]]; then
      case "$w" in
        --) ddash=1 ;;
        --profile=*) profile="\${w#*=}" ;;
        --config=*) config="\${w#*=}" ;;
        ${plain([...valued]).replaceAll(' ', '|')}) value="$w" ;;
      esac
      continue
    fi
    if [[ \${#args[@]} -eq 0 ]]; then
      case "\${at:+$at }$w" in ${paths.join('|')}) at="\${at:+$at }$w"; continue ;; esac
    fi
    args+=("$w")
  done
  [[ "$cur" == "=" ]] && cur=""
  if [[ -n "$value" ]]; then
    case "$at:$value" in
${valueCases(all).join('\n')}
    esac
    return
  fi
  [[ "$cur" == --*=* ]] && return
  case "$at" in
${all.map((n) => commandCase(n, globals)).join('\n')}
  esac
  if [[ "$cur" == -* || ( -z "$cmds" && -z "$arg" ) ]]; then
    _ges_words $flags
    return
  fi
  [[ -n "$cmds" ]] && { _ges_words $cmds; return; }
  case "$arg" in
    profiles|graphs) _ges_names "$arg" ;;
    jobs) _ges_names jobs "\${args[0]}" ;;
    files) _ges_files ;;
    words) _ges_words $choices ;;
  esac
}
complete -F _ges_complete ges
`;
}
