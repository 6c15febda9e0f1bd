import { formatDuration } from '../../core/duration.js';
import { GesError } from '../../core/errors.js';
import { type GesApi, skippedWarning } from '../../core/ges/api.js';
import { diffJobs, type JobSummary, type WatchEvent } from '../../core/ges/jobs.js';
import { jobRecord } from '../../core/records.js';
import { sleep } from '../../core/sleep.js';
import { type CommandContext, describeStop } from '../context.js';
import { exitCodeForWatchStop } from '../exit-codes.js';
import {
  cellWidth,
  jobRows,
  type ListChoices,
  noJobsLine,
  renderTable,
  selectJobs,
  shortenEnd,
  TABLE_WIDTH,
  tsvFields,
  tsvLine,
  wantsJsonl,
  writeJsonLine,
} from '../job-table.js';
import { envelope } from '../report.js';

/**
 * `ges job list <graph> --watch`, as `kubectl get -w` does it: the list once, then every
 * change. On a terminal a live table redrawn in place; otherwise one line per change
 * (ADDED, MODIFIED, DELETED), or a JSON line per change with --jsonl. Only the jobs shown now
 * are kept between reads.
 */

export interface WatchChoices extends ListChoices {
  intervalMs: number;
}

type Jobs = ReadonlyMap<string, JobSummary>;

/** How a watch shows what it sees; one per output kind. */
interface WatchView {
  show(events: WatchEvent[], jobs: Jobs): void;
  /** A warning line on stderr, without breaking what the view drew. */
  warn(message: string): void;
  end(stoppedBy: string, exitCode: number, jobs: Jobs): void;
}

/** Colours and bold, which take no room on screen. */
const SGR = /\u001b\[[0-9;]*m/g;

/** After failed reads the watch waits longer, doubling, up to this (or the interval). */
const MAX_BACKOFF = 60_000;

export function backoff(intervalMs: number, failures: number): number {
  return Math.min(intervalMs * 2 ** failures, Math.max(intervalMs, MAX_BACKOFF));
}

/**
 * Watches until Ctrl-C, a signal or --max-time. A first read that fails fails the command (as
 * kubectl's does); a later one is a warning, and the watch reads again after a longer wait.
 * --max-time is the normal end of a watch (exit 0); a signal's exit code is the contract's.
 */
export async function watchJobs(
  ctx: CommandContext,
  api: GesApi,
  graph: string,
  choices: WatchChoices,
): Promise<number> {
  const view = createView(ctx, graph, choices);
  let skipped = 0;
  const read = async (): Promise<Map<string, JobSummary>> => {
    const list = await api.listJobs(graph);
    if (list.skippedCount !== skipped) {
      skipped = list.skippedCount;
      const warning = skippedWarning(list, graph);
      if (warning) view.warn(warning);
    }
    return new Map(selectJobs(list.jobs, choices).map((job) => [job.jobId, job]));
  };
  let shown: Map<string, JobSummary> = new Map();
  try {
    try {
      shown = await read();
    } catch (error) {
      if (error instanceof GesError)
        error.during(`could not list jobs on graph ${graph}`, { graph });
      throw error;
    }
    view.show(diffJobs(new Map(), shown), shown);
    for (let failures = 0; ; ) {
      await sleep(backoff(choices.intervalMs, failures), ctx.signal);
      let next: Map<string, JobSummary>;
      try {
        next = await read();
        failures = 0;
      } catch (error) {
        if (ctx.signal.aborted || !(error instanceof GesError)) throw error;
        const wait = formatDuration(backoff(choices.intervalMs, ++failures));
        view.warn(`could not list jobs on graph ${graph}: ${error.message}; again in ${wait}`);
        continue;
      }
      view.show(diffJobs(shown, next), next);
      shown = next;
    }
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    const code = exitCodeForWatchStop(ctx.signal.reason);
    view.end(describeStop(ctx.signal), code, shown);
    return code;
  }
}

function createView(ctx: CommandContext, graph: string, choices: WatchChoices): WatchView {
  if (wantsJsonl(ctx)) return jsonlView(ctx, graph);
  const { output } = ctx;
  if (output.stdoutIsTTY && ctx.env.TERM !== 'dumb' && !output.flags.quiet)
    return new LiveTable(ctx, graph, choices);
  output.info(
    `Watching jobs on graph ${graph} every ${formatDuration(choices.intervalMs)}; ` +
      'Ctrl-C to stop',
  );
  return linesView(ctx, choices);
}

/**
 * One tab-separated line per change: the event, then the job as `job list` prints it for
 * scripts (jobId, status, command) and its progress; -o wide adds the rest.
 */
function linesView(ctx: CommandContext, choices: WatchChoices): WatchView {
  return {
    show(events) {
      if (events.length === 0 || ctx.output.flags.quiet) return;
      const lines = events.map(({ type, job }) => {
        const fields = tsvFields(job, true);
        return tsvLine([type, ...(choices.wide ? fields : fields.slice(0, 4))]);
      });
      ctx.streams.stdout.write(lines.join(''));
    },
    warn: (message) => ctx.output.warn(message),
    end() {},
  };
}

/** {"type":"ADDED","job":{...}} per change, then the summary line --jsonl ends with. */
function jsonlView(ctx: CommandContext, graph: string): WatchView {
  return {
    show(events) {
      const now = Date.now();
      for (const { type, job } of events) writeJsonLine(ctx, { type, job: jobRecord(job, now) });
    },
    warn: (message) => ctx.output.warn(message),
    end(stoppedBy, exitCode, jobs) {
      const counts: Record<string, number> = {};
      for (const job of jobs.values()) counts[job.status] = (counts[job.status] ?? 0) + 1;
      writeJsonLine(ctx, { summary: true, ...envelope(exitCode, { graph, stoppedBy, counts }) });
    },
  };
}

/**
 * The live table: each frame written in one piece over the last (cursor up, each line then
 * "clear to end of line", then "clear below"), so a frame is never seen half drawn and the
 * terminal is left with a whole table when the watch ends. Lines are cut to the terminal's
 * width and the table to its height: a wrapped or scrolled-off line could not be redrawn. The
 * cursor is never hidden, so no way of ending (a second Ctrl-C exits at once) can leave it so.
 */
class LiveTable implements WatchView {
  /** The width of each line of the frame on screen. */
  private drawn: number[] = [];
  private last: string[] = [];

  constructor(
    private readonly ctx: CommandContext,
    private readonly graph: string,
    private readonly choices: WatchChoices,
  ) {}

  show(_events: WatchEvent[], jobs: Jobs): void {
    this.draw(this.frame([...jobs.values()]));
  }

  warn(message: string): void {
    this.erase();
    this.ctx.output.warn(message);
    this.draw(this.last);
  }

  end(): void {}

  private frame(jobs: JobSummary[]): string[] {
    const out = this.ctx.streams.stdout as NodeJS.WriteStream;
    const clip = (out.columns || TABLE_WIDTH + 1) - 1;
    // Rows for jobs: the terminal's height less the header, the footer and the cursor's line.
    const room = out.rows ? Math.max(2, out.rows - 3) : Infinity;
    const fits = jobs.length <= room ? jobs : jobs.slice(0, room - 1);
    const paint = this.ctx.output.out;
    const { wide, filter, intervalMs } = this.choices;
    const lines =
      jobs.length === 0
        ? [shortenEnd(noJobsLine(this.graph, filter), clip)]
        : renderTable(jobRows(fits, Date.now(), wide), {
            width: wide ? Infinity : Math.min(TABLE_WIDTH, clip),
            clip,
            paint,
          });
    const more = jobs.length - fits.length;
    if (more > 0)
      lines.push(shortenEnd(`… and ${more} more (narrow it with --status or --limit)`, clip));
    const time = new Date().toTimeString().slice(0, 8);
    const footer =
      `${jobs.length} job${jobs.length === 1 ? '' : 's'} on graph ${this.graph}, ` +
      `read every ${formatDuration(intervalMs)}, last at ${time}; Ctrl-C to stop`;
    lines.push(paint.dim(shortenEnd(footer, clip)));
    return lines;
  }

  private draw(lines: string[]): void {
    this.ctx.streams.stdout.write(
      `${this.up()}${lines.map((l) => `${l}\u001b[K\n`).join('')}\u001b[J`,
    );
    this.drawn = lines.map((line) => cellWidth(line.replace(SGR, '')));
    this.last = lines;
  }

  private erase(): void {
    if (this.drawn.length > 0) this.ctx.streams.stdout.write(`${this.up()}\u001b[J`);
    this.drawn = [];
  }

  /**
   * Back to the first line drawn: as many rows as the last frame takes now (a terminal made
   * narrower since has wrapped its lines).
   */
  private up(): string {
    const columns = (this.ctx.streams.stdout as NodeJS.WriteStream).columns || Infinity;
    const rows = this.drawn.reduce(
      (sum, width) => sum + Math.max(1, Math.ceil(width / columns)),
      0,
    );
    return rows > 0 ? `\r\u001b[${rows}A` : '';
  }
}
