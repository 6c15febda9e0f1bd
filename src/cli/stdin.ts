import { InterruptedError, UsageError } from '../core/errors.js';

/** More job IDs than anyone pipes in: 64 MiB of them is refused rather than buffered. */
const STDIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads job IDs from a stream, one per line; blank lines and lines starting with # are skipped.
 * Stops at once when `signal` aborts (Ctrl-C while a pipe is still open).
 */
export async function readIdLines(
  stream: NodeJS.ReadableStream,
  signal?: AbortSignal,
): Promise<string[]> {
  let text = '';
  stream.setEncoding('utf8');
  const read = async (): Promise<void> => {
    for await (const chunk of stream) {
      text += chunk as string;
      if (text.length > STDIN_LIMIT)
        throw new UsageError(
          'more than 64 MiB of job IDs on stdin',
          'split them into several runs',
        );
    }
  };
  const interrupted = (): InterruptedError =>
    new InterruptedError(
      'interrupted while reading job IDs from stdin; nothing was sent',
      0,
      false,
      String(signal?.reason),
    );
  if (signal?.aborted) throw interrupted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interrupted());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([read(), aborted]);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    aborted.catch(() => {});
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
