import { parseDurationOption } from '../core/duration.js';
import { GesError, UsageError } from '../core/errors.js';
import { type GesApi, type JobList, skippedWarning } from '../core/ges/api.js';
import { JOB_ID } from '../core/ges/constants.js';
import { JobIdSet } from '../core/ges/id-set.js';
import { KNOWN_STATUSES } from '../core/ges/jobs.js';
import { checkJobId, parseNumberOption } from '../core/validate.js';
import type { CommandContext } from './context.js';
import type { Output, Streams } from './output.js';
import { LineReader } from './stdin.js';

/**
 * What the job commands share: job IDs from arguments and stdin, status filters, reading the
 * job list.
 */

interface StdinProgress {
  reader: LineReader;
  /** The line of the last ID handed out (or skipped as blank, comment or duplicate). */
  lastLine: number;
  /** Every line was used. */
  done: boolean;
}

/**
 * The job IDs of a run, from the arguments and, for "-", the lines of stdin (blank lines and
 * lines starting with # skipped), each different ID once, read as the run needs them. Every
 * argument is checked before anything is sent; stdin is checked a chunk at a time as it is
 * read, so a bad line stops the run at its chunk (the jobs before it are handled and reported).
 */
export class JobIdSource implements AsyncIterable<string> {
  /** IDs given more than once (each sent once). */
  duplicates = 0;
  /** IDs handed out so far. */
  taken = 0;
  private readonly seen = new JobIdSet();
  private readonly ids: AsyncGenerator<string, void, undefined>;
  private first: IteratorResult<string, void> | undefined;
  private argIndex = 0;
  private reading: StdinProgress | undefined;

  /**
   * `stdin`: where "-" reads from; none for IDs that are data (a job list), where "-" is just
   * a job ID.
   */
  constructor(
    private readonly args: readonly string[],
    private readonly stdin?: { streams: Pick<Streams, 'stdin'>; signal?: AbortSignal },
  ) {
    if (stdin && args.filter((a) => a === '-').length > 1)
      throw new UsageError('"-" (read job IDs from stdin) may be given only once');
    for (const arg of args) if (!this.isDash(arg)) checkJobId(arg);
    this.ids = this.read();
  }

  private isDash(arg: string): boolean {
    return arg === '-' && this.stdin !== undefined;
  }

  /** Reads up to the first ID; false when there is none ("-" with nothing on stdin). */
  async hasAny(): Promise<boolean> {
    this.first ??= await this.ids.next();
    return !this.first.done;
  }

  [Symbol.asyncIterator](): AsyncIterator<string, void> {
    return {
      next: () => {
        const first = this.first;
        this.first = first?.done ? first : undefined;
        return first ? Promise.resolve(first) : this.ids.next();
      },
      return: () => this.ids.return(undefined),
    };
  }

  /**
   * With "-": the first line of stdin not used yet, and whether every line was (false after a
   * stop or a bad line). Undefined without "-".
   */
  get stdinState(): { nextLine: number; complete: boolean } | undefined {
    const s = this.reading;
    return s && { nextLine: s.lastLine + 1, complete: s.done };
  }

  /** After a stop: the IDs given as arguments that the run never reached. */
  *unreached(): Generator<string> {
    for (const arg of this.args.slice(this.argIndex + 1)) {
      if (!this.isDash(arg) && this.seen.add(arg)) yield arg;
    }
  }

  private fresh(id: string): boolean {
    if (this.seen.add(id)) {
      this.taken++;
      return true;
    }
    this.duplicates++;
    return false;
  }

  private async *read(): AsyncGenerator<string, void, undefined> {
    for (; this.argIndex < this.args.length; this.argIndex++) {
      const arg = this.args[this.argIndex]!;
      if (!this.isDash(arg)) {
        if (this.fresh(arg)) yield arg;
        continue;
      }
      const reader = new LineReader(this.stdin!.streams.stdin, this.stdin!.signal);
      const stdin: StdinProgress = { reader, lastLine: 0, done: false };
      this.reading = stdin;
      try {
        while (await reader.more()) {
          // The chunk's lines are checked before any of them is sent: stdin that fits in one
          // (64 KiB, some 1,400 IDs) is sent whole or not at all.
          const bad = reader.find(BAD_LINE);
          if (bad) throw badLine(bad.line, bad.text.trim());
          for (let line = reader.take(); line !== undefined; line = reader.take()) {
            const id = line.trim();
            stdin.lastLine = reader.lines;
            if (id === '' || id.startsWith('#')) continue;
            if (!JOB_ID.test(id)) {
              stdin.lastLine--;
              throw badLine(reader.lines, id);
            }
            if (this.fresh(id)) yield id;
          }
        }
        stdin.done = reader.complete;
      } finally {
        reader.close();
      }
    }
  }
}

/** A line of stdin that is neither blank, a comment, nor a job ID (the rule of JOB_ID). */
const BAD_LINE = /^(?![^\S\n]*(?:#.*|[A-Za-z0-9_-]{1,128})?[^\S\n]*$).*/gm;

function badLine(line: number, id: string): UsageError {
  try {
    checkJobId(id.length > 140 ? `${id.slice(0, 140)}…` : id);
  } catch (error) {
    return new UsageError(`line ${line} of stdin: ${(error as Error).message}`);
  }
  return new UsageError(`line ${line} of stdin: invalid job ID`);
}

/** --concurrency: requests in flight, 1 to 64. */
export const parseConcurrency = (value: string): number =>
  parseNumberOption('--concurrency', value, { min: 1, max: 64, integer: true });

/** --interval (100 ms to 1 h; a plain number is seconds), in milliseconds. */
export function parseInterval(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return parseDurationOption('--interval', value, { plainUnit: 's', min: 100, max: 3_600_000 });
}

/** --wait-timeout (1 s to 24 h; a plain number is seconds), in milliseconds. */
export function parseWaitTimeout(value: string): number {
  return parseDurationOption('--wait-timeout', value, {
    plainUnit: 's',
    min: 1000,
    max: 86_400_000,
  });
}

export function parseStatusFilter(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const wanted = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0)
    throw new UsageError('--status needs at least one status, e.g. --status running,pending');
  for (const s of wanted) {
    if (!(KNOWN_STATUSES as readonly string[]).includes(s))
      throw new UsageError(
        `unknown status ${JSON.stringify(s)} in --status: use ${KNOWN_STATUSES.join(', ')}`,
      );
  }
  return new Set(wanted);
}

/**
 * Reads the whole job list behind a spinner, warning once about entries that were left out.
 * Shared by job list and cancel --all.
 */
export async function readJobList(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
): Promise<JobList> {
  const spinner = await ctx.output.spinner(`Listing jobs on graph ${graph}`);
  let list: JobList;
  try {
    list = await api.listJobs(graph);
  } catch (error) {
    if (error instanceof GesError) error.during(`could not list jobs on graph ${graph}`, { graph });
    throw error;
  } finally {
    spinner.stop();
  }
  warnSkipped(ctx.output, list, graph);
  return list;
}

export function warnSkipped(output: Output, list: JobList, graph: string): void {
  const warning = skippedWarning(list, graph);
  if (warning) output.warn(warning);
}
