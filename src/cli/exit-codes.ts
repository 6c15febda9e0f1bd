import type { ErrorKind } from '../core/errors.js';

/** The one table from failure kinds to exit codes (see README, "Exit codes"). */
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

/** The exit code of a run stopped by each abort reason (--max-time: no answer in time, 1). */
const STOPPED: Record<string, number> = {
  SIGINT: EXIT.interrupted,
  SIGTERM: EXIT.terminated,
  SIGHUP: EXIT.hungUp,
  'max-time': EXIT.noAnswer,
};

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

export function exitCodeFor(
  error: { kind: ErrorKind; httpStatus?: number | null; reason?: string } | undefined,
): number {
  if (!error) return EXIT.ok;
  if (error.kind === 'http') return exitCodeForStatus(error.httpStatus ?? 0);
  if (error.kind === 'interrupted') return STOPPED[error.reason ?? 'SIGINT'] ?? EXIT.interrupted;
  return BY_KIND[error.kind];
}

/**
 * Several jobs: an interruption (by a signal) wins, then the first of 5, 1, 4, 3 that any job
 * earned, else 0.
 */
export function combineExitCodes(codes: readonly number[]): number {
  for (const code of [
    EXIT.interrupted,
    EXIT.terminated,
    EXIT.hungUp,
    EXIT.serverError,
    EXIT.noAnswer,
    EXIT.clientError,
    EXIT.redirect,
  ]) {
    if (codes.includes(code)) return code;
  }
  return EXIT.ok;
}
