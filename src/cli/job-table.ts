import { ageSeconds, humanAge, type JobSummary, newestFirst } from '../core/ges/jobs.js';
import type { CommandContext } from './context.js';
import { escapeText, type Paint } from './output.js';

/**
 * How jobs are printed, the same for `job list`, `job status` and `job list --watch`: the JSON
 * fields, the table's columns (fitted to a width by shortening the middle of long IDs), the
 * tab-separated lines scripts read, and JSON lines.
 */

/** The width a TTY table is fitted to (IDs shortened only past it). */
export const TABLE_WIDTH = 100;
const GUTTER = '  ';
/** Table cells from a server are escaped and cut here; a job ID (at most 128) never is. */
const CELL_LIMIT = 120;
const ID_LIMIT = 200;

/** What `job list` was asked for, checked before anything is sent. */
export interface ListChoices {
  filter?: Set<string>;
  /** The newest n (after the status filter). */
  limit?: number;
  wide: boolean;
  /** --watch: poll this often (milliseconds); undefined without --watch. */
  intervalMs?: number;
}

/** The jobs to show: those with a wanted status, newest first, at most `limit`. */
export function selectJobs(all: readonly JobSummary[], choices: ListChoices): JobSummary[] {
  const { filter, limit } = choices;
  const sorted = newestFirst(filter ? all.filter((j) => filter.has(j.status)) : all);
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

/** "No jobs on graph movies", "No running or pending jobs on graph movies". */
export function noJobsLine(graph: string, filter: Set<string> | undefined): string {
  return filter
    ? `No ${[...filter].join(' or ')} jobs on graph ${graph}`
    : `No jobs on graph ${graph}`;
}

/** `execute-algorithm (pagerank)`, the command alone, or `-` when GES does not say. */
export function kindOf(job: Pick<JobSummary, 'command' | 'algorithm'>): string {
  if (!job.command) return '-';
  return job.algorithm ? `${job.command} (${job.algorithm})` : job.command;
}

/** GES documents progress as 0 to 100 (an integer, or its text); other text is shown short. */
export function progressText(progress: JobSummary['progress']): string {
  if (progress === null || progress === '') return '-';
  const n = typeof progress === 'number' ? progress : Number(progress);
  if (Number.isFinite(n) && n >= 0 && n <= 100) return `${Math.floor(n)}%`;
  return shortenEnd(escapeText(String(progress), CELL_LIMIT), 8);
}

function ageText(job: JobSummary, now: number): string {
  const age = ageSeconds(job, now);
  return age === null ? '-' : humanAge(age);
}

export function canStopText(canStop: boolean | null): string {
  return canStop === null ? '-' : canStop ? 'yes' : 'no';
}

/** The colour of a status word: green ended well, red ended badly, cyan not yet ended. */
export function statusStyle(status: string): keyof Paint {
  if (/^(success|complete)$/.test(status)) return 'green';
  if (/^(waiting|pending|running)$/.test(status)) return 'cyan';
  return 'red';
}

const COLUMNS = ['ID', 'KIND', 'STATUS', 'PROGRESS', 'AGE'];
const WIDE_COLUMNS = [...COLUMNS, 'STARTED', 'ENDED', 'CAN STOP', 'REASON'];
const STATUS_COLUMN = 2;

/** The table's rows, header first, each cell escaped (a server's text is data). */
export function jobRows(jobs: readonly JobSummary[], now: number, wide: boolean): string[][] {
  const cell = (text: string | null): string =>
    text === null || text === '' ? '-' : escapeText(text, CELL_LIMIT);
  const rows = jobs.map((job) => {
    const row = [
      escapeText(job.jobId, ID_LIMIT),
      cell(kindOf(job)),
      cell(job.status),
      progressText(job.progress),
      ageText(job, now),
    ];
    if (wide)
      row.push(
        cell(job.startTime),
        cell(job.endTime),
        canStopText(job.canStop),
        cell(job.failReason),
      );
    return row;
  });
  return [wide ? WIDE_COLUMNS : COLUMNS, ...rows];
}

/**
 * Which columns give way, in order, when a table is wider than allowed: the ID (its middle
 * goes), then the kind and the status (their ends go), each down to a floor. Progress and age
 * are short by construction.
 */
const SHRINK = [
  { column: 0, floor: 20 },
  { column: 1, floor: 10 },
  { column: 2, floor: 9 },
];

/** Column widths: each column's widest cell, shrunk as SHRINK says until `max` is met. */
function fitWidths(rows: readonly string[][], max: number): number[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => cellWidth(row[i]!))));
  const total = (): number =>
    widths.reduce((sum, w) => sum + w, 0) + GUTTER.length * (widths.length - 1);
  for (const { column, floor } of SHRINK) {
    const over = total() - max;
    if (over <= 0) break;
    widths[column] = Math.max(Math.min(widths[column]!, floor), widths[column]! - over);
  }
  return widths;
}

interface TableOptions {
  /** Fit to this width (IDs shortened in the middle); Infinity: never shorten. */
  width: number;
  /** Cut every line at this many columns (a live table must not wrap). */
  clip?: number;
  paint: Paint;
}

/** The table's lines (no line breaks), the header in bold and statuses in colour. */
export function renderTable(rows: readonly string[][], options: TableOptions): string[] {
  const widths = fitWidths(rows, options.width);
  return rows.map((row, n) => {
    const cells = row.map((text, i) => ({
      text: i === 0 ? shortenMiddle(text, widths[i]!) : shortenEnd(text, widths[i]!),
      // The last column is not padded: no line ends in spaces.
      width: i === row.length - 1 ? 0 : widths[i]!,
      style: n > 0 && i === STATUS_COLUMN ? statusStyle(text) : undefined,
    }));
    const line = joinCells(cells, options.clip ?? Infinity, options.paint);
    return n === 0 ? options.paint.bold(line) : line;
  });
}

/** Joins padded cells with the gutter, cut at `clip` columns; colour added after cutting. */
function joinCells(
  cells: { text: string; width: number; style?: keyof Paint }[],
  clip: number,
  paint: Paint,
): string {
  let line = '';
  let used = 0;
  for (const [i, cell] of cells.entries()) {
    const gutter = i === 0 ? '' : GUTTER;
    const room = clip - used - gutter.length;
    if (room <= 0) break;
    const text = shortenEnd(cell.text, room);
    const pad = Math.max(0, Math.min(cell.width, room) - cellWidth(text));
    line += `${gutter}${cell.style ? paint[cell.style](text) : text}${' '.repeat(pad)}`;
    used += gutter.length + cellWidth(text) + pad;
  }
  return line.trimEnd();
}

/**
 * One tab-separated line: each field escaped (a tab in a value would split it); a job ID is
 * never cut.
 */
export function tsvLine(fields: readonly string[]): string {
  return `${fields.map((f) => escapeText(f, ID_LIMIT)).join('\t')}\n`;
}

/** The tab-separated fields of a job: `jobId status command`, with -o wide some more. */
export function tsvFields(job: JobSummary, wide: boolean): string[] {
  const fields = [job.jobId, job.status, job.command ?? ''];
  if (wide)
    fields.push(
      job.progress === null ? '' : String(job.progress),
      job.startTime ?? '',
      job.endTime ?? '',
      job.canStop === null ? '' : String(job.canStop),
      job.failReason ?? '',
    );
  return fields;
}

/** --jsonl, read where the global flag puts it. */
export function wantsJsonl(ctx: CommandContext): boolean {
  return ctx.options.jsonl;
}

/** One JSON object on one line of stdout (--jsonl): exact, JSON does its own escaping. */
export function writeJsonLine(ctx: CommandContext, value: unknown): void {
  ctx.streams.stdout.write(`${JSON.stringify(value)}\n`);
}

// Display widths: East Asian wide characters take two columns, combining marks and format
// characters none. Enough to keep a table's columns straight; not a full wcwidth.
const WIDE = new RegExp(
  `[${[
    '\\u1100-\\u115f\\u2e80-\\u303e\\u3041-\\u33ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua000-\\ua4cf',
    '\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6',
    '\\u{1f300}-\\u{1f64f}\\u{1f900}-\\u{1f9ff}\\u{20000}-\\u{3fffd}',
  ].join('')}]`,
  'u',
);
const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;

function charWidth(char: string): number {
  return ZERO.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
}

/** How many terminal columns `text` takes (it holds no control characters: escaped first). */
export function cellWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** At most `width` columns: the end replaced by `…` when longer. */
export function shortenEnd(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return width > 0 ? `${out}…` : '';
}

/**
 * At most `width` columns: the middle replaced by `…` when longer, so both ends of an ID stay
 * (GES's IDs differ at the start, a UUID, and at the end, a counter).
 */
export function shortenMiddle(text: string, width: number): string {
  const chars = [...text];
  if (cellWidth(text) <= width) return text;
  if (width < 3) return shortenEnd(text, width);
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}
