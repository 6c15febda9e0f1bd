/**
 * Typed errors thrown by core. The CLI maps each kind to an exit code in one table
 * (src/cli/exit-codes.ts); nothing in core decides how a failure is shown.
 */
export type ErrorKind = 'usage' | 'config' | 'network' | 'response' | 'http' | 'timeout' | 'interrupted' | 'job-failed';

export abstract class GesCliError extends Error {
  abstract readonly kind: ErrorKind;
  /** A next step for the user, shown after the message. */
  hint?: string;
  /** What was being done, shown before the message ("could not list jobs on graph movies"). */
  subject?: string;
  /** The graph and job it concerns, for hints that name the next command. */
  about?: { graph?: string; jobId?: string };

  /** Adds what was being done when it failed (kept when already set deeper down). */
  during(subject: string, about: { graph?: string; jobId?: string } = {}): this {
    this.subject ??= subject;
    this.about ??= about;
    return this;
  }
}

/** Bad arguments or flag values. Nothing was sent. */
export class UsageError extends GesCliError {
  readonly kind = 'usage';
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** A missing, malformed or invalid configuration. Nothing was sent. */
export class ConfigError extends GesCliError {
  readonly kind = 'config';
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** No usable HTTP answer: refused, reset, DNS, TLS, timeout. */
export class NetworkError extends GesCliError {
  readonly kind = 'network';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** An answer arrived but could not be understood (not JSON where JSON was due). */
export class ResponseError extends GesCliError {
  readonly kind = 'response';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** The server answered with a status outside 2xx. */
export class HttpError extends GesCliError {
  readonly kind = 'http';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly errorCode: string | null,
    readonly errorMessage: string | null,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** The user pressed Ctrl-C, a signal came, or --max-time passed (the caller aborted). */
export class InterruptedError extends GesCliError {
  readonly kind = 'interrupted';
  /**
   * `attempts`: how many times the request had been sent (0: never, so it had no effect).
   * `inFlight`: the last attempt was under way, so its effect is unknown.
   * `reason`: the abort reason ("SIGINT", "SIGTERM", "SIGHUP", "max-time"), which sets the exit code.
   */
  constructor(
    message = 'interrupted',
    readonly attempts = 0,
    readonly inFlight = false,
    readonly reason?: string,
  ) {
    super(message);
  }

  /** The same interruption, told in other words or with another attempt count. */
  retold(message: string, attempts = this.attempts, inFlight = this.inFlight): InterruptedError {
    return new InterruptedError(message, attempts, inFlight, this.reason);
  }
}

/** A wait (--wait, job wait) ran out of time with the job still going. */
export class WaitTimeoutError extends GesCliError {
  readonly kind = 'timeout';
  constructor(message: string) {
    super(message);
  }
}

/** A job that was waited for ended badly (failed, partiallyFailed). */
export class JobFailedError extends GesCliError {
  readonly kind = 'job-failed';
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}
