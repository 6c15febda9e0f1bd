import { randomUUID } from 'node:crypto';
import { CANCELLABLE_ALGORITHMS } from '../core/ges/constants.js';

/** The emulator's jobs and clock. Status is derived from time, so no timers run. */

export type FinalStatus = 'success' | 'failed';
export type JobStatusName = 'pending' | 'running' | FinalStatus;

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
}

export interface JobTiming {
  pendingMs: number;
  runningMs: number;
}

/** Kinds of job and whether GES can cancel them. */
export const JOB_KINDS = {
  vertexQuery: { command: 'vertex_filter_query', jobType: 1, cancellable: true },
  edgeQuery: { command: 'edge_filter_query', jobType: 1, cancellable: true },
  algorithm: { command: 'execute-algorithm', jobType: 0, cancellable: true },
  addIndex: { command: 'add_index', jobType: 8, cancellable: true },
  importGraph: { command: 'import_graph', jobType: 2, cancellable: true },
  exportGraph: { command: 'export_graph', jobType: 3, cancellable: true },
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
    options: { status?: JobStatusName; pendingMs?: number; runningMs?: number; jobId?: string } = {},
  ): EmulatedJob {
    const pendingMs = options.pendingMs ?? this.timing.pendingMs;
    const runningMs = options.runningMs ?? this.timing.runningMs;
    const status = options.status ?? 'pending';
    const now = this.now();
    const createdAt = status === 'pending' ? now : status === 'running' ? now - pendingMs : now - pendingMs - runningMs;
    const job: EmulatedJob = {
      jobId: options.jobId ?? this.newJobId(),
      graph,
      jobType: kind.jobType,
      cancellable: kind.cancellable,
      createdAt,
      pendingMs,
      runningMs,
      finalStatus: status === 'failed' ? 'failed' : 'success',
      request: { command: kind.command, ...request },
    };
    this.graphs.get(graph)!.set(job.jobId, job);
    return job;
  }

  statusOf(job: EmulatedJob): JobStatusName {
    const age = this.now() - job.createdAt;
    if (age < job.pendingMs) return 'pending';
    if (age < job.pendingMs + job.runningMs) return 'running';
    return job.finalStatus;
  }

  findJob(graph: string, jobId: string): EmulatedJob | undefined {
    return this.graphs.get(graph)?.get(jobId);
  }

  removeJob(job: EmulatedJob): void {
    this.graphs.get(job.graph)?.delete(job.jobId);
  }
}
