import type { Env } from '../core/config/resolve.js';
import { formatDuration } from '../core/duration.js';
import type { AttemptInfo } from '../core/http/client.js';
import { Writer } from './writer.js';

/** The streams a command talks to; injected so tests can drive commands in-process. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface OutputFlags {
  /** Machine output on stdout: --json or --jsonl. */
  json: boolean;
  /** --jsonl: one JSON value a line (per job where a command has jobs). */
  jsonl: boolean;
  quiet: boolean;
  verbose: boolean;
  /** false with --no-color. */
  color: boolean;
}

/**
 * Colour rule: --no-color never; FORCE_COLOR (not "0") always; NO_COLOR (non-empty) or
 * TERM=dumb never; otherwise only on a TTY.
 */
export function useColor(isTTY: boolean | undefined, env: Env, flagColor: boolean): boolean {
  if (!flagColor) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '')
    return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(isTTY);
}

/**
 * The few styles ges uses; plain functions when colour is off, so chalk loads only for a
 * terminal.
 */
export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const same = (text: string): string => text;

/**
 * Control characters (C0 and C1, DEL) and bidirectional overrides, which a terminal would act
 * on (clear the screen, move the cursor, write the clipboard, reorder text) rather than show.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Strings from a server or a file as a terminal may show them: unsafe characters escaped
 * visibly, at most `max` characters.
 */
export function escapeText(text: string, max = 4000): string {
  const escaped = text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return (
      NAMED[c] ??
      (code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/**
 * A table or TSV cell: escaped (a tab inside a value would split the columns) and at most 120
 * characters.
 */
const CELL_LIMIT = 120;
export const PLAIN: Paint = {
  red: same,
  green: same,
  yellow: same,
  cyan: same,
  dim: same,
  bold: same,
};

/** Builds the output, loading chalk only when either stream gets colour. */
export async function createOutput(
  streams: Streams,
  env: Env,
  flags: OutputFlags,
): Promise<Output> {
  const outColor = useColor(streams.stdout.isTTY, env, flags.color);
  const errColor = useColor(streams.stderr.isTTY, env, flags.color);
  if (!outColor && !errColor) return new Output(streams, env, flags, PLAIN, PLAIN);
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return new Output(streams, env, flags, outColor ? chalk : PLAIN, errColor ? chalk : PLAIN);
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const NO_SPINNER: Spinner = { update() {}, stop() {} };

/** A long task's status line, shown as a spinner or as progress lines; stop() ends it. */
export interface Status {
  stop(): void;
}

/** A spinner running: render() redraws its text. */
interface Shown extends Status {
  render(): void;
}

/** How often a spinner's text is brought up to date (its counts and elapsed time). */
const STATUS_REFRESH_MS = 250;

/** A request's first attempt is worth a mention once it has taken this long. */
export const SLOW_REQUEST_MS = 3000;

/** What the HTTP clients tell of their requests' attempts (see ConnectorOptions). */
export interface AttemptListener {
  onAttempt(info: AttemptInfo): void;
  onSettled(request: object): void;
}

/**
 * "(attempt 2 of 3, 12s)": of the requests under way, the one on its latest attempt (the
 * longest under way among those), once it is past its first attempt or slow; "" otherwise.
 */
export function attemptSuffix(requests: Iterable<AttemptInfo>, now: number): string {
  let shown: AttemptInfo | undefined;
  for (const r of requests) {
    if (!shown || r.attempt > shown.attempt) shown = r;
    else if (r.attempt === shown.attempt && r.startedAt < shown.startedAt) shown = r;
  }
  if (!shown) return '';
  const elapsed = Math.max(0, now - shown.startedAt);
  if (shown.attempt < 2 && elapsed < SLOW_REQUEST_MS) return '';
  const seconds = Math.floor(elapsed / 1000);
  const time = seconds === 0 ? '0s' : formatDuration(seconds * 1000);
  return `(attempt ${shown.attempt} of ${Math.max(shown.of, shown.attempt)}, ${time})`;
}

export class Output {
  /** The spinner running, if one is. */
  private active: Shown | undefined;
  /** Requests under way, each at its latest attempt (only while a spinner may run). */
  private readonly requests = new Map<object, AttemptInfo>();
  /** Told when a request's attempt starts or the request ends: spinners that show them. */
  private readonly watchers = new Set<() => void>();
  private readonly writer = new Writer();
  /**
   * A per-job command's document under --json: not begun, begun with nothing written yet, or
   * open (its `results` array written up to the last job that ended).
   */
  private results: 'off' | 'pending' | 'open' = 'off';
  /** Fields the document ends with unless its end says otherwise (zero counts). */
  private resultDefaults: Record<string, unknown> = {};

  /** `out` and `err`: colours for stdout and for stderr, each decided by its own stream. */
  constructor(
    readonly streams: Streams,
    private readonly env: Env,
    readonly flags: OutputFlags,
    readonly out: Paint,
    readonly err: Paint,
  ) {}

  get stdoutIsTTY(): boolean {
    return Boolean(this.streams.stdout.isTTY);
  }

  /**
   * A result line on stdout; silent under --json and --quiet. Every line is escaped (see
   * escapeText): colour is added here, after escaping, never passed in. `mark` starts the line
   * with a green check; `tail` ends it with a word in a colour.
   */
  result(
    line: string,
    options: { mark?: boolean; tail?: { text: string; style: keyof Paint } } = {},
  ): void {
    if (this.flags.json || this.flags.quiet) return;
    const mark = options.mark ? `${this.out.green('✓')} ` : '';
    const tail = options.tail
      ? this.out[options.tail.style](escapeText(options.tail.text, CELL_LIMIT))
      : '';
    this.toStdout(`${mark}${escapeText(line)}${tail}\n`);
  }

  /** Aligned columns on stdout, the first row (the header) in bold; silent like result(). */
  table(rows: string[][]): void {
    if (this.flags.json || this.flags.quiet) return;
    const cells = rows.map((row) => row.map((cell) => escapeText(cell, CELL_LIMIT)));
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
    const lines = cells.map((row, n) => {
      const line = row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
      return `${n === 0 ? this.out.bold(line) : line}\n`;
    });
    this.toStdout(lines.join(''));
  }

  /**
   * One tab-separated line for scripts: each field escaped, so a field never holds a tab or a
   * line break.
   */
  row(fields: string[]): void {
    if (this.flags.json || this.flags.quiet) return;
    this.toStdout(`${fields.map((f) => escapeText(f, CELL_LIMIT)).join('\t')}\n`);
  }

  private toStdout(text: string): void {
    this.writer.write(this.streams.stdout, text);
  }

  private toStderr(text: string): void {
    this.writer.write(this.streams.stderr, text);
  }

  /**
   * Runs `write` with its lines held, then writes them in one piece per stream: a thousand
   * result lines leave in one write, not a thousand (corking does not do that for a file).
   */
  batch(write: () => void): void {
    this.writer.hold();
    try {
      write();
    } finally {
      this.writer.release();
    }
  }

  /**
   * Resolves once stdout and stderr take more (undefined when they do now): a loop that prints
   * as it goes awaits it, so a slow reader slows the run instead of filling memory.
   */
  ready(): Promise<void> | undefined {
    return this.writer.ready();
  }

  /** Writes whatever is held and stops the spinner: the end of a run. */
  close(): void {
    this.stopSpinner();
    this.writer.flush();
  }

  /**
   * The one JSON document of a --json run (one line under --jsonl): exact, never escaped (JSON
   * has its own escaping). When a per-job command's results are being written, it ends that
   * document instead: its fields follow the `results` array.
   */
  json(doc: Record<string, unknown>): void {
    if (this.results !== 'off') this.endResults(doc);
    else
      this.toStdout(`${this.flags.jsonl ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)}\n`);
  }

  /**
   * A per-job command starts: under --json its document is written as jobs end (`results`
   * first, the totals after it); under --jsonl a line a job, then a summary line.
   */
  beginResults(defaults: Record<string, unknown> = {}): void {
    if (!this.flags.json) return;
    this.results = 'pending';
    this.resultDefaults = defaults;
  }

  /** One job's result: an element of --json's `results`, or a --jsonl line. */
  jobResult(entry: object): void {
    if (!this.flags.json) return;
    const line = JSON.stringify(entry);
    if (this.flags.jsonl) this.toStdout(`${line}\n`);
    else {
      this.toStdout(this.results === 'open' ? `,\n    ${line}` : `{\n  "results": [\n    ${line}`);
      this.results = 'open';
    }
  }

  private endResults(doc: Record<string, unknown>): void {
    const { results: _, ...fields } = doc;
    for (const [key, value] of Object.entries(this.resultDefaults))
      if (!(key in fields)) fields[key] = value;
    if (this.flags.jsonl) this.toStdout(`${JSON.stringify({ summary: true, ...fields })}\n`);
    else if (this.results === 'open')
      this.toStdout(`\n  ],\n${JSON.stringify(fields, null, 2).slice(2)}\n`);
    else this.toStdout(`${JSON.stringify({ results: [], ...fields }, null, 2)}\n`);
    this.results = 'off';
  }

  error(message: string, hint?: string): void {
    this.toStderr(`${this.err.red('error:')} ${escapeText(message)}\n`);
    if (hint) this.hint(hint);
  }

  hint(message: string): void {
    this.toStderr(`${this.err.dim('hint:')} ${escapeText(message)}\n`);
  }

  /** Warnings reach stderr even under --quiet and --json: they are about safety or typos. */
  warn(message: string): void {
    this.toStderr(`${this.err.yellow('warning:')} ${escapeText(message)}\n`);
  }

  /** A line on stderr that every mode shows: what the run is doing about a stop. */
  notice(message: string): void {
    this.toStderr(`${escapeText(message)}\n`);
  }

  /** Informational lines on stderr (not results); silent under --json and --quiet. */
  info(message: string): void {
    if (this.flags.json || this.flags.quiet) return;
    this.toStderr(`${escapeText(message)}\n`);
  }

  /** --verbose trace lines on stderr. */
  trace = (line: string): void => {
    if (this.flags.verbose) this.toStderr(`${this.err.dim(escapeText(line))}\n`);
  };

  /** Whether a spinner may run: stderr a terminal of known width, not CI, dumb or quiet. */
  private spinnerAllowed(): boolean {
    const { stderr } = this.streams;
    if (!stderr.isTTY || this.env.CI || this.env.TERM === 'dumb') return false;
    if (this.flags.json || this.flags.quiet || this.flags.verbose) return false;
    // A terminal that reports no width (some pseudo-terminals) makes ora clear lines forever.
    return Boolean((stderr as NodeJS.WriteStream).columns);
  }

  /**
   * Listens to the requests' attempts, for a spinner to show one that is retried or slow;
   * undefined where no spinner may run (--verbose traces each attempt instead).
   */
  attemptListener(): AttemptListener | undefined {
    if (!this.spinnerAllowed()) return undefined;
    const changed = (): void => {
      for (const watch of this.watchers) watch();
    };
    // Redrawn at once only when a retry starts or a retried request ends; a first attempt
    // that turns slow shows at the next refresh. A million first attempts cost no redraw.
    return {
      onAttempt: (info) => {
        this.requests.set(info.request, info);
        if (info.attempt > 1) changed();
      },
      onSettled: (request) => {
        const retried = (this.requests.get(request)?.attempt ?? 1) > 1;
        this.requests.delete(request);
        if (retried) changed();
      },
    };
  }

  /** A spinner's text: `text`, then the attempt of a request that is retried or slow. */
  private spinnerText(text: string): string {
    const suffix = this.requests.size ? attemptSuffix(this.requests.values(), Date.now()) : '';
    return escapeText(suffix ? `${text} ${suffix}` : text);
  }

  /** A spinner on stderr, only on a TTY outside CI and without --json or --quiet. */
  async spinner(text: string): Promise<Spinner> {
    let current = text;
    const shown = await this.showSpinner(() => current);
    if (!shown) return NO_SPINNER;
    return {
      update: (t) => {
        current = t;
        shown.render();
      },
      stop: shown.stop,
    };
  }

  /**
   * Starts the spinner showing `text()`, read again as it goes and as requests' attempts
   * start and end; undefined where no spinner may run.
   */
  private async showSpinner(text: () => string): Promise<Shown | undefined> {
    if (!this.spinnerAllowed()) return undefined;
    const { default: ora } = await import('ora');
    this.writer.flush();
    const spinner = ora({
      text: this.spinnerText(text()),
      stream: this.streams.stderr as NodeJS.WriteStream,
      // ora's colours come from chalk's own detection, which ignores NO_COLOR: ask for none.
      color: useColor(true, this.env, this.flags.color) ? 'cyan' : false,
      isEnabled: true,
      discardStdin: false,
    }).start();
    const render = (): void => {
      spinner.text = this.spinnerText(text());
    };
    const timer = setInterval(render, STATUS_REFRESH_MS);
    timer.unref();
    this.watchers.add(render);
    const shown: Shown = {
      render,
      stop: () => {
        clearInterval(timer);
        this.watchers.delete(render);
        this.writer.flush();
        spinner.stop();
        if (this.active === shown) this.active = undefined;
      },
    };
    this.active = shown;
    return shown;
  }

  stopSpinner(): void {
    this.active?.stop();
  }

  /**
   * Until stop(): on a terminal, a spinner showing `text` while a request is retried or slow,
   * and nothing otherwise (for steps before a command's own status line, quick as a rule).
   */
  whileConnecting(text: string): Status {
    if (!this.spinnerAllowed()) return { stop() {} };
    let spinner: Shown | undefined;
    let starting = false;
    let ended = false;
    const check = (): void => {
      const due = !ended && attemptSuffix(this.requests.values(), Date.now()) !== '';
      if (spinner && !due) {
        spinner.stop();
        spinner = undefined;
      } else if (due && !spinner && !starting && !this.active) {
        starting = true;
        void this.showSpinner(() => text).then((started) => {
          starting = false;
          spinner = started;
          check();
        });
      }
    };
    // A first attempt becomes slow with no attempt starting or ending.
    const timer = setInterval(check, STATUS_REFRESH_MS);
    timer.unref();
    this.watchers.add(check);
    return {
      stop: () => {
        ended = true;
        clearInterval(timer);
        this.watchers.delete(check);
        check();
      },
    };
  }

  /**
   * A long task's status, `text()` read again as it goes: on a terminal a spinner showing it;
   * otherwise a line of it on stderr whenever `everyMs` passes with nothing printed (0: never).
   */
  async status(text: () => string, everyMs: number): Promise<Status> {
    const shown = await this.showSpinner(text);
    if (shown) return shown;
    if (everyMs <= 0) return { stop() {} };
    this.writer.lastText = Date.now();
    let timer: NodeJS.Timeout;
    const check = (): void => {
      if (Date.now() - this.writer.lastText >= everyMs) this.toStderr(`${escapeText(text())}\n`);
      timer = setTimeout(check, Math.max(1, this.writer.lastText + everyMs - Date.now()));
      timer.unref();
    };
    timer = setTimeout(check, everyMs);
    timer.unref();
    return { stop: () => clearTimeout(timer) };
  }
}
