import type { Dispatcher } from 'undici';
import { type Expiring, nowMs, unwatch, watch } from './deadline.js';

/**
 * An answer as read off the wire: the status, its headers (one string each) and the body's text.
 */
export interface Exchanged {
  status: number;
  headers: Record<string, string>;
  text: string;
  /**
   * The body was longer than the limit: `text` holds the first `limit` bytes, the rest was not
   * read.
   */
  truncated: boolean;
}

/**
 * How long one attempt may take. Its deadline: `connectMs` to reach the server (TCP, TLS, a
 * proxy's tunnel) until the request starts going out, then `answerMs` from the request's first
 * byte to the answer's last, whatever the server sends meanwhile (informational answers, a
 * trickle of body).
 */
export interface AttemptLimits {
  connectMs: number;
  answerMs: number;
}

/** How far an attempt got: reaching the server, waiting for the answer's head, reading its body. */
export type Phase = 'connect' | 'headers' | 'body';

/** undici's names for its own timeouts, so one attempt's deadline reads as they do. */
const TIMEOUT_CODES: Record<Phase, string> = {
  connect: 'UND_ERR_CONNECT_TIMEOUT',
  headers: 'UND_ERR_HEADERS_TIMEOUT',
  body: 'UND_ERR_BODY_TIMEOUT',
};

/** An attempt's deadline passed. */
export class DeadlineError extends Error {
  readonly code: string;
  constructor(
    readonly phase: Phase,
    readonly ms: number,
  ) {
    super(`the attempt's deadline passed while in its ${phase} phase`);
    this.code = TIMEOUT_CODES[phase];
  }
}

/** An attempt without a whole answer: why (`reason`), and how far it had got. */
export class AttemptFailure extends Error {
  constructor(
    readonly reason: Error,
    readonly phase: Phase,
    /** Informational (1xx) answers that came before it failed. */
    readonly informational: number,
  ) {
    super(reason.message);
  }
}

/**
 * One request's handler, read straight from undici's calls. undici's request() would wrap each
 * answer in a Readable stream and an async resource; here the body's chunks are only collected,
 * up to `limitFor(status)` bytes. Past it, the request is aborted (its connection closed) and
 * the first `limit` bytes are kept.
 */
class Exchange implements Dispatcher.DispatchHandler, Expiring, EventListenerObject {
  private phase: Phase = 'connect';
  expireAt: number;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private informational = 0;
  private status = 0;
  private headers: Record<string, string> = {};
  private limit = 0;
  private size = 0;
  private chunks: Buffer[] = [];

  constructor(
    private readonly limits: AttemptLimits,
    private readonly limitFor: (status: number) => number,
    private readonly resolve: (answer: Exchanged) => void,
    private readonly reject: (failure: AttemptFailure) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.expireAt = nowMs() + limits.connectMs;
    watch(this);
    // The object itself listens (handleEvent): no closure per request.
    signal?.addEventListener('abort', this);
  }

  /** The request's signal aborted: the attempt ends without an answer. */
  handleEvent(): void {
    this.fail(new Error('the request was stopped by its signal'));
  }

  expire(): void {
    const { phase, limits } = this;
    this.fail(new DeadlineError(phase, phase === 'connect' ? limits.connectMs : limits.answerMs));
  }

  /** Ends the attempt without an answer; the request, if under way, is aborted. */
  private fail(reason: Error, abort = true): void {
    if (this.settled) return;
    this.settled = true;
    unwatch(this);
    this.signal?.removeEventListener('abort', this);
    this.chunks = [];
    this.reject(new AttemptFailure(reason, this.phase, this.informational));
    if (abort) this.controller?.abort(reason);
  }

  private settle(truncated: boolean): void {
    this.settled = true;
    unwatch(this);
    this.signal?.removeEventListener('abort', this);
    const { chunks, limit } = this;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.chunks = [];
    this.resolve({
      status: this.status,
      headers: this.headers,
      text: (truncated ? body.subarray(0, limit) : body).toString('utf8'),
      truncated,
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Too late: the attempt already ended while connecting. The request is not sent.
    if (this.settled) {
      controller.abort(new Error('attempt already ended'));
      return;
    }
    this.phase = 'headers';
    this.expireAt = nowMs() + this.limits.answerMs;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    raw: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx answers are informational: the real one follows (within the same deadline).
    if (statusCode < 200) {
      this.informational++;
      return;
    }
    this.phase = 'body';
    this.status = statusCode;
    this.limit = this.limitFor(statusCode);
    for (const k in raw) {
      const v = raw[k];
      if (v !== undefined) this.headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.settle(true);
      controller.abort(new Error('answer larger than ges reads'));
    }
  }

  onResponseEnd(): void {
    if (!this.settled) this.settle(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error, false);
  }
}

/**
 * One request and its answer through undici's dispatcher, within the attempt's deadline, until
 * `signal` (if any) aborts. Rejects with an AttemptFailure.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  limitFor: (status: number) => number,
  limits: AttemptLimits,
  signal?: AbortSignal,
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(
        new AttemptFailure(new Error('the request was stopped by its signal'), 'connect', 0),
      );
    dispatcher.dispatch(options, new Exchange(limits, limitFor, resolve, reject, signal));
  });
}
