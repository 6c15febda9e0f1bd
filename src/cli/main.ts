import { Command, CommanderError } from 'commander';
import { GesCliError, UsageError } from '../core/errors.js';
import { describeStop, type CommandContext, type GlobalOptions } from './context.js';
import { EXIT } from './exit-codes.js';
import { createOutput, type Output, type Streams } from './output.js';
import { envelope, reportError } from './report.js';
import { parseNumberOption } from '../core/validate.js';
import { createProgram, type ActionFactory } from './program.js';

/** Boolean flags that shape output, read before commander so its own errors honour them. */
function scanOutputFlags(argv: string[]): { json: boolean; quiet: boolean; verbose: boolean; color: boolean } {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  const has = (...names: string[]): boolean => args.some((a) => names.includes(a));
  return { json: has('--json'), quiet: has('-q', '--quiet'), verbose: has('-v', '--verbose'), color: !has('--no-color') };
}

/** "ges job cancel" for the words of argv that name commands: for pointing at the right --help. */
function commandPath(program: Command, argv: string[]): string {
  const names = [program.name()];
  let command = program;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) continue;
    names.push(sub.name());
    command = sub;
  }
  return names.join(' ');
}

function processStreams(): Streams {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * Runs the CLI; resolves to the exit code. The one place errors become exit codes.
 * `stop` aborts the run as Ctrl-C does (bin/ges.js aborts it with the signal's name on
 * SIGINT, SIGTERM and SIGHUP); --max-time aborts it with "max-time".
 */
export async function main(argv: string[], streams: Streams = processStreams(), cwd = process.cwd(), stop?: AbortSignal): Promise<number> {
  const output = await createOutput(streams, scanOutputFlags(argv));
  const abort = new AbortController();
  const onStop = (): void => {
    output.stopSpinner();
    streams.stderr.write(`${describeStop(stop!)}: stopping (press Ctrl-C again to quit at once)\n`);
    abort.abort(stop!.reason);
  };
  stop?.addEventListener('abort', onStop, { once: true });
  let exitCode: number = EXIT.ok;
  let maxTimer: NodeJS.Timeout | undefined;

  /** Wraps a command's action: builds its context, runs it lazily loaded, records the exit code. */
  const action: ActionFactory = (load) => async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as GlobalOptions;
    if (options.maxTime !== undefined) {
      const seconds = parseNumberOption('--max-time', options.maxTime, { min: 0.001, max: 7 * 86_400, integer: false });
      maxTimer = setTimeout(() => {
        output.stopSpinner();
        output.warn(`--max-time ${seconds} s passed: stopping requests in flight`);
        abort.abort('max-time');
      }, seconds * 1000);
      maxTimer.unref();
    }
    const ctx: CommandContext = { options, output, streams, cwd, signal: abort.signal };
    const run = await load();
    exitCode = await run(ctx, ...args.slice(0, -1));
  };

  const program = createProgram(streams, action);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportFailure(error, program, argv, output, streams);
  } finally {
    clearTimeout(maxTimer);
    stop?.removeEventListener('abort', onStop);
  }
  return exitCode;
}

/** Reports whatever a command threw (human or one JSON document) and returns its exit code. */
function reportFailure(error: unknown, program: Command, argv: string[], output: Output, streams: Streams): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    if (error.code === 'commander.help') {
      // `ges help [command]` asked for help (exit 0); a bare group (`ges job`) printed it as an error.
      if (error.exitCode === 0) return EXIT.ok;
      const message = `no command given: ${commandPath(program, argv)} needs a command`;
      return output.flags.json ? reportError(output, new UsageError(message)) : EXIT.usage;
    }
    return reportError(output, new UsageError(error.message.replace(/^error: /, ''), `see ${commandPath(program, argv)} --help`));
  }
  if (error instanceof GesCliError) return reportError(output, error);
  const e = error as Error;
  const message = `internal error: ${e?.message ?? String(error)}`;
  if (output.flags.json) {
    output.json(envelope(EXIT.noAnswer, { error: { kind: 'internal', message } }));
  } else {
    output.error(message, output.flags.verbose ? undefined : 'run again with --verbose for details');
  }
  if (output.flags.verbose && e?.stack) streams.stderr.write(`${e.stack}\n`);
  return EXIT.noAnswer;
}

/**
 * Every command's help as commander prints it, keyed by command path ("" for ges itself).
 * The build stores it in dist/help.json so that bin/ges.js answers `--help` without loading the CLI.
 */
export function helpTexts(): Record<string, string> {
  let captured = '';
  const sink = { write: (text: string) => ((captured += text), true), isTTY: false } as unknown as Streams['stdout'];
  const program = createProgram({ stdout: sink, stderr: sink, stdin: process.stdin, env: {} }, () => async () => {});
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
