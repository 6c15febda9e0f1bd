import { randomUUID } from 'node:crypto';
import { CANCELLABLE_ALGORITHMS } from '../core/ges/constants.js';

/** The emulator's jobs and clock. Status is derived from time, so no timers run. */

export type FinalStatus = 'success' | 'failed';
/** `waiting` is the older docs' word for `pending` (a job created in that state keeps the word). */
export type JobStatusName = 'waiting' | 'pending' | 'running' | FinalStatus;
/**
 * What a cancelled job becomes (undocumented by GES: all three are possible,
 * docs/ges-api.md#what-happens-after-a-cancel).
 */
export type AfterCancel = 'gone' | 'failed' | 'linger';
export const AFTER_CANCEL: readonly AfterCancel[] = ['gone', 'failed', 'linger'];
/**
 * How long a lingering cancelled job stays listed as running when no --cancel-delay-ms is given.
 */
export const LINGER_MS = 1500;

export interface JobRequest {
  command: string;
  url: string;
  body: unknown;
}

export interface EmulatedJob {
  jobId: string;
  graph: string;
  jobType: number;
  cancellable: boolean;
  createdAt: number;
  pendingMs: number;
  runningMs: number;
  finalStatus: FinalStatus;
  request: JobRequest;
  /** Created as `waiting` (older docs): reported so until it runs. */
  waiting?: boolean;
  /** Set by a cancel: the job keeps running until then; after, it is gone (or failed). */
  stopsAt?: number;
}

export interface JobTiming {
  pendingMs: number;
  runningMs: number;
  /** How long a cancelled job takes to stop (and disappear). */
  cancelDelayMs?: number;
  /** What a cancelled job becomes once stopped (default gone). */
  afterCancel?: AfterCancel;
}

/**
 * Kinds of job and whether GES can cancel them. jobType numbers as the docs' examples show
 * them (vertex query 1, edge query 0, algorithm 1, add index 8); import and export have none
 * documented: 10 and 11 are made up. The command names are this emulator's own.
 */
export const JOB_KINDS = {
  vertexQuery: { command: 'vertex_filter_query', jobType: 1, cancellable: true },
  edgeQuery: { command: 'edge_filter_query', jobType: 0, cancellable: true },
  algorithm: { command: 'execute-algorithm', jobType: 1, cancellable: true },
  addIndex: { command: 'add_index', jobType: 8, cancellable: true },
  importGraph: { command: 'import_graph', jobType: 10, cancellable: true },
  exportGraph: { command: 'export_graph', jobType: 11, cancellable: true },
} as const;

export function isCancellableAlgorithm(name: string): boolean {
  return (CANCELLABLE_ALGORITHMS as readonly string[]).includes(name);
}

/** Number of result vertices a finished emulated job holds, for paging with offset/limit. */
export const RESULT_SIZE = 25;

export class EmulatorState {
  readonly graphs = new Map<string, Map<string, EmulatedJob>>();
  private clockOffsetMs = 0;
  private counter = 0;

  constructor(
    graphs: readonly string[],
    readonly timing: JobTiming,
    private readonly realNow: () => number = Date.now,
  ) {
    for (const g of graphs) this.graphs.set(g, new Map());
  }

  now(): number {
    return this.realNow() + this.clockOffsetMs;
  }

  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** A job ID shaped like GES's: a UUID followed by nine digits. */
  private newJobId(): string {
    this.counter++;
    return `${randomUUID()}${String(this.counter).padStart(9, '0')}`;
  }

  createJob(
    graph: string,
    kind: { command: string; jobType: number; cancellable: boolean },
    request: Omit<JobRequest, 'command'>,
    options: {
      status?: JobStatusName;
      pendingMs?: number;
      runningMs?: number;
      jobId?: string;
      finalStatus?: FinalStatus;
      cancellable?: boolean;
    } = {},
  ): EmulatedJob {
    const pendingMs = options.pendingMs ?? this.timing.pendingMs;
    const runningMs = options.runningMs ?? this.timing.runningMs;
    const status = options.status ?? 'pending';
    const now = this.now();
    const createdAt =
      status === 'pending' || status === 'waiting'
        ? now
        : status === 'running'
          ? now - pendingMs
          : now - pendingMs - runningMs;
    const job: EmulatedJob = {
      jobId: options.jobId ?? this.newJobId(),
      graph,
      jobType: kind.jobType,
      cancellable: options.cancellable ?? kind.cancellable,
      ...(status === 'waiting' ? { waiting: true } : {}),
      createdAt,
      pendingMs,
      runningMs,
      finalStatus: status === 'failed' ? 'failed' : (options.finalStatus ?? 'success'),
      request: { command: kind.command, ...request },
    };
    this.graphs.get(graph)!.set(job.jobId, job);
    return job;
  }

  statusOf(job: EmulatedJob): JobStatusName {
    // stopping after a cancel; then failed (or gone)
    if (job.stopsAt !== undefined) return this.now() < job.stopsAt ? 'running' : 'failed';
    const age = this.now() - job.createdAt;
    if (age < job.pendingMs) return job.waiting ? 'waiting' : 'pending';
    if (age < job.pendingMs + job.runningMs) return 'running';
    return job.finalStatus;
  }

  /**
   * A job, unless a cancel has stopped it by now (then it is gone, unless cancelled jobs end as
   * failed).
   */
  findJob(graph: string, jobId: string): EmulatedJob | undefined {
    const job = this.graphs.get(graph)?.get(jobId);
    if (
      job?.stopsAt !== undefined &&
      this.now() >= job.stopsAt &&
      this.timing.afterCancel !== 'failed'
    ) {
      this.graphs.get(graph)!.delete(jobId);
      return undefined;
    }
    return job;
  }

  /** The graph's live jobs. */
  jobsOf(graph: string): EmulatedJob[] {
    return [...(this.graphs.get(graph)?.keys() ?? [])]
      .map((id) => this.findJob(graph, id))
      .filter((j): j is EmulatedJob => j !== undefined);
  }

  /**
   * Cancels a job: it keeps running for cancelDelayMs (a lingering one at least LINGER_MS),
   * then is gone, or with afterCancel "failed" ends as failed and stays listed.
   */
  cancelJob(job: EmulatedJob): void {
    const after = this.timing.afterCancel ?? 'gone';
    const delay = Math.max(this.timing.cancelDelayMs ?? 0, after === 'linger' ? LINGER_MS : 0);
    if (delay <= 0 && after === 'gone') this.graphs.get(job.graph)?.delete(job.jobId);
    else job.stopsAt ??= this.now() + delay;
  }
}
