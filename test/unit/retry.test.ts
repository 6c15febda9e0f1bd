import { describe, expect, it } from 'vitest';
import { hasEnded } from '../../src/core/ges/jobs.js';
import { pollDelayMs } from '../../src/core/ges/wait.js';
import {
  backoffDelayMs,
  isRetryableCode,
  isRetryableStatus,
  retryAfterMs,
} from '../../src/core/http/retry.js';

describe('backoffDelayMs: full jitter from 0.5 s, capped at 20 s', () => {
  it.each([
    [0, 0.999, 499],
    [1, 0.999, 999],
    [2, 0.5, 1000],
    [5, 0.999, 15984],
    [6, 0.999, 19980],
    [20, 0.999, 19980],
    [3, 0, 0],
  ])('retry %i with random %f waits %i ms', (retry, random, expected) => {
    expect(backoffDelayMs(retry, () => random)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [undefined, null],
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    ['3600', 60_000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['Thu, 01 Jan 2026 01:00:00 GMT', 60_000],
    ['soon', null],
    ['-1', null],
  ])('%s -> %s', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe('what is retried', () => {
  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [400, false],
    [401, false],
    [302, false],
  ])('status %i -> %s', (status, expected) => expect(isRetryableStatus(status)).toBe(expected));

  it.each([
    ['ECONNREFUSED', true],
    ['ECONNRESET', true],
    ['UND_ERR_SOCKET', true],
    ['UND_ERR_BODY_TIMEOUT', true],
    ['UND_ERR_HEADERS_TIMEOUT', true],
    ['ENOTFOUND', false],
    ['CERT_HAS_EXPIRED', false],
    [undefined, false],
  ])('code %s -> %s', (code, expected) => expect(isRetryableCode(code)).toBe(expected));
});

describe('pollDelayMs: job polling from 0.5 s, growing by half, at most 5 s', () => {
  it.each([
    [0, 500],
    [1, 750],
    [2, 1125],
    [5, 3797],
    [6, 5000],
    [30, 5000],
  ])('poll %i waits %i ms', (poll, ms) => expect(pollDelayMs(poll)).toBe(ms));

  it.each([
    ['success', true],
    ['failed', true],
    ['complete', true],
    ['partiallyFailed', true],
    ['running', false],
    ['pending', false],
  ])('%s terminal: %s', (status, terminal) => expect(hasEnded(status)).toBe(terminal));
});
