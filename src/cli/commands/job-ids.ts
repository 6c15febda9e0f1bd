import { UsageError } from '../../core/errors.js';
import { checkJobId, parseNumberOption } from '../../core/validate.js';
import { readIdLines } from '../stdin.js';

/**
 * The IDs from the arguments, with "-" replaced by the lines of stdin; validated, duplicates
 * dropped. Empty when "-" read nothing: nothing to do (callers exit 0).
 */
export async function collectJobIds(args: string[], stdin: NodeJS.ReadableStream, signal?: AbortSignal): Promise<string[]> {
  const dashes = args.filter((a) => a === '-').length;
  if (dashes > 1) throw new UsageError('"-" (read job IDs from stdin) may be given only once');
  const ids: string[] = [];
  for (const arg of args) ids.push(...(arg === '-' ? await readIdLines(stdin, signal) : [arg]));
  for (const id of ids) checkJobId(id);
  return [...new Set(ids)];
}

/** --wait-timeout in seconds (1 s to 24 h), as milliseconds. */
export function parseWaitTimeout(value: string): number {
  return parseNumberOption('--wait-timeout', value, { min: 1, max: 86_400, integer: false }) * 1000;
}
