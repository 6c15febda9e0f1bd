import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { control, emulator, envFor, parseJson, requestLog, runMain } from './helpers.js';

/**
 * Command lines ges refuses: exit 2, one clear message pointing at the right help, the usage
 * error document under --json, and nothing sent.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  await control(emu, 'DELETE', 'requests');
});

describe('usage errors', () => {
  it.each([[['--json']], [['job', '--json']], [['--json', 'config']]])(
    '%j: the envelope, exit 2',
    async (args) => {
      const r = await runMain(args, {});
      expect(r.code).toBe(2);
      expect(parseJson(r.stdout)).toMatchObject({
        ok: false,
        exitCode: 2,
        error: { kind: 'usage' },
      });
    },
  );

  it('commander errors exit 2 with a pointer to the right --help; JSON when asked', async () => {
    const a = await runMain(['job', 'cancel', 'movies']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('no job IDs: give job IDs, "-" to read them from stdin, or --all');
    expect(a.stderr).toContain('ges job cancel --help');
    const s = await runMain(['job', 'status', 'movies']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("missing required argument 'jobId'");
    expect(s.stderr).toContain('ges job status --help');
    const b = await runMain(['job', 'cancle', 'movies', 'a1']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('did you mean ges job cancel?');
    const c = await runMain(['job', 'cancel', 'movies', 'a1', '--bogus', '--json']);
    expect(c.code).toBe(2);
    expect(parseJson(c.stdout).error).toMatchObject({
      kind: 'usage',
      message: "unknown option '--bogus'",
    });
  });

  it('bad graph and job IDs are refused before anything is sent', async () => {
    const env = envFor(emu) as Record<string, string>;
    for (const args of [
      ['9graph', 'a1'],
      ['movies', 'a/1'],
      ['movies', 'x'.repeat(129)],
      ['g'.repeat(65), 'a1'],
    ]) {
      const r = await runMain(['job', 'cancel', ...args], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/invalid (graph name|job ID)/);
    }
    const stdin = await runMain(['job', 'cancel', 'movies', '-'], { env, stdin: 'ok1\nbad id\n' });
    expect(stdin.code).toBe(2);
    expect(await requestLog(emu)).toEqual([]);
  });
});
