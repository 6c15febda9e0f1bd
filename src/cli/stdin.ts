import { UsageError } from '../core/errors.js';

/** A line this long cannot hold a job ID (at most 128 characters): refused, not buffered. */
const LINE_LIMIT = 4096;

/**
 * Reads a stream as lines, a chunk at a time and only when asked: a pipe of a million IDs is
 * never held whole, and what the run does not need is never read. Lines are cut from the chunk
 * one by one as they are taken, so none lives longer than its use. Stops, without an error,
 * when `signal` aborts (Ctrl-C while a pipe is still open).
 */
export class LineReader {
  /** Lines taken so far (blank and comment lines included): for "line N of stdin". */
  lines = 0;
  /** True once the stream ended; false after a stop or a failure before its end. */
  complete = false;
  private text = '';
  private at = 0;
  private readonly chunks: AsyncIterator<unknown>;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly signal?: AbortSignal,
  ) {
    stream.setEncoding('utf8');
    this.chunks = stream[Symbol.asyncIterator]();
  }

  /** The next whole line of what was read; undefined when more() must read on. */
  take(): string | undefined {
    const end = this.text.indexOf('\n', this.at);
    if (end < 0) return undefined;
    const line = this.text.slice(this.at, end);
    this.at = end + 1;
    this.lines++;
    return line;
  }

  /**
   * The first whole line read but not yet taken that matches `pattern` (flags g and m), with
   * its number: for checking a chunk's lines before any of them is used.
   */
  find(pattern: RegExp): { line: number; text: string } | undefined {
    const end = this.text.lastIndexOf('\n');
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match || match.index >= end) return undefined;
    let line = this.lines + 1;
    for (let i = this.text.indexOf('\n', this.at); i >= 0 && i < match.index; ) {
      line++;
      i = this.text.indexOf('\n', i + 1);
    }
    return { line, text: match[0] };
  }

  /** Reads on; false at the end of the stream or once the run is stopped. */
  async more(): Promise<boolean> {
    const rest = this.text.slice(this.at);
    this.text = '';
    this.at = 0;
    const chunk = await this.read();
    if (chunk === null) {
      // A last line without a line break is still a line.
      if (!this.complete || rest === '') return false;
      this.text = `${rest}\n`;
      return true;
    }
    this.text = rest + chunk;
    if (this.text.length > LINE_LIMIT && this.text.indexOf('\n') < 0) {
      throw new UsageError(
        `line ${this.lines + 1} of stdin is longer than ${LINE_LIMIT} characters: ` +
          'expected one job ID a line (at most 128 characters)',
      );
    }
    return true;
  }

  /** Stops reading (the stream is destroyed); safe to call at any time. */
  close(): void {
    this.chunks.return?.().catch(() => {});
  }

  private async read(): Promise<string | null> {
    const { signal } = this;
    if (this.complete || signal?.aborted) return null;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<null>((resolve) => {
      onAbort = () => resolve(null);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const next = await Promise.race([this.chunks.next(), stopped]);
      if (next === null) {
        this.close();
        return null;
      }
      if (next.done) {
        this.complete = true;
        return null;
      }
      return next.value as string;
    } finally {
      signal?.removeEventListener('abort', onAbort!);
    }
  }
}
