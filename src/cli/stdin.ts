import { UsageError } from '../core/errors.js';

/** A line this long cannot hold a job ID (at most 128 characters): refused, not buffered. */
const LINE_LIMIT = 4096;

/** Text decoded at a time from a chunk: small strings die young (see LineReader). */
const PIECE = 4096;
const NEWLINE = 0x0a;

/**
 * Reads a stream as lines, a chunk at a time and only when asked: a pipe of a million IDs is
 * never held whole, and what the run does not need is never read. A chunk stays bytes; its
 * lines are decoded a few kilobytes at a time as they are taken (a line break never falls
 * inside a UTF-8 sequence), so no large string outlives the moment it is used: a 64 KiB string
 * kept while its 1,400 IDs are sent would be copied into the old generation, chunk after chunk.
 * Stops, without an error, when `signal` aborts (Ctrl-C while a pipe is still open).
 */
export class LineReader {
  /** Lines taken so far (blank and comment lines included): for "line N of stdin". */
  lines = 0;
  /** True once the stream ended; false after a stop or a failure before its end. */
  complete = false;
  private bytes: Buffer = Buffer.alloc(0);
  /** Where the bytes not yet decoded start. */
  private pos = 0;
  /** Decoded lines not yet taken, and where the next one starts. */
  private text = '';
  private at = 0;
  private readonly chunks: AsyncIterator<unknown>;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly signal?: AbortSignal,
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  /** The next whole line of what was read; undefined when more() must read on. */
  take(): string | undefined {
    let end = this.text.indexOf('\n', this.at);
    if (end < 0) {
      if (!this.decode()) return undefined;
      end = this.text.indexOf('\n');
    }
    const line = this.text.slice(this.at, end);
    this.at = end + 1;
    this.lines++;
    return line;
  }

  /** Decodes the next piece of whole lines; false when no whole line is left in the chunk. */
  private decode(): boolean {
    const { bytes, pos } = this;
    const last = bytes.lastIndexOf(NEWLINE, Math.min(pos + PIECE, bytes.length) - 1);
    const end = last >= pos ? last : bytes.indexOf(NEWLINE, pos);
    if (end < 0) return false;
    this.text = bytes.toString('utf8', pos, end + 1);
    this.at = 0;
    this.pos = end + 1;
    return true;
  }

  /**
   * The first whole line read but not yet taken that matches `pattern` (flags g and m), with
   * its number: for checking a chunk's lines before any of them is used. Call it right after
   * more(), when every earlier line has been taken.
   */
  find(pattern: RegExp): { line: number; text: string } | undefined {
    const end = this.bytes.lastIndexOf(NEWLINE);
    // Read once to check, then dropped: it dies young.
    const text =
      this.text.slice(this.at) +
      (end < this.pos ? '' : this.bytes.toString('utf8', this.pos, end + 1));
    pattern.lastIndex = 0;
    const match = pattern.exec(text);
    if (!match || match.index >= text.length - 1) return undefined;
    let line = this.lines + 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < match.index; i = text.indexOf('\n', i + 1))
      line++;
    return { line, text: match[0] };
  }

  /** Reads on; false at the end of the stream or once the run is stopped. */
  async more(): Promise<boolean> {
    const rest = this.bytes.subarray(this.pos);
    this.text = '';
    this.at = 0;
    this.pos = 0;
    this.bytes = Buffer.alloc(0);
    const chunk = await this.read();
    if (chunk === null) {
      // A last line without a line break is still a line.
      if (!this.complete || rest.length === 0) return false;
      this.text = `${rest.toString('utf8')}\n`;
      return true;
    }
    const first = rest.length > 0 ? chunk.indexOf(NEWLINE) : -1;
    if (first >= 0) {
      // The line cut at the chunk's edge, put together on its own: the chunk is not copied.
      this.text = Buffer.concat([rest, chunk.subarray(0, first + 1)]).toString('utf8');
      this.bytes = chunk;
      this.pos = first + 1;
    } else this.bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    if (this.bytes.length > LINE_LIMIT && this.bytes.indexOf(NEWLINE) < 0 && !this.text) {
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

  private async read(): Promise<Buffer | null> {
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
      const value = next.value as Buffer | string;
      return typeof value === 'string' ? Buffer.from(value) : value;
    } finally {
      signal?.removeEventListener('abort', onAbort!);
    }
  }
}
