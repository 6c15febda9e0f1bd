import { describe, expect, it } from 'vitest';
import { isLoopbackOrPrivate, networkWarnings } from '../../src/core/http/address.js';

describe('isLoopbackOrPrivate', () => {
  it.each([
    'localhost',
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.0.20',
    '169.254.1.1',
    '100.64.0.1',
    '[::1]',
    '[fd00::1]',
    '[fe80::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:10.0.0.1]',
  ])('%s is loopback or private', (host) => expect(isLoopbackOrPrivate(host)).toBe(true));

  it.each(['203.0.113.10', 'ges.example.com', '[2001:db8::1]', '[::ffff:203.0.113.10]'])(
    '%s is public',
    (host) => expect(isLoopbackOrPrivate(host)).toBe(false),
  );

  it.each([
    ['http://[::ffff:127.0.0.1]', true],
    ['http://[::ffff:192.168.0.20]:8080', true],
    ['http://[::ffff:100.64.0.1]', true],
    ['http://[::ffff:203.0.113.10]', false],
    ['http://[::ffff:8.8.8.8]', false],
  ])('%s, as the URL parser spells it, is private: %s', (endpoint, expected) => {
    const { hostname } = new URL(endpoint);
    expect(hostname).toMatch(/^\[::ffff:[0-9a-f]+:[0-9a-f]+\]$/);
    expect(isLoopbackOrPrivate(hostname)).toBe(expected);
  });
});

describe('networkWarnings', () => {
  const warn = (endpoint: string): string[] =>
    networkWarnings({ insecure: false, endpoints: [endpoint], authType: 'token' });

  it('says nothing about plain http to an IPv4-mapped loopback address', () => {
    expect(warn('http://[::ffff:127.0.0.1]')).toEqual([]);
  });

  it('warns about plain http to an IPv4-mapped public address', () => {
    expect(warn('http://[::ffff:203.0.113.10]')).toEqual([
      'credentials go over plain http to [::ffff:cb00:710a], ' +
        'which is neither a loopback nor a private address; use https',
    ]);
  });
});
