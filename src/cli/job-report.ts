import { formatDuration, parseDurationOption } from '../core/duration.js';
import { GesError } from '../core/errors.js';
import { hintFor } from '../core/hints.js';
import { describeStop } from './context.js';
import { ExitTally } from './exit-codes.js';
import type { Output, Status } from './output.js';
import type { GlobalOptions } from './program.js';
import { envelope, errorJson } from './report.js';

/** Progress lines without a terminal: the default gap of silence before one. */
const PROGRESS_EVERY_MS = 30_000;

/**
 * --progress-every in ms (0: off). Without the flag: 30 s, or off under --quiet (which asked
 * for silence); given, it holds in every mode.
 */
export function progressEvery(options: GlobalOptions): number {
  if (options.progressEvery === undefined) return options.quiet ? 0 : PROGRESS_EVERY_MS;
  const ms = parseDurationOption('--progress-every', options.progressEvery, {
    plainUnit: 's',
    min: 0,
    max: 86_400_000,
  });
  return ms === 0 ? 0 : Math.max(ms, 100);
}

/** How a command shows its kind of result (a cancel, a wait). */
export interface JobView<R> {
  /** The result's `outcome` word: the key it is counted under. */
  outcome(r: R): string;
  /** Another key it is also counted under, if any. */
  also?(r: R): string | undefined;
  /** What it earns for the exit code; undefined for a success. */
  error(r: R): GesError | undefined;
  /** Its element of --json's `results` (and its --jsonl line). */
  json(r: R): object;
  /** Its human lines, written as the job ends (through output; --quiet silences results). */
  show(r: R, report: JobReport<R>): void;
  /** Human lines after the last job, before the summary (lists held back). */
  end?(report: JobReport<R>): void;
  /** The human summary's parts for these counts, e.g. ["3 cancelled", "1 failed"]. */
  summary(counts: Readonly<Record<string, number>>): string[];
}

/** How a run ended, beyond its jobs. */
export interface RunEnd {
  /** The run was stopped: Ctrl-C, a signal, --max-time. */
  stopped?: AbortSignal;
  /** A failure of the run itself after some jobs (a bad line of stdin). */
  error?: GesError;
  /** With "-": where stdin stands. */
  stdin?: { nextLine: number; complete: boolean };
  /** IDs given more than once (each handled once). */
  duplicates?: number;
  /** More top-level fields for --json. */
  fields?: Record<string, unknown>;
  /** The human summary's label ("Total on 3 graphs"): with one, it is shown however few jobs. */
  total?: string;
}

/**
 * The report of a run over many jobs, written as each job ends: a human line, a --json element
 * or a --jsonl line. It keeps counts and which exit codes were earned, never the results, so
 * its memory does not grow with the number of jobs.
 */
export class JobReport<R> {
  readonly counts: Record<string, number> = {};
  /** Jobs reported so far, and those of them that failed. */
  jobs = 0;
  failed = 0;
  private readonly tally = new ExitTally();
  private readonly hints = new Map<string, { text: string; jobs: number }>();
  private readonly started = Date.now();

  constructor(
    private readonly output: Output,
    private readonly view: JobView<R>,
    outcomes: readonly string[],
  ) {
    for (const outcome of outcomes) this.counts[outcome] = 0;
    output.beginResults({ counts: { ...this.counts, duplicates: 0 } });
  }

  /** Reports one job; await what it returns (the output's back-pressure) before the next. */
  add(r: R): Promise<void> | undefined {
    this.jobs++;
    const outcome = this.view.outcome(r);
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    const also = this.view.also?.(r);
    if (also) this.counts[also] = (this.counts[also] ?? 0) + 1;
    const error = this.view.error(r);
    if (error) this.failed++;
    this.tally.add(error);
    if (this.output.flags.json) this.output.jobResult(this.view.json(r));
    else this.view.show(r, this);
    return this.output.ready();
  }

  /** A failure beside the jobs (a graph's list not read): it counts for the exit code. */
  fail(error: GesError): void {
    this.tally.add(error);
  }

  /** Reports each result as it comes; a GesError the stream throws is returned, not thrown. */
  async drain(results: AsyncIterable<R>): Promise<GesError | undefined> {
    try {
      for await (const r of results) {
        const slowed = this.add(r);
        if (slowed) await slowed;
      }
    } catch (error) {
      if (error instanceof GesError) return error;
      throw error;
    }
    return undefined;
  }

  /**
   * Notes a hint for the human report: each distinct one is shown once at the end, with how
   * many jobs it concerns; `generic` names no job (`<jobId>`), `specific` names this one.
   */
  hint(generic: string | undefined, specific: string | undefined): void {
    if (!generic) return;
    const seen = this.hints.get(generic);
    if (seen) seen.jobs++;
    else this.hints.set(generic, { text: specific ?? generic, jobs: 1 });
  }

  /** The hint of a job's failure, as human output shows it. */
  hintFor(error: GesError, graph: string, jobId: string): void {
    this.hint(hintFor(error, { graph, jobId: '<jobId>' }), hintFor(error, { graph, jobId }));
  }

  /** "0s", "12s", "1m12s": the time since the run began, in whole seconds. */
  elapsed(): string {
    const seconds = Math.floor((Date.now() - this.started) / 1000);
    return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
  }

  /** A status line (spinner or progress lines) showing `text()` with the elapsed time. */
  status(options: GlobalOptions, text: () => string): Promise<Status> {
    return this.output.status(
      () => `${text()} (${this.elapsed()} elapsed)`,
      progressEvery(options),
    );
  }

  /** Ends the report: the summary or the document's totals. Returns the exit code. */
  finish(end: RunEnd = {}): number {
    if (end.stopped) this.tally.stop(end.stopped.reason);
    if (end.error) this.tally.add(end.error);
    const exitCode = this.tally.code;
    if (this.output.flags.json) this.output.json(this.document(exitCode, end));
    else this.output.batch(() => this.human(end));
    return exitCode;
  }

  private document(exitCode: number, end: RunEnd): Record<string, unknown> {
    return envelope(exitCode, {
      counts: { ...this.counts, duplicates: end.duplicates ?? 0 },
      ...(end.stopped ? { stoppedBy: describeStop(end.stopped) } : {}),
      ...(end.stdin ? { stdin: end.stdin } : {}),
      ...(end.error ? { error: errorJson(end.error) } : {}),
      ...end.fields,
    });
  }

  private human(end: RunEnd): void {
    const { output } = this;
    this.view.end?.(this);
    if (end.error) output.error(end.error.message, hintFor(end.error, end.error.about ?? {}));
    for (const [generic, { text, jobs }] of this.hints)
      output.hint(jobs === 1 ? text : `(${jobs} jobs) ${generic}`);
    const parts = this.view.summary(this.counts);
    if (end.duplicates)
      parts.push(`${end.duplicates} repeated ID${plural(end.duplicates)} ignored`);
    if (end.stdin && !end.stdin.complete)
      parts.push(`stdin not read from line ${end.stdin.nextLine} on`);
    if (end.stopped && this.jobs === 0)
      output.error(
        `${describeStop(end.stopped)}${end.stdin ? ' while reading job IDs from stdin' : ''}; ` +
          'nothing was sent',
      );
    else if (end.stopped) output.error(`${describeStop(end.stopped)}: ${parts.join(', ')}`);
    else if (end.total) output.info(`${end.total}: ${parts.join(', ')}`);
    else if (this.jobs > 1 || end.error || end.duplicates) output.info(parts.join(', '));
  }
}

export const plural = (n: number): string => (n === 1 ? '' : 's');

/** "waiting, pending or running" */
export function orList(words: readonly string[]): string {
  return words.length < 2
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
