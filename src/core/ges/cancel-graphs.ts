import { GesError, GraphUnavailableError, InterruptedError, ResponseError } from '../errors.js';
import { mapConcurrent } from '../pool.js';
import type { GesApi, JobList } from './api.js';
import { type CancelResult, cancelOne, failedResult } from './cancel.js';
import type { JobSummary } from './jobs.js';
import { addressOf, type ManagedGraph, stateWords } from './management.js';

/**
 * A project-wide stop (job cancel --all --all-graphs): each running graph's job list is read
 * and its jobs cancelled as the list arrives, every request of the run, lists and cancels of
 * all graphs, within one bound on requests in flight.
 */

/** The project's graphs sorted for a stop, in the order the management plane listed them. */
export interface ProjectGraphs {
  /** Every graph, in the management plane's order. */
  all: readonly ManagedGraph[];
  /** Serving requests (201-211 with a warning, as a lookup by name does): name and address. */
  running: { graph: ManagedGraph; endpoint: string }[];
  /** Not serving requests (stopped, frozen, ...): nothing is sent to them. */
  notRunning: { graph: ManagedGraph; words: string }[];
  /** Running, but with no usable address on this network: reported, never reached. */
  unusable: { graph: ManagedGraph; error: GesError }[];
}

/**
 * Which graphs a stop reaches. An address that cannot be used is the management plane's answer
 * not being usable for that graph (exit 1), never a usage error of the run: the others go on.
 */
export function sortGraphs(
  graphs: readonly ManagedGraph[],
  network: 'private' | 'public',
  warn: (message: string) => void,
): ProjectGraphs {
  const sorted: ProjectGraphs = { all: graphs, running: [], notRunning: [], unusable: [] };
  for (const graph of graphs) {
    try {
      sorted.running.push({ graph, endpoint: addressOf(graph, network, warn) });
    } catch (error) {
      if (error instanceof GraphUnavailableError)
        sorted.notRunning.push({ graph, words: stateWords(graph.status) });
      else if (error instanceof ResponseError) sorted.unusable.push({ graph, error });
      else if (error instanceof GesError) {
        const unusable = new ResponseError(error.message, 200, 1);
        unusable.hint = error.hint;
        sorted.unusable.push({ graph, error: unusable });
      } else throw error;
    }
  }
  return sorted;
}

/** A graph to stop: its name and the API at its address. */
export interface GraphTarget {
  graph: string;
  api: GesApi;
  /** Its jobs in the chosen states, when its list was read before (not read again then). */
  jobs?: readonly JobSummary[];
}

export type GraphEvent =
  /** A graph's list was read; `target.jobs`: its jobs in the chosen states. */
  | { type: 'listed'; target: GraphTarget & { jobs: readonly JobSummary[] }; list: JobList }
  /** A graph's list could not be read (or a stop came first): none of its jobs was touched. */
  | { type: 'list-failed'; graph: string; error: GesError }
  | { type: 'result'; result: CancelResult };

export interface GraphsOptions {
  /** Requests in flight at most, over every graph. */
  concurrency: number;
  signal?: AbortSignal;
  /** The job states to cancel. */
  statuses: ReadonlySet<string>;
  /** Read the lists only (--dry-run, or before asking): cancel nothing. */
  readOnly?: boolean;
}

/** A job that may be sent a cancel: the list does not mark it canStop: false. */
export const stoppable = (job: JobSummary): boolean => job.canStop !== false;

type Work = { list: GraphTarget } | { cancel: GraphTarget; jobId: string };

/**
 * What the run has to do, read by the pool as slots free up: every list first (so each graph's
 * cancels start as soon as its list is in), then the cancels of each graph listed. It ends once
 * every list has been read and every cancel handed out.
 */
class WorkQueue implements AsyncIterable<Work> {
  private readonly lists: GraphTarget[] = [];
  private readonly batches: { target: GraphTarget; jobs: readonly JobSummary[]; at: number }[] = [];
  /** Lists handed out whose jobs have not come back yet. */
  private listing = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(targets: readonly GraphTarget[]) {
    for (const target of targets) {
      if (target.jobs) this.add(target, target.jobs);
      else this.lists.push(target);
    }
  }

  /** A graph's jobs, once its list is in. */
  add(target: GraphTarget, jobs: readonly JobSummary[]): void {
    const cancellable = jobs.filter(stoppable);
    if (cancellable.length > 0) this.batches.push({ target, jobs: cancellable, at: 0 });
  }

  /** A list handed out has been read (or has failed). */
  listDone(): void {
    this.listing--;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private take(): Work | undefined {
    const list = this.lists.shift();
    if (list) {
      this.listing++;
      return { list };
    }
    const batch = this.batches[0];
    if (!batch) return undefined;
    const job = batch.jobs[batch.at++]!;
    if (batch.at === batch.jobs.length) this.batches.shift();
    return { cancel: batch.target, jobId: job.jobId };
  }

  [Symbol.asyncIterator](): AsyncIterator<Work> {
    return {
      next: async () => {
        for (;;) {
          const work = this.closed ? undefined : this.take();
          if (work) return { value: work, done: false };
          if (this.closed || this.listing === 0) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      },
      return: async () => {
        this.closed = true;
        this.notify();
        return { value: undefined, done: true };
      },
    };
  }

  /** After a stop: the lists never read and the jobs never sent, as events. */
  *unreached(reason: string): Generator<GraphEvent> {
    for (const target of this.lists.splice(0))
      yield {
        type: 'list-failed',
        graph: target.graph,
        error: new InterruptedError(
          'interrupted before its job list was read; nothing was sent to it',
          0,
          false,
          reason,
        ),
      };
    for (const { target, jobs, at } of this.batches.splice(0))
      for (const job of jobs.slice(at))
        yield {
          type: 'result',
          result: failedResult(
            target.graph,
            job.jobId,
            new InterruptedError('interrupted', 0, false, reason),
          ),
        };
  }
}

/** Reads one graph's list: its jobs in the chosen states, or why it could not be read. */
async function listOne(target: GraphTarget, statuses: ReadonlySet<string>): Promise<GraphEvent> {
  try {
    const list = await target.api.listJobs(target.graph);
    const jobs = list.jobs.filter((j) => statuses.has(j.status));
    return { type: 'listed', target: { ...target, jobs }, list };
  } catch (error) {
    if (!(error instanceof GesError)) throw error;
    error.during(`could not list jobs on graph ${target.graph}`, { graph: target.graph });
    return { type: 'list-failed', graph: target.graph, error };
  }
}

/**
 * Reads each target's job list (unless given) and cancels its jobs in the chosen states as the
 * list arrives (none with `readOnly`), yielding an event for each list and each job as it ends.
 * A job the list marks canStop: false is not sent a cancel (the caller reports it from the
 * `listed` event). A job listed as pending or running that GES.8303 refuses ended in between:
 * `already-finished`. After a stop, every list not read and every job not sent still comes out,
 * as `list-failed` and `not-sent`. Never throws for a graph or a job.
 */
export async function* cancelAcrossGraphs(
  targets: readonly GraphTarget[],
  options: GraphsOptions,
): AsyncGenerator<GraphEvent, void, undefined> {
  const queue = new WorkQueue(targets);
  const cancelOptions = { ...options, ignoreFinished: true };
  yield* mapConcurrent(queue, options, async (work): Promise<GraphEvent> => {
    if ('cancel' in work) {
      const { api, graph } = work.cancel;
      return { type: 'result', result: await cancelOne(api, graph, work.jobId, cancelOptions) };
    }
    try {
      const event = await listOne(work.list, options.statuses);
      if (event.type === 'listed' && !options.readOnly) queue.add(event.target, event.target.jobs);
      return event;
    } finally {
      queue.listDone();
    }
  });
  if (options.signal?.aborted) yield* queue.unreached(String(options.signal.reason));
}
