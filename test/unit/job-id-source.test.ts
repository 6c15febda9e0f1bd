import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JobIdSource } from '../../src/cli/jobs.js';

async function all(source: JobIdSource): Promise<string[]> {
  const out: string[] = [];
  for await (const id of source) out.push(id);
  return out;
}

const stdinOf = (text: string) => {
  const stdin = new PassThrough();
  stdin.end(text);
  return { streams: { stdin } };
};

describe('JobIdSource', () => {
  it('arguments and stdin lines in order, each ID once, blanks and comments skipped', async () => {
    const source = new JobIdSource(['a1', '-', 'a3'], stdinOf('a2\n\n# note\r\n a1 \nb2\r\nlast'));
    expect(await source.hasAny()).toBe(true);
    expect(await all(source)).toEqual(['a1', 'a2', 'b2', 'last', 'a3']);
    expect(source.duplicates).toBe(1);
    expect(source.stdinState).toEqual({ nextLine: 7, complete: true });
  });

  it('IDs that are data (a job list): "-" is a job ID, stdin is never read', async () => {
    const source = new JobIdSource(['-', 'a1']);
    expect(await all(source)).toEqual(['-', 'a1']);
    expect(source.stdinState).toBeUndefined();
  });

  it('a bad line refuses its whole chunk before any ID of it is handed out', async () => {
    const source = new JobIdSource(['-'], stdinOf('a1\na2\nbad/id\na4\n'));
    await expect(source.hasAny()).rejects.toThrow(/^line 3 of stdin: invalid job ID "bad\/id"/);
    expect(source.stdinState).toEqual({ nextLine: 1, complete: false });
  });

  it('every argument is checked at once, and "-" only once', () => {
    expect(() => new JobIdSource(['a1', 'a 2'], stdinOf(''))).toThrow(/invalid job ID "a 2"/);
    expect(() => new JobIdSource(['-', '-'], stdinOf(''))).toThrow(/only once/);
  });

  it('a line too long to be an ID is refused without being held', async () => {
    const source = new JobIdSource(['-'], stdinOf(`${'x'.repeat(10_000)}`));
    await expect(source.hasAny()).rejects.toThrow(/line 1 of stdin is longer than 4096 characters/);
  });

  it('lines cut across chunks, and pieces, come out whole (UTF-8 included)', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `job-${i}`);
    const text = `${ids.join('\n')}\nbad-é\n`;
    const bytes = Buffer.from(text);
    const stdin = new PassThrough();
    const cut = bytes.indexOf('é') + 1; // inside the two bytes of "é"
    const source = new JobIdSource(['-'], { streams: { stdin } });
    const seen: string[] = [];
    const failure = (async () => {
      for await (const id of source) seen.push(id);
    })().then(
      () => undefined,
      (error: Error) => error,
    );
    // A chunk at a time, each taken in before the next is written.
    for (const [from, to] of [
      [0, 7],
      [7, 20_000],
      [20_000, cut],
      [cut, bytes.length],
    ]) {
      stdin.write(bytes.subarray(from, to));
      for (let turn = 0; turn < 10_000 && stdin.readableLength > 0; turn++)
        await new Promise((r) => setImmediate(r));
      expect(stdin.readableLength).toBe(0);
    }
    stdin.end();
    expect((await failure)?.message).toMatch(/^line 3001 of stdin: invalid job ID "bad-é"/);
    expect(seen).toEqual(ids);
  });
});
