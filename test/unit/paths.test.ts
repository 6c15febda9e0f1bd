import { describe, expect, it } from 'vitest';
import { userDirs, whyNoDir } from '../../src/core/paths.js';

describe('user directories', () => {
  it('uses absolute XDG values first, then HOME', () => {
    expect(
      userDirs({ HOME: '/home/u', XDG_CONFIG_HOME: '/x/conf', XDG_CACHE_HOME: '/x/cache' }),
    ).toEqual({
      home: '/home/u',
      config: '/x/conf/ges',
      cache: '/x/cache/ges',
    });
    expect(userDirs({ HOME: '/home/u/' })).toEqual({
      home: '/home/u/',
      config: '/home/u/.config/ges',
      cache: '/home/u/.cache/ges',
    });
  });

  it.each([
    ['relative', '~/.config'],
    ['dot', '.'],
    ['empty', ''],
  ])('ignores a %s XDG value (the XDG rule)', (_, value) => {
    const dirs = userDirs({ HOME: '/home/u', XDG_CONFIG_HOME: value, XDG_CACHE_HOME: value });
    expect(dirs.config).toBe('/home/u/.config/ges');
    expect(dirs.cache).toBe('/home/u/.cache/ges');
  });

  it.each([
    ['unset', {}],
    ['empty', { HOME: '' }],
    ['relative', { HOME: 'home/u' }],
  ])('has no directories when HOME is %s and XDG is not absolute', (_, env) => {
    const dirs = userDirs({ ...env, XDG_CONFIG_HOME: 'rel' });
    expect(dirs).toEqual({ home: null, config: null, cache: null });
    expect(whyNoDir(env, 'cache')).toMatch(/^there is no user cache directory: HOME /);
  });

  it('still uses an absolute XDG value when HOME is unset', () => {
    expect(userDirs({ XDG_CACHE_HOME: '/run/cache' })).toEqual({
      home: null,
      config: null,
      cache: '/run/cache/ges',
    });
  });
});
