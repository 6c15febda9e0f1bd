import { describe, expect, it } from 'vitest';
import {
  addProfile,
  hasProfile,
  type NewProfile,
  profileBlock,
} from '../../src/core/config/init.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';

const P: NewProfile = { name: 'new', endpoint: 'http://10.0.0.1', projectId: 'p1', auth: 'token' };

describe('addProfile', () => {
  it('makes a new file with defaultProfile', () => {
    expect(addProfile(null, P, 'f', false)).toBe(
      "# ges configuration: 'ges help config' lists every key\n" +
        'defaultProfile: new\nprofiles:\n  new:\n' +
        '    endpoint: http://10.0.0.1\n    projectId: p1\n' +
        '    auth:\n      type: token\n      token: ${GES_TOKEN}\n',
    );
  });

  it(
    'appends under profiles, before the next top-level key, ' + 'keeping comments and indentation',
    () => {
      const text =
        '# top\nprofiles:\n    a:   # four spaces\n        endpoint: x\n\n# trailing\nother: 1\n';
      expect(addProfile(text, P, 'f', false)).toBe(
        '# top\nprofiles:\n    a:   # four spaces\n        endpoint: x\n' +
          '    new:\n        endpoint: http://10.0.0.1\n        projectId: p1\n' +
          '        auth:\n            type: token\n            token: ${GES_TOKEN}\n' +
          '\n# trailing\nother: 1\n',
      );
    },
  );

  it('adds a profiles key when there is none', () => {
    expect(addProfile('defaultProfile: new', P, 'f', false)).toContain(
      'defaultProfile: new\nprofiles:\n  new:\n',
    );
  });

  it(
    'refuses an existing profile without force; ' +
      'replaces it with force, keeping its neighbours',
    () => {
      const text =
        'profiles:\n  new:\n    endpoint: old\n    auth: {type: none}\n  keep:\n    endpoint: y\n';
      expect(() => addProfile(text, P, 'f', false)).toThrow(UsageError);
      expect(addProfile(text, { ...P, auth: 'none' }, 'f', true)).toBe(
        'profiles:\n  new:\n    endpoint: http://10.0.0.1\n    projectId: p1\n' +
          '    auth:\n      type: none\n  keep:\n    endpoint: y\n',
      );
    },
  );

  it('refuses flow-style profiles', () => {
    expect(() => addProfile('profiles: {a: {}}\n', P, 'f', false)).toThrow(ConfigError);
  });

  it('password and aksk profiles hold references, never secrets; odd values are quoted', () => {
    expect(
      profileBlock({
        ...P,
        auth: 'password',
        iamEndpoint: 'https://iam',
        domain: 'my acct',
        user: 'u',
      }),
    ).toContain('      domain: "my acct"');
    expect(profileBlock({ ...P, auth: 'aksk' }).join('\n')).toContain(
      'secretKey: ${HUAWEICLOUD_SDK_SK}',
    );
    expect(profileBlock({ ...P, projectId: '0123' })).toContain('    projectId: "0123"');
  });

  it('keeps every other line as it was: comments, order, quoting, anchors; CRLF becomes LF', () => {
    const text =
      '# team\r\nx: &a {retries: 1}\r\nprofiles:\r\n' +
      '  b:   # second\r\n    endpoint: "http://b"\r\n' +
      '  a:\r\n    <<: *a\r\n\r\n# after\r\ndefaultProfile: b\r\n';
    const out = addProfile(text, P, 'f', false);
    expect(out).toBe(
      '# team\nx: &a {retries: 1}\nprofiles:\n  b:   # second\n    endpoint: "http://b"\n' +
        '  a:\n    <<: *a\n' +
        profileBlock(P).join('\n') +
        '\n\n# after\ndefaultProfile: b\n',
    );
  });

  it('hasProfile sees what addProfile would refuse', () => {
    const text = 'profiles:\n  new:  # here\n    endpoint: x\nother:\n  new: 1\n';
    expect(hasProfile(text, 'new', 'f')).toBe(true);
    expect(hasProfile(text, 'ne', 'f')).toBe(false);
    expect(hasProfile('other:\n  new: 1\n', 'new', 'f')).toBe(false);
    expect(() => addProfile(text, P, 'f', false)).toThrow('already exists');
  });
});
