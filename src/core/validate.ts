import { UsageError } from './errors.js';
import { GRAPH_NAME, JOB_ID, PROJECT_ID } from './ges/constants.js';

/** Input rules checked before anything is sent. Each throws a UsageError naming the rule. */

export function checkGraph(graph: string): string {
  if (!GRAPH_NAME.test(graph)) {
    throw new UsageError(
      `invalid graph name ${JSON.stringify(graph)}: a graph name starts with a letter ` +
        `and has only letters, digits, "_" and "-", at most 64 characters`,
    );
  }
  return graph;
}

export function checkJobId(jobId: string): string {
  if (!JOB_ID.test(jobId)) {
    throw new UsageError(
      `invalid job ID ${JSON.stringify(jobId)}: ` +
        `a job ID has only letters, digits, "_" and "-", 1 to 128 characters`,
    );
  }
  return jobId;
}

export function checkProjectId(projectId: string, source: string): string {
  if (!PROJECT_ID.test(projectId)) {
    throw new UsageError(
      `invalid project ID ${JSON.stringify(projectId)} (from ${source}): ` +
        `a project ID has only letters and digits, 1 to 64 characters`,
    );
  }
  return projectId;
}

/**
 * A URL-like text as it may be shown in a message: user info, query and fragment cut out
 * (they may hold a password or a key), and at most 100 characters. Works on text that does
 * not parse as a URL, which is when it is most often shown.
 */
export function describeUrlText(text: string): string {
  let shown = text.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^?#]*@/,
    (_, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
  const cut = shown.search(/[?#]/);
  if (cut >= 0) shown = `${shown.slice(0, cut)}${shown[cut]}…`;
  return JSON.stringify(shown.length > 100 ? `${shown.slice(0, 99)}…` : shown);
}

/** Returns the endpoint without a trailing slash; a path prefix (a gateway) is kept. */
export function checkEndpoint(endpoint: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const shown = describeUrlText(endpoint);
  if (!url) {
    throw new UsageError(
      `invalid endpoint ${shown} (from ${source}): not a URL; ` +
        `expected something like http://192.168.0.20 or https://ges.example.com`,
    );
  }
  const problem =
    url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'only http and https are supported'
      : url.username || url.password || endpoint.split(/[?#]/)[0]!.includes('@')
        ? 'it must not carry a user name or password'
        : url.search || endpoint.includes('?')
          ? 'it must not have a query string'
          : url.hash || endpoint.includes('#')
            ? 'it must not have a fragment'
            : null;
  if (problem) throw new UsageError(`invalid endpoint ${shown} (from ${source}): ${problem}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A number as people write one: decimal digits, perhaps a fraction; no sign, exponent or hex. */
const DECIMAL = /^\d+(\.\d+)?$/;

export function parseNumberOption(
  name: string,
  value: string | number,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): number {
  const n = typeof value === 'number' ? value : DECIMAL.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(
      `invalid value ${JSON.stringify(String(value))} for ${name}: ` +
        `expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  }
  return n;
}
