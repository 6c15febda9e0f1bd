import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  EXIT,
  ExitTally,
  exitCodeFor,
  exitCodeForStatus,
  exitCodeForStop,
  exitCodeForWatchStop,
  firstFailureCode,
  signalExitCode,
} from '../../src/cli/exit-codes.js';
import { text as topic } from '../../src/cli/help/exit-codes.js';
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

describe('exit codes of a watch and of checks', () => {
  it.each([
    ['max-time', 0],
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ])('a watch stopped by %s -> %i', (reason, code) =>
    expect(exitCodeForWatchStop(reason)).toBe(code),
  );

  it.each([
    [[], 0],
    [[2, 1], 2],
    [[4, 5], 4],
  ])('checks that failed with %j -> %i', (codes, code) =>
    expect(firstFailureCode(codes)).toBe(code),
  );
});

describe('signalExitCode', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGKILL', undefined],
    ['max-time', undefined],
    ['toString', undefined],
  ])('%s -> %s', (signal, code) => expect(signalExitCode(signal)).toBe(code));

  it('is each signal stop of a run', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
      expect(signalExitCode(signal)).toBe(exitCodeForStop(signal));
  });

  it('is exported by the built CLI bundle, beside main, for bin/ges.cjs', () => {
    const cli = createRequire(import.meta.url)('../../dist/ges.cjs');
    expect(typeof cli.main).toBe('function');
    expect(cli.signalExitCode('SIGTERM')).toBe(143);
  });
});

describe('the exit-codes help topic', () => {
  it('lists every exit code, each once', () => {
    for (const code of new Set(Object.values(EXIT)))
      expect(topic.match(new RegExp(`^  ${code} `, 'gm')), String(code)).toHaveLength(1);
  });
});
