import type { ErrorKind } from '../core/errors.js';

/**
 * Every mapping from an outcome to an exit code lives here: a failure's kind, a stop's reason,
 * a signal, and the outcomes of many jobs (ExitTally) or checks. Commands ask; they do not
 * combine codes themselves. `ges help exit-codes` (help/exit-codes.ts) says the same in words.
 */
export const EXIT = {
  ok: 0,
  noAnswer: 1,
  usage: 2,
  redirect: 3,
  clientError: 4,
  serverError: 5,
  interrupted: 130,
  terminated: 143,
  hungUp: 129,
} as const;

/** The exit code of a run stopped by each signal (128 + its number). */
const SIGNALS: Readonly<Record<string, number>> = {
  SIGINT: EXIT.interrupted,
  SIGTERM: EXIT.terminated,
  SIGHUP: EXIT.hungUp,
};

/** The exit code of a run stopped by each abort reason (--max-time: no answer in time, 1). */
const STOPPED: Readonly<Record<string, number>> = { ...SIGNALS, 'max-time': EXIT.noAnswer };

const BY_KIND: Record<Exclude<ErrorKind, 'http'>, number> = {
  usage: EXIT.usage,
  config: EXIT.usage,
  network: EXIT.noAnswer,
  response: EXIT.noAnswer,
  timeout: EXIT.noAnswer,
  interrupted: EXIT.interrupted,
  'job-failed': EXIT.clientError,
  unavailable: EXIT.noAnswer,
};

/** 3xx -> 3, 4xx -> 4, 5xx -> 5; anything else the server says is not understood (1). */
export function exitCodeForStatus(status: number): number {
  const klass = Math.floor(status / 100);
  return klass >= 3 && klass <= 5 ? klass : status >= 200 && status < 300 ? EXIT.ok : EXIT.noAnswer;
}

/** The exit code of one failure (undefined: none). */
export function exitCodeFor(
  error: { kind: ErrorKind; httpStatus?: number | null; reason?: string } | undefined,
): number {
  if (!error) return EXIT.ok;
  if (error.kind === 'http') return exitCodeForStatus(error.httpStatus ?? 0);
  if (error.kind === 'interrupted') return exitCodeForStop(error.reason ?? 'SIGINT');
  return BY_KIND[error.kind];
}

/** The exit code of a run stopped by `reason` (an abort reason: a signal's name, "max-time"). */
export function exitCodeForStop(reason: unknown): number {
  return STOPPED[String(reason)] ?? EXIT.interrupted;
}

/**
 * The exit code of a process ended by `signal` (a second Ctrl-C exits at once with it);
 * undefined for a signal ges does not stop on.
 */
export function signalExitCode(signal: NodeJS.Signals | string): number | undefined {
  return Object.hasOwn(SIGNALS, signal) ? SIGNALS[signal] : undefined;
}

/**
 * The exit code of `ges job watch` stopped by `reason`: --max-time is how a watch is meant to
 * end (0); a signal earns its own code.
 */
export function exitCodeForWatchStop(reason: unknown): number {
  return String(reason) === 'max-time' ? EXIT.ok : exitCodeForStop(reason);
}

/** The exit code of a run of checks (ges doctor): the first failure's code, else 0. */
export function firstFailureCode(failures: Iterable<number>): number {
  for (const code of failures) return code;
  return EXIT.ok;
}

/**
 * Which code wins when several were earned: a stop by a signal, then a usage error (a bad line
 * of stdin after some jobs were handled), then the first of 5, 1, 4, 3, else 0.
 */
const PRECEDENCE: readonly number[] = [
  EXIT.interrupted,
  EXIT.terminated,
  EXIT.hungUp,
  EXIT.usage,
  EXIT.serverError,
  EXIT.noAnswer,
  EXIT.clientError,
  EXIT.redirect,
];

/**
 * The exit code of a run over many jobs, counted as their outcomes stream past: no list of
 * results is kept, only which codes were earned.
 */
export class ExitTally {
  private readonly earned = new Set<number>();

  /** One job's failure (undefined: it succeeded), or a failure of the run itself. */
  add(error: Parameters<typeof exitCodeFor>[0]): void {
    this.earned.add(exitCodeFor(error));
  }

  /** The run was stopped (Ctrl-C, a signal, --max-time). */
  stop(reason: unknown): void {
    this.earned.add(exitCodeForStop(reason));
  }

  get code(): number {
    return PRECEDENCE.find((code) => this.earned.has(code)) ?? EXIT.ok;
  }
}
