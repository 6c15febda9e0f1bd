/** The retry policy as pure functions: which failures are retried and how long to wait. */

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Connection-level failures worth another attempt (refused, reset, timeouts). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 20_000;
export const RETRY_AFTER_CAP_MS = 60_000;

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^retry)). `retry` counts
 * from 0.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The wait a Retry-After header asks for, in ms, capped at 60 s; null when absent or unreadable.
 * Accepts delta-seconds ("120") and HTTP dates ("Wed, 21 Oct 2015 07:28:00 GMT").
 */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // An HTTP date names its weekday and month; anything else (like "-1") is unreadable.
    const date = /[A-Za-z]/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(date)) return null;
    ms = date - now;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, ms));
}
