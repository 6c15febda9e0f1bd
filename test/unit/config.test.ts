import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/core/config/load.js';
import { type Env, resolveSettings, type SettingsFlags } from '../../src/core/config/resolve.js';
import {
  closest,
  interpolate,
  isLiteralSecret,
  validateConfig,
} from '../../src/core/config/schema.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';

const FILE = '/home/u/.gesrc.yaml';

function loaded(raw: unknown): LoadedConfig {
  return { filepath: FILE, trust: 'named', ...validateConfig(raw, FILE) };
}

const file = loaded({
  defaultProfile: 'dev',
  profiles: {
    dev: {
      endpoint: 'http://10.0.0.1',
      projectId: 'filep',
      timeout: 10,
      retries: 1,
      auth: { type: 'token', token: 'file-token' },
    },
    other: { endpoint: 'http://10.0.0.2', projectId: 'otherp', auth: { type: 'none' } },
    withVar: {
      endpoint: 'http://${HOST}:8080',
      projectId: 'p',
      auth: { type: 'token', token: '${T}' },
    },
  },
});

function resolve(flags: SettingsFlags, env: Env, cfg: LoadedConfig | null = file) {
  return resolveSettings(flags, env, cfg);
}

describe('precedence: flag > env > profile > default', () => {
  it.each<[string, SettingsFlags, Env, Partial<ReturnType<typeof resolve>>]>([
    [
      'profile only',
      {},
      {},
      {
        endpoint: 'http://10.0.0.1',
        projectId: 'filep',
        timeoutMs: 10_000,
        retries: 1,
        profileName: 'dev',
      },
    ],
    [
      'env beats profile',
      {},
      { GES_ENDPOINT: 'http://e', GES_PROJECT_ID: 'envp' },
      { endpoint: 'http://e', projectId: 'envp' },
    ],
    [
      'flag beats env',
      { endpoint: 'http://f', projectId: 'flagp' },
      { GES_ENDPOINT: 'http://e', GES_PROJECT_ID: 'envp' },
      { endpoint: 'http://f', projectId: 'flagp' },
    ],
    [
      'GES_PROJECT_ID beats HUAWEICLOUD_SDK_PROJECT_ID',
      {},
      { GES_PROJECT_ID: 'a', HUAWEICLOUD_SDK_PROJECT_ID: 'b' },
      { projectId: 'a' },
    ],
    [
      'HUAWEICLOUD_SDK_PROJECT_ID beats profile',
      {},
      { HUAWEICLOUD_SDK_PROJECT_ID: 'b' },
      { projectId: 'b' },
    ],
    [
      'timeout and retries flags',
      { timeout: '2.5', retries: '0' },
      {},
      { timeoutMs: 2500, retries: 0 },
    ],
    [
      'GES_PROFILE picks a profile',
      {},
      { GES_PROFILE: 'other' },
      { profileName: 'other', endpoint: 'http://10.0.0.2' },
    ],
    [
      '--profile beats GES_PROFILE',
      { profile: 'dev' },
      { GES_PROFILE: 'other' },
      { profileName: 'dev' },
    ],
  ])('%s', (_, flags, env, expected) => {
    expect(resolve(flags, env)).toMatchObject(expected);
  });

  it('defaults without a file', () => {
    const s = resolve({}, { GES_ENDPOINT: 'http://e', GES_PROJECT_ID: 'p', GES_TOKEN: 't' }, null);
    expect(s).toMatchObject({
      profileName: 'default',
      timeoutMs: 30_000,
      retries: 2,
      auth: { type: 'token', token: 't' },
      configFile: null,
    });
    expect(s.sources).toMatchObject({ endpoint: 'env GES_ENDPOINT', timeout: 'default' });
  });

  it('auth: GES_TOKEN, then AK/SK from the environment, then the profile', () => {
    expect(
      resolve({}, { GES_TOKEN: 'env', HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'sk' }).auth,
    ).toEqual({ type: 'token', token: 'env' });
    expect(resolve({}, { HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'sk' }).auth).toMatchObject({
      type: 'aksk',
      accessKey: 'ak',
      secretKey: 'sk',
    });
    expect(resolve({}, {}).auth).toEqual({ type: 'token', token: 'file-token' });
    expect(() => resolve({}, { HUAWEICLOUD_SDK_AK: 'ak' })).toThrow('must be set together');
  });

  it('interpolates only the selected profile', () => {
    expect(resolve({ profile: 'withVar' }, { HOST: 'h', T: 'tok' })).toMatchObject({
      endpoint: 'http://h:8080',
      auth: { token: 'tok' },
    });
    expect(() => resolve({ profile: 'withVar' }, { HOST: 'h' })).toThrow(
      'environment variable T is not set',
    );
    expect(() => resolve({}, {})).not.toThrow();
  });

  it(
    'errors: unknown profile, missing endpoint, ' +
      'bad values from a file are config errors, from a flag usage errors',
    () => {
      expect(() => resolve({ profile: 'nope' }, {})).toThrow(
        new RegExp(
          'profile "nope" \\(from flag --profile\\) is not defined in ' +
            '/home/u/\\.gesrc\\.yaml \\(profiles: dev, other, withVar\\)',
        ),
      );
      expect(() => resolve({ profile: 'x' }, {}, null)).toThrow(ConfigError);
      expect(() => resolve({}, { GES_TOKEN: 't' }, null)).toThrow(/no endpoint/);
      expect(() => resolve({}, { GES_ENDPOINT: 'ftp://x' })).toThrow(ConfigError);
      expect(() => resolve({ endpoint: 'ftp://x' }, {})).toThrow(UsageError);
      expect(() => resolve({ timeout: 'x' }, {})).toThrow(UsageError);
    },
  );
});

describe('validateConfig', () => {
  it('accepts the documented shape and warns on unknown keys with a suggestion', () => {
    const { warnings } = validateConfig(
      { profiles: { a: { endpiont: 'x', auth: { type: 'none' } } }, extra: 1 },
      FILE,
    );
    expect(warnings).toEqual([
      `unknown key extra in ${FILE}; it is ignored`,
      `unknown key profiles.a.endpiont in ${FILE} (did you mean endpoint?); it is ignored`,
    ]);
  });

  it.each([
    [[1], 'must hold a mapping'],
    [
      { profiles: { a: 'x' } },
      'profiles.a in /home/u/.gesrc.yaml must be a mapping, not string "x"',
    ],
    [
      { profiles: { a: { retries: 1.5 } } },
      'profiles.a.retries in /home/u/.gesrc.yaml must be a whole number, not number 1.5',
    ],
    [
      { profiles: { a: { insecure: 'yes' } } },
      'profiles.a.insecure in /home/u/.gesrc.yaml must be a boolean',
    ],
    [{ profiles: { a: { auth: {} } } }, 'profiles.a.auth.type is missing'],
    [
      { profiles: { a: { auth: { type: 'oauth' } } } },
      'must be one of token, password, aksk, none',
    ],
    [
      { profiles: { a: { auth: { type: 'aksk', accessKey: 'x' } } } },
      'profiles.a.auth.secretKey is missing',
    ],
    [
      { profiles: { a: { auth: { type: 'password', domain: 'd', user: 'u' } } } },
      'profiles.a.auth.password is missing',
    ],
    [
      { defaultProfile: 'b', profiles: { a: {} } },
      'defaultProfile in /home/u/.gesrc.yaml names profile "b", which is not defined',
    ],
  ])('%j -> %s', (raw, message) => {
    expect(() => validateConfig(raw, FILE)).toThrow(message);
  });

  it('an empty file is an empty config', () => {
    expect(validateConfig(undefined, FILE).config).toEqual({ profiles: {} });
  });
});

describe('helpers', () => {
  it('interpolate', () => {
    expect(interpolate('a-${X}-${Y}', { X: '1', Y: '2' }, 'k', FILE)).toBe('a-1-2');
    expect(interpolate('$X ${ notavar }', {}, 'k', FILE)).toBe('$X ${ notavar }');
    expect(() => interpolate('${NOPE}', {}, 'profiles.a.auth.token', FILE)).toThrow(
      `profiles.a.auth.token in ${FILE} refers to \${NOPE}, ` +
        `but the environment variable NOPE is not set`,
    );
  });

  it('isLiteralSecret', () => {
    expect(isLiteralSecret('abc')).toBe(true);
    expect(isLiteralSecret('${GES_TOKEN}')).toBe(false);
    expect(isLiteralSecret('pre-${X}')).toBe(true);
    expect(isLiteralSecret(undefined)).toBe(false);
  });

  it('closest', () => {
    expect(closest('endpiont', ['endpoint', 'projectId'])).toBe('endpoint');
    expect(closest('zzzzzz', ['endpoint'])).toBeUndefined();
  });
});

describe('search places', () => {
  it(
    "are cosmiconfig's own, in its order, " +
      'less TypeScript (which an installed ges cannot compile)',
    async () => {
      const { getDefaultSearchPlaces, globalConfigSearchPlaces } = await import('cosmiconfig');
      const { SEARCH_NAMES, GLOBAL_NAMES } = await import('../../src/core/config/load.js');
      expect(SEARCH_NAMES).toEqual(getDefaultSearchPlaces('ges').filter((n) => !n.endsWith('.ts')));
      expect(GLOBAL_NAMES).toEqual(globalConfigSearchPlaces.filter((n) => !n.endsWith('.ts')));
    },
  );
});
