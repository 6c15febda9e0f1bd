import { type Flag, type Node, nodes, plain, type Values } from './model.js';

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The `complete` options that complete a value or an argument. */
function values(v: Values): string {
  switch (v.kind) {
    case 'profiles':
    case 'graphs':
    case 'jobs':
      return `-a ${quote(`(__ges_names ${v.kind})`)}`;
    case 'files':
      return '-F';
    case 'words':
      return `-a ${quote(plain(v.words))}`;
    case 'none':
      return '';
  }
}

function flagLine(flag: Flag, condition: string): string {
  const names = flag.names
    .map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`))
    .join(' ');
  const value = flag.value
    ? ` ${flag.value.values.kind === 'files' ? '-r' : '-x'} ${values(flag.value.values)}`
    : '';
  return `complete -c ges${condition} ${names}${value.trimEnd()} -d ${quote(flag.description)}`;
}

/** One command's lines: its subcommands, its own flags, and what completes each argument. */
function commandLines(node: Node, globals: Set<string>): string[] {
  const path = quote(node.path.join(' '));
  const lines = node.commands.map(
    (c) =>
      `complete -c ges -n ${quote(`__ges_arg ${path} 0`)} -a ${c.path.at(-1)} ` +
      `-d ${quote(c.description)}`,
  );
  for (const flag of node.flags)
    if (!globals.has(flag.names.join(' ')))
      lines.push(flagLine(flag, ` -n ${quote(`__ges_at ${path}`)}`));
  node.args.forEach((arg, i) => {
    const at = arg.variadic ? `${i} more` : `${i}`;
    if (arg.values.kind !== 'none')
      lines.push(`complete -c ges -n ${quote(`__ges_arg ${path} ${at}`)} ${values(arg.values)}`);
  });
  return lines;
}

/**
 * The script. `__ges_scan` reads the words before the cursor once per question: the command
 * path, the arguments after it, and the profile and config typed (passed on to
 * `ges __complete`).
 */
export function fishScript(root: Node): string {
  const all = nodes(root);
  const globals = root.flags.filter((f) => f.names[0] !== '--version');
  const valued = [
    ...new Set(all.flatMap((n) => n.flags.filter((f) => f.value)).flatMap((f) => f.names)),
  ];
  const paths = all.filter((n) => n.path.length).map((n) => quote(n.path.join(' ')));
  return `# ges completion for fish: save it as ~/.config/fish/completions/ges.fish
complete -c ges -f
function __ges_scan
    set -g __ges_path
    set -g __ges_args
    set -g __ges_extra
    set -l value
    set -l ddash
    for w in (commandline -opc)[2..-1]
        if test -n "$value"
            switch $value
                case -p --profile
                    set -a __ges_extra --profile $w
                case --config
                    set -a __ges_extra --config $w
            end
            set value
            continue
        end
        if test -z "$ddash"; and string match -q -- '-?*' $w
            switch $w
                case --
                    set ddash 1
                case '--profile=*'
                    set -a __ges_extra --profile (string replace -- --profile= '' $w)
                case '--config=*'
                    set -a __ges_extra --config (string replace -- --config= '' $w)
                case ${plain(valued)}
                    set value $w
            end
            continue
        end
        if test (count $__ges_args) -eq 0
            and contains -- (string join ' ' $__ges_path $w) ${paths.join(' ')}
            set -a __ges_path $w
            continue
        end
        set -a __ges_args $w
    end
end
# __ges_at PATH: the words typed name that command ('' for ges itself).
function __ges_at
    __ges_scan
    test "$__ges_path" = "$argv[1]"
end
# __ges_arg PATH N [more]: at that command, with N arguments typed (or more).
function __ges_arg
    __ges_at $argv[1]; or return 1
    set -l n (count $__ges_args)
    if set -q argv[3]
        test $n -ge $argv[2]
    else
        test $n -eq $argv[2]
    end
end
# Names from the config or a server, one a line: fish takes them as words.
function __ges_names
    __ges_scan
    if test "$argv[1]" = jobs
        ges __complete jobs $__ges_args[1] $__ges_extra 2>/dev/null
    else
        ges __complete $argv $__ges_extra 2>/dev/null
    end
end
${globals.map((f) => flagLine(f, '')).join('\n')}
${all.flatMap((n) => commandLines(n, new Set(globals.map((f) => f.names.join(' '))))).join('\n')}
`;
}
