import { JOB_ID } from '../core/ges/constants.js';

/** Job commands whose arguments after the graph are job IDs. */
const JOB_ID_COMMANDS: ReadonlySet<string> = new Set(['cancel', 'status', 'wait']);

/** A word as a shell reads it back: quoted unless plain, any URL's user info masked. */
function shellWord(word: string): string {
  const shown = word.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/**
 * For commander's "unknown option '-x1'" in a job command where `-x1` can be a job ID: such an
 * ID reads as an option unless it comes after "--". The hint is the command line again with
 * that word moved there. `argv`: the words after `ges`.
 */
export function dashedJobIdHint(message: string, argv: string[]): string | undefined {
  const word = /unknown option '([^']+)'/.exec(message)?.[1];
  if (!word || word.startsWith('--') || !JOB_ID.test(word)) return undefined;
  const job = argv.indexOf('job');
  if (job < 0 || !JOB_ID_COMMANDS.has(argv[job + 1] ?? '')) return undefined;
  const at = argv.indexOf(word);
  if (at < 0) return undefined;
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  const end = rest.indexOf('--');
  const line =
    end < 0 ? [...rest, '--', word] : [...rest.slice(0, end + 1), word, ...rest.slice(end + 1)];
  return `job IDs that start with '-' go after '--': ges ${line.map(shellWord).join(' ')}`;
}
