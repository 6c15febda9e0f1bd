import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import fsp from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Guarded,
  readGuarded,
  STALE_LOCK_MS,
  updateFileAtomic,
  type WriteFs,
  writeFileAtomic,
} from '../../src/core/fs-safety.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ges-guarded-'));
const file = (name: string, text: string, mode = 0o600): string => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  chmodSync(f, mode);
  return f;
};

describe('readGuarded: a file that decides where credentials go', () => {
  it('reads a safe regular file whole', () => {
    expect(readGuarded(file('ok.yaml', 'profiles: {}\n'), 100)).toEqual({
      bytes: Buffer.from('profiles: {}\n'),
      mode: 0o600,
    });
  });

  it('says when there is none, or it is too large', () => {
    expect(readGuarded(path.join(dir, 'absent'), 100)).toEqual({ missing: true });
    expect(readGuarded(file('big', 'x'.repeat(101)), 100)).toEqual({ tooLarge: true });
  });

  it('refuses a file others can change, naming it as shown', () => {
    const read = readGuarded(file('open.yaml', 'a: 1\n', 0o666), 100, '~/open.yaml');
    expect('unsafe' in read && read.unsafe).toMatch(/^~\/open\.yaml can be changed by anyone/);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO without opening it (it would block)',
    () => {
      const fifo = path.join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const read = readGuarded(fifo, 100);
      expect('unsafe' in read && read.unsafe).toMatch(/is a FIFO, not a regular file/);
      // Whoever owns it, a FIFO is never a file to read.
      const any = readGuarded(fifo, 100, fifo, true);
      expect('unsafe' in any && any.unsafe).toMatch(/is a FIFO, not a regular file/);
    },
  );

  it('with anyOwner, reads a file others could change, and says its mode', () => {
    expect(readGuarded(file('shared.yaml', 'a: 1\n', 0o664), 100, 'shared.yaml', true)).toEqual({
      bytes: Buffer.from('a: 1\n'),
      mode: 0o664,
    });
  });
});

/** An Error as Node's fs throws them. */
const fsError = (code: string): Error => Object.assign(new Error(`${code}: simulated`), { code });

/**
 * node:fs/promises, failing the way a full or read-only disk does: at `open`, half-way through
 * the write (`write`), or at the `rename` into place.
 */
function failingFs(code: string, at: 'open' | 'write' | 'rename'): WriteFs {
  return {
    ...fsp,
    open: (async (file: string, flags?: string, mode?: number) => {
      if (at === 'open') throw fsError(code);
      const handle = await fsp.open(file, flags, mode);
      if (at === 'write')
        handle.writeFile = async (data: string | Uint8Array) => {
          await handle.write(String(data).slice(0, 3));
          throw fsError(code);
        };
      return handle;
    }) as WriteFs['open'],
    rename: async (from, to) => {
      if (at === 'rename') throw fsError(code);
      return fsp.rename(from, to);
    },
  };
}

const fresh = (): string => mkdtempSync(path.join(tmpdir(), 'ges-atomic-'));

describe('writeFileAtomic: the one way ges writes a file', () => {
  it('replaces the file whole, with its mode, leaving nothing beside it', async () => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    writeFileSync(f, 'old');
    await writeFileAtomic(f, 'new', 0o640);
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(d)).toEqual(['list.json']);
  });

  it.each([
    ['ENOSPC', 'write'],
    ['EDQUOT', 'write'],
    ['EROFS', 'open'],
    ['EACCES', 'open'],
    ['EXDEV', 'rename'],
  ] as const)('%s at %s: throws, the file is untouched, no temporary file', async (code, at) => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    writeFileSync(f, 'old');
    await expect(writeFileAtomic(f, 'new content', 0o600, failingFs(code, at))).rejects.toThrow(
      code,
    );
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['list.json']);
  });
});

describe('updateFileAtomic: read-modify-write under a lock', () => {
  const add = (name: string) => async (read: Guarded) => {
    const list = 'bytes' in read ? (JSON.parse(read.bytes.toString()) as string[]) : [];
    return { data: JSON.stringify([...list, name]), result: list.length };
  };
  const options = { mode: 0o600, limit: 1 << 20 };

  it('30 writers at once: every entry lands, no lock or temporary file is left', async () => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    const names = Array.from({ length: 30 }, (_, i) => `n${i}`);
    await Promise.all(names.map((n) => updateFileAtomic(f, add(n), options)));
    expect((JSON.parse(readFileSync(f, 'utf8')) as string[]).sort()).toEqual(names.sort());
    expect(readdirSync(d)).toEqual(['list.json']);
  });

  it('a full disk: the error is thrown, the lock released, no temporary file', async () => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    writeFileSync(f, '["a"]');
    await expect(
      updateFileAtomic(f, add('b'), { ...options, fs: failingFs('ENOSPC', 'write') }),
    ).rejects.toThrow('ENOSPC');
    expect(readFileSync(f, 'utf8')).toBe('["a"]');
    expect(readdirSync(d)).toEqual(['list.json']);
  });

  it('breaks a lock whose holder died, or that is older than the bound', async () => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(`${f}.lock`, `${dead} ${Date.now()} ${hostname()}\n`);
    await updateFileAtomic(f, add('a'), options);
    writeFileSync(`${f}.lock`, `${process.pid} ${Date.now() - STALE_LOCK_MS - 1} elsewhere\n`);
    await updateFileAtomic(f, add('b'), options);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual(['a', 'b']);
    expect(readdirSync(d)).toEqual(['list.json']);
  });

  it('waits for a live holder, and goes on once it lets go', async () => {
    const d = fresh();
    const f = path.join(d, 'list.json');
    const lock = `${f}.lock`;
    writeFileSync(lock, `${process.pid} ${Date.now()} ${hostname()}\n`);
    let looked = 0;
    // The holder lets go the first time the waiting writer looks at the lock.
    const fs: WriteFs = {
      ...fsp,
      readFile: (async (file: string, encoding: BufferEncoding) => {
        const text = await fsp.readFile(file, encoding);
        if (file === lock && looked++ === 0) rmSync(lock);
        return text;
      }) as WriteFs['readFile'],
    };
    await updateFileAtomic(f, add('a'), { ...options, fs });
    expect(looked).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual(['a']);
  });
});
