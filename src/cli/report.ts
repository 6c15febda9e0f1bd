import type { GesError } from '../core/errors.js';
import type { HttpClient, HttpRequest, PreparedRequest } from '../core/http/client.js';
import type { Lookup } from './context.js';
import { exitCodeFor } from './exit-codes.js';
import { hintFor } from './hints.js';
import type { Output } from './output.js';

/** The `error` object of a failed --json document. */
export function errorJson(error: GesError): Record<string, unknown> {
  const doc: Record<string, unknown> = { kind: error.kind, message: error.message };
  const { httpStatus, errorCode, errorMessage, attempts } = error.fields();
  if (error.kind === 'http') Object.assign(doc, { httpStatus, errorCode, errorMessage, attempts });
  else if (error.kind === 'network' || error.kind === 'response')
    Object.assign(doc, { httpStatus, attempts });
  return doc;
}

/**
 * Shows a command-level failure (human or JSON) and returns its exit code. Only main() calls
 * it.
 */
export function reportError(
  output: Output,
  error: GesError,
  exitCode = exitCodeFor(error),
): number {
  if (output.flags.json) {
    output.json(envelope(exitCode, { error: errorJson(error) }));
  } else {
    output.error(
      error.subject ? `${error.subject}: ${error.message}` : error.message,
      hintFor(error, error.about ?? {}),
    );
  }
  return exitCode;
}

/** The {ok, exitCode, ...} document every --json run prints. */
export function envelope(
  exitCode: number,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ok: exitCode === 0, exitCode, ...fields };
}

/**
 * --dry-run of a command that sends one request: show it (credentials masked) as text or JSON;
 * exit 0.
 */
export async function showDryRun(
  output: Output,
  http: HttpClient,
  request: HttpRequest,
  suffix = '',
  lookup?: Lookup,
): Promise<number> {
  const req = await http.describe(request);
  if (output.flags.json)
    output.json(envelope(0, { dryRun: true, ...(lookup ? { lookup } : {}), request: req }));
  else {
    if (lookup) showLookup(output, lookup);
    showRequest(output, req, suffix);
  }
  return 0;
}

/**
 * How the graph's address was (or would be) found by name: the management-plane request, and
 * what it gave.
 */
export function showLookup(output: Output, lookup: Lookup): void {
  if (lookup.request)
    output.result(
      `looked up: ${lookup.request.method} ${lookup.request.url} (graph ${lookup.graph})`,
    );
  output.result(`  -> ${lookup.endpoint ?? '(no address)'} (${lookup.source})`);
}

/** A --dry-run request in human form (credentials already masked). */
export function showRequest(output: Output, req: PreparedRequest, suffix = ''): void {
  output.result(`would send: ${req.method} ${req.url}${suffix}`);
  for (const [k, v] of Object.entries(req.headers)) output.result(`  ${k}: ${v}`);
  if (req.body) output.result(`  ${req.body}`);
}
