/** What the client decides between attempts, and how it traces them: pure functions. */
import { type Failure, UNREACHABLE_CODES } from './failure.js';
import { maskBodySecrets, maskHeaders } from './mask.js';
import type { HttpResult } from './result.js';
import { backoffDelayMs, isRetryableCode, isRetryableStatus, retryAfterMs } from './retry.js';

/** How one attempt ended: an HTTP answer, or none. */
export type Outcome =
  | { result: HttpResult; failure?: undefined }
  | { failure: Failure; result?: undefined };

/** One send()'s progress over its attempts. */
export interface Progress {
  /** The attempt under way, from 1. */
  attempt: number;
  /** Retries so far (a re-login's attempt is not one; a move to a new address starts over). */
  retried: number;
  reauthenticated: boolean;
  moved: boolean;
  /** When the first attempt started. */
  startedAt: number;
}

export const newProgress = (now: number): Progress => ({
  attempt: 0,
  retried: 0,
  reauthenticated: false,
  moved: false,
  startedAt: now,
});

/** Another attempt is due: a retryable status or failure, and retries left. */
export function shouldRetry(outcome: Outcome, retried: number, retries: number): boolean {
  if (retried >= retries) return false;
  return outcome.result
    ? isRetryableStatus(outcome.result.status)
    : isRetryableCode(outcome.failure.code);
}

/** The wait before the next attempt: what Retry-After asks for, else backoff with jitter. */
export function retryDelayMs(outcome: Outcome, retried: number, random?: () => number): number {
  const asked = outcome.result ? retryAfterMs(outcome.result.headers['retry-after']) : null;
  return asked ?? backoffDelayMs(retried, random);
}

/**
 * Failures that say nothing answers at the address (it may have moved), as opposed to a bad
 * answer.
 */
const NOTHING_THERE: ReadonlySet<string> = new Set([
  ...UNREACHABLE_CODES,
  'ECONNREFUSED',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** Worth asking for the address again: nothing answered there, and it was not asked yet. */
export function mayHaveMoved(failure: Failure, progress: Progress): boolean {
  return !progress.moved && NOTHING_THERE.has(failure.code ?? '');
}

const TRACE_BODY_LIMIT = 2000;

/** The request as it goes out, secrets masked. */
export function traceRequest(
  trace: (line: string) => void,
  request: { method: string; href: string; headers: Record<string, string>; body?: string },
  attempt: number,
): void {
  trace(`> ${request.method} ${request.href}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
  for (const [k, v] of Object.entries(maskHeaders(request.headers))) trace(`> ${k}: ${v}`);
  if (request.body) trace(`> ${maskBodySecrets(request.body).slice(0, TRACE_BODY_LIMIT)}`);
}

/** The answer as it came, secrets masked, its body cut short. */
export function traceAnswer(
  trace: (line: string) => void,
  { status, headers, text }: HttpResult,
  elapsedMs: number,
): void {
  trace(`< ${status} (${elapsedMs} ms)`);
  for (const [k, v] of Object.entries(maskHeaders(headers))) trace(`< ${k}: ${v}`);
  if (text)
    trace(
      `< ${maskBodySecrets(text.slice(0, TRACE_BODY_LIMIT))}` +
        `${text.length > TRACE_BODY_LIMIT ? '…' : ''}`,
    );
}
