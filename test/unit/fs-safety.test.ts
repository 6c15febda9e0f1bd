import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGuarded } from '../../src/core/fs-safety.js';

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
