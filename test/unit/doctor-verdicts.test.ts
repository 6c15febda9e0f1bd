import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DialFailure, PlainProbe, TlsProbe } from '../../src/core/doctor/probe.js';
import {
  answerKind,
  clockVerdict,
  httpsVerdict,
  httpVerdict,
  proxyFor,
  reachVerdict,
  VPC_HINT,
} from '../../src/core/doctor/verdicts.js';

const proxies = (http: string, https: string, noProxy = '') => ({ http, https, noProxy });
const P = 'http://proxy.example.com:3128';

describe('proxyFor: the proxy undici picks for an endpoint', () => {
  it.each([
    ['http://10.0.0.5', proxies('', ''), null],
    ['http://10.0.0.5', proxies('', P), null],
    ['https://10.0.0.5', proxies(P, ''), P],
    ['https://10.0.0.5', proxies('http://a:1', P), P],
    ['http://10.0.0.5', proxies(P, 'http://b:2'), P],
    ['http://10.0.0.5', proxies(P, '', '10.0.0.5'), null],
    ['http://10.0.0.5:8080', proxies(P, '', '10.0.0.5:8080'), null],
    ['http://10.0.0.5:8081', proxies(P, '', '10.0.0.5:8080'), P],
    ['https://ges.example.com', proxies(P, '', 'example.com'), null],
    ['https://ges.example.com', proxies(P, '', '.example.com'), null],
    ['https://ges.example.com', proxies(P, '', '*.example.com'), null],
    ['https://GES.Example.com', proxies(P, '', 'ges.example.COM'), null],
    ['https://ges.example.com.evil', proxies(P, '', 'example.com'), P],
    ['https://notexample.com', proxies(P, '', 'example.com'), P],
    ['https://[::1]:8443', proxies(P, '', '[::1]'), null],
    ['https://10.0.0.5', proxies(P, '', '*'), null],
    ['https://10.0.0.5', proxies(P, '', 'a.b, 10.0.0.5 c.d'), null],
  ])('%s with %j: %s', (endpoint, settings, expected) => {
    expect(proxyFor(endpoint, settings)).toBe(expected);
  });

  it('an entry for the host, anywhere in NO_PROXY in any case, always bypasses the proxy', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.array(label, { maxLength: 4 }),
        fc.constantFrom(',', ' ', ', '),
        (parts, others, sep) => {
          const host = parts.join('.');
          const entries = [...others, host.toUpperCase()];
          const settings = proxies(P, P, entries.join(sep));
          expect(proxyFor(`https://${host}`, settings)).toBeNull();
          expect(proxyFor(`http://sub.${host}:8080`, settings)).toBeNull();
        },
      ),
    );
  });
});

const target = (host: string) => ({ host, port: 8080 });
const fail = (code: string, at: DialFailure['at'] = 'target', statusLine?: string) => ({
  at,
  code,
  message: `failed with ${code}`,
  statusLine,
});

describe('reachVerdict: how a connection failed, and the fix', () => {
  it('refused: nothing listens', () => {
    expect(reachVerdict(target('10.0.0.5'), fail('ECONNREFUSED'), 3000)).toEqual({
      status: 'fail',
      detail: '10.0.0.5:8080: connection refused (nothing listens on that port)',
      fix: 'check the port in the endpoint, and that the graph is running',
    });
  });

  it.each(['10.0.0.5', '192.168.1.2', '172.16.0.9', '100.93.1.2'])(
    'a silent private address (%s) points at the VPC',
    (host) => {
      const v = reachVerdict(target(host), fail('TIMEOUT'), 3000);
      expect(v.detail).toBe(
        `${host}:8080: no answer within 3 s: silent, as when a firewall or security group ` +
          'drops the packets',
      );
      expect(v.fix).toBe(VPC_HINT);
    },
  );

  it.each(['203.0.113.7', '127.0.0.1', 'ges.example.com'])(
    'a silent public or loopback address (%s) points at firewalls',
    (host) => {
      expect(reachVerdict(target(host), fail('TIMEOUT'), 5000).fix).toBe(
        'check the security group and firewalls on the way, or raise --connect-timeout',
      );
    },
  );

  it('unreachable, DNS and unknown failures', () => {
    expect(reachVerdict(target('10.0.0.5'), fail('EHOSTUNREACH'), 3000).detail).toBe(
      '10.0.0.5:8080: unreachable: no route to it (EHOSTUNREACH)',
    );
    expect(reachVerdict(target('nope.invalid'), fail('ENOTFOUND'), 3000)).toMatchObject({
      detail: 'nope.invalid:8080: DNS lookup failed (ENOTFOUND)',
      fix: 'check the host name',
    });
    expect(reachVerdict(target('h'), fail('EWHAT'), 3000)).toEqual({
      status: 'fail',
      detail: 'h:8080: failed with EWHAT (EWHAT)',
      fix: 'check the address and the network path to it',
    });
  });

  it('the proxy: refused (its variable named, credentials masked) or refusing the tunnel', () => {
    const proxy = { url: 'http://u:pw@proxy:3128', variable: 'HTTPS_PROXY' };
    expect(reachVerdict(target('10.0.0.5'), fail('ECONNREFUSED', 'proxy'), 3000, proxy)).toEqual({
      status: 'fail',
      detail: 'the proxy http://***@proxy:3128/: connection refused (nothing listens on that port)',
      fix: 'check HTTPS_PROXY, or add 10.0.0.5 to NO_PROXY if this machine reaches it directly',
    });
    const denied = fail('HTTP_407', 'tunnel', 'HTTP/1.1 407 Proxy Authentication Required');
    expect(reachVerdict(target('10.0.0.5'), denied, 3000, proxy)).toMatchObject({
      detail:
        'the proxy http://***@proxy:3128/ would not open a tunnel to 10.0.0.5:8080: ' +
        'answered "HTTP/1.1 407 Proxy Authentication Required"',
      fix: 'the proxy wants credentials: give them in its URL (http://user:password@host:port)',
    });
    const gateway = fail('HTTP_502', 'tunnel', 'HTTP/1.1 502 Bad Gateway');
    expect(reachVerdict(target('10.0.0.5'), gateway, 3000, proxy).fix).toBe(
      'the proxy cannot reach 10.0.0.5:8080; if this machine can, add 10.0.0.5 to NO_PROXY',
    );
  });
});

describe('clockVerdict: this clock against the server Date header', () => {
  const server = Date.parse('2025-03-01T12:00:00Z');
  const header = new Date(server).toUTCString();
  const at = (offsetMs: number) => clockVerdict(header, server + offsetMs);

  it.each([
    [0, 'pass', "within a second of the server's"],
    [1500, 'pass', "within a second of the server's"],
    [-90_000, 'pass', "90 s behind the server's (its Date header)"],
    [5 * 60_000, 'pass', "5 min ahead of the server's (its Date header)"],
    [
      6 * 60_000,
      'warn',
      "6 min ahead of the server's (its Date header): signatures are refused past 15 min",
    ],
    [
      -15 * 60_000 - 1000,
      'fail',
      "15 min behind the server's (its Date header): signed requests more than 15 min off " +
        'are refused',
    ],
  ] as const)('%i ms off: %s', (offset, status, detail) => {
    expect(at(offset)).toMatchObject({ status, detail });
  });

  it('a missing or unreadable Date header is a warning, not a verdict', () => {
    for (const h of [undefined, '', 'yesterday'])
      expect(clockVerdict(h, server).status).toBe('warn');
  });

  it('the status only grows with the skew, either way', () => {
    const rank = { pass: 0, warn: 1, fail: 2, skip: 3 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        (a, d) => {
          for (const sign of [1, -1]) {
            const near = rank[at(sign * a).status];
            const far = rank[at(sign * (a + d)).status];
            expect(far).toBeGreaterThanOrEqual(near);
          }
        },
      ),
    );
  });
});

describe('answerKind', () => {
  it.each([
    ['HTTP/1.1 400 Bad Request\r\n', 'http'],
    ['\x15\x03\x01\x00\x02\x02\x0a', 'tls'],
    ['\x16\x03\x03\x00\x10', 'tls'],
    ['', 'nothing'],
    ['SSH-2.0-OpenSSH_9.6\r\n', 'other'],
  ])('%j is %s', (text, kind) => {
    expect(answerKind(Buffer.from(text, 'latin1'))).toBe(kind);
  });
});

describe('TLS verdicts', () => {
  const ctx = { target: { host: 'ges.example.com', port: 443 }, path: '', insecure: false };
  const certificate = {
    subject: 'ges.example.com',
    issuer: 'Example CA',
    altNames: 'DNS:ges.example.com, DNS:www.example.com',
    validFrom: 'Jan  1 00:00:00 2024 GMT',
    validTo: 'Jan  1 00:00:00 2025 GMT',
  };
  const handshake = (error: string | null): TlsProbe => ({ kind: 'handshake', error, certificate });

  it('a verified certificate passes, naming it', () => {
    expect(httpsVerdict(handshake(null), null, ctx)).toEqual({
      status: 'pass',
      detail:
        'certificate for ges.example.com, www.example.com, issued by Example CA, ' +
        'valid until Jan  1 00:00:00 2025 GMT: verified',
    });
  });

  it.each([
    ['CERT_HAS_EXPIRED', 'its certificate has expired', /valid from Jan .* 2024 .* renew it/],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'its certificate is not for ges.example.com',
      /use a name the certificate is for/,
    ],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its certificate is signed by an unknown CA', /--ca-cert/],
  ])('%s fails with its words and fix', (code, words, fix) => {
    const v = httpsVerdict(handshake(code), null, ctx);
    expect(v.status).toBe('fail');
    expect(v.detail).toContain(`does not verify: ${words}`);
    expect(v.fix).toMatch(fix);
  });

  it('a CA already given that did not sign it is named; --insecure makes it a warning', () => {
    const code = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
    expect(httpsVerdict(handshake(code), null, { ...ctx, caFile: '/x/ca.pem' }).fix).toBe(
      'the CA in /x/ca.pem did not sign it: give the CA that did with --ca-cert <pem>',
    );
    const insecure = { ...ctx, insecure: true, insecureSource: 'flag --insecure' };
    expect(httpsVerdict(handshake(code), null, insecure).status).toBe('warn');
  });

  const answer = (text: string, silent = false): PlainProbe => ({
    kind: 'answer',
    bytes: Buffer.from(text, 'latin1'),
    silent,
  });

  it('a failed handshake on a port that answers plain HTTP is a protocol mismatch', () => {
    const failed: TlsProbe = { kind: 'failed', code: 'EPROTO', message: 'wrong version number' };
    const v = httpsVerdict(failed, answer('HTTP/1.1 400 Bad Request\r\n\r\n'), ctx);
    expect(v).toEqual({
      status: 'fail',
      detail:
        'ges.example.com:443 speaks plain HTTP, not TLS ' +
        '(a plain request got "HTTP/1.1 400 Bad Request")',
      fix: 'use http://ges.example.com:443 as the endpoint',
    });
    expect(httpsVerdict(failed, answer(''), ctx).detail).toBe(
      'TLS handshake with ges.example.com:443 failed: wrong version number (EPROTO)',
    );
  });

  it('plain http: an HTTP answer passes; a TLS port is named; silence is said', () => {
    const plain = { ...ctx, target: { host: '10.0.0.5', port: 80 }, path: '/gw' };
    expect(httpVerdict(answer('HTTP/1.1 404 Not Found\r\n'), null, plain, 3000).status).toBe(
      'pass',
    );
    const tls = handshake('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(httpVerdict(answer('\x15\x03\x01\x00\x02\x02\x0a'), tls, plain, 3000)).toEqual({
      status: 'fail',
      detail: '10.0.0.5:80 speaks TLS, not plain HTTP (a plain request got a TLS alert)',
      fix: 'use https://10.0.0.5:80/gw as the endpoint',
    });
    const failed: TlsProbe = { kind: 'failed', code: 'TIMEOUT', message: 'no answer' };
    expect(httpVerdict(answer('', true), failed, plain, 3000).detail).toBe(
      '10.0.0.5:80 does not answer HTTP: a plain request got no answer within 3 s',
    );
  });
});
