/** Lines that arrive within this long of the last write leave together. */
export const COALESCE_MS = 20;
/** Held text past this size leaves at once. */
const COALESCE_CHARS = 64 * 1024;

type Stream = NodeJS.WritableStream;

/**
 * Writes stdout and stderr text in the order it was given, at once when the streams have been
 * idle, and coalesced under load: what arrives within COALESCE_MS of the last write leaves in one
 * write per stream at the end of that time. A million result lines then cost a few hundred
 * writes, and the first line of a run still appears as soon as it is known.
 */
export class Writer {
  /** When text was last given (for progress lines: "nothing printed for so long"). */
  lastText = Date.now();
  private pending: { stream: Stream; text: string }[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private holds = 0;
  private blocked: Promise<void> | undefined;

  write(stream: Stream, text: string): void {
    this.lastText = Date.now();
    const last = this.pending[this.pending.length - 1];
    if (last?.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    this.chars += text.length;
    if (this.holds > 0) return;
    const wait = this.lastFlush + COALESCE_MS - Date.now();
    // A clock set back makes `wait` long: never hold text longer than the window.
    if (wait <= 0 || wait > COALESCE_MS || this.chars >= COALESCE_CHARS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref();
    }
  }

  /** Holds every write until the matching release(), then writes them in one piece per stream. */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds === 0) this.flush();
  }

  /** Writes what is held, now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.chars = 0;
    this.lastFlush = Date.now();
    for (const { stream, text } of pending) {
      if (!stream.write(text)) this.block(stream);
    }
  }

  /**
   * Resolves once the streams take more: undefined when they do now. A reader that went away
   * (a closed pipe) does not hold the run.
   */
  ready(): Promise<void> | undefined {
    return this.blocked;
  }

  private block(stream: Stream): void {
    if (this.blocked) return;
    const s = stream as NodeJS.WritableStream & { destroyed?: boolean };
    if (s.destroyed) return;
    this.blocked = new Promise<void>((resolve) => {
      const done = (): void => {
        for (const event of ['drain', 'close', 'error']) s.off(event, done);
        this.blocked = undefined;
        resolve();
      };
      for (const event of ['drain', 'close', 'error']) s.once(event, done);
    });
  }
}
