import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwordLoginBody } from '../../src/core/auth/iam.js';
import { REUSE_MARGIN_MS, TokenCache } from '../../src/core/auth/token-cache.js';
import { PrivateCache } from '../../src/core/cache.js';
import type { WriteFs } from '../../src/core/fs-safety.js';

describe('TokenCache', () => {
  it(
    'writes 0600 files in a 0700 folder, atomically, ' +
      'and reuses until five minutes before expiry',
    async () => {
      const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ges-cache-')), 'ges');
      const cache = new TokenCache(new PrivateCache(dir));
      const key = ['https://iam', 'dom', 'user', 'proj'];
      const now = 1_000_000_000_000;
      await cache.write(key, { token: 't1', expiresAt: now + REUSE_MARGIN_MS + 1000 });
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dir);
      expect(files).toHaveLength(1); // no temporary file left behind
      expect(statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(dir, files[0]!), 'utf8')).not.toContain('dom');
      expect(await cache.read(key, now)).toEqual({
        token: 't1',
        expiresAt: now + REUSE_MARGIN_MS + 1000,
      });
      expect(await cache.read(key, now + 1000)).toBeNull();
      expect(await cache.read(['other'], now)).toBeNull();
      await cache.drop(key);
      expect(await cache.read(key, now)).toBeNull();
    },
  );
});

describe('passwordLoginBody', () => {
  it('scopes by project id, or by name when given', () => {
    const base = {
      iamEndpoint: 'https://iam',
      domain: 'd',
      user: 'u',
      password: 'p',
      projectId: 'pid',
    };
    expect(passwordLoginBody(base)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { domain: { name: 'd' }, name: 'u', password: 'p' } },
        },
        scope: { project: { id: 'pid' } },
      },
    });
    expect((passwordLoginBody({ ...base, projectName: 'cn-north-4' }) as any).auth.scope).toEqual({
      project: { name: 'cn-north-4' },
    });
  });
});

describe('PrivateCache when it cannot be used', () => {
  it('with no user cache directory: every read a miss, nothing written, one note', async () => {
    const notes: string[] = [];
    const cache = new PrivateCache(null, (m) => notes.push(m), 'HOME is not set');
    await cache.write('token', ['k'], { token: 't' });
    await cache.update('graphs', ['k'], () => ({}));
    expect(await cache.read('token', ['k'])).toBeNull();
    await cache.drop('token', ['k']);
    expect(notes).toEqual(['no cache: HOME is not set']);
  });

  it('on a full disk: a note, no temporary file, the same outcome', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ges-cache-')), 'ges');
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const fs: WriteFs = {
      ...fsp,
      open: (async (file: string, flags?: string, mode?: number) => {
        const handle = await fsp.open(file, flags, mode);
        handle.writeFile = async () => {
          throw full;
        };
        return handle;
      }) as WriteFs['open'],
    };
    const notes: string[] = [];
    const cache = new PrivateCache(dir, (m) => notes.push(m), undefined, fs);
    await cache.write('token', ['k'], { token: 't', expiresAt: 1 });
    await cache.update('graphs', ['k'], () => ({ names: [] }));
    expect(notes).toEqual([
      `the cache ${dir} cannot be used (no space left on the device (ENOSPC)); going on without it`,
    ]);
    expect(readdirSync(dir)).toEqual([]);
    expect(await cache.read('token', ['k'])).toBeNull();
  });
});
