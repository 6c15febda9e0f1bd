import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptSuffix, SLOW_REQUEST_MS } from '../../src/cli/output.js';
import type { AttemptInfo } from '../../src/core/http/client.js';

const NOW = 1_700_000_000_000;
const at = (attempt: number, of: number, elapsedMs: number): AttemptInfo => ({
  request: {},
  attempt,
  of,
  startedAt: NOW - elapsedMs,
  url: 'http://127.0.0.1/x',
});

describe("the spinner's attempt suffix", () => {
  it.each([
    ['no request under way', [], ''],
    ['a first attempt, quick', [at(1, 3, SLOW_REQUEST_MS - 1)], ''],
    ['a first attempt, slow', [at(1, 3, SLOW_REQUEST_MS)], '(attempt 1 of 3, 3s)'],
    ['a second attempt at once', [at(2, 3, 400)], '(attempt 2 of 3, 0s)'],
    ['whole seconds', [at(2, 4, 12_999)], '(attempt 2 of 4, 12s)'],
    ['a minute and more', [at(3, 4, 72_400)], '(attempt 3 of 4, 1m12s)'],
    ['an hour', [at(4, 11, 3_600_000)], '(attempt 4 of 11, 1h)'],
    ['a clock that went back', [at(2, 3, -5000)], '(attempt 2 of 3, 0s)'],
    ['more attempts than told', [at(5, 3, 1000)], '(attempt 5 of 5, 1s)'],
  ])('%s', (_, requests, expected) => expect(attemptSuffix(requests, NOW)).toBe(expected));

  it('of several requests: the latest attempt, then the one under way longest', () => {
    const requests = [at(1, 3, 9000), at(2, 3, 1000), at(2, 3, 5000), at(1, 3, 100)];
    expect(attemptSuffix(requests, NOW)).toBe('(attempt 2 of 3, 5s)');
  });

  it('always the same shape, the attempt never past the most', () => {
    const info = fc
      .record({ attempt: fc.integer({ min: 1, max: 30 }), of: fc.integer({ min: 1, max: 11 }) })
      .chain(({ attempt, of }) =>
        fc.integer({ min: 0, max: 100_000_000 }).map((ms) => at(attempt, of, ms)),
      );
    fc.assert(
      fc.property(fc.array(info, { maxLength: 8 }), (requests) => {
        const suffix = attemptSuffix(requests, NOW);
        if (suffix === '') return;
        const match = /^\(attempt (\d+) of (\d+), (\d+h)?(\d+m)?(\d+s)?\)$/.exec(suffix);
        expect(match, suffix).not.toBeNull();
        expect(Number(match![1])).toBeLessThanOrEqual(Number(match![2]));
      }),
    );
  });
});
