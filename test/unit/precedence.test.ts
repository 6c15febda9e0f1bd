import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/core/config/load.js';
import {
  type Env,
  firstSet,
  layerOrder,
  resolveSettings,
  type Settings,
  type SettingsFlags,
} from '../../src/core/config/resolve.js';
import { validateConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';

const FILE = '/home/u/.config/ges/config.yaml';
const FROM = (profile: string): string => `file ${FILE} (profile ${profile})`;

function loaded(raw: unknown): LoadedConfig {
  return { filepath: FILE, trust: 'user-folder', ...validateConfig(raw, FILE) };
}

/** A user's config: a default profile that logs in with a password, and three others. */
const CONFIG = loaded({
  profiles: {
    default: {
      endpoint: 'http://10.0.0.1',
      projectId: 'defaultp',
      timeout: '10s',
      auth: {
        type: 'password',
        iamEndpoint: 'https://iam.default',
        domain: 'd',
        user: 'u',
        password: '${GES_PASSWORD}',
      },
    },
    prod: {
      region: 'cn-north-4',
      projectId: 'prodp',
      auth: { type: 'password', domain: 'acme', user: 'bot', password: '${GES_PASSWORD}' },
    },
    bare: { endpoint: 'http://10.0.0.3' },
    tokened: {
      endpoint: 'http://${HOST}',
      projectId: '${PROJECT}',
      auth: { type: 'token', token: '${PROFILE_TOKEN}' },
    },
  },
});

function resolve(flags: SettingsFlags, env: Env): Settings {
  return resolveSettings(flags, env, CONFIG);
}

const LEFT_IN_SHELL = { GES_ENDPOINT: 'http://127.0.0.1:8080', GES_PROJECT_ID: 'demo' };

describe('the precedence rule: flag > -p profile > environment > other profile > default', () => {
  it('layerOrder puts a profile named with -p above the environment, any other below it', () => {
    expect(layerOrder(true)).toEqual(['flag', 'profile', 'env']);
    expect(layerOrder(false)).toEqual(['flag', 'env', 'profile']);
  });

  it('firstSet reads a candidate only when every stronger one is unset', () => {
    const read: string[] = [];
    const at = (layer: string, value: string | undefined) => () => {
      read.push(layer);
      return { value, source: layer };
    };
    const found = firstSet(['flag', 'env', 'profile'], {
      flag: [at('flag', undefined)],
      env: [at('env1', ''), at('env2', 'e')],
      profile: [at('profile', 'p')],
    });
    expect(found).toEqual({ value: 'e', source: 'env2' });
    expect(read).toEqual(['flag', 'env1', 'env2']);
  });

  it.each<[string, SettingsFlags, Env, Record<string, unknown>, Record<string, string>]>([
    [
      '-p prod: its region wins over a GES_ENDPOINT left in the shell',
      { profile: 'prod' },
      { ...LEFT_IN_SHELL, GES_PASSWORD: 'pw' },
      { endpoint: null, projectId: 'prodp', discovery: { region: 'cn-north-4' } },
      { region: FROM('prod'), projectId: FROM('prod') },
    ],
    [
      '-p prod: its own auth wins over GES_TOKEN; its region gives the IAM endpoint',
      { profile: 'prod' },
      { GES_TOKEN: 't', GES_PASSWORD: 'pw' },
      { auth: { type: 'password', iamEndpoint: 'https://iam.cn-north-4.myhuaweicloud.com' } },
      { auth: FROM('prod'), 'auth.iamEndpoint': `region cn-north-4 (from ${FROM('prod')})` },
    ],
    [
      '-p bare: the environment fills what the profile leaves out',
      { profile: 'bare' },
      { ...LEFT_IN_SHELL, GES_TOKEN: 't' },
      { endpoint: 'http://10.0.0.3', projectId: 'demo', auth: { type: 'token', token: 't' } },
      { endpoint: FROM('bare'), projectId: 'env GES_PROJECT_ID', auth: 'env GES_TOKEN' },
    ],
    [
      'no -p: the environment wins over the default profile, and its unused password is fine',
      {},
      { ...LEFT_IN_SHELL, GES_TOKEN: 't' },
      { endpoint: 'http://127.0.0.1:8080', projectId: 'demo', timeoutMs: 10_000 },
      { endpoint: 'env GES_ENDPOINT', auth: 'env GES_TOKEN', timeout: FROM('default') },
    ],
    [
      'GES_PROFILE ranks below the environment, as the default profile does',
      {},
      { ...LEFT_IN_SHELL, GES_PROFILE: 'prod', GES_TOKEN: 't' },
      { profileName: 'prod', endpoint: 'http://127.0.0.1:8080', discovery: null },
      { profile: 'env GES_PROFILE', endpoint: 'env GES_ENDPOINT' },
    ],
    [
      'flags win over a profile named with -p',
      { profile: 'prod', endpoint: 'http://10.9.9.9', projectId: 'flagp', timeout: '3' },
      { GES_PASSWORD: 'pw' },
      { endpoint: 'http://10.9.9.9', projectId: 'flagp', timeoutMs: 3000, discovery: null },
      { endpoint: 'flag --endpoint', projectId: 'flag --project-id', timeout: 'flag --timeout' },
    ],
    [
      'a region flag is the location: it wins over GES_ENDPOINT',
      { region: 'eu-west-101' },
      { ...LEFT_IN_SHELL, GES_TOKEN: 't' },
      {
        endpoint: null,
        discovery: { managementEndpoint: 'https://ges.eu-west-101.myhuaweicloud.eu' },
      },
      { region: 'flag --region', endpoint: 'management plane (by graph name)' },
    ],
    [
      'GES_REGION wins over the default profile endpoint',
      {},
      { GES_REGION: 'cn-east-3', GES_TOKEN: 't' },
      { endpoint: null, discovery: { region: 'cn-east-3' } },
      { region: 'env GES_REGION' },
    ],
    [
      'HUAWEICLOUD_SDK_IAM_ENDPOINT wins over the default profile, fills in for -p',
      { profile: 'prod' },
      { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.env', GES_PASSWORD: 'pw' },
      { auth: { iamEndpoint: 'https://iam.env' } },
      { 'auth.iamEndpoint': 'env HUAWEICLOUD_SDK_IAM_ENDPOINT' },
    ],
    [
      'HUAWEICLOUD_SDK_IAM_ENDPOINT loses to a -p profile that names its IAM',
      { profile: 'default' },
      { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.env', GES_PASSWORD: 'pw' },
      { auth: { iamEndpoint: 'https://iam.default' } },
      { 'auth.iamEndpoint': FROM('default') },
    ],
    [
      'HUAWEICLOUD_SDK_IAM_ENDPOINT wins over the profile chosen without -p',
      {},
      { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.env', GES_PASSWORD: 'pw' },
      { auth: { iamEndpoint: 'https://iam.env' } },
      { 'auth.iamEndpoint': 'env HUAWEICLOUD_SDK_IAM_ENDPOINT' },
    ],
    [
      'an access key half set in the environment is not read when -p brings its own auth',
      { profile: 'prod' },
      { HUAWEICLOUD_SDK_AK: 'ak', GES_PASSWORD: 'pw' },
      { auth: { type: 'password' } },
      { auth: FROM('prod') },
    ],
    [
      'references in overridden values are never resolved',
      { profile: 'tokened', endpoint: 'http://10.0.0.7', projectId: 'flagp' },
      { PROFILE_TOKEN: 'pt' },
      { endpoint: 'http://10.0.0.7', auth: { type: 'token', token: 'pt' } },
      { auth: FROM('tokened') },
    ],
  ])('%s', (_, flags, env, expected, sources) => {
    const settings = resolve(flags, env);
    expect(settings).toMatchObject(expected);
    expect(settings.sources).toMatchObject(sources);
  });

  it('a reference in a value that is used still needs its variable', () => {
    expect(() => resolve({}, { GES_TOKEN: undefined, ...LEFT_IN_SHELL })).toThrow(
      'refers to ${GES_PASSWORD}',
    );
    expect(() => resolve({ profile: 'tokened' }, { HOST: 'h', PROJECT: 'p' })).toThrow(
      'profiles.tokened.auth.token',
    );
  });

  it('the "no endpoint" error points at config init and the emulator', () => {
    const error = (() => {
      try {
        resolveSettings({}, { GES_TOKEN: 't' }, null);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.hint).toContain('ges config init');
    expect(error!.hint).toContain('ges emulator');
  });
});

/** Which layers set a value of a plain setting, and whether the profile was named with -p. */
const arrangement = fc.record({
  named: fc.boolean(),
  flag: fc.boolean(),
  env: fc.boolean(),
  profile: fc.boolean(),
});

describe('properties', () => {
  it('a plain setting comes from the first layer that sets it, in layerOrder', () => {
    fc.assert(
      fc.property(arrangement, ({ named, flag, env, profile }) => {
        const config = loaded({
          profiles: {
            default: {
              endpoint: 'http://10.0.0.1',
              auth: { type: 'none' },
              ...(profile ? { projectId: 'fromprofile' } : {}),
            },
          },
        });
        const run = () =>
          resolveSettings(
            {
              ...(named ? { profile: 'default' } : {}),
              ...(flag ? { projectId: 'fromflag' } : {}),
            },
            env ? { GES_PROJECT_ID: 'fromenv' } : {},
            config,
          );
        const winner = layerOrder(named).find((l) => ({ flag, env, profile })[l]);
        if (!winner) {
          expect(run).toThrow('no project ID');
          return;
        }
        expect(run().projectId).toBe(`from${winner}`);
      }),
    );
  });

  it('a ${NAME} in the profile fails the run only when its value is the one used', () => {
    const keys = ['endpoint', 'projectId', 'token'] as const;
    const envNames = { endpoint: 'GES_ENDPOINT', projectId: 'GES_PROJECT_ID', token: 'GES_TOKEN' };
    const values = { endpoint: 'http://10.0.0.2', projectId: 'envp', token: 'envt' };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.record({ endpoint: fc.boolean(), projectId: fc.boolean(), token: fc.boolean() }),
        fc.record({ endpoint: fc.boolean(), projectId: fc.boolean(), token: fc.boolean() }),
        (named, referenced, inEnv) => {
          const written = (key: (typeof keys)[number], literal: string) =>
            referenced[key] ? `\${UNSET_${key.toUpperCase()}}` : literal;
          const config = loaded({
            profiles: {
              default: {
                endpoint: written('endpoint', 'http://10.0.0.1'),
                projectId: written('projectId', 'filep'),
                auth: { type: 'token', token: written('token', 'filet') },
              },
            },
          });
          const env: Env = {};
          for (const key of keys) if (inEnv[key]) env[envNames[key]] = values[key];
          const used = keys.filter((k) => referenced[k] && (named || !inEnv[k]));
          const run = () => resolveSettings(named ? { profile: 'default' } : {}, env, config);
          if (used.length) expect(run).toThrow(/refers to \$\{UNSET_/);
          else expect(run).not.toThrow();
        },
      ),
    );
  });

  it('with -p, a profile that says where the graph is never goes where the env says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Record<string, string>>(
          { endpoint: 'http://10.0.0.1' },
          { region: 'cn-north-4' },
          { managementEndpoint: 'https://ges.example' },
        ),
        fc.record({
          GES_ENDPOINT: fc.option(fc.constant('http://127.0.0.1:1'), { nil: undefined }),
          GES_REGION: fc.option(fc.constant('ap-southeast-1'), { nil: undefined }),
          GES_MANAGEMENT_ENDPOINT: fc.option(fc.constant('http://127.0.0.1:2'), { nil: undefined }),
        }),
        (location, env) => {
          const config = loaded({
            profiles: { p: { ...location, projectId: 'p', auth: { type: 'none' } } },
          });
          const s = resolveSettings({ profile: 'p' }, env, config);
          const places = [s.endpoint, s.discovery?.managementEndpoint, s.discovery?.region];
          expect(places.some((p) => p?.includes('127.0.0.1') || p === 'ap-southeast-1')).toBe(
            false,
          );
        },
      ),
    );
  });
});
