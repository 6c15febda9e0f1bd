/** Reading answers that may be JSON, HTML from a proxy, empty, or garbage. */
import { HttpError } from '../errors.js';
import type { HttpResult } from './result.js';

export interface ErrorFields {
  errorCode: string | null;
  errorMessage: string | null;
}

const ONE_LINE_LIMIT = 200;

function oneLine(text: string, limit = ONE_LINE_LIMIT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

/** A one-line description of a body that is not the JSON we expected. Never the whole body. */
export function summariseBody(text: string, contentType: string | undefined): string {
  if (text.trim() === '') return 'an empty body';
  if (/html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(text)) {
    const title =
      /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    return title ? `an HTML page titled "${oneLine(title, 80)}"` : 'an HTML page';
  }
  return (
    `a ${contentType ? `${contentType.split(';')[0]} ` : ''}` +
    `body starting "${oneLine(text, 80)}"`
  );
}

/** No answer ges reads nests deeper than this; a deeper one would only overflow the stack later. */
export const MAX_JSON_DEPTH = 256;

export class TooDeepError extends Error {}

/**
 * The deepest nesting of [ and { in JSON text (outside strings), scanning at most until `limit` is
 * passed.
 */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Parses JSON text; undefined for an empty body; throws SyntaxError for anything else, and
 * TooDeepError for JSON nested deeper than MAX_JSON_DEPTH (checked first, without recursion).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (nestingExceeds(text, MAX_JSON_DEPTH))
    throw new TooDeepError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(text);
}

/** GES puts errorCode/errorMessage in its bodies; the API gateway uses error_code/error_msg. */
export function errorFields(body: unknown): ErrorFields {
  if (typeof body !== 'object' || body === null) return { errorCode: null, errorMessage: null };
  // IAM wraps its errors: {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}.
  const nested = (body as { error?: unknown }).error;
  const b = (typeof nested === 'object' && nested !== null ? nested : body) as Record<
    string,
    unknown
  >;
  const str = (...keys: string[]): string | null => {
    for (const k of keys)
      if (typeof b[k] === 'string' && b[k] !== '') return oneLine(b[k] as string, 500);
    return null;
  };
  return {
    errorCode: str('errorCode', 'error_code', 'code'),
    errorMessage: str('errorMessage', 'error_msg', 'message'),
  };
}

/** Builds the HttpError for a non-2xx answer, with GES's errorCode/errorMessage when present. */
export function httpErrorFor(result: HttpResult): HttpError {
  const contentType = result.headers['content-type'];
  let body: unknown;
  try {
    body = parseJsonBody(result.text);
  } catch {
    body = undefined;
  }
  const { errorCode, errorMessage } = errorFields(body);
  let message = `HTTP ${result.status}`;
  if (errorCode) message += ` ${errorCode}`;
  if (errorMessage) message += `: ${errorMessage}`;
  else if (result.status >= 300 && result.status < 400) {
    message +=
      `: redirected to ${result.headers.location ?? 'an unnamed location'} ` +
      `(redirects are not followed; check the endpoint)`;
  } else if (!errorCode)
    message += `: the server answered with ${summariseBody(result.text, contentType)}`;
  const error = new HttpError(message, result.status, errorCode, errorMessage, result.attempts);
  if (result.hint) error.hint = result.hint;
  return error;
}
