import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseDurationOption } from '../../src/core/duration.js';
import { UsageError } from '../../src/core/errors.js';

describe('durations', () => {
  it.each([
    ['250ms', 's', 250],
    ['5s', 's', 5000],
    ['1.5s', 's', 1500],
    ['10m', 's', 600_000],
    ['1h30m', 's', 5_400_000],
    ['1h30m15s250ms', 's', 5_415_250],
    ['30', 's', 30_000],
    ['0.5', 's', 500],
    ['200', 'ms', 200],
    [' 5s ', 's', 5000],
    ['0', 's', 0],
  ] as const)('%s (plain unit %s) is %d ms', (text, unit, ms) => {
    expect(parseDuration(text, unit)).toBe(ms);
  });

  it.each([
    '',
    'abc',
    '0x10',
    '1e3',
    '-5s',
    '+5',
    '5 s',
    '30m1h',
    '5s5s',
    '5sec',
    '1.s',
    '.5s',
    'ms',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text, 's')).toBeUndefined();
  });

  it.each([
    [250, '250ms'],
    [1500, '1.5s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [7_200_000, '2h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads back what it writes, for whole milliseconds under a day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400_000 }), (ms) => {
        const text = formatDuration(ms);
        const back = parseDuration(text, 's')!;
        // Minutes and longer are shown to a tenth of a second.
        expect(Math.abs(back - ms)).toBeLessThanOrEqual(ms >= 60_000 ? 50 : 0);
      }),
    );
  });

  it('names the option, the bounds and the forms when a value is refused', () => {
    const rule = { plainUnit: 's', min: 1000, max: 86_400_000 } as const;
    expect(() => parseDurationOption('--wait-timeout', '0x10', rule)).toThrow(UsageError);
    expect(() => parseDurationOption('--wait-timeout', '500ms', rule)).toThrow(
      'invalid value "500ms" for --wait-timeout: expected a duration from 1s to 24h, such as ' +
        '250ms, 5s, 10m or 1h30m (a plain number is seconds)',
    );
    expect(parseDurationOption('--wait-timeout', '10m', rule)).toBe(600_000);
    expect(parseDurationOption('timeout', 30, rule)).toBe(30_000);
  });
});
