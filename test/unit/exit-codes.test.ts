import { describe, expect, it } from 'vitest';
import { combineExitCodes, exitCodeFor, exitCodeForStatus } from '../../src/cli/exit-codes.js';
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
    [[5, 130], 130],
  ])('several jobs %j -> %i', (codes, code) => expect(combineExitCodes(codes)).toBe(code));
});
