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
} as const;

const BY_KIND: Record<Exclude<ErrorKind, 'http'>, number> = {
  usage: EXIT.usage,
  config: EXIT.usage,
  network: EXIT.noAnswer,
  response: EXIT.noAnswer,
  timeout: EXIT.noAnswer,
  interrupted: EXIT.interrupted,
};

/** 3xx -> 3, 4xx -> 4, 5xx -> 5; anything else the server says is not understood (1). */
export function exitCodeForStatus(status: number): number {
  const klass = Math.floor(status / 100);
  return klass >= 3 && klass <= 5 ? klass : status >= 200 && status < 300 ? EXIT.ok : EXIT.noAnswer;
}

export function exitCodeFor(error: { kind: ErrorKind; httpStatus?: number | null } | undefined): number {
  if (!error) return EXIT.ok;
  if (error.kind === 'http') return exitCodeForStatus(error.httpStatus ?? 0);
  return BY_KIND[error.kind];
}

/** Several jobs: an interruption wins, then the first of 5, 1, 4, 3 that any job earned, else 0. */
export function combineExitCodes(codes: readonly number[]): number {
  for (const code of [EXIT.interrupted, EXIT.serverError, EXIT.noAnswer, EXIT.clientError, EXIT.redirect]) {
    if (codes.includes(code)) return code;
  }
  return EXIT.ok;
}
