/**
 * The library's public types: its options, its client, and the records it yields, which are the
 * fields of the CLI's JSON (the CLI prints the same records). This file imports nothing, so the
 * build can put these types as they are into the one declaration file users get.
 */

/** Credentials, as a profile's auth section holds them. */
export type AuthOptions =
  | { type: 'token'; token: string }
  | {
      /** IAM password login; its token is reused while it lasts (cached in cacheDir). */
      type: 'password';
      domain: string;
      user: string;
      password: string;
      /** IAM's address; without it, the region's (https://iam.{region}.myhuaweicloud.com). */
      iamEndpoint?: string;
      /** Scope the token to this project name instead of the project ID. */
      projectName?: string;
    }
  | {
      /** Requests signed with an access key (SDK-HMAC-SHA256). */
      type: 'aksk';
      accessKey: string;
      secretKey: string;
      /** With temporary keys. */
      securityToken?: string;
    }
  | { type: 'none' };

/** Proxies: URLs (empty: none) and the hosts reached without one, as NO_PROXY lists them. */
export interface ProxyOptions {
  http?: string;
  https?: string;
  noProxy?: string;
}

/** What createClient() needs; loadProfile() resolves them from a profile as the CLI does. */
export interface ClientOptions {
  /** The graphs' service-plane address; without it, each graph is found by name (region). */
  endpoint?: string;
  projectId: string;
  auth: AuthOptions;
  /** A Huawei Cloud region (cn-north-4): graphs are found by name through its management plane. */
  region?: string;
  /** The management plane's address, instead of the region's. */
  managementEndpoint?: string;
  /** Which address of a graph found by name to use: private (default) or public (its EIP). */
  network?: 'private' | 'public';
  /** Milliseconds each attempt may take, first byte sent to last byte read (default 30000). */
  timeout?: number;
  /** Milliseconds to reach the server or proxy, TLS included (default 10000). */
  connectTimeout?: number;
  /** Retries of a request that got no answer or a retryable one (0 to 10, default 2). */
  retries?: number;
  /** Extra trusted CAs, as PEM text, on top of the system's. */
  ca?: string;
  /** Skip TLS verification (only for testing; warned about through onWarning). */
  insecure?: boolean;
  /** A proxy URL for both schemes, or each one's. Default: none (the environment is not read). */
  proxy?: string | ProxyOptions;
  /** Stops every call of this client. */
  signal?: AbortSignal;
  /** An absolute folder (0700) for IAM tokens and graph addresses; default: no cache. */
  cacheDir?: string | null;
  /** X-Language of service-plane requests (default en-us). */
  language?: 'en-us' | 'zh-cn';
  /** Told what the CLI would print as a warning (TLS off, credentials over plain http, ...). */
  onWarning?: (message: string) => void;
}

export interface LoadProfileOptions {
  /** The profile to use; named here it outranks the environment, as `ges -p` does. */
  profile?: string;
  /** A config file to use instead of searching for one (as --config); else GES_CONFIG. */
  config?: string;
  /** Where the search for a config file starts (default: process.cwd()). */
  cwd?: string;
  /** The environment to read (default: process.env). */
  env?: Record<string, string | undefined>;
}

export interface LoadedProfile {
  /** For createClient(); add a signal or onWarning as needed. */
  options: ClientOptions;
  /** What the CLI would print about the config file (unknown keys, a readable secret). */
  warnings: string[];
  /** The profile's name ("default" when none was chosen). */
  profile: string;
  /** The config file read, null when there was none. */
  configFile: string | null;
  /** Where each value came from: "env GES_ENDPOINT", "file <path> (profile p)", "default". */
  sources: Record<string, string>;
}

/** Job states GES documents; a job list may hold others. */
export type JobState =
  | 'waiting'
  | 'pending'
  | 'running'
  | 'success'
  | 'complete'
  | 'failed'
  | 'partiallyFailed';

/** What went wrong, as data: the CLI's JSON `error`. */
export interface ErrorRecord {
  kind:
    | 'usage'
    | 'config'
    | 'network'
    | 'response'
    | 'http'
    | 'timeout'
    | 'interrupted'
    | 'job-failed'
    | 'unavailable';
  /** GES's error code (GES.8303), or the system's when nothing answered (ECONNREFUSED). */
  code: string | null;
  message: string;
  /** null when no answer came. */
  httpStatus: number | null;
  /** The next step, as the CLI suggests it. */
  hint: string | null;
}

/**
 * `cancelled`; `already-finished` (GES.8303 with ignoreFinished, or under cancelAll); `failed`;
 * `skipped` (cancelAll: the list says canStop: false, nothing sent); after an abort, `unknown`
 * (the request had been sent) or `not-sent`; `dry-run` (the CLI's --dry-run only).
 */
export type CancelOutcome =
  | 'cancelled'
  | 'already-finished'
  | 'failed'
  | 'skipped'
  | 'dry-run'
  | 'unknown'
  | 'not-sent';

/** One job's cancel: an element of `ges job cancel --json`'s `results`. */
export interface CancelRecord {
  graph: string;
  jobId: string;
  outcome: CancelOutcome;
  httpStatus: number | null;
  error: ErrorRecord | null;
  /** @deprecated use error.code */
  errorCode: string | null;
  /** @deprecated use error.message */
  errorMessage: string | null;
  attempts: number;
  /** already-finished: the job's status then, null when GES no longer knows it. */
  jobStatus?: string | null;
  /** The CLI's --wait: whether the job was seen gone or ended before the wait ran out. */
  stopped?: boolean;
  /** Words for the reader: a retried cancel whose effect cannot be told. */
  note?: string;
}

/**
 * `success`, `failed` (it ended otherwise), `timeout` (still going when the wait ran out),
 * `unknown` (GES does not know the job), `error` (it could not be followed), `interrupted` (the
 * call was aborted first); `dry-run` is the CLI's.
 */
export type WaitOutcome =
  | 'success'
  | 'failed'
  | 'timeout'
  | 'unknown'
  | 'error'
  | 'interrupted'
  | 'dry-run';

/** One job's wait: an element of `ges job wait --json`'s `results`. */
export interface WaitRecord {
  graph: string;
  jobId: string;
  outcome: WaitOutcome;
  /** The status it ended with (or had when the wait ran out); null when not known. */
  status: string | null;
  error: ErrorRecord | null;
}

/** One job of a job list: an element of `ges job list --json`'s `jobs`. */
export interface JobRecord {
  jobId: string;
  status: string;
  /** The kind of job (execute-algorithm, ...); null when GES does not say. */
  command: string | null;
  algorithm: string | null;
  /** false: GES says this job cannot be cancelled. */
  canStop: boolean | null;
  progress: number | string | null;
  /** As GES sent it (a timestamp becomes ISO 8601). */
  startTime: string | null;
  endTime: string | null;
  /** Whole seconds since it started, when that is known. */
  ageSeconds: number | null;
  failReason: string | null;
}

/** One job in full: `ges job status --json` without its ok and exitCode. */
export interface JobStatusRecord extends JobRecord {
  graph: string;
  /** The result some editions put at the top of the answer. */
  result: unknown;
  /** The answer's `data`: result pages (see JobStatusOptions). */
  data: unknown;
  attempts: number;
}

/** One graph of the project: an element of `ges graph list --json`'s `graphs`. */
export interface GraphRecord {
  name: string;
  id: string | null;
  /** The state code as sent ("200"). */
  state: string;
  /** The state in words ("running"). */
  stateWords: string;
  edition: string | null;
  version: string | null;
  privateAddress: string | null;
  publicAddress: string | null;
  https: boolean;
}

export interface CallOptions {
  /** Stops the call: requests under way are abandoned, and the call throws GesAbortError. */
  signal?: AbortSignal;
}

export interface CancelJobsOptions extends CallOptions {
  /** Requests in flight, at most (1 to 64, default 8). */
  concurrency?: number;
  /** GES.8303 (the job already ended, or is unknown) counts as done: `already-finished`. */
  ignoreFinished?: boolean;
}

export interface CancelAllOptions extends CallOptions {
  /** The states to cancel (default: waiting, pending, running). */
  statuses?: readonly JobState[];
  concurrency?: number;
}

export interface JobStatusOptions extends CallOptions {
  /** The result page to read (offset and limit of the job's result rows). */
  offset?: number;
  limit?: number;
}

export interface ListJobsOptions extends CallOptions {
  /** Only jobs in these states. */
  status?: JobState | readonly JobState[];
}

export interface WaitJobsOptions extends CallOptions {
  /** Milliseconds to wait for all of them, at most (1000 to 86400000, default 300000). */
  timeout?: number;
  /** Milliseconds between polls of a job (100 to 3600000); default: from 0.5 s up to 5 s. */
  interval?: number;
  /** Jobs polled at once (1 to 64, default 8). */
  concurrency?: number;
}

/** A client of GES's job control; see createClient(). */
export interface GesClient {
  /** Cancels each job, yielding each result as its request ends. */
  cancelJobs(
    graph: string,
    jobIds: Iterable<string> | AsyncIterable<string>,
    options?: CancelJobsOptions,
  ): AsyncGenerator<CancelRecord, void, undefined>;
  /** Cancels every job of the graph in the given states, as `ges job cancel --all`. */
  cancelAll(
    graph: string,
    options?: CancelAllOptions,
  ): AsyncGenerator<CancelRecord, void, undefined>;
  /** One job: its status and every field the job list has. */
  jobStatus(graph: string, jobId: string, options?: JobStatusOptions): Promise<JobStatusRecord>;
  /** The graph's jobs, in GES's order, reading pages as the iteration needs them. */
  listJobs(graph: string, options?: ListJobsOptions): AsyncGenerator<JobRecord, void, undefined>;
  /** Waits for each job to end, yielding each result as its job stops. */
  waitJobs(
    graph: string,
    jobIds: Iterable<string> | AsyncIterable<string>,
    options?: WaitJobsOptions,
  ): AsyncGenerator<WaitRecord, void, undefined>;
  /** The project's graphs, from the management plane (needs a region or managementEndpoint). */
  listGraphs(options?: CallOptions): AsyncGenerator<GraphRecord, void, undefined>;
  /** Ends the client's connections; calls after it throw GesConfigError. */
  close(): Promise<void>;
}
