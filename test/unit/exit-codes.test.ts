import { describe, expect, it } from 'vitest';
import {
  ExitTally,
  exitCodeFor,
  exitCodeForStatus,
  exitCodeForStop,
} from '../../src/cli/exit-codes.js';
import {
  ConfigError,
  HttpError,
  InterruptedError,
  NetworkError,
  ResponseError,
  UsageError,
} from '../../src/core/errors.js';

describe('exit codes', () => {
  it.each([
    [200, 0],
    [204, 0],
    [301, 3],
    [399, 3],
    [400, 4],
    [404, 4],
    [500, 5],
    [503, 5],
    [101, 1],
    [600, 1],
  ])('HTTP %i -> %i', (status, code) => expect(exitCodeForStatus(status)).toBe(code));

  it.each([
    [undefined, 0],
    [new UsageError('x'), 2],
    [new ConfigError('x'), 2],
    [new NetworkError('x', 'ECONNREFUSED', 1), 1],
    [new ResponseError('x', 200, 1), 1],
    [new HttpError('x', 404, null, null, 1), 4],
    [new HttpError('x', 502, null, null, 3), 5],
    [new InterruptedError(), 130],
  ])('%s -> %i', (error, code) => expect(exitCodeFor(error)).toBe(code));

  it.each([
    [[], 0],
    [[0, 0], 0],
    [[0, 4, 3], 4],
    [[3, 0], 3],
    [[4, 1], 1],
    [[1, 5, 4], 5],
    [[5, 2], 2],
    [[5, 130], 130],
  ])('several jobs %j -> %i', (codes, code) => {
    const tally = new ExitTally();
    const errorFor = (c: number) =>
      c === 0
        ? undefined
        : c === 1
          ? new NetworkError('x', 'ECONNRESET', 1)
          : c === 2
            ? new UsageError('line 3 of stdin: invalid job ID')
            : c === 130
              ? new InterruptedError()
              : new HttpError('x', c * 100, null, null, 1);
    for (const c of codes) tally.add(errorFor(c));
    expect(tally.code).toBe(code);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['max-time', 1],
    ['anything else', 130],
  ])('a run stopped by %s -> %i, whatever its jobs earned', (reason, code) => {
    expect(exitCodeForStop(reason)).toBe(code);
    const tally = new ExitTally();
    tally.add(new HttpError('x', 400, null, null, 1));
    tally.add(undefined);
    tally.stop(reason);
    expect(tally.code).toBe(code);
  });
});
