import { type Command, CommanderError } from 'commander';
import type { Env } from '../core/config/resolve.js';
import { formatDuration, parseDurationOption } from '../core/duration.js';
import { GesError, UsageError } from '../core/errors.js';
import {
  type ActionFactory,
  type CommandContext,
  type CommandRun,
  describeStop,
} from './context.js';
import { EXIT } from './exit-codes.js';
import { unknownCommand } from './help.js';
import { dashedJobIdHint } from './hints.js';
import { createOutput, escapeText, type Output, type OutputFlags, type Streams } from './output.js';
import { createProgram, type GlobalOptions } from './program.js';
import { envelope, reportError } from './report.js';

/** --max-time: from a millisecond to a week; a plain number is seconds. */
const MAX_TIME = { plainUnit: 's', min: 1, max: 7 * 86_400_000 } as const;

/** Boolean flags that shape output, read before commander so its own errors honour them. */
function scanOutputFlags(argv: string[]): OutputFlags {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  const has = (...names: string[]): boolean => args.some((a) => names.includes(a));
  return {
    json: has('--json', '--jsonl'),
    jsonl: has('--jsonl'),
    quiet: has('-q', '--quiet'),
    verbose: has('-v', '--verbose'),
    color: !has('--no-color'),
  };
}

/** How to skip the orderly stop: the same key or signal again (bin/ges.cjs exits then). */
function quitAtOnce(reason: unknown): string {
  if (reason === 'SIGINT') return 'press Ctrl-C again to quit at once';
  if (reason === 'SIGTERM' || reason === 'SIGHUP') return `send ${reason} again to quit at once`;
  return 'send it again to quit at once';
}

/**
 * The command the words of argv name ("ges job cancel"), and those words: for pointing at the
 * right --help.
 */
function commandPath(program: Command, argv: string[]): { command: Command; words: string[] } {
  const words: string[] = [];
  let command = program;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) continue;
    words.push(sub.name());
    command = sub;
  }
  return { command, words };
}

/** The exit code of each signal bin/ges.cjs stops on, for its second signal (exit at once). */
export { signalExitCode } from './exit-codes.js';

/** What a run is given: its streams, environment and folder, and what stops it. */
export interface RunContext {
  streams: Streams;
  env: Env;
  cwd: string;
  /**
   * Aborts the run as Ctrl-C does: bin/ges.cjs aborts it with the signal's name on SIGINT,
   * SIGTERM and SIGHUP; --max-time aborts it with "max-time".
   */
  stop?: AbortSignal;
}

/**
 * Runs the CLI; resolves to the exit code. The one place errors become exit codes. Anything
 * not given comes from this process (its streams, environment and working directory).
 */
export async function main(argv: string[], given: Partial<RunContext> = {}): Promise<number> {
  const { streams, env, cwd, stop } = {
    // stdin only when read: Node builds the stream on first use (~1-2 ms, and a handle on a pipe).
    streams: {
      stdout: process.stdout,
      stderr: process.stderr,
      get stdin() {
        return process.stdin;
      },
    },
    env: process.env,
    cwd: process.cwd(),
    ...given,
  };
  const output = await createOutput(streams, env, scanOutputFlags(argv));
  const abort = new AbortController();
  const onStop = (): void => {
    output.stopSpinner();
    output.notice(`${describeStop(stop!)}: stopping (${quitAtOnce(stop!.reason)})`);
    abort.abort(stop!.reason);
  };
  stop?.addEventListener('abort', onStop, { once: true });
  let exitCode: number = EXIT.ok;
  let maxTimer: NodeJS.Timeout | undefined;

  /** Wraps a command's action: builds its context, runs it lazily loaded, records the exit code. */
  const action: ActionFactory =
    <A extends unknown[]>(load: () => Promise<CommandRun<A>>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals<GlobalOptions>();
      if (options.maxTime !== undefined) {
        const ms = parseDurationOption('--max-time', options.maxTime, MAX_TIME);
        maxTimer = setTimeout(() => {
          output.stopSpinner();
          output.warn(`--max-time ${formatDuration(ms)} passed: stopping requests in flight`);
          abort.abort('max-time');
        }, ms);
        maxTimer.unref();
      }
      const ctx: CommandContext = {
        options,
        output,
        streams,
        env,
        cwd,
        signal: abort.signal,
      };
      const run = await load();
      // Commander hands over the arguments the command declared, then its options object.
      exitCode = await run(ctx, ...(args.slice(0, -1) as A));
    };

  const program = createProgram(streams, action);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportFailure(error, program, argv, output, streams);
  } finally {
    clearTimeout(maxTimer);
    stop?.removeEventListener('abort', onStop);
    output.close();
  }
  return exitCode;
}

/** Reports whatever a command threw (human or one JSON document) and returns its exit code. */
function reportFailure(
  error: unknown,
  program: Command,
  argv: string[],
  output: Output,
  streams: Streams,
): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
      return EXIT.ok;
    const { command, words } = commandPath(program, argv);
    const where = ['ges', ...words].join(' ');
    if (error.code === 'commander.help') {
      // Help asked for (exit 0), or a bare group (`ges job`) that printed its help as an error.
      if (error.exitCode === 0) return EXIT.ok;
      const message = `no command given: ${where} needs a command`;
      return output.flags.json ? reportError(output, new UsageError(message)) : EXIT.usage;
    }
    return reportError(output, usageErrorFrom(error, command, words, where, argv));
  }
  if (error instanceof GesError) return reportError(output, error);
  const e = error as Error;
  const message = `internal error: ${e?.message ?? String(error)}`;
  if (output.flags.json) {
    output.json(envelope(EXIT.noAnswer, { error: { kind: 'internal', message } }));
  } else {
    output.error(
      message,
      output.flags.verbose ? undefined : 'run again with --verbose for details',
    );
  }
  // A stack can quote data from a server or a file: each line escaped, as every other line is;
  // written after what the output holds, so it follows its error line.
  output.close();
  if (output.flags.verbose && e?.stack)
    streams.stderr.write(
      `${e.stack
        .split('\n')
        .map((line) => escapeText(line))
        .join('\n')}\n`,
    );
  return EXIT.noAnswer;
}

/**
 * Commander's message as one clean line (`unknown option '--bogus'`), with its suggestion, or a
 * pointer to the command's help, as the hint.
 */
function usageErrorFrom(
  error: CommanderError,
  command: Command,
  words: string[],
  where: string,
  argv: string[],
): UsageError {
  const unknown = /^error: unknown command '(.*)'/.exec(error.message);
  if (error.code === 'commander.unknownCommand' && unknown)
    return unknownCommand(command, unknown[1]!, words, 'ges ');
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  const hint =
    dashedJobIdHint(error.message, argv) ??
    (suggestion ? `did you mean ${suggestion}?` : `see ${where} --help`);
  return new UsageError(first, hint);
}
