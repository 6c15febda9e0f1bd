import { type GesError, InterruptedError } from '../core/errors.js';
import { skippedResult } from '../core/ges/cancel.js';
import {
  type GraphEvent,
  type GraphTarget,
  type ProjectGraphs,
  stoppable,
} from '../core/ges/cancel-graphs.js';
import type { JobSummary } from '../core/ges/jobs.js';
import { type ManagedGraph, stateWords } from '../core/ges/management.js';
import { hintFor } from '../core/hints.js';
import { errorRecord } from '../core/records.js';
import { CANCEL_OUTCOMES, type CancelRow, CancelView, cancelJson } from './cancel-view.js';
import { JobReport, type JobView, orList, plural } from './job-report.js';
import { kindOf } from './job-table.js';
import { warnSkipped } from './jobs.js';
import type { Output } from './output.js';
import { DryRunPrinter } from './report.js';

/** How one graph of the project fared in a stop. */
interface GraphEntry {
  graph: ManagedGraph;
  /** Not running: its state in words; nothing was sent to it. */
  notRunning?: string;
  /** Its list was read: its jobs in the chosen states, and how many of them may be stopped. */
  listed?: number;
  stoppable?: number;
  /** Its address could not be used, or its list could not be read. */
  error?: GesError;
  counts: Record<string, number>;
}

const zeroCounts = (): Record<string, number> =>
  Object.fromEntries(CANCEL_OUTCOMES.map((o) => [o, 0]));

/** A job that would be cancelled (--dry-run): its status and kind as the list gives them. */
function dryRunRow(graph: string, job: JobSummary): CancelRow {
  return {
    graph,
    jobId: job.jobId,
    outcome: 'dry-run',
    httpStatus: null,
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    jobStatus: job.status,
    command: job.command,
    algorithm: job.algorithm,
  };
}

/**
 * The report of a project-wide stop: every job's line as it ends (through a JobReport, which
 * keeps the counts and the exit code), and what became of each graph, for the summary per
 * graph and --json's `graphs`. A graph whose address or list failed counts for the exit code
 * as a job's failure does.
 */
export class ProjectStop {
  readonly report: JobReport<CancelRow>;
  /** Graphs running, at an address that can be used. */
  private readonly reached: number;
  /** Every graph of the project, in the management plane's order. */
  private readonly entries = new Map<string, GraphEntry>();
  private readonly view: CancelView;
  private declined = false;

  constructor(
    private readonly output: Output,
    graphs: ProjectGraphs,
    private readonly choices: { dryRun: boolean; statuses: ReadonlySet<string> },
  ) {
    for (const graph of graphs.all) this.entries.set(graph.name, { graph, counts: zeroCounts() });
    for (const { graph, words } of graphs.notRunning) this.entry(graph.name).notRunning = words;
    this.view = new CancelView(output, choices.dryRun ? new DryRunPrinter(output) : undefined);
    this.report = new JobReport<CancelRow>(output, this.jobView(), CANCEL_OUTCOMES);
    for (const { graph, error } of graphs.unusable) this.failed(graph.name, error);
    this.reached = graphs.running.length;
  }

  private entry(graph: string): GraphEntry {
    return this.entries.get(graph)!;
  }

  /** CancelView's lines, a --dry-run line naming the job's status and kind, and the graphs. */
  private jobView(): JobView<CancelRow> {
    const { view, output } = this;
    return {
      outcome: view.outcome,
      also: view.also,
      error: view.error,
      json: cancelJson,
      show: (r, report) => {
        if (r.outcome !== 'dry-run') return view.show(r, report);
        output.result(
          `- Would cancel job ${r.jobId} on graph ${r.graph}: ${r.jobStatus}, ` +
            kindOf({ command: r.command ?? null, algorithm: r.algorithm ?? null }),
        );
      },
      end: () => {
        view.end();
        if (!this.declined) for (const e of this.entries.values()) this.showGraph(e);
      },
      summary: (counts) => view.summary(counts),
    };
  }

  /** One job's result, counted for its graph; await it (the output's back-pressure). */
  add(row: CancelRow): Promise<void> | undefined {
    const counts = this.entry(row.graph).counts;
    counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
    return this.report.add(row);
  }

  /**
   * A graph that could not be reached or listed: counted for the exit code, and said at once
   * (under --json, its entry in `graphs` says it, as a job's result does).
   */
  private failed(graph: string, error: GesError): void {
    this.entry(graph).error = error;
    this.report.fail(error);
    if (error instanceof InterruptedError || this.output.flags.json) return;
    this.output.error(error.subject ? `${error.subject}: ${error.message}` : error.message);
    const hint = hintFor(error, { graph });
    this.report.hint(hint, hint);
  }

  /** A graph's list is in: what it holds in the chosen states (nothing reported yet). */
  listed(event: Extract<GraphEvent, { type: 'listed' }>): void {
    const { graph, jobs } = event.target;
    Object.assign(this.entry(graph), {
      listed: jobs.length,
      stoppable: jobs.filter(stoppable).length,
    });
    warnSkipped(this.output, event.list, graph);
  }

  /** Reports what a graph's list says with no request: jobs skipped; under --dry-run the rest. */
  async reportListed(target: GraphTarget): Promise<void> {
    for (const job of target.jobs ?? []) {
      const row = !stoppable(job)
        ? skippedResult(target.graph, job.jobId)
        : this.choices.dryRun
          ? dryRunRow(target.graph, job)
          : undefined;
      const slowed = row && this.add(row);
      if (slowed) await slowed;
    }
  }

  /** Reports one event of the run as it comes. */
  async handle(event: GraphEvent): Promise<void> {
    if (event.type === 'result') await this.add(event.result);
    else if (event.type === 'list-failed') this.failed(event.graph, event.error);
    else {
      this.listed(event);
      await this.reportListed(event.target);
    }
  }

  /** For the status line: how far the run has got. */
  progress(): string {
    const { report } = this;
    const done = report.jobs - report.failed;
    return this.choices.dryRun
      ? `Reading the job lists of ${this.reached} graphs`
      : `Cancelling jobs on ${this.reached} graphs: ${done} done, ${report.failed} failed`;
  }

  /** Before asking: what would be cancelled on each graph, and the question's counts. */
  plan(): { jobs: number; graphs: number; lines: string[] } {
    const width = Math.max(...[...this.entries.keys()].map((name) => name.length));
    let jobs = 0;
    let graphs = 0;
    const lines = [`Jobs to cancel (${orList([...this.choices.statuses])}), per graph:`];
    for (const e of this.entries.values()) {
      const cancel = e.stoppable ?? 0;
      const skipped = (e.listed ?? 0) - cancel;
      jobs += cancel;
      if (cancel > 0) graphs++;
      const what =
        e.notRunning !== undefined
          ? `not running (${e.notRunning}): skipped`
          : e.error
            ? `not listed (${this.output.flags.json ? e.error.message : 'see the error above'})`
            : cancel + skipped === 0
              ? 'none'
              : `${cancel}${skipped ? ` (and ${skipped} marked canStop: false, skipped)` : ''}`;
      lines.push(`  ${e.graph.name.padEnd(width)}  ${what}`);
    }
    return { jobs, graphs, lines };
  }

  /** The summary line of one graph (human output). */
  private showGraph(e: GraphEntry): void {
    const name = `graph ${e.graph.name}`;
    let line: string;
    if (e.notRunning !== undefined) line = `not running (${e.notRunning}), skipped`;
    else if (e.error instanceof InterruptedError) line = 'job list not read (interrupted)';
    else if (e.error) line = 'nothing cancelled (see the error above)';
    else if (e.listed === undefined) line = 'job list not read';
    else if (e.listed === 0) line = `no ${orList([...this.choices.statuses])} jobs`;
    else line = this.view.summary(e.counts).join(', ');
    this.output.info(`${name}: ${line}`);
  }

  private graphJson(e: GraphEntry): Record<string, unknown> {
    return {
      graph: e.graph.name,
      state: e.graph.status,
      stateWords: stateWords(e.graph.status),
      skipped: e.notRunning !== undefined,
      jobs: e.listed ?? null,
      counts: e.counts,
      error: e.error ? errorRecord(e.error, { graph: e.graph.name }) : null,
    };
  }

  /** Ends the report (the summary per graph and the total, or the JSON's end); the exit code. */
  finish(stopped: AbortSignal | undefined, extra: { declined?: boolean } = {}): number {
    this.declined = Boolean(extra.declined);
    const graphs = this.entries.size;
    return this.report.finish({
      stopped,
      total: this.declined ? undefined : `Total on ${graphs} graph${plural(graphs)}`,
      fields: {
        ...(this.choices.dryRun ? { dryRun: true } : {}),
        ...(this.declined ? { declined: true } : {}),
        graphs: [...this.entries.values()].map((e) => this.graphJson(e)),
      },
    });
  }
}
