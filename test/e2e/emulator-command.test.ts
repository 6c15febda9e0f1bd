import { describe, expect, it } from 'vitest';
import { runMain } from './helpers.js';

/** `ges emulator` run in this process: its flags and what it prints. */

describe('ges emulator', () => {
  it('auth flags come in pairs', async () => {
    const r = await runMain(['emulator', '--port', '0', '--ak', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ak and --sk go together');
    const i = await runMain(['emulator', '--port', '0', '--iam-domain', 'x']);
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('--iam-domain, --iam-user and --iam-password go together');
  });

  it('prints its address even with --quiet', async () => {
    const stop = new AbortController();
    // Stopped once it has said where it listens: a readiness signal, not a guessed delay.
    const r = await runMain(['emulator', '--port', '0', '--quiet'], {
      stop: stop.signal,
      onOutput: (stream) => {
        if (stream === 'stdout') stop.abort('SIGINT');
      },
    });
    expect(r.stdout).toMatch(/^GES emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
