import { setMaxListeners } from 'node:events';
import { Connector, type GraphTarget } from '../client.js';
import { ConfigError, GesError, InterruptedError, UsageError } from '../errors.js';
import { type JobPage, skippedWarning, unlistedWarning } from '../ges/api.js';
import { cancelJobs, stoppableJobs } from '../ges/cancel.js';
import { JobIdSet } from '../ges/id-set.js';
import { RUNNING_STATUSES } from '../ges/jobs.js';
import { cacheAddresses, type ManagedGraph } from '../ges/management.js';
import { waitJobs } from '../ges/wait.js';
import { type HintContext, hintFor } from '../hints.js';
import { cancelRecord, graphRecord, jobRecord, jobStatusRecord, waitRecord } from '../records.js';
import { checkGraph, checkJobId } from '../validate.js';
import { userAgent } from '../version.js';
import {
  asConfig,
  type ClientSetup,
  callOptions,
  clientSetup,
  statusSet,
  whole,
} from './options.js';
import type {
  CallOptions,
  CancelAllOptions,
  CancelJobsOptions,
  CancelRecord,
  ClientOptions,
  GesClient,
  GraphRecord,
  JobRecord,
  JobStatusOptions,
  JobStatusRecord,
  ListJobsOptions,
  WaitJobsOptions,
  WaitRecord,
} from './types.js';

/**
 * The library's client: the CLI's job commands as calls, over the same core (Connector, cancel
 * and wait streams, records). It writes nothing anywhere, exits nothing and handles no process
 * signal: what the CLI would print as a warning goes to onWarning, failures are thrown.
 */

/** What a call stops on: its own signal or the client's, linked once for the call. */
interface Call {
  signal: AbortSignal;
  /** Stops listening to the sources (the call is over). */
  done(): void;
  abort(reason: unknown): void;
}

/**
 * One signal that aborts with the first of `sources`. The call's many listeners (requests,
 * polls, the pool) go on this one, whose listener limit is off, never on a caller's signal:
 * Node warns on stderr past ten listeners on one signal.
 */
function linked(sources: (AbortSignal | undefined)[]): Call {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const listening: AbortSignal[] = [];
  const abort = (event: Event): void => controller.abort((event.target as AbortSignal).reason);
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    source.addEventListener('abort', abort, { once: true });
    listening.push(source);
  }
  return {
    signal: controller.signal,
    done: () => {
      for (const source of listening) source.removeEventListener('abort', abort);
    },
    abort: (reason) => controller.abort(reason),
  };
}

/** What a call stopped by its signal throws, once the results under way are out. */
const interrupted = (signal: AbortSignal): InterruptedError =>
  new InterruptedError(
    `aborted${typeof signal.reason === 'string' ? ` (${signal.reason})` : ''}`,
    0,
    false,
    String(signal.reason),
  );

/** The promise's outcome, or an InterruptedError as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(interrupted(signal));
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(interrupted(signal));
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * An error as the library throws it: a bad argument is a ConfigError (nothing was sent), and
 * every GesError carries the hint the CLI would print.
 */
function publicError(error: unknown, about: HintContext): unknown {
  if (!(error instanceof GesError)) return error;
  const thrown =
    error instanceof UsageError
      ? Object.assign(new ConfigError(error.message, error.hint), { subject: error.subject })
      : error;
  thrown.hint ??= hintFor(thrown, error.about ?? about);
  return thrown;
}

type IdSource = Iterable<string> | AsyncIterable<string>;

/** Job IDs as given: an array is checked whole, before anything is sent (a lookup included). */
function checkIds(ids: IdSource): IdSource {
  if (Array.isArray(ids)) for (const id of ids) checkId(id);
  else if (!ids || (!(Symbol.iterator in Object(ids)) && !(Symbol.asyncIterator in Object(ids))))
    throw new ConfigError('job IDs must be an array or another iterable of strings');
  return ids;
}

/** Each different ID once, as the CLI sends them; each checked as it is read. */
async function* uniqueIds(ids: IdSource): AsyncGenerator<string, void, undefined> {
  const seen = new JobIdSet();
  for await (const id of ids) if (seen.add(checkId(id))) yield id;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string')
    throw new ConfigError(`a job ID must be a string, not ${id === null ? 'null' : typeof id}`);
  return asConfig(() => checkJobId(id));
}

function checkGraphArg(graph: unknown): string {
  if (typeof graph !== 'string') throw new ConfigError('the graph must be a string (its name)');
  return asConfig(() => checkGraph(graph));
}

const concurrencyOf = (value: unknown): number => whole(value, 'concurrency', 1, 64) ?? 8;

class LibraryClient implements GesClient {
  private connector: Promise<Connector> | undefined;
  private readonly targets = new Map<string, Promise<GraphTarget>>();
  /** Aborted by the client's signal or by close(): every call stops. */
  private readonly stop: Call;
  private closed = false;
  private readonly warned = new Set<string>();

  constructor(private readonly setup: ClientSetup) {
    this.stop = linked([setup.signal]);
  }

  /** Each different warning once per client. */
  private readonly warn = (message: string): void => {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.setup.onWarning?.(message);
  };

  private open(): Promise<Connector> {
    if (this.closed)
      throw new ConfigError('the client is closed: make another with createClient()');
    this.connector ??= Connector.open(this.setup.settings, {
      ca: this.setup.ca,
      userAgent: userAgent(),
      signal: this.stop.signal,
      warn: this.warn,
      // As many connections as the most requests a call keeps in flight.
      connections: 64,
    });
    return this.connector;
  }

  /** The graph's API (its address looked up once per client when found by name). */
  private target(graph: string, call: Call): Promise<GraphTarget> {
    let target = this.targets.get(graph);
    if (!target) {
      const found = this.open().then((connector) => connector.target(graph));
      // A failed lookup is not kept: the next call looks again.
      found.catch(() => this.targets.get(graph) === found && this.targets.delete(graph));
      this.targets.set(graph, found);
      target = found;
    }
    return untilAborted(target, call.signal);
  }

  /**
   * Runs a streaming call: its errors made public, and after an abort (once the results of what
   * was under way are out) an InterruptedError.
   */
  private async *stream<O extends CallOptions, T>(
    options: O | undefined,
    keys: readonly string[],
    about: HintContext,
    run: (o: O, call: Call) => AsyncIterable<T>,
  ): AsyncGenerator<T, void, undefined> {
    let call: Call | undefined;
    try {
      const o = callOptions(options, keys);
      call = linked([this.stop.signal, o.signal]);
      yield* run(o, call);
      if (call.signal.aborted) throw interrupted(call.signal);
    } catch (error) {
      throw publicError(error, about);
    } finally {
      call?.done();
    }
  }

  cancelJobs(
    graph: string,
    jobIds: IdSource,
    options?: CancelJobsOptions,
  ): AsyncGenerator<CancelRecord, void, undefined> {
    const keys = ['concurrency', 'ignoreFinished'];
    return this.stream(options, keys, { graph }, (o, call) =>
      this.canceling(graph, jobIds, o, call),
    );
  }

  private async *canceling(
    graph: string,
    jobIds: IdSource,
    o: CancelJobsOptions,
    call: Call,
  ): AsyncGenerator<CancelRecord, void, undefined> {
    const name = checkGraphArg(graph);
    const ids = checkIds(jobIds);
    const concurrency = concurrencyOf(o.concurrency);
    const { api, graph: named } = await this.target(name, call);
    const { signal } = call;
    const options = { concurrency, signal, ignoreFinished: o.ignoreFinished === true };
    const results = cancelJobs(api.withSignal(signal), named, uniqueIds(ids), options);
    for await (const r of results) yield cancelRecord(r);
  }

  cancelAll(
    graph: string,
    options?: CancelAllOptions,
  ): AsyncGenerator<CancelRecord, void, undefined> {
    const keys = ['statuses', 'concurrency'];
    return this.stream(options, keys, { graph }, (o, call) => this.cancelingAll(graph, o, call));
  }

  private async *cancelingAll(
    graph: string,
    o: CancelAllOptions,
    call: Call,
  ): AsyncGenerator<CancelRecord, void, undefined> {
    const name = checkGraphArg(graph);
    const statuses = statusSet(o.statuses ?? RUNNING_STATUSES, 'statuses')!;
    const concurrency = concurrencyOf(o.concurrency);
    const target = await this.target(name, call);
    const api = target.api.withSignal(call.signal);
    const list = await api.listJobs(target.graph).catch((error: unknown) => {
      if (error instanceof GesError)
        error.during(`could not list jobs on graph ${target.graph}`, { graph: target.graph });
      throw error;
    });
    const warning = skippedWarning(list, target.graph);
    if (warning) this.warn(warning);
    const { skipped, ids } = stoppableJobs(target.graph, list.jobs, statuses);
    for (const r of skipped) yield cancelRecord(r);
    // A job the list showed as pending or running that GES.8303 refuses ended in between.
    const options = { concurrency, signal: call.signal, ignoreFinished: true };
    for await (const r of cancelJobs(api, target.graph, ids, options)) yield cancelRecord(r);
  }

  async jobStatus(
    graph: string,
    jobId: string,
    options?: JobStatusOptions,
  ): Promise<JobStatusRecord> {
    let call: Call | undefined;
    try {
      const o = callOptions(options, ['offset', 'limit']);
      call = linked([this.stop.signal, o.signal]);
      const name = checkGraphArg(graph);
      const id = checkId(jobId);
      const page = {
        offset: whole(o.offset, 'offset', 0, 2 ** 31 - 1),
        limit: whole(o.limit, 'limit', 1, 2 ** 31 - 1),
      };
      const target = await this.target(name, call);
      const api = target.api.withSignal(call.signal);
      const { job, status, listError } = await api.jobDetails(target.graph, id, page);
      if (listError) this.warn(unlistedWarning(target.graph, id, listError));
      return jobStatusRecord(target.graph, job, status, Date.now());
    } catch (error) {
      throw publicError(error, { graph, jobId });
    } finally {
      call?.done();
    }
  }

  listJobs(graph: string, options?: ListJobsOptions): AsyncGenerator<JobRecord, void, undefined> {
    return this.stream(options, ['status'], { graph }, (o, call) => this.listing(graph, o, call));
  }

  private async *listing(
    graph: string,
    o: ListJobsOptions,
    call: Call,
  ): AsyncGenerator<JobRecord, void, undefined> {
    const name = checkGraphArg(graph);
    const wanted = statusSet(o.status, 'status');
    const target = await this.target(name, call);
    const api = target.api.withSignal(call.signal);
    const left: Pick<JobPage, 'skipped' | 'skippedCount'> = { skipped: [], skippedCount: 0 };
    for await (const page of api.jobPages(target.graph)) {
      left.skippedCount += page.skippedCount;
      if (left.skipped.length === 0) left.skipped.push(...page.skipped.slice(0, 1));
      const now = Date.now();
      for (const job of page.jobs) if (!wanted || wanted.has(job.status)) yield jobRecord(job, now);
    }
    const warning = skippedWarning(left, target.graph);
    if (warning) this.warn(warning);
  }

  waitJobs(
    graph: string,
    jobIds: IdSource,
    options?: WaitJobsOptions,
  ): AsyncGenerator<WaitRecord, void, undefined> {
    const keys = ['timeout', 'interval', 'concurrency'];
    return this.stream(options, keys, { graph }, (o, call) => this.waiting(graph, jobIds, o, call));
  }

  private async *waiting(
    graph: string,
    jobIds: IdSource,
    o: WaitJobsOptions,
    call: Call,
  ): AsyncGenerator<WaitRecord, void, undefined> {
    const name = checkGraphArg(graph);
    const ids = checkIds(jobIds);
    const timeout = whole(o.timeout, 'timeout', 1000, 86_400_000) ?? 300_000;
    const intervalMs = whole(o.interval, 'interval', 100, 3_600_000);
    const concurrency = concurrencyOf(o.concurrency);
    const { api, graph: named } = await this.target(name, call);
    const { signal } = call;
    const results = waitJobs(api.withSignal(signal), named, uniqueIds(ids), {
      deadline: Date.now() + timeout,
      concurrency,
      signal,
      intervalMs,
    });
    for await (const r of results) yield waitRecord(r);
  }

  listGraphs(options?: CallOptions): AsyncGenerator<GraphRecord, void, undefined> {
    return this.stream(options, [], {}, (_o, call) => this.listingGraphs(call));
  }

  private async *listingGraphs(call: Call): AsyncGenerator<GraphRecord, void, undefined> {
    const connector = await untilAborted(this.open(), call.signal);
    const { management, discovery } = connector;
    if (!management || !discovery)
      throw new ConfigError(
        'listing graphs needs the management plane: give createClient a region ' +
          'or managementEndpoint',
      );
    connector.warnAbout([discovery.managementEndpoint]);
    const graphs: ManagedGraph[] = [];
    try {
      for await (const g of management.graphs(call.signal)) {
        graphs.push(g);
        yield graphRecord(g);
      }
    } catch (error) {
      if (error instanceof GesError)
        error.during(`could not list the graphs of ${discovery.where}`);
      throw error;
    }
    // The whole list read: its addresses are cached, as `ges graph list` caches them.
    await cacheAddresses(graphs, discovery);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.done();
    // Calls under way end as interrupted rather than on connections closed under them.
    this.stop.abort('closed');
    const connector = this.connector;
    if (connector) await (await connector).close();
  }
}

/** createClient(): options checked now (a ConfigError), nothing opened until the first call. */
export function createClient(options: ClientOptions): GesClient {
  return new LibraryClient(clientSetup(options));
}
