import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  encodeRfc3986,
  parseAuthorization,
  parseSdkDate,
  sdkDate,
  signature,
  signRequest,
} from '../../src/core/auth/signer.js';

const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: string, s: string): string => createHmac('sha256', key).update(s).digest('hex');

describe('SDK-HMAC-SHA256 signer', () => {
  it("matches Huawei's published test vector", () => {
    const url = new URL(
      'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?' +
        'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
    );
    const canonical = canonicalRequest({
      method: 'GET',
      url,
      headers: {
        'content-type': 'application/json',
        'X-Sdk-Date': '20191115T033655Z',
        host: url.host,
      },
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
    });
    expect(
      signature('MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc', '20191115T033655Z', canonical),
    ).toBe('7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe');
  });

  it(
    'signs a job status request with offset/limit ' +
      '(query string, trailing slash, port in host)',
    () => {
      const headers = signRequest({
        method: 'GET',
        url: new URL(
          'http://127.0.0.1:8080/ges/v1.0/demo/graphs/movies/jobs/a1/status?offset=0&limit=100',
        ),
        headers: { 'User-Agent': 'ges-cli/0.1.0', 'Content-Type': 'application/json' },
        accessKey: 'AK1',
        secretKey: 'SK1',
        projectId: 'demo',
        date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      });
      const canonical = [
        'GET',
        '/ges/v1.0/demo/graphs/movies/jobs/a1/status/',
        'limit=100&offset=0',
        'content-type:application/json\nhost:127.0.0.1:8080\n' +
          'x-project-id:demo\nx-sdk-date:20260102T030405Z\n',
        'content-type;host;x-project-id;x-sdk-date',
        hex(''),
      ].join('\n');
      const expected = hmac('SK1', `SDK-HMAC-SHA256\n20260102T030405Z\n${hex(canonical)}`);
      expect(headers).toEqual({
        'X-Sdk-Date': '20260102T030405Z',
        'X-Project-Id': 'demo',
        Authorization:
          `SDK-HMAC-SHA256 Access=AK1, ` +
          `SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=${expected}`,
      });
    },
  );

  it('signs a request with a JSON body and a security token', () => {
    const body = JSON.stringify({ algorithmName: 'pagerank', parameters: { alpha: 0.85 } });
    const headers = signRequest({
      method: 'POST',
      url: new URL(
        'https://ges.example.com/ges/v1.0/p1/graphs/movies/action?action_id=execute-algorithm',
      ),
      headers: { 'Content-Type': 'application/json' },
      body,
      accessKey: 'AK2',
      secretKey: 'SK2',
      securityToken: 'temp-token',
      date: new Date(Date.UTC(2026, 10, 28, 23, 59, 59)),
    });
    const canonical = [
      'POST',
      '/ges/v1.0/p1/graphs/movies/action/',
      'action_id=execute-algorithm',
      'content-type:application/json\nhost:ges.example.com\n' +
        'x-sdk-date:20261128T235959Z\nx-security-token:temp-token\n',
      'content-type;host;x-sdk-date;x-security-token',
      hex(body),
    ].join('\n');
    expect(headers['X-Security-Token']).toBe('temp-token');
    expect(headers.Authorization).toBe(
      `SDK-HMAC-SHA256 Access=AK2, ` +
        `SignedHeaders=content-type;host;x-sdk-date;x-security-token, ` +
        `Signature=${hmac('SK2', `SDK-HMAC-SHA256\n20261128T235959Z\n${hex(canonical)}`)}`,
    );
  });

  it.each([
    ['/v1/a b/c', '/v1/a%20b/c/'],
    ['/v1/a%20b/', '/v1/a%20b/'], // already encoded: not encoded twice
    ['/v1/x*y(z)', '/v1/x%2Ay%28z%29/'],
    ['', '/'],
    ['/', '/'],
  ])('canonical URI %j -> %j', (input, expected) => expect(canonicalUri(input)).toBe(expected));

  it.each([
    ['b=2&a=1', 'a=1&b=2'],
    ['a=2&a=1', 'a=1&a=2'],
    ['empty=&x=a b', 'empty=&x=a%20b'],
    ['k=%7E~*', 'k=~~%2A'],
    ['', ''],
  ])('canonical query %j -> %j', (input, expected) =>
    expect(canonicalQuery(new URLSearchParams(input))).toBe(expected),
  );

  it('encodes like RFC 3986 with upper-case hex', () => {
    expect(encodeRfc3986("a-_.~ !'()*/é")).toBe('a-_.~%20%21%27%28%29%2A%2F%C3%A9');
  });

  it('dates and Authorization headers round-trip', () => {
    const d = new Date(Date.UTC(2019, 10, 15, 3, 36, 55));
    expect(sdkDate(d)).toBe('20191115T033655Z');
    expect(parseSdkDate('20191115T033655Z')).toBe(d.getTime());
    expect(parseSdkDate('2019-11-15')).toBeNull();
    expect(
      parseAuthorization('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc'),
    ).toEqual({
      accessKey: 'AK',
      signedHeaders: ['host', 'x-sdk-date'],
      signature: 'abc',
    });
    expect(parseAuthorization('Bearer x')).toBeNull();
  });
});
