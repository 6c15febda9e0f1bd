import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  checkEndpoint,
  checkGraph,
  checkJobId,
  checkProjectId,
  parseNumberOption,
} from '../../src/core/validate.js';

describe('input rules', () => {
  it.each(['movies', 'a', 'Graph_1-x', 'g'.repeat(64)])('graph %s is accepted', (g) =>
    expect(checkGraph(g)).toBe(g),
  );
  it.each(['', '1movies', '_x', 'a b', 'a/b', 'g'.repeat(65), 'ümlaut'])(
    'graph %j is refused',
    (g) => expect(() => checkGraph(g)).toThrow(UsageError),
  );

  it.each([
    '4448c9fb-0b16-4a78-8d89-2a137c53454a001679122',
    '2c90803d94eea6f80194f31256260005',
    'a_b',
    'x'.repeat(128),
  ])('job %s is accepted', (id) => expect(checkJobId(id)).toBe(id));
  it.each(['', 'a/b', '../x', 'a b', 'x'.repeat(129), 'a?b'])('job %j is refused', (id) =>
    expect(() => checkJobId(id)).toThrow(UsageError),
  );

  it.each(['demo', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'])('project %s is accepted', (p) =>
    expect(checkProjectId(p, 'flag')).toBe(p),
  );
  it.each(['', 'a-b', 'p'.repeat(65)])('project %j is refused', (p) =>
    expect(() => checkProjectId(p, 'flag')).toThrow(/project ID/),
  );

  it.each([
    ['http://192.168.0.20', 'http://192.168.0.20'],
    ['https://ges.example.com/', 'https://ges.example.com'],
    ['http://127.0.0.1:8080/gateway/ges/', 'http://127.0.0.1:8080/gateway/ges'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('endpoint %s -> %s', (input, expected) => expect(checkEndpoint(input, 'flag')).toBe(expected));

  it.each([
    ['ftp://x', 'only http and https'],
    ['not a url', 'not a URL'],
    ['http://u:secret@x', 'user name or password'],
    ['http://x/?q=1', 'query string'],
    ['http://x/#f', 'fragment'],
  ])('endpoint %s is refused: %s', (input, message) => {
    expect(() => checkEndpoint(input, 'flag')).toThrow(message);
  });

  it('never echoes endpoint user info', () => {
    expect(() => checkEndpoint('http://u:secret@x', 'flag')).toThrow(/^(?!.*secret)/);
  });

  it('number options', () => {
    expect(parseNumberOption('--n', '8', { min: 1, max: 64, integer: true })).toBe(8);
    expect(parseNumberOption('--t', '0.5', { min: 0.001, max: 10, integer: false })).toBe(0.5);
    for (const bad of [
      '',
      'x',
      '1.5',
      '0',
      '65',
      '0x10',
      '1e1',
      '0b11',
      '0o7',
      '+5',
      '-1',
      '.5',
      '5.',
    ]) {
      expect(() => parseNumberOption('--n', bad, { min: 1, max: 64, integer: true })).toThrow(
        `invalid value ${JSON.stringify(bad)} for --n`,
      );
    }
    expect(parseNumberOption('--n', ' 12 ', { min: 1, max: 64, integer: true })).toBe(12);
    expect(parseNumberOption('--n', 16, { min: 1, max: 64, integer: true })).toBe(16);
  });

  it.each([
    ['--timeout', '0x10'],
    ['--retries', '1e1'],
    ['--concurrency', '0b11'],
    ['--timeout', 'Infinity'],
  ])('%s %s is refused: numbers are decimal', (name, value) => {
    expect(() => parseNumberOption(name, value, { min: 0, max: 1000, integer: false })).toThrow(
      `invalid value ${JSON.stringify(value)} for ${name}`,
    );
  });
});
