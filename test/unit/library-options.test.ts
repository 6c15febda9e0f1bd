import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { clientSetup, statusSet } from '../../src/core/library/options.js';

/** createClient()'s options: defaults, what a region implies, and each wrong one named. */

const SECRET = 'tok-SECRET-value';
const base = {
  endpoint: 'http://10.0.0.5',
  projectId: 'p1',
  auth: { type: 'token', token: SECRET },
};

function fails(options: unknown): ConfigError {
  try {
    clientSetup(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(SECRET);
    return error as ConfigError;
  }
  return expect.fail(`accepted ${JSON.stringify(options)}`);
}

describe('clientSetup', () => {
  it('fills in the CLI defaults, in milliseconds', () => {
    expect(clientSetup(base).settings).toEqual({
      endpoint: 'http://10.0.0.5',
      discovery: null,
      projectId: 'p1',
      auth: { type: 'token', token: SECRET },
      timeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      retries: 2,
      insecure: false,
      proxy: { http: '', https: '', noProxy: '' },
      cacheDir: null,
      language: 'en-us',
    });
  });

  it("a region gives the management plane and a password login's IAM, as the SDKs do", () => {
    const auth = { type: 'password', domain: 'd', user: 'u', password: SECRET };
    const { settings } = clientSetup({ projectId: 'p1', region: 'eu-west-101', auth });
    expect(settings.endpoint).toBeNull();
    expect(settings.discovery).toEqual({
      managementEndpoint: 'https://ges.eu-west-101.myhuaweicloud.eu',
      region: 'eu-west-101',
      network: 'private',
    });
    expect(settings.auth.iamEndpoint).toBe('https://iam.eu-west-101.myhuaweicloud.eu');
    const own = clientSetup({
      ...base,
      managementEndpoint: 'https://m.example',
      network: 'public',
    });
    expect(own.settings.discovery).toMatchObject({ managementEndpoint: 'https://m.example' });
    expect(own.settings.discovery?.network).toBe('public');
  });

  it('a proxy URL goes for both schemes; an object names each', () => {
    expect(clientSetup({ ...base, proxy: 'http://proxy:3128' }).settings.proxy).toEqual({
      http: 'http://proxy:3128',
      https: 'http://proxy:3128',
      noProxy: '',
    });
    expect(
      clientSetup({ ...base, proxy: { https: 'http://p:1', noProxy: '10.0.0.5' } }).settings.proxy,
    ).toEqual({ http: '', https: 'http://p:1', noProxy: '10.0.0.5' });
  });

  it.each([
    [null, /options object/],
    [{ ...base, projectID: 'p1' }, /unknown option "projectID"; did you mean projectId\?/],
    [{ ...base, projectId: undefined }, /projectId must be a non-empty string/],
    [{ ...base, projectId: 'p-1' }, /invalid project ID/],
    [{ ...base, endpoint: 'http://u:pw@h' }, /must not carry a user name or password/],
    [{ ...base, endpoint: undefined }, /no endpoint/],
    [{ ...base, region: 'mars' }, /invalid region "mars"/],
    [{ ...base, network: 'both' }, /network must be private or public/],
    [{ ...base, timeout: 0 }, /timeout/],
    [{ ...base, timeout: '30s' }, /timeout must be a number/],
    [{ ...base, connectTimeout: 1.5 }, /connectTimeout/],
    [{ ...base, retries: 11 }, /retries/],
    [{ ...base, insecure: 'yes' }, /insecure must be true or false/],
    [{ ...base, ca: 'not a pem' }, /ca must be PEM text/],
    [{ ...base, cacheDir: 'relative/dir' }, /cacheDir must be an absolute path/],
    [{ ...base, language: 'fr' }, /language must be en-us or zh-cn/],
    [{ ...base, signal: {} }, /signal must be an AbortSignal/],
    [{ ...base, onWarning: 'print' }, /onWarning must be a function/],
    [{ ...base, proxy: 'socks5://p:1' }, /proxy must be an http or https URL/],
    [{ ...base, proxy: { htps: 'http://p' } }, /unknown key of proxy "htps"; did you mean https\?/],
    [{ ...base, auth: 'token' }, /auth must be an object/],
    [{ ...base, auth: { token: SECRET } }, /auth.type is missing/],
    [{ ...base, auth: { type: 'oauth' } }, /auth.type must be token or password or aksk or none/],
    [{ ...base, auth: { type: 'token' } }, /auth.token must be a non-empty string/],
    [
      { ...base, auth: { type: 'token', token: 5 } },
      /auth.token must be a non-empty string, not number/,
    ],
    [{ ...base, auth: { type: 'token', token: `${SECRET}\r` } }, /carriage return at its end/],
    [
      { ...base, auth: { type: 'aksk', accessKey: 'a', secretKey: SECRET, token: 'x' } },
      /unknown key/,
    ],
    [
      { ...base, auth: { type: 'password', domain: 'd', user: 'u', password: SECRET } },
      /iamEndpoint, or a region/,
    ],
  ])('refuses %j', (options, message) => {
    expect(fails(options).message).toMatch(message);
  });

  it('a proxy URL with a password is shown masked', () => {
    const error = fails({ ...base, proxy: `socks5://user:${SECRET}@p:1` });
    expect(error.message).toContain('***@');
  });
});

describe('statusSet', () => {
  it('takes one state or a list; refuses words GES does not use', () => {
    expect(statusSet('running', 'status')).toEqual(new Set(['running']));
    expect(statusSet(['pending', 'failed'], 'status')).toEqual(new Set(['pending', 'failed']));
    expect(statusSet(undefined, 'status')).toBeUndefined();
    expect(() => statusSet(['runing'], 'status')).toThrow(/unknown job state "runing"/);
    expect(() => statusSet([], 'statuses')).toThrow(ConfigError);
  });
});
