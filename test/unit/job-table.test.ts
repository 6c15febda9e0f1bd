import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoff } from '../../src/cli/commands/job-watch.js';
import {
  cellWidth,
  jobRows,
  progressText,
  renderTable,
  shortenMiddle,
  TABLE_WIDTH,
  tsvFields,
  tsvLine,
} from '../../src/cli/job-table.js';
import { PLAIN } from '../../src/cli/output.js';
import {
  ageSeconds,
  diffJobs,
  humanAge,
  type JobSummary,
  newestFirst,
  readJobEntry,
  readTime,
  timeOf,
} from '../../src/core/ges/jobs.js';

function job(fields: Partial<JobSummary> = {}): JobSummary {
  return {
    jobId: 'a1',
    status: 'running',
    command: 'execute-algorithm',
    canStop: true,
    progress: 10,
    startTime: null,
    endTime: null,
    startedAt: null,
    failReason: null,
    algorithm: 'pagerank',
    ...fields,
  };
}

// Every length from 1 to 128 as likely as another: the long ones are the point.
const jobId = fc
  .integer({ min: 1, max: 128 })
  .chain((n) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${n}}$`)));
const anyJob = fc.record({
  jobId,
  status: fc.constantFrom('pending', 'running', 'success', 'failed', 'partiallyFailed'),
  command: fc.option(fc.string({ maxLength: 300 }), { nil: null }),
  algorithm: fc.option(fc.string({ maxLength: 60 }), { nil: null }),
  canStop: fc.option(fc.boolean(), { nil: null }),
  progress: fc.option(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.string({ maxLength: 40 })), {
    nil: null,
  }),
  startTime: fc.constant(null),
  endTime: fc.constant(null),
  startedAt: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null }),
  failReason: fc.option(fc.string({ maxLength: 200 }), { nil: null }),
});

describe('ages as kubectl prints them', () => {
  it.each([
    [-5, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [5, '5s'],
    [119, '119s'],
    [120, '2m'],
    [200, '3m20s'],
    [600, '10m'],
    [3 * 3600 - 1, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 3 * 60, '5h3m'],
    [20 * 3600, '20h'],
    [50 * 3600, '2d2h'],
    [4 * 86400, '4d'],
    [40 * 86400, '40d'],
    [(2 * 365 + 30) * 86400, '2y30d'],
    [9 * 365 * 86400, '9y'],
  ])('%i s is %s', (seconds, text) => expect(humanAge(seconds)).toBe(text));

  it('ageSeconds counts from the start, null without one', () => {
    expect(ageSeconds(job({ startedAt: 1000 }), 62_999)).toBe(61);
    expect(ageSeconds(job(), 62_999)).toBeNull();
  });
});

describe('times from the job list', () => {
  it.each([
    ['2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', Date.UTC(2025, 2, 1, 10)],
    [
      '2025-03-01T10:00:00.123+08:00',
      '2025-03-01T10:00:00.123+08:00',
      Date.UTC(2025, 2, 1, 2, 0, 0, 123),
    ],
    ['2025-03-01T10:00:00+0800', '2025-03-01T10:00:00+0800', Date.UTC(2025, 2, 1, 2)],
    [1_740_823_200, '2025-03-01T10:00:00.000Z', Date.UTC(2025, 2, 1, 10)],
    ['1740823200000', '2025-03-01T10:00:00.000Z', Date.UTC(2025, 2, 1, 10)],
    ['', null, null],
    [null, null, null],
    [0, null, null],
    ['yesterday', 'yesterday', null],
    ['2025-03-01', '2025-03-01', null],
    ['1', '1', null],
  ])('%j reads as %j', (sent, kept, ms) => {
    const time = readTime(sent);
    expect(time).toBe(kept);
    expect(timeOf(time)).toBe(ms);
  });

  it('a date without a zone is local time', () => {
    expect(timeOf('2025-03-01 10:00:00')).toBe(new Date(2025, 2, 1, 10).getTime());
  });

  it('readJobEntry keeps startedAt beside the time as sent', () => {
    const entry = readJobEntry({ jobId: 'a1', status: 'running', startTime: '', endTime: 5 });
    // 5 s after 1970 is no job's time.
    expect(entry).toMatchObject({ startTime: null, startedAt: null, endTime: null });
  });
});

describe('newest first', () => {
  it('sorts by start, newest first; jobs without one last, in their order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }), { maxLength: 30 }),
        (starts) => {
          const jobs = starts.map((startedAt, i) => job({ jobId: `j${i}`, startedAt }));
          const sorted = newestFirst(jobs);
          expect(sorted).toHaveLength(jobs.length);
          const timed = sorted.filter((j) => j.startedAt !== null);
          expect(sorted.slice(0, timed.length)).toEqual(timed);
          for (let i = 1; i < timed.length; i++) {
            const [a, b] = [timed[i - 1]!, timed[i]!];
            expect(a.startedAt!).toBeGreaterThanOrEqual(b.startedAt!);
            if (a.startedAt === b.startedAt) expect(jobs.indexOf(a)).toBeLessThan(jobs.indexOf(b));
          }
          const untimed = sorted.slice(timed.length).map((j) => j.jobId);
          expect(untimed).toEqual(jobs.filter((j) => j.startedAt === null).map((j) => j.jobId));
        },
      ),
    );
  });
});

describe('watch events', () => {
  const keyed = (jobs: JobSummary[]): Map<string, JobSummary> =>
    new Map(jobs.map((j) => [j.jobId, j]));

  it('ADDED and MODIFIED in the new order, then DELETED; the age alone is no change', () => {
    const before = keyed([job({ jobId: 'a' }), job({ jobId: 'b' }), job({ jobId: 'c' })]);
    const after = keyed([
      job({ jobId: 'd' }),
      job({ jobId: 'c', progress: 50 }),
      job({ jobId: 'a', startedAt: null }),
    ]);
    expect(diffJobs(before, after).map((e) => `${e.type} ${e.job.jobId}`)).toEqual([
      'ADDED d',
      'MODIFIED c',
      'DELETED b',
    ]);
  });

  it('applying the events to the jobs before gives the jobs after', () => {
    const snapshot = fc
      .uniqueArray(
        fc.record({
          jobId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
          status: fc.constantFrom('pending', 'running', 'success'),
          progress: fc.integer({ min: 0, max: 3 }),
        }),
        { selector: (j) => j.jobId },
      )
      .map((jobs) => keyed(jobs.map((j) => job(j))));
    fc.assert(
      fc.property(snapshot, snapshot, (before, after) => {
        const state = new Map(before);
        for (const { type, job: j } of diffJobs(before, after)) {
          if (type === 'DELETED') state.delete(j.jobId);
          else state.set(j.jobId, j);
        }
        expect(new Map([...state].sort())).toEqual(new Map([...after].sort()));
        if ([...before].every(([id, j]) => after.get(id) === j) && before.size === after.size)
          expect(diffJobs(before, after)).toEqual([]);
      }),
    );
  });

  it('backs off from the interval, doubling, to a minute (or the interval when longer)', () => {
    expect([0, 1, 2, 5, 6, 20].map((n) => backoff(2000, n))).toEqual([
      2000, 4000, 8000, 60_000, 60_000, 60_000,
    ]);
    expect(backoff(120_000, 3)).toBe(120_000);
  });
});

describe('the job table', () => {
  it(`fits ${TABLE_WIDTH} columns whatever the server sends`, () => {
    fc.assert(
      fc.property(fc.array(anyJob, { minLength: 1, maxLength: 8 }), (jobs) => {
        const lines = renderTable(jobRows(jobs, 2_000_000_000_000, false), {
          width: TABLE_WIDTH,
          paint: PLAIN,
        });
        for (const line of lines) expect(cellWidth(line)).toBeLessThanOrEqual(TABLE_WIDTH);
        for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });

  it('shortens an ID only when the table would pass the width, keeping both ends', () => {
    fc.assert(
      fc.property(jobId, (id) => {
        const [header, row] = renderTable(jobRows([job({ jobId: id })], 0, false), {
          width: TABLE_WIDTH,
          paint: PLAIN,
        });
        const shown = row!.split(' ')[0]!;
        if (shown.includes('…')) {
          const [head, tail] = shown.split('…') as [string, string];
          expect(id.startsWith(head) && id.endsWith(tail)).toBe(true);
          // Shortened no more than needed: the table is exactly as wide as allowed.
          expect(cellWidth(header!)).toBe(TABLE_WIDTH);
        } else {
          expect(shown).toBe(id);
          expect(cellWidth(header!)).toBeLessThanOrEqual(TABLE_WIDTH);
        }
      }),
    );
    expect(shortenMiddle('abcdefghij', 5)).toBe('ab…ij');
  });

  it('cuts lines at a clip width, and wide (East Asian) text counts two columns', () => {
    const rows = jobRows([job({ failReason: '任务失败了'.repeat(10) })], 0, true);
    const lines = renderTable(rows, { width: Infinity, clip: 79, paint: PLAIN });
    for (const line of lines) expect(cellWidth(line)).toBeLessThanOrEqual(79);
  });

  it('progress: 0 to 100 as a percentage, other text short and escaped', () => {
    expect([0, 45, 99.9, '70', null, '', 'a\u001b[2Jlong text'].map(progressText)).toEqual([
      '0%',
      '45%',
      '99%',
      '70%',
      '-',
      '-',
      'a\\x1b[2…',
    ]);
  });

  it('a tab-separated line never cuts an ID and escapes what would split it', () => {
    const id = 'x'.repeat(128);
    expect(tsvLine(tsvFields(job({ jobId: id, command: 'a\tb\nc' }), false))).toBe(
      `${id}\trunning\ta\\tb\\nc\n`,
    );
  });
});
