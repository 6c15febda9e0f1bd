/**
 * Typed errors thrown by core. The CLI maps each kind to an exit code in one table
 * (src/cli/exit-codes.ts); nothing in core decides how a failure is shown.
 */
export type ErrorKind = 'usage' | 'config' | 'network' | 'response' | 'http' | 'timeout' | 'interrupted';

export abstract class GesCliError extends Error {
  abstract readonly kind: ErrorKind;
  /** A next step for the user, shown after the message. */
  hint?: string;
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

/** The user pressed Ctrl-C (or the caller aborted). */
export class InterruptedError extends GesCliError {
  readonly kind = 'interrupted';
  /** `inFlight`: a request had been sent, so its effect is unknown. */
  constructor(
    message = 'interrupted',
    readonly inFlight = false,
  ) {
    super(message);
  }
}

/** A wait (--wait, job wait) ran out of time with the job still going. */
export class WaitTimeoutError extends GesCliError {
  readonly kind = 'timeout';
  constructor(message: string) {
    super(message);
  }
}
