import type { GesError } from '../core/errors.js';
import { type CancelOutcome, type CancelResult, SKIPPED_MESSAGE } from '../core/ges/cancel.js';
import type { PreparedRequest } from '../core/http/client.js';
import { cancelRecord } from '../core/records.js';
import { type JobReport, type JobView, plural } from './job-report.js';
import type { Output } from './output.js';
import type { DryRunPrinter } from './report.js';

/**
 * A cancel's result as the command reports it; under --dry-run, with the request it plans, or
 * (--all-graphs) the job's kind as the list gives it.
 */
export type CancelRow = CancelResult & {
  request?: PreparedRequest;
  command?: string | null;
  algorithm?: string | null;
};

/** Every outcome, counted in this order (--json's `counts`). */
export const CANCEL_OUTCOMES: readonly CancelOutcome[] = [
  'cancelled',
  'already-finished',
  'skipped',
  'failed',
  'unknown',
  'not-sent',
  'dry-run',
];

/** How each count reads in the human summary, after "N cancelled". */
const SUMMARY_WORDS: [string, string][] = [
  ['already-finished', 'had already ended'],
  ['skipped', 'skipped (canStop: false)'],
  ['failed', 'failed'],
  ['unknown', 'unknown (the request had been sent)'],
  ['not-sent', 'not sent'],
  ['not-stopped', 'not seen stopping'],
];

/**
 * GES repeats the job's ID at the end of some messages ("can not find job to cancel, id is
 * a1"); the line already names the job, so the echo goes.
 */
export function withoutEcho(message: string, jobId: string): string {
  const echo = ECHO.exec(message);
  return echo?.[1] === jobId ? message.slice(0, echo.index) : message;
}

const ECHO = /,?\s*(?:job\s*)?id is (\S+)\s*$/i;

/** One job's entry in --json (and its --jsonl line); --all-graphs adds the job's kind. */
export function cancelJson(r: CancelRow): Record<string, unknown> {
  const entry: Record<string, unknown> = { ...cancelRecord(r) };
  if (r.command !== undefined) Object.assign(entry, { command: r.command, algorithm: r.algorithm });
  return entry;
}

function describeDone(r: CancelResult): string {
  if (r.outcome === 'already-finished') {
    return (
      `Job ${r.jobId} on graph ${r.graph} had already ` +
      `${r.jobStatus ? `ended (${r.jobStatus})` : 'ended, or is unknown to GES'}`
    );
  }
  const stopped = r.stopped ? (r.jobStatus ? `; it ended ${r.jobStatus}` : '; it has stopped') : '';
  return `Cancelled job ${r.jobId} on graph ${r.graph}${stopped}`;
}

/** How job cancel reports each job: a line as it ends, the jobs not sent listed at the end. */
export class CancelView implements JobView<CancelRow> {
  private readonly notSent = { count: 0, first: [] as string[] };

  constructor(
    private readonly output: Output,
    private readonly dryRun?: DryRunPrinter,
  ) {}

  outcome = (r: CancelRow): string => r.outcome;
  also = (r: CancelRow): string | undefined => (r.stopped === false ? 'not-stopped' : undefined);
  error = (r: CancelRow) => r.error;
  json = cancelRecord;

  show(r: CancelRow, report: JobReport<CancelRow>): void {
    const { output } = this;
    if (r.outcome === 'dry-run') this.dryRun?.show(r.request!, r.graph, r.jobId);
    else if (r.outcome === 'not-sent') {
      if (this.notSent.count++ < 10) this.notSent.first.push(r.jobId);
    } else if (r.outcome === 'skipped') {
      const verb = this.dryRun ? 'Would skip' : 'Skipped';
      output.result(`- ${verb} job ${r.jobId} on graph ${r.graph}: ${SKIPPED_MESSAGE}`);
    } else if (!r.error) output.result(describeDone(r), { mark: true });
    else this.showFailure(r, r.error, report);
  }

  private showFailure(r: CancelRow, error: GesError, report: JobReport<CancelRow>): void {
    const job = `job ${r.jobId} on graph ${r.graph}`;
    if (r.outcome === 'cancelled') this.output.error(`${job}: ${r.errorMessage}`);
    else if (r.outcome === 'unknown') this.output.error(`${job}: ${error.message}`);
    else this.output.error(`could not cancel ${job}: ${withoutEcho(error.message, r.jobId)}`);
    report.hint(r.note, r.note);
    report.hintFor(error, r.graph, r.jobId);
  }

  end(): void {
    this.dryRun?.end();
    const { count, first } = this.notSent;
    if (count === 0) return;
    this.output.error(
      `not sent, so not cancelled: ${count === 1 ? 'job' : `${count} jobs`} ` +
        `${first.join(', ')}${count > first.length ? ', …' : ''}` +
        `${count > 1 ? ' (--json lists each)' : ''}`,
    );
  }

  summary(counts: Readonly<Record<string, number>>): string[] {
    if (counts['dry-run']) {
      const skipped = counts.skipped ? [`${counts.skipped} would be skipped (canStop: false)`] : [];
      const n = counts['dry-run'];
      return [`${n} cancel${plural(n)} would be sent`, ...skipped];
    }
    return [
      `${counts.cancelled ?? 0} cancelled`,
      ...SUMMARY_WORDS.filter(([key]) => counts[key]).map(
        ([key, words]) => `${counts[key]} ${words}`,
      ),
    ];
  }
}
