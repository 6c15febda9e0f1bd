import { InterruptedError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import type { Streams } from './output.js';

/** Whether a question can be asked: stdin to read the answer and stderr to ask are terminals. */
export function canAsk(streams: Streams): boolean {
  return Boolean(streams.stdin.isTTY && streams.stderr.isTTY);
}

/**
 * Asks a yes/no question on stderr and reads the answer from stdin: true for "y" or "yes" (any
 * case), false for anything else, an empty answer or the input ending. Ctrl-C at the prompt
 * (which a terminal hands to readline, not to the process) and a stop of the run throw an
 * InterruptedError saying that nothing was sent.
 */
export async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  const { stdin, stderr } = ctx.streams;
  // Loaded here: a run that asks nothing does not pay for node:readline.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: stdin, output: stderr });
  let onStop = (): void => {};
  try {
    return await new Promise<boolean>((resolve, reject) => {
      const interrupt = (reason: string): void =>
        reject(
          new InterruptedError('interrupted at the prompt: nothing was sent', 0, false, reason),
        );
      onStop = () => interrupt(String(ctx.signal.reason));
      if (ctx.signal.aborted) return onStop();
      ctx.signal.addEventListener('abort', onStop, { once: true });
      rl.on('SIGINT', () => {
        // The line break the terminal did not echo.
        stderr.write('\n');
        interrupt('SIGINT');
      });
      rl.on('close', () => resolve(false));
      rl.question(question, (answer) => resolve(/^y(es)?$/i.test(answer.trim())));
    });
  } finally {
    ctx.signal.removeEventListener('abort', onStop);
    rl.close();
  }
}
