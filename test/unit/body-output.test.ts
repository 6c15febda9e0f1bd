import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/cli/output.js';
import { errorFields, summariseBody } from '../../src/core/http/body.js';

describe('summariseBody: one line, never the whole body', () => {
  it.each([
    ['', undefined, 'an empty body'],
    [
      '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      'text/html',
      'an HTML page titled "502 Bad Gateway"',
    ],
    ['<!DOCTYPE html><h1>Access denied</h1>', undefined, 'an HTML page titled "Access denied"'],
    ['<html><body>no title</body></html>', 'text/html; charset=utf-8', 'an HTML page'],
    ['plain\n\ntext  here', 'text/plain', 'a text/plain body starting "plain text here"'],
  ])('%j', (text, type, expected) => expect(summariseBody(text, type)).toBe(expected));

  it('truncates long text', () => {
    const s = summariseBody('x'.repeat(10_000), 'text/plain');
    expect(s.length).toBeLessThan(120);
    expect(s).toContain('…');
  });
});

describe('errorFields', () => {
  it.each([
    [
      { errorMessage: 'm', errorCode: 'GES.8303' },
      { errorCode: 'GES.8303', errorMessage: 'm' },
    ],
    [
      { error_msg: 'gw', error_code: 'APIGW.0301' },
      { errorCode: 'APIGW.0301', errorMessage: 'gw' },
    ],
    [
      { errorMessage: 'Unsupported Operation' },
      { errorCode: null, errorMessage: 'Unsupported Operation' },
    ],
    [undefined, { errorCode: null, errorMessage: null }],
    ['text', { errorCode: null, errorMessage: null }],
  ])('%j', (body, expected) => expect(errorFields(body)).toEqual(expected));
});

describe('useColor', () => {
  it.each([
    [true, {}, true, true],
    [false, {}, true, false],
    [true, { NO_COLOR: '1' }, true, false],
    [true, { NO_COLOR: '' }, true, true],
    [true, { TERM: 'dumb' }, true, false],
    [true, {}, false, false],
    [false, { FORCE_COLOR: '1' }, true, true],
    [true, { FORCE_COLOR: '0' }, true, false],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, true, true],
    [true, { FORCE_COLOR: '1' }, false, false],
  ])('tty=%s env=%j flagColor=%s -> %s', (tty, env, flag, expected) => {
    expect(useColor(tty, env, flag)).toBe(expected);
  });
});
