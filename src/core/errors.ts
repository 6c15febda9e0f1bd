/**
 * Typed errors thrown by core. The CLI maps each kind to an exit code in one table (its
 * exit-codes.ts); nothing in core decides how a failure is shown. The library exports the
 * classes a caller catches as they are, named as their `name` says (GesHttpError,
 * GesConnectionError, ...; an interruption is an AbortError, as for fetch()).
 */
import type { ErrorRecord } from './library/types.js';

/** What kind of failure it is: what sets the CLI's exit code (the library's ErrorRecord kinds). */
export type ErrorKind = ErrorRecord['kind'];

/** What a failure says about the HTTP exchange, the same four fields for every kind. */
export interface ExchangeFields {
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
}

export abstract class GesError extends Error {
  abstract readonly kind: ErrorKind;
  /** A next step for the user, shown after the message. */
  hint?: string;
  /** What was being done, shown before the message ("could not list jobs on graph movies"). */
  subject?: string;
  /** The graph and job it concerns, for hints that name the next command. */
  about?: { graph?: string; jobId?: string };

  /**
   * The exchange fields of a job result or a JSON error; each class with an HTTP side overrides it.
   * @internal
   */
  fields(): ExchangeFields {
    return { httpStatus: null, errorCode: null, errorMessage: this.message, attempts: 0 };
  }

  /**
   * Adds what was being done when it failed (kept when already set deeper down).
   * @internal
   */
  during(subject: string, about: { graph?: string; jobId?: string } = {}): this {
    this.subject ??= subject;
    this.about ??= about;
    return this;
  }
}

/** Bad arguments or flag values. Nothing was sent. */
export class UsageError extends GesError {
  readonly kind = 'usage';
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** A missing, malformed or invalid configuration. Nothing was sent. */
export class ConfigError extends GesError {
  override readonly name = 'GesConfigError';
  readonly kind = 'config';
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** No endpoint, and no region or management endpoint to find one by: nowhere to send. */
export class NoEndpointError extends ConfigError {}

/** No usable HTTP answer: refused, reset, DNS, TLS, timeout. */
export class NetworkError extends GesError {
  override readonly name = 'GesConnectionError';
  readonly kind = 'network';
  constructor(
    message: string,
    /** The system's name for the failure: ECONNREFUSED, ENOTFOUND, UND_ERR_CONNECT_TIMEOUT. */
    readonly code: string | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }

  /** @internal */
  override fields(): ExchangeFields {
    return { ...super.fields(), attempts: this.attempts };
  }
}

/** An answer arrived but could not be understood (not JSON where JSON was due). */
export class ResponseError extends GesError {
  override readonly name = 'GesResponseError';
  readonly kind = 'response';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly attempts: number,
  ) {
    super(message);
  }

  /** @internal */
  override fields(): ExchangeFields {
    return { ...super.fields(), httpStatus: this.httpStatus, attempts: this.attempts };
  }
}

/** The server answered with a status outside 2xx. */
export class HttpError extends GesError {
  override readonly name = 'GesHttpError';
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

  /** The HTTP status (the library's name for httpStatus). */
  get status(): number {
    return this.httpStatus;
  }

  /** GES's error code ("GES.8303"), null when the answer gave none. */
  get code(): string | null {
    return this.errorCode;
  }

  /** @internal */
  override fields(): ExchangeFields {
    return {
      httpStatus: this.httpStatus,
      errorCode: this.errorCode,
      errorMessage: this.errorMessage ?? this.message,
      attempts: this.attempts,
    };
  }
}

/** The user pressed Ctrl-C, a signal came, or --max-time passed (the caller aborted). */
export class InterruptedError extends GesError {
  /** As a fetch() stopped by its signal: what `error.name === 'AbortError'` checks look for. */
  override readonly name = 'AbortError';
  readonly kind = 'interrupted';
  /**
   * `attempts`: how many times the request had been sent (0: never, so it had no effect).
   * `inFlight`: the last attempt was under way, so its effect is unknown.
   * `reason`: the abort reason ("SIGINT", "SIGTERM", "SIGHUP", "max-time"), which sets the exit
   * code.
   */
  constructor(
    message = 'interrupted',
    readonly attempts = 0,
    readonly inFlight = false,
    readonly reason?: string,
  ) {
    super(message);
  }

  /** @internal */
  override fields(): ExchangeFields {
    return { ...super.fields(), attempts: this.attempts };
  }

  /**
   * The same interruption, told in other words or with another attempt count.
   * @internal
   */
  retold(message: string, attempts = this.attempts, inFlight = this.inFlight): InterruptedError {
    return new InterruptedError(message, attempts, inFlight, this.reason);
  }
}

/** A wait (--wait, job wait) ran out of time with the job still going. */
export class WaitTimeoutError extends GesError {
  readonly kind = 'timeout';
  constructor(message: string) {
    super(message);
  }
}

/** A graph that exists but does not serve requests now (stopped, frozen, faulty, ...). */
export class GraphUnavailableError extends GesError {
  override readonly name = 'GesGraphUnavailableError';
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly graphState: string,
  ) {
    super(message);
  }
}

/** A job that was waited for ended badly (failed, partiallyFailed). */
export class JobFailedError extends GesError {
  readonly kind = 'job-failed';
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}
