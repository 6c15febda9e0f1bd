import type { Lookup } from '../core/client.js';
import type { GesError } from '../core/errors.js';
import { hintFor } from '../core/hints.js';
import type { HttpClient, HttpRequest, PreparedRequest } from '../core/http/client.js';
import { errorRecord } from '../core/records.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { Output } from './output.js';

/**
 * A run's error in --json: the one error shape (core/records.ts), and for an HTTP error the flat
 * `errorCode` and `errorMessage` (deprecated: `code` and `message` say it) and `attempts`.
 */
export function errorJson(error: GesError): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...errorRecord(error) };
  const { errorCode, errorMessage, attempts } = error.fields();
  if (error.kind === 'http') Object.assign(doc, { errorCode, errorMessage, attempts });
  else if (error.kind === 'network' || error.kind === 'response') Object.assign(doc, { attempts });
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
    output.json(envelope(EXIT.ok, { dryRun: true, ...(lookup ? { lookup } : {}), request: req }));
  else {
    if (lookup) showLookup(output, lookup);
    showRequest(output, req, suffix);
  }
  return EXIT.ok;
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
  showHeaders(output, req);
}

function showHeaders(output: Output, req: PreparedRequest): void {
  for (const [k, v] of Object.entries(req.headers)) output.result(`  ${k}: ${v}`);
  if (req.body) output.result(`  ${req.body}`);
}

/**
 * --dry-run over many jobs, a line each as it is planned: the first request with its headers,
 * every later one as its method, URL, graph and job, its headers only with --verbose (they are
 * the first one's, but for a signature and its date).
 */
export class DryRunPrinter {
  private shown = 0;

  constructor(private readonly output: Output) {}

  show(req: PreparedRequest, graph: string, jobId: string): void {
    this.output.result(`would send: ${req.method} ${req.url} (graph ${graph}, job ${jobId})`);
    if (this.shown++ === 0 || this.output.flags.verbose) showHeaders(this.output, req);
  }

  /** After the last: how to read what was printed. */
  end(): void {
    if (this.shown > 1 && !this.output.flags.verbose)
      this.output.info(
        `${this.shown} requests; each carries the headers shown with the first ` +
          '(--verbose shows every request in full)',
      );
  }
}
