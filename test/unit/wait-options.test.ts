import { describe, expect, it } from 'vitest';
import { progressEvery } from '../../src/cli/job-report.js';
import { parseInterval, parseWaitTimeout } from '../../src/cli/jobs.js';
import type { GlobalOptions } from '../../src/cli/program.js';

const options = (extra: Partial<GlobalOptions>): GlobalOptions =>
  ({
    json: false,
    jsonl: false,
    quiet: false,
    verbose: false,
    dryRun: false,
    ...extra,
  }) as GlobalOptions;

describe('the durations of waits, in every form', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5000],
    ['1.5s', 1500],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2', 2000],
  ])('--interval %s -> %i ms', (text, ms) => expect(parseInterval(text)).toBe(ms));

  it.each(['0', '50ms', '2h', '5 s', 'soon', '-1', '1m1h'])('--interval %s is refused', (text) => {
    expect(() => parseInterval(text)).toThrow(/invalid value .* for --interval/);
  });

  it('--interval not given: the default backoff (undefined)', () => {
    expect(parseInterval(undefined)).toBeUndefined();
  });

  it.each([
    ['250ms', 250],
    ['5s', 5000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['45', 45_000],
    ['0', 0],
    ['0s', 0],
    ['10ms', 100],
  ])('--progress-every %s -> %i ms', (text, ms) => {
    expect(progressEvery(options({ progressEvery: text }))).toBe(ms);
  });

  it('--progress-every: 30 s by default, off under --quiet unless given', () => {
    expect(progressEvery(options({}))).toBe(30_000);
    expect(progressEvery(options({ quiet: true }))).toBe(0);
    expect(progressEvery(options({ quiet: true, progressEvery: '1m' }))).toBe(60_000);
    expect(() => progressEvery(options({ progressEvery: 'often' }))).toThrow(/--progress-every/);
  });

  it.each([
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['300', 300_000],
  ])('--wait-timeout %s -> %i ms', (text, ms) => expect(parseWaitTimeout(text)).toBe(ms));
});
